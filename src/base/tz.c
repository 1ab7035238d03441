/* A small TZif reader (RFC 8536) with the POSIX TZ footer rule for instants past the table. */
#include "base/tz.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

#define TZ_DIR "/usr/share/zoneinfo"
#define TZ_MAX_FILE (1 << 20)
#define TZ_MIN_OFFSET (-89999)
#define TZ_MAX_OFFSET 93599

enum rule_kind { RULE_JULIAN1, RULE_DAY0, RULE_MWD };

struct rule {
	enum rule_kind kind;
	int m, w, d; /* M rules */
	int n;       /* J (1..365, no Feb 29) and plain (0..365) rules */
	int32_t time; /* seconds after local midnight (may be negative or over 24 h) */
};

struct posix {
	int present;
	int32_t std_off, dst_off; /* seconds east of UTC */
	int has_dst;
	struct rule start, end;
};

struct tz_zone {
	size_t ntrans, ntypes;
	int64_t *trans;
	unsigned char *idx;
	int32_t *off;
	unsigned char *dst;
	struct posix footer;
};

int64_t tz_floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* Howard Hinnant's days_from_civil / civil_from_days. */
int64_t tz_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void tz_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const int64_t yy = (int64_t)yoe + era * 400;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yy + (*m <= 2);
}

int tz_weekday(int64_t days)
{
	/* 1970-01-01 was a Thursday (3 with Monday = 0) */
	int64_t w = (days + 3) % 7;
	return (int)(w < 0 ? w + 7 : w);
}

static int is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static unsigned month_len(int64_t y, unsigned m)
{
	static const unsigned L[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : L[m - 1];
}

/* --- POSIX TZ strings ("CST6CDT,M3.2.0,M11.1.0") --- */

static const char *parse_name(const char *s)
{
	if (*s == '<') {
		const char *e = strchr(s, '>');
		return e ? e + 1 : NULL;
	}
	const char *p = s;
	while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
		p++;
	return p - s >= 3 ? p : NULL;
}

/* Decimal digits (at least one) of a value up to max -> *out; NULL when none or over max. */
static const char *parse_upto(const char *s, int32_t max, int32_t *out)
{
	if (*s < '0' || *s > '9')
		return NULL;
	int32_t v = 0;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (*s++ - '0');
		if (v > max)
			return NULL;
	}
	*out = v;
	return s;
}

/* [+-]hh[:mm[:ss]] -> seconds; hours up to 167 (for rule times). */
static const char *parse_hms(const char *s, int32_t *out)
{
	int sign = 1;
	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	int32_t h, m = 0, sec = 0;
	if (!(s = parse_upto(s, 167, &h)))
		return NULL;
	if (*s == ':' && !(s = parse_upto(s + 1, 59, &m)))
		return NULL;
	if (*s == ':' && !(s = parse_upto(s + 1, 59, &sec)))
		return NULL;
	*out = sign * (h * 3600 + m * 60 + sec);
	return s;
}

static const char *parse_int(const char *s, int *out)
{
	int32_t v;
	s = parse_upto(s, 99999, &v);
	if (s)
		*out = v;
	return s;
}

static const char *parse_rule(const char *s, struct rule *r)
{
	if (*s == 'M') {
		r->kind = RULE_MWD;
		if (!(s = parse_int(s + 1, &r->m)) || *s++ != '.' || !(s = parse_int(s, &r->w)) || *s++ != '.' ||
		    !(s = parse_int(s, &r->d)))
			return NULL;
		if (r->m < 1 || r->m > 12 || r->w < 1 || r->w > 5 || r->d > 6)
			return NULL;
	} else if (*s == 'J') {
		r->kind = RULE_JULIAN1;
		if (!(s = parse_int(s + 1, &r->n)) || r->n < 1 || r->n > 365)
			return NULL;
	} else {
		r->kind = RULE_DAY0;
		if (!(s = parse_int(s, &r->n)) || r->n > 365)
			return NULL;
	}
	r->time = 7200;
	if (*s == '/' && !(s = parse_hms(s + 1, &r->time)))
		return NULL;
	return s;
}

static int parse_posix(const char *s, struct posix *p)
{
	int32_t off;
	memset(p, 0, sizeof *p);
	if (!(s = parse_name(s)) || !(s = parse_hms(s, &off)))
		return -1;
	p->std_off = -off;
	p->dst_off = p->std_off + 3600;
	p->present = 1;
	if (!*s)
		return 0;
	if (!(s = parse_name(s)))
		return -1;
	p->has_dst = 1;
	if (*s && *s != ',') {
		if (!(s = parse_hms(s, &off)))
			return -1;
		p->dst_off = -off;
	}
	if (*s != ',') /* no rule: POSIX default is US rules; TZif footers always carry one */
		return -1;
	if (!(s = parse_rule(s + 1, &p->start)) || *s != ',' || !(s = parse_rule(s + 1, &p->end)))
		return -1;
	return *s ? -1 : 0;
}

/* Local seconds (in the zone's wall time at that moment) of the rule's transition in year y. */
static int64_t rule_local(const struct rule *r, int64_t y)
{
	int64_t day;
	if (r->kind == RULE_JULIAN1) {
		day = tz_days_from_civil(y, 1, 1) + r->n - 1 + (is_leap(y) && r->n >= 60);
	} else if (r->kind == RULE_DAY0) {
		day = tz_days_from_civil(y, 1, 1) + r->n;
	} else {
		int64_t first = tz_days_from_civil(y, (unsigned)r->m, 1);
		int sun0 = (tz_weekday(first) + 1) % 7; /* 0 = Sunday */
		int md = (r->d - sun0 + 7) % 7 + (r->w - 1) * 7;
		while (md >= (int)month_len(y, (unsigned)r->m))
			md -= 7;
		day = first + md;
	}
	return day * 86400 + r->time;
}

static int32_t posix_offset(const struct posix *p, int64_t t, int *is_dst)
{
	*is_dst = 0;
	if (!p->has_dst)
		return p->std_off;
	int64_t y;
	unsigned m, d;
	tz_civil_from_days(tz_floordiv(t + p->std_off, 86400), &y, &m, &d);
	int64_t start = rule_local(&p->start, y) - p->std_off; /* DST starts: rule time is in standard time */
	int64_t end = rule_local(&p->end, y) - p->dst_off;     /* DST ends: rule time is in daylight time */
	int dst = start < end ? (t >= start && t < end) : (t < end || t >= start);
	*is_dst = dst;
	return dst ? p->dst_off : p->std_off;
}

/* --- TZif --- */

static uint32_t be32(const unsigned char *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static uint64_t be64(const unsigned char *p) { return (uint64_t)be32(p) << 32 | be32(p + 4); }

void tz_free(tz_zone *z)
{
	if (!z)
		return;
	free(z->trans);
	free(z->idx);
	free(z->off);
	free(z->dst);
	free(z);
}

tz_zone *tz_parse(const unsigned char *buf, size_t len)
{
	if (len < 44 || memcmp(buf, "TZif", 4) != 0)
		return NULL;
	int version = buf[4] ? buf[4] - '0' : 1;
	const unsigned char *h = buf;
	size_t tsize = 4;
	uint32_t cnt[6];
	for (int i = 0; i < 6; i++)
		cnt[i] = be32(h + 20 + 4 * i);
	size_t v1len = 44 + (size_t)cnt[3] * 5 + (size_t)cnt[4] * 6 + cnt[5] + (size_t)cnt[2] * 8 + cnt[1] + cnt[0];
	if (v1len > len)
		return NULL;
	if (version >= 2) {
		h = buf + v1len;
		if (v1len + 44 > len || memcmp(h, "TZif", 4) != 0)
			return NULL;
		for (int i = 0; i < 6; i++)
			cnt[i] = be32(h + 20 + 4 * i);
		tsize = 8;
	}
	size_t isut = cnt[0], isstd = cnt[1], leap = cnt[2], timecnt = cnt[3], typecnt = cnt[4], charcnt = cnt[5];
	const unsigned char *p = h + 44;
	size_t body = timecnt * tsize + timecnt + typecnt * 6 + charcnt + leap * (tsize + 4) + isstd + isut;
	if (typecnt == 0 || typecnt > 256 || (size_t)(p - buf) + body > len)
		return NULL;
	tz_zone *z = xcalloc(1, sizeof *z);
	z->ntrans = timecnt;
	z->ntypes = typecnt;
	z->trans = xmalloc((timecnt ? timecnt : 1) * sizeof *z->trans);
	z->idx = xmalloc(timecnt ? timecnt : 1);
	z->off = xmalloc(typecnt * sizeof *z->off);
	z->dst = xmalloc(typecnt);
	for (size_t i = 0; i < timecnt; i++)
		z->trans[i] = tsize == 8 ? (int64_t)be64(p + 8 * i) : (int64_t)(int32_t)be32(p + 4 * i);
	p += timecnt * tsize;
	for (size_t i = 0; i < timecnt; i++) {
		z->idx[i] = p[i];
		if (p[i] >= typecnt) {
			tz_free(z);
			return NULL;
		}
	}
	p += timecnt;
	for (size_t i = 0; i < typecnt; i++) {
		z->off[i] = (int32_t)be32(p + 6 * i);
		z->dst[i] = p[6 * i + 4];
		/* RFC 8536 3.2: isdst is 0 or 1, utoff within -25 h .. +26 h */
		if (z->dst[i] > 1 || z->off[i] < TZ_MIN_OFFSET || z->off[i] > TZ_MAX_OFFSET) {
			tz_free(z);
			return NULL;
		}
	}
	p += typecnt * 6 + charcnt + leap * (tsize + 4) + isstd + isut;
	if (version >= 2 && p < buf + len && *p == '\n') {
		const unsigned char *e = memchr(p + 1, '\n', (size_t)(buf + len - p - 1));
		if (e && e - p - 1 < 128) {
			char s[128];
			memcpy(s, p + 1, (size_t)(e - p - 1));
			s[e - p - 1] = '\0';
			if (*s && parse_posix(s, &z->footer) != 0)
				memset(&z->footer, 0, sizeof z->footer);
		}
	}
	return z;
}

int32_t tz_offset_at(const tz_zone *z, int64_t t, int *is_dst)
{
	int dummy;
	if (!is_dst)
		is_dst = &dummy;
	if (z->ntrans == 0 || t >= z->trans[z->ntrans - 1]) {
		if (z->footer.present)
			return posix_offset(&z->footer, t, is_dst);
		size_t k = z->ntrans ? z->idx[z->ntrans - 1] : 0;
		*is_dst = z->dst[k];
		return z->off[k];
	}
	if (t < z->trans[0]) {
		*is_dst = z->dst[0];
		return z->off[0];
	}
	size_t lo = 0, hi = z->ntrans - 1; /* trans[lo] <= t < trans[hi] */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (z->trans[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	*is_dst = z->dst[z->idx[lo]];
	return z->off[z->idx[lo]];
}

int tz_local_to_utc(const tz_zone *z, int64_t local, int64_t out[2])
{
	/* offsets a day either side cover every real transition (none are closer than a day apart) */
	int32_t cand[2] = {tz_offset_at(z, local - 86400, NULL), tz_offset_at(z, local + 86400, NULL)};
	int n = 0;
	for (int i = 0; i < 2; i++) {
		if (i == 1 && cand[1] == cand[0])
			break;
		int64_t u = local - cand[i];
		if (tz_offset_at(z, u, NULL) == cand[i])
			out[n++] = u;
	}
	if (n == 2 && out[0] > out[1]) {
		int64_t t = out[0];
		out[0] = out[1];
		out[1] = t;
	}
	return n;
}

int64_t tz_resolve(const tz_zone *z, int64_t local)
{
	int64_t u[2];
	if (tz_local_to_utc(z, local, u) > 0)
		return u[0];
	/* in a gap: read the wall time with the offset in force before it */
	return local - tz_offset_at(z, local - 86400, NULL);
}

/* --- loading and the cache --- */

struct cached {
	char *name;
	tz_zone *zone;
	struct cached *next;
};
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cached *cache;

static int name_ok(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > 64 || name[0] == '/' || strstr(name, ".."))
		return 0;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '/' ||
		      *p == '_' || *p == '-' || *p == '+'))
			return 0;
	return 1;
}

static tz_zone *load(const char *name)
{
	char *path = xasprintf("%s/%s", TZ_DIR, name);
	FILE *f = fopen(path, "rb");
	free(path);
	if (!f) {
		if (strcmp(name, "UTC") != 0)
			return NULL;
		/* a built-in UTC when the database is missing */
		tz_zone *u = xcalloc(1, sizeof *u);
		u->ntypes = 1;
		u->trans = xmalloc(sizeof *u->trans);
		u->idx = xmalloc(1);
		u->off = xcalloc(1, sizeof *u->off);
		u->dst = xcalloc(1, 1);
		return u;
	}
	unsigned char *buf = xmalloc(TZ_MAX_FILE);
	size_t len = fread(buf, 1, TZ_MAX_FILE, f);
	fclose(f);
	tz_zone *z = tz_parse(buf, len);
	free(buf);
	return z;
}

const tz_zone *tz_get(const char *name)
{
	if (!name || !name_ok(name))
		return NULL;
	pthread_mutex_lock(&cache_lock);
	const tz_zone *found = NULL;
	for (struct cached *c = cache; c; c = c->next)
		if (strcmp(c->name, name) == 0) {
			found = c->zone;
			break;
		}
	if (!found) {
		tz_zone *z = load(name);
		if (z) {
			struct cached *c = xmalloc(sizeof *c);
			c->name = xstrdup(name);
			c->zone = z;
			c->next = cache;
			cache = c;
			found = z;
		}
	}
	pthread_mutex_unlock(&cache_lock);
	return found;
}
