/* iCalendar feed text (core/ical.c) for any names and times the on-call calendar can hold.
 *
 * Input: a byte with the number of events (0-3), two 4-byte times per event (spread over what an
 * RFC 3339 query can reach: 1970-01-01T00:00+23:59 to 9999-12-31T23:59-23:59 and 13 weeks more),
 * then NUL-separated texts: the calendar name, and per event its uid, summary, description and
 * location.
 * The calendar must be what RFC 5545 allows: CRLF lines of at most 75 octets, folded between
 * characters, UTC DATE-TIMEs; and unfolding and unescaping gives back every text (less CRs). */
#include "core/ical.h"

#include "fuzz.h"

#define NTEXT 4
#define Y2026_MS 1767225600000LL
#define DAY_MS 86400000LL
#define FIRST_DATE_TIME_MS (-62167219200000LL) /* 0000-01-01T00:00:00Z */
#define LAST_DATE_TIME_MS 253402300799000LL    /* 9999-12-31T23:59:59Z */
#define FIRST_MS (-DAY_MS)                              /* 1970-01-01T00:00+23:59, about */
#define LAST_MS (253402300800000LL + DAY_MS * (1 + 91)) /* 9999-12-31T23:59-23:59 + 13 weeks */

struct content {
	char *s; /* the unfolded text */
	const char *p;
};

static int64_t take_time(const uint8_t **data, size_t *size)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++)
		v = v << 8 | fuzz_byte(data, size);
	return FIRST_MS + (int64_t)((double)v / 4294967296.0 * (double)(LAST_MS - FIRST_MS));
}

/* Physical lines: CRLF-terminated, at most 75 octets, whole UTF-8 characters when the texts are. */
static void check_lines(const char *cal, int utf8)
{
	const char *p = cal;
	while (*p) {
		const char *eol = strstr(p, "\r\n");
		FUZZ_ASSERT(eol);
		FUZZ_ASSERT(eol - p <= 75);
		FUZZ_ASSERT(!memchr(p, '\r', (size_t)(eol - p)) && !memchr(p, '\n', (size_t)(eol - p)));
		if (utf8) {
			json_t *line = json_stringn(p, (size_t)(eol - p));
			FUZZ_ASSERT(line);
			json_decref(line);
		}
		p = eol + 2;
	}
}

/* Unfold: a CRLF followed by a space continues the line. */
static char *unfold(const char *cal)
{
	char *out = xmalloc(strlen(cal) + 1), *o = out;
	for (const char *p = cal; *p;) {
		if (p[0] == '\r' && p[1] == '\n' && p[2] == ' ') {
			p += 3;
			continue;
		}
		*o++ = *p++;
	}
	*o = '\0';
	return out;
}

/* The next content line must be NAME:value; returns its value (new). */
static char *expect_line(struct content *c, const char *name)
{
	size_t n = strlen(name);
	FUZZ_ASSERT(strncmp(c->p, name, n) == 0 && c->p[n] == ':');
	const char *v = c->p + n + 1, *eol = strstr(v, "\r\n");
	FUZZ_ASSERT(eol);
	char *out = fuzz_cstr((const uint8_t *)v, (size_t)(eol - v));
	c->p = eol + 2;
	return out;
}

/* A TEXT value unescaped equals the original without its CRs. */
static void expect_text(struct content *c, const char *name, const char *want)
{
	char *v = expect_line(c, name), *got = xmalloc(strlen(v) + 1), *o = got;
	for (const char *p = v; *p; p++) {
		if (*p == '\\') {
			p++;
			FUZZ_ASSERT(*p == '\\' || *p == ';' || *p == ',' || *p == 'n' || *p == 'N');
			*o++ = *p == 'n' || *p == 'N' ? '\n' : *p;
		} else {
			FUZZ_ASSERT(*p != ';' && *p != ',');
			*o++ = *p;
		}
	}
	*o = '\0';
	char *plain = xstrdup(want), *q = plain;
	for (const char *p = want; *p; p++)
		if (*p != '\r')
			*q++ = *p;
	*q = '\0';
	FUZZ_ASSERT(strcmp(got, plain) == 0);
	free(plain);
	free(got);
	free(v);
}

static void expect_fixed(struct content *c, const char *name, const char *value)
{
	char *v = expect_line(c, name);
	FUZZ_ASSERT(strcmp(v, value) == 0);
	free(v);
}

/* A UTC DATE-TIME: yyyymmddThhmmssZ. */
static void expect_time(struct content *c, const char *name)
{
	char *v = expect_line(c, name);
	FUZZ_ASSERT(strlen(v) == 16 && v[8] == 'T' && v[15] == 'Z');
	for (int i = 0; i < 15; i++)
		FUZZ_ASSERT(i == 8 || (v[i] >= '0' && v[i] <= '9'));
	free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = fuzz_byte(&data, &size) % 4;
	struct ical_event ev[3];
	char *texts[3][NTEXT];
	int64_t times[3][2];
	for (size_t i = 0; i < n; i++) {
		times[i][0] = take_time(&data, &size);
		times[i][1] = take_time(&data, &size);
	}
	char *name = fuzz_field(&data, &size);
	int utf8 = utf8_valid_text(name, strlen(name));
	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < NTEXT; k++) {
			texts[i][k] = fuzz_field(&data, &size);
			utf8 &= utf8_valid_text(texts[i][k], strlen(texts[i][k]));
		}
		ev[i] = (struct ical_event){texts[i][0], times[i][0], times[i][1], texts[i][1], texts[i][2], texts[i][3]};
	}
	char *cal = ical_calendar(name, ev, n, Y2026_MS);
	check_lines(cal, utf8);
	struct content c = {unfold(cal), NULL};
	c.p = c.s;
	expect_fixed(&c, "BEGIN", "VCALENDAR");
	expect_fixed(&c, "VERSION", "2.0");
	expect_fixed(&c, "PRODID", "-//Frontline//On-call rotas//EN");
	expect_fixed(&c, "CALSCALE", "GREGORIAN");
	expect_fixed(&c, "METHOD", "PUBLISH");
	expect_text(&c, "X-WR-CALNAME", name);
	for (size_t i = 0; i < n; i++) {
		if (times[i][0] > LAST_DATE_TIME_MS || times[i][1] < FIRST_DATE_TIME_MS)
			continue; /* not writable as a DATE-TIME: left out */
		expect_fixed(&c, "BEGIN", "VEVENT");
		expect_text(&c, "UID", texts[i][0]);
		expect_time(&c, "DTSTAMP");
		expect_time(&c, "DTSTART");
		expect_time(&c, "DTEND");
		expect_text(&c, "SUMMARY", texts[i][1]);
		if (*texts[i][2])
			expect_text(&c, "DESCRIPTION", texts[i][2]);
		if (*texts[i][3])
			expect_text(&c, "LOCATION", texts[i][3]);
		expect_fixed(&c, "TRANSP", "TRANSPARENT");
		expect_fixed(&c, "END", "VEVENT");
	}
	expect_fixed(&c, "END", "VCALENDAR");
	FUZZ_ASSERT(*c.p == '\0');
	free(c.s);
	free(cal);
	free(name);
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < NTEXT; k++)
			free(texts[i][k]);
	return 0;
}
