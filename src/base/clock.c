#include "base/clock.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

void clock_init_real(fl_clock *c)
{
	c->manual = 0;
	c->now_ms = 0;
}

void clock_init_manual(fl_clock *c, int64_t start_ms)
{
	c->manual = 1;
	c->now_ms = start_ms;
}

int64_t clock_now(fl_clock *c)
{
	if (c->manual)
		return c->now_ms;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int clock_set(fl_clock *c, int64_t ms)
{
	if (!c->manual || ms < c->now_ms)
		return -1;
	c->now_ms = ms;
	return 0;
}

int clock_advance(fl_clock *c, int64_t delta_ms)
{
	if (!c->manual || delta_ms < 0)
		return -1;
	c->now_ms += delta_ms;
	return 0;
}

static int digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)**p))
			return -1;
		v = v * 10 + (**p - '0');
		(*p)++;
	}
	*out = v;
	return 0;
}

int time_parse(const char *s, int64_t *out_ms)
{
	int Y, M, D, h, m, sec = 0, ms = 0;
	const char *p = s;
	if (!s || digits(&p, 4, &Y) || *p++ != '-' || digits(&p, 2, &M) || *p++ != '-' || digits(&p, 2, &D))
		return -1;
	if (*p != 'T' && *p != 't' && *p != ' ')
		return -1;
	p++;
	if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &m))
		return -1;
	if (*p == ':') {
		p++;
		if (digits(&p, 2, &sec))
			return -1;
		if (*p == '.') {
			p++;
			int n = 0;
			while (isdigit((unsigned char)*p)) {
				if (n < 3) {
					ms = ms * 10 + (*p - '0');
				}
				n++;
				p++;
			}
			if (n == 0)
				return -1;
			for (; n < 3; n++)
				ms *= 10;
		}
	}
	int off = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1, oh, om;
		p++;
		if (digits(&p, 2, &oh) || *p++ != ':' || digits(&p, 2, &om) || oh > 23 || om > 59)
			return -1;
		off = sign * (oh * 60 + om);
	} else {
		return -1;
	}
	if (*p)
		return -1;
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (Y < 1970 || Y > 9999 || M < 1 || M > 12 || D < 1 || D > mdays[M - 1] || h > 23 || m > 59 || sec > 60)
		return -1;
	int leap = (Y % 4 == 0 && Y % 100 != 0) || Y % 400 == 0;
	if (M == 2 && D == 29 && !leap)
		return -1;
	struct tm tm = {0};
	tm.tm_year = Y - 1900;
	tm.tm_mon = M - 1;
	tm.tm_mday = D;
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = sec > 59 ? 59 : sec;
	time_t t = timegm(&tm);
	*out_ms = ((int64_t)t - (int64_t)off * 60) * 1000 + ms;
	return 0;
}

const char *time_format(int64_t ms, char *buf, unsigned long size)
{
	time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	int rem = (int)(ms - (int64_t)t * 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	int year = tm.tm_year + 1900;
	if (size < 25 || year < 0 || year > 9999) {
		snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", year, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
			 tm.tm_sec, rem);
		return buf;
	}
	/* by hand: every time in every answer comes through here, and snprintf was most of it */
	const int parts[] = {year, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, rem};
	const int width[] = {4, 2, 2, 2, 2, 2, 3};
	const char after[] = {'-', '-', 'T', ':', ':', '.', 'Z'};
	char *p = buf;
	for (int i = 0; i < 7; i++) {
		for (int d = width[i] - 1, v = parts[i]; d >= 0; d--, v /= 10)
			p[d] = (char)('0' + v % 10);
		p += width[i];
		*p++ = after[i];
	}
	*p = '\0';
	return buf;
}
