/* iCalendar text (see ical.h). */
#include "core/ical.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/util.h"

struct buf {
	char *s;
	size_t len, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *ns = realloc(b->s, cap);
		if (!ns)
			fl_die("out of memory");
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* One content line "NAME:value" folded at 75 octets. */
static void line(struct buf *b, const char *name, const char *value, int escape)
{
	struct buf l = {0};
	put(&l, name, strlen(name));
	put(&l, ":", 1);
	for (const char *p = value; *p; p++) {
		if (escape && (*p == '\\' || *p == ';' || *p == ',')) {
			put(&l, "\\", 1);
			put(&l, p, 1);
		} else if (escape && *p == '\n') {
			put(&l, "\\n", 2);
		} else if (*p == '\r') {
			continue;
		} else {
			put(&l, p, 1);
		}
	}
	size_t col = 0;
	for (size_t i = 0; i < l.len;) {
		size_t clen = 1;
		unsigned char ch = (unsigned char)l.s[i];
		if (ch >= 0xf0)
			clen = 4;
		else if (ch >= 0xe0)
			clen = 3;
		else if (ch >= 0xc0)
			clen = 2;
		if (i + clen > l.len)
			clen = l.len - i;
		if (col + clen > 75) {
			put(b, "\r\n ", 3);
			col = 1;
		}
		put(b, l.s + i, clen);
		col += clen;
		i += clen;
	}
	put(b, "\r\n", 2);
	free(l.s);
}

/* The instants a DATE-TIME can write: years 0000 to 9999. */
#define FIRST_MS (-62167219200000LL) /* 0000-01-01T00:00:00Z */
#define LAST_MS 253402300799000LL    /* 9999-12-31T23:59:59Z */

static int64_t clamp(int64_t ms) { return ms < FIRST_MS ? FIRST_MS : ms > LAST_MS ? LAST_MS : ms; }

static void utc(char out[20], int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	/* the year by hand: strftime's %Y writes year 999 as "999" */
	snprintf(out, 20, "%04d", tm.tm_year + 1900);
	strftime(out + 4, 16, "%m%dT%H%M%SZ", &tm);
}

char *ical_calendar(const char *name, const struct ical_event *ev, size_t n, int64_t stamp)
{
	struct buf b = {0};
	char ts[20], st[20], en[20];
	utc(ts, stamp);
	line(&b, "BEGIN", "VCALENDAR", 0);
	line(&b, "VERSION", "2.0", 0);
	line(&b, "PRODID", "-//Frontline//On-call rotas//EN", 0);
	line(&b, "CALSCALE", "GREGORIAN", 0);
	line(&b, "METHOD", "PUBLISH", 0);
	line(&b, "X-WR-CALNAME", name, 1);
	for (size_t i = 0; i < n; i++) {
		if (ev[i].start > LAST_MS || ev[i].end < FIRST_MS)
			continue;
		utc(st, clamp(ev[i].start));
		utc(en, clamp(ev[i].end));
		line(&b, "BEGIN", "VEVENT", 0);
		line(&b, "UID", ev[i].uid, 1);
		line(&b, "DTSTAMP", ts, 0);
		line(&b, "DTSTART", st, 0);
		line(&b, "DTEND", en, 0);
		line(&b, "SUMMARY", ev[i].summary, 1);
		if (ev[i].description && *ev[i].description)
			line(&b, "DESCRIPTION", ev[i].description, 1);
		if (ev[i].location && *ev[i].location)
			line(&b, "LOCATION", ev[i].location, 1);
		line(&b, "TRANSP", "TRANSPARENT", 0);
		line(&b, "END", "VEVENT", 0);
	}
	line(&b, "END", "VCALENDAR", 0);
	return b.s;
}
