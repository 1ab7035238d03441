/* On-call rota arithmetic (see rota.h). */
#include "core/rota.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

#define DAY_S 86400
#define HORIZON_MS (8LL * DAY_S * 1000)

int rota_parse_hhmm(const char *s, int allow_24)
{
	if (!s || strlen(s) != 5 || s[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
	if (allow_24 && h == 24 && m == 0)
		return 1440;
	if (h > 23 || m > 59)
		return -1;
	return h * 60 + m;
}

int rota_parse_day(const char *s)
{
	static const char *const D[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
	static const char *const F[] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
	if (!s)
		return -1;
	for (int i = 0; i < 7; i++)
		if (strcmp(s, D[i]) == 0 || strcmp(s, F[i]) == 0)
			return i;
	return -1;
}

int rota_parse_date(const char *s, int64_t *days)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1; /* sscanf's %d would take "+3" or " 3" */
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	if (y < 1970 || y > 2200 || m < 1 || m > 12 || d < 1)
		return -1;
	int64_t v = tz_days_from_civil(y, (unsigned)m, (unsigned)d);
	int64_t yy;
	unsigned mm, dd;
	tz_civil_from_days(v, &yy, &mm, &dd);
	if (yy != y || (int)mm != m || (int)dd != d)
		return -1; /* 2026-02-30 */
	*days = v;
	return 0;
}

void rota_format_date(int64_t days, char out[ROTA_DATE_SIZE])
{
	int64_t y;
	unsigned m, d;
	tz_civil_from_days(days, &y, &m, &d);
	snprintf(out, ROTA_DATE_SIZE, "%04lld-%02u-%02u", (long long)y, m, d);
}

static int64_t handover_local(const struct rota_layer *l, int64_t k)
{
	return (l->start_day + k * l->period_days) * DAY_S + (int64_t)l->handoff_min * 60;
}

int64_t rota_handover(const tz_zone *z, const struct rota_layer *l, int64_t k)
{
	return tz_resolve(z, handover_local(l, k)) * 1000;
}

int64_t rota_begins(const tz_zone *z, const struct rota_layer *l)
{
	return l->lead_days > 0 ? tz_resolve(z, (l->start_day - l->lead_days) * DAY_S) * 1000 : rota_handover(z, l, 0);
}

int64_t rota_index_at(const tz_zone *z, const struct rota_layer *l, int64_t t)
{
	int64_t ts = tz_floordiv(t, 1000);
	int64_t local = ts + tz_offset_at(z, ts, NULL);
	int64_t k = tz_floordiv(local - handover_local(l, 0), (int64_t)l->period_days * DAY_S);
	while (rota_handover(z, l, k + 1) <= t)
		k++;
	while (rota_handover(z, l, k) > t)
		k--;
	return k < 0 ? -1 : k;
}

int rota_check(const tz_zone *z, const struct rota_layer *l, int64_t from, int64_t to, fl_err *err)
{
	if (l->nmembers < 1 || l->nmembers > ROTA_MAX_MEMBERS || l->period_days < 1 || l->period_days > 28 ||
	    l->handoff_min < 0 || l->handoff_min >= 1440 || l->nwindows < 0 || l->nwindows > ROTA_MAX_WINDOWS ||
	    l->lead_days < 0 || l->lead_days > ROTA_MAX_LEAD_DAYS)
		return err_set(err, ERR_INVALID, "invalid_rota", NULL,
			       "a layer needs 1-100 members, a period of 1-28 days, a hand-over time 00:00-23:59 and "
			       "cover from at most 6 days before its first hand-over");
	for (int i = 0; i < l->nwindows; i++) {
		const struct rota_window *w = &l->windows[i];
		if (!(w->days & 0x7f) || w->from_min < 0 || w->from_min >= 1440 || w->to_min < 0 || w->to_min > 1440)
			return err_set(err, ERR_INVALID, "invalid_window", "windows", "a window needs days and times 00:00-24:00");
	}
	int64_t k = rota_index_at(z, l, from);
	if (k < 0)
		k = 0;
	for (; rota_handover(z, l, k) < to; k++) {
		int64_t u[2];
		int64_t local = handover_local(l, k);
		if (tz_local_to_utc(z, local, u) == 0) {
			char date[ROTA_DATE_SIZE];
			rota_format_date(tz_floordiv(local, DAY_S), date);
			return err_set(err, ERR_INVALID, "handover_time_nonexistent", "handoff",
				       "the hand-over time %02d:%02d does not exist on %s (daylight-saving change); "
				       "choose another time",
				       l->handoff_min / 60, l->handoff_min % 60, date);
		}
	}
	return 0;
}

int rota_overlap(const struct rota_interval *a, const struct rota_interval *b)
{
	return a->start < b->end && b->start < a->end;
}

/* --- a growable list of intervals --- */
struct ivs {
	struct rota_interval *v;
	size_t n, cap;
};

static void ivs_add(struct ivs *a, int64_t s, int64_t e, int who)
{
	if (e <= s)
		return;
	a->v = xgrow(a->v, a->n, &a->cap, 16, sizeof *a->v);
	a->v[a->n++] = (struct rota_interval){s, e, who};
}

static int by_start(const void *x, const void *y)
{
	const struct rota_interval *a = x, *b = y;
	return a->start < b->start ? -1 : a->start > b->start ? 1 : (a->end > b->end) - (a->end < b->end);
}

/* The layer's windows as merged UTC intervals within [from, to). */
static void windows_between(const tz_zone *z, const struct rota_layer *l, int64_t from, int64_t to, struct ivs *out)
{
	int64_t fs = tz_floordiv(from, 1000), ts = tz_floordiv(to, 1000) + 1;
	int64_t d0 = tz_floordiv(fs + tz_offset_at(z, fs, NULL), DAY_S) - 1;
	int64_t d1 = tz_floordiv(ts + tz_offset_at(z, ts, NULL), DAY_S) + 1;
	struct ivs raw = {0};
	for (int64_t day = d0; day <= d1; day++) {
		int wd = tz_weekday(day);
		for (int i = 0; i < l->nwindows; i++) {
			const struct rota_window *w = &l->windows[i];
			if (!(w->days & (1u << wd)))
				continue;
			int len = w->to_min > w->from_min ? w->to_min - w->from_min : 1440 - w->from_min + w->to_min;
			int64_t ls = day * DAY_S + (int64_t)w->from_min * 60, le = ls + (int64_t)len * 60;
			int64_t us = tz_resolve(z, ls) * 1000, ue = tz_resolve(z, le) * 1000;
			ivs_add(&raw, us > from ? us : from, ue < to ? ue : to, 0);
		}
	}
	if (raw.n)
		qsort(raw.v, raw.n, sizeof *raw.v, by_start);
	for (size_t i = 0; i < raw.n; i++) {
		if (out->n && raw.v[i].start <= out->v[out->n - 1].end) {
			if (raw.v[i].end > out->v[out->n - 1].end)
				out->v[out->n - 1].end = raw.v[i].end;
		} else {
			ivs_add(out, raw.v[i].start, raw.v[i].end, 0);
		}
	}
	free(raw.v);
}

size_t rota_shifts(const tz_zone *z, const struct rota_layer *l, const struct rota_interval *ov, size_t nov, int64_t from,
		   int64_t to, struct rota_interval **out)
{
	struct ivs rot = {0}, cut = {0}, res = {0};
	*out = NULL;
	if (to <= from || l->nmembers < 1 || l->period_days < 1)
		return 0;
	/* the rotation */
	int64_t k = rota_index_at(z, l, from);
	if (k < 0)
		k = 0;
	for (int64_t h = k == 0 ? rota_begins(z, l) : rota_handover(z, l, k); h < to; k++) {
		int64_t next = rota_handover(z, l, k + 1);
		ivs_add(&rot, h > from ? h : from, next < to ? next : to, (int)(k % l->nmembers));
		h = next;
	}
	/* cut to the windows */
	if (l->nwindows == 0) {
		cut = rot;
		rot = (struct ivs){0};
	} else {
		struct ivs win = {0};
		windows_between(z, l, from, to, &win);
		size_t i = 0, j = 0;
		while (i < rot.n && j < win.n) {
			int64_t s = rot.v[i].start > win.v[j].start ? rot.v[i].start : win.v[j].start;
			int64_t e = rot.v[i].end < win.v[j].end ? rot.v[i].end : win.v[j].end;
			ivs_add(&cut, s, e, rot.v[i].who);
			if (rot.v[i].end < win.v[j].end)
				i++;
			else
				j++;
		}
		free(win.v);
	}
	/* minus the overrides */
	for (size_t o = 0; o < nov; o++) {
		struct ivs next = {0};
		for (size_t i = 0; i < cut.n; i++) {
			struct rota_interval a = cut.v[i];
			if (!rota_overlap(&a, &ov[o])) {
				ivs_add(&next, a.start, a.end, a.who);
				continue;
			}
			ivs_add(&next, a.start, ov[o].start, a.who);
			ivs_add(&next, ov[o].end, a.end, a.who);
		}
		free(cut.v);
		cut = next;
	}
	/* plus the overrides */
	res = cut;
	for (size_t o = 0; o < nov; o++)
		ivs_add(&res, ov[o].start > from ? ov[o].start : from, ov[o].end < to ? ov[o].end : to, ROTA_OVERRIDE + (int)o);
	free(rot.v);
	if (res.n)
		qsort(res.v, res.n, sizeof *res.v, by_start);
	*out = res.v;
	return res.n;
}

int rota_who_at(const tz_zone *z, const struct rota_layer *l, const struct rota_interval *ov, size_t nov, int64_t t,
		struct rota_interval *shift)
{
	struct rota_interval *v;
	size_t n = rota_shifts(z, l, ov, nov, t, t + HORIZON_MS, &v);
	int found = 0;
	for (size_t i = 0; i < n && !found; i++)
		if (v[i].start <= t && t < v[i].end) {
			*shift = v[i];
			/* a shift continues when the same person covers the next piece */
			for (size_t j = i + 1; j < n && v[j].start == shift->end && v[j].who == shift->who; j++)
				shift->end = v[j].end;
			found = 1;
		}
	free(v);
	return found;
}

size_t rota_gaps(struct rota_interval *iv, size_t n, int64_t from, int64_t to, struct rota_interval **out)
{
	struct ivs g = {0};
	if (n)
		qsort(iv, n, sizeof *iv, by_start);
	int64_t at = from;
	for (size_t i = 0; i < n && at < to; i++) {
		if (iv[i].end <= at)
			continue;
		if (iv[i].start > at)
			ivs_add(&g, at, iv[i].start < to ? iv[i].start : to, -1);
		if (iv[i].end > at)
			at = iv[i].end;
	}
	if (at < to)
		ivs_add(&g, at, to, -1);
	*out = g.v;
	return g.n;
}

int rota_hours_open(const char *ranges, int minute)
{
	if (!ranges || !*ranges || strcmp(ranges, "closed") == 0)
		return 0;
	int open = 0, prev_end = 0;
	const char *p = ranges;
	for (;;) {
		char a[6], b[6];
		if (strlen(p) < 11 || p[5] != '-')
			return -1;
		memcpy(a, p, 5);
		a[5] = '\0';
		memcpy(b, p + 6, 5);
		b[5] = '\0';
		int from = rota_parse_hhmm(a, 0), to = rota_parse_hhmm(b, 1);
		if (from < 0 || to < 0 || to <= from || from < prev_end)
			return -1;
		prev_end = to;
		if (minute >= from && minute < to)
			open = 1;
		p += 11;
		if (*p == '\0')
			return open;
		if (*p != ',')
			return -1;
		p++;
	}
}

int rota_is_absent(const struct rota_interval *shift, const unsigned char *absent, int nmembers)
{
	if (!absent || shift->who < 0)
		return 0;
	return shift->who >= ROTA_OVERRIDE ? absent[nmembers + (shift->who - ROTA_OVERRIDE)] != 0 : absent[shift->who] != 0;
}

size_t rota_keep_present(struct rota_interval *iv, size_t n, const unsigned char *absent, int nmembers)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!rota_is_absent(&iv[i], absent, nmembers))
			iv[k++] = iv[i];
	return k;
}
