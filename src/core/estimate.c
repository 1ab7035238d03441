/* What can we honestly promise (see estimate.h). */
#include "core/estimate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "core/rota.h"

#define MIN_MS	     60000.0
#define DAY_S	     86400
#define LANDMARK_MS  1767225600000LL /* 2026-01-01T00:00:00Z */
#define HALF_LIFE_MS ((double)EST_HALF_LIFE_WEEKS * 7 * DAY_S * 1000)
#define ROUND_MS     (5 * 60000LL) /* likely-by times are rounded up to 5 minutes */

static const double QUANTILES[3] = {0.5, 0.8, 0.95};

int est_bin(int64_t ms)
{
	if (ms < (int64_t)MIN_MS)
		return 0;
	double i = floor(EST_BINS_PER_DOUBLING * log2((double)ms / MIN_MS)) + 1;
	return i >= EST_BINS - 1 ? EST_BINS - 1 : (int)i;
}

double est_bin_lo(int i) { return i <= 0 ? 0 : MIN_MS * exp2((double)(i - 1) / EST_BINS_PER_DOUBLING); }

double est_bin_hi(int i) { return MIN_MS * exp2((double)(i < 0 ? 0 : i) / EST_BINS_PER_DOUBLING); }

double est_weight(int64_t t) { return exp2((double)(t - LANDMARK_MS) / HALF_LIFE_MS); }

int est_bucket(const tz_zone *z, int64_t t)
{
	int64_t ts = tz_floordiv(t, 1000);
	int64_t local = ts + (z ? tz_offset_at(z, ts, NULL) : 0);
	int64_t day = tz_floordiv(local, DAY_S);
	int hour = (int)((local - day * DAY_S) / 3600);
	return tz_weekday(day) * 4 + hour / 6;
}

const char *est_bucket_day(int bucket)
{
	static const char *const D[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
	return bucket >= 0 && bucket < EST_BUCKETS ? D[bucket / 4] : "";
}

const char *est_bucket_part(int bucket)
{
	static const char *const P[] = {"night", "morning", "afternoon", "evening"};
	return bucket >= 0 && bucket < EST_BUCKETS ? P[bucket % 4] : "";
}

const char *est_level_name(enum est_level l)
{
	static const char *const N[] = {"holder_kind_bucket", "holder_kind", "holder", "organization", "none"};
	return l >= EST_BUCKET && l <= EST_NONE ? N[l] : "none";
}

void est_hist_add(struct est_hist *h, int64_t ms, int64_t t)
{
	h->n++;
	h->w[est_bin(ms)] += est_weight(t);
	int keep = h->nrecent < EST_RECENT ? h->nrecent : EST_RECENT - 1;
	memmove(h->recent + 1, h->recent, (size_t)keep * sizeof h->recent[0]);
	h->recent[0] = ms;
	h->nrecent = keep + 1;
}

/* ---- business time ---- */

static int span_cmp(const void *a, const void *b)
{
	const struct est_span *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

struct spans {
	struct est_span *v;
	size_t n, cap;
};

static void spans_add(struct spans *s, int64_t start, int64_t end, int64_t from, int64_t to)
{
	if (start < from)
		start = from;
	if (end > to)
		end = to;
	if (end <= start)
		return;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = xrealloc(s->v, s->cap * sizeof *s->v);
	}
	s->v[s->n++] = (struct est_span){start, end};
}

/* The ranges of one day's hours text, as spans of local day `day`; -1 when the text is not valid. */
static int day_spans(const tz_zone *z, const char *ranges, int64_t day, struct spans *s, int64_t from, int64_t to)
{
	if (!ranges || !*ranges || strcmp(ranges, "closed") == 0)
		return 0;
	if (rota_hours_open(ranges, 0) < 0)
		return -1; /* the shape is checked by the one parser of opening hours */
	for (const char *p = ranges;; p += 12) {
		char a[6], b[6];
		memcpy(a, p, 5);
		a[5] = '\0';
		memcpy(b, p + 6, 5);
		b[5] = '\0';
		int64_t lo = day * DAY_S + rota_parse_hhmm(a, 0) * 60LL, hi = day * DAY_S + rota_parse_hhmm(b, 1) * 60LL;
		spans_add(s, tz_resolve(z, lo) * 1000, tz_resolve(z, hi) * 1000, from, to);
		if (p[11] != ',')
			return 0;
	}
}

static int is_holiday(const int64_t *holidays, size_t n, int64_t day)
{
	for (size_t i = 0; i < n; i++)
		if (holidays[i] == day)
			return 1;
	return 0;
}

long est_calendar_build(const tz_zone *z, const char *const *hours, const int64_t *holidays, size_t nholidays,
			const struct est_span *cover, size_t ncover, int64_t from, int64_t to, struct est_span **out)
{
	struct spans s = {0};
	*out = NULL;
	if (hours && z) {
		int64_t first = tz_floordiv(tz_floordiv(from, 1000) + tz_offset_at(z, tz_floordiv(from, 1000), NULL), DAY_S) - 1;
		int64_t last = tz_floordiv(tz_floordiv(to, 1000) + tz_offset_at(z, tz_floordiv(to, 1000), NULL), DAY_S) + 1;
		for (int64_t day = first; day <= last; day++) {
			if (is_holiday(holidays, nholidays, day))
				continue;
			if (day_spans(z, hours[tz_weekday(day)], day, &s, from, to)) {
				free(s.v);
				return -1;
			}
		}
	}
	for (size_t i = 0; i < ncover; i++)
		spans_add(&s, cover[i].start, cover[i].end, from, to);
	if (!s.n)
		return 0;
	qsort(s.v, s.n, sizeof *s.v, span_cmp);
	size_t m = 0;
	for (size_t i = 1; i < s.n; i++) {
		if (s.v[i].start <= s.v[m].end) {
			if (s.v[i].end > s.v[m].end)
				s.v[m].end = s.v[i].end;
		} else {
			s.v[++m] = s.v[i];
		}
	}
	*out = s.v;
	return (long)(m + 1);
}

int64_t est_open_between(const struct est_calendar *cal, int64_t from, int64_t to)
{
	if (to <= from)
		return 0;
	if (!cal || cal->always)
		return to - from;
	int64_t sum = 0;
	for (size_t i = 0; i < cal->n && cal->open[i].start < to; i++) {
		int64_t a = cal->open[i].start > from ? cal->open[i].start : from;
		int64_t b = cal->open[i].end < to ? cal->open[i].end : to;
		if (b > a)
			sum += b - a;
	}
	return sum;
}

int64_t est_advance(const struct est_calendar *cal, int64_t from, int64_t ms)
{
	if (!cal || cal->always)
		return from + ms;
	for (size_t i = 0; i < cal->n; i++) {
		if (cal->open[i].end <= from)
			continue;
		int64_t a = cal->open[i].start > from ? cal->open[i].start : from;
		if (ms <= cal->open[i].end - a)
			return a + ms;
		ms -= cal->open[i].end - a;
	}
	return 0;
}

int est_is_open(const struct est_calendar *cal, int64_t t)
{
	if (!cal || cal->always)
		return 1;
	for (size_t i = 0; i < cal->n; i++)
		if (t >= cal->open[i].start && t < cal->open[i].end)
			return 1;
	return 0;
}

/* ---- the estimate ---- */

static double hist_total(const struct est_hist *h)
{
	double w = 0;
	for (int i = 0; i < EST_BINS; i++)
		w += h->w[i];
	return w;
}

/* The duration (ms) below which a share q of the weight lies, interpolated within its bin on a log
 * scale (linearly in bin 0). */
static double hist_quantile(const struct est_hist *h, double total, double q)
{
	double target = q * total, cum = 0;
	for (int i = 0; i < EST_BINS; i++) {
		if (h->w[i] <= 0)
			continue;
		if (cum + h->w[i] >= target) {
			double f = (target - cum) / h->w[i];
			if (i == 0)
				return f * est_bin_hi(0);
			return est_bin_lo(i) * pow(est_bin_hi(i) / est_bin_lo(i), f);
		}
		cum += h->w[i];
	}
	return est_bin_hi(EST_BINS - 1);
}

/* The share of the weight below duration ms (the inverse of hist_quantile). */
static double hist_cdf(const struct est_hist *h, double total, double ms)
{
	int b = est_bin((int64_t)ms);
	double cum = 0;
	for (int i = 0; i < b; i++)
		cum += h->w[i];
	double f = b == 0 ? ms / est_bin_hi(0) : log(ms / est_bin_lo(b)) / log(est_bin_hi(b) / est_bin_lo(b));
	if (f < 0)
		f = 0;
	if (f > 1)
		f = 1;
	return (cum + f * h->w[b]) / total;
}

static double load_factor(const struct est_input *in)
{
	if (in->usual_open < 0)
		return 1;
	/* more work ahead than usual takes longer, less than linearly: the holder works on several at once */
	double f = sqrt((in->open_now + 1) / (in->usual_open + 1));
	return f < 0.5 ? 0.5 : f > 2 ? 2 : f;
}

static int64_t round_up(int64_t t) { return t ? (t + ROUND_MS - 1) / ROUND_MS * ROUND_MS : 0; }

enum est_level est_compute(const struct est_input *in, struct est_result *out)
{
	memset(out, 0, sizeof *out);
	out->level = EST_NONE;
	out->probability = -1;
	out->load_factor = 1;
	int64_t need = in->min_samples < 1 ? 1 : in->min_samples;
	const struct est_hist *h = NULL;
	double total = 0;
	for (int l = EST_BUCKET; l < EST_NONE && !h; l++) {
		const struct est_hist *c = in->level[l];
		out->skipped_n[l] = c ? c->n : -1;
		if (c && c->n >= need && (total = hist_total(c)) > 0) {
			h = c;
			out->level = (enum est_level)l;
			out->n = c->n;
			out->skipped_n[l] = 0;
		}
	}
	if (!h)
		return EST_NONE;
	out->load_factor = load_factor(in);
	for (int k = 0; k < 3; k++) {
		out->dur[k] = (int64_t)ceil(hist_quantile(h, total, QUANTILES[k]) * out->load_factor);
		out->by[k] = round_up(est_advance(in->cal, in->now, out->dur[k]));
	}
	if (in->due) {
		out->due_open_ms = est_open_between(in->cal, in->now, in->due);
		out->due_closed = !est_is_open(in->cal, in->due - 1); /* due at closing time is fine */
		out->probability = in->due <= in->now ? 0 : hist_cdf(h, total, (double)out->due_open_ms / out->load_factor);
		out->warn = out->probability < in->threshold;
	}
	out->recent_n = h->nrecent;
	for (int i = 0; i < h->nrecent; i++)
		out->recent_within += h->recent[i] <= out->dur[1];
	return out->level;
}

void est_format_duration(int64_t ms, char *buf, size_t size)
{
	int64_t min = (ms + 30000) / 60000;
	if (ms < 60000)
		snprintf(buf, size, "under a minute");
	else if (min < 60)
		snprintf(buf, size, "%lld min", (long long)min);
	else if (min < 24 * 60 && min % 60)
		snprintf(buf, size, "%lld h %lld min", (long long)(min / 60), (long long)(min % 60));
	else if (min < 24 * 60)
		snprintf(buf, size, "%lld h", (long long)(min / 60));
	else if ((min / 60) % 24)
		snprintf(buf, size, "%lld d %lld h", (long long)(min / 1440), (long long)((min / 60) % 24));
	else
		snprintf(buf, size, "%lld d", (long long)(min / 1440));
}

/* "holds", "requests" */
static void plural(const char *kind, char *buf, size_t size)
{
	size_t n = kind ? strlen(kind) : 0;
	if (!n)
		snprintf(buf, size, "requests");
	else
		snprintf(buf, size, "%s%s", kind, kind[n - 1] == 's' ? "" : "s");
}

void est_evidence(const struct est_result *r, const char *holder, const char *org, const char *kind, int bucket, char *buf,
		  size_t size)
{
	char kinds[96], d[32];
	plural(kind, kinds, sizeof kinds);
	if (r->level == EST_NONE) {
		long long nb = r->skipped_n[EST_BUCKET] > 0 ? r->skipped_n[EST_BUCKET] : 0;
		long long nk = r->skipped_n[EST_KIND] > 0 ? r->skipped_n[EST_KIND] : 0;
		long long no = r->skipped_n[EST_ORG] > 0 ? r->skipped_n[EST_ORG] : 0;
		snprintf(buf, size, "Not enough history: %s has finished %lld %s-%s %s (%lld in all) and %s %lld requests",
			 holder, nb, est_bucket_day(bucket), est_bucket_part(bucket), kinds, nk, org, no);
		return;
	}
	est_format_duration(r->dur[1], d, sizeof d);
	const char *who = r->level == EST_ORG ? org : holder;
	if (r->level == EST_BUCKET)
		snprintf(buf, size, "%s finished %d of its last %d %s-%s %s within %s", who, r->recent_within, r->recent_n,
			 est_bucket_day(bucket), est_bucket_part(bucket), kinds, d);
	else
		snprintf(buf, size, "%s finished %d of its last %d %s within %s", who, r->recent_within, r->recent_n,
			 r->level == EST_KIND ? kinds : "requests", d);
}
