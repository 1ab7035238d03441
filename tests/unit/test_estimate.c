/* core/estimate.c: accuracy against known distributions, the fallback levels, calibration of the
 * suggested 80% time in a seeded simulation, and business time (closing, on-call gaps, DST). */
#include <math.h>
#include <stdlib.h>

#include "core/estimate.h"
#include "harness.h"

#define H_MS   3600000LL
#define MIN_MS 60000LL

/* splitmix64: seeded, the same sequence on every machine */
static uint64_t rng_state;
static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}
static double unif(void) { return ((double)(rng_next() >> 11) + 0.5) / 9007199254740992.0; }
static double normal(void) { return sqrt(-2 * log(unif())) * cos(2 * M_PI * unif()); }

/* A holder's distribution of business durations, with a weekday effect. */
enum dist {
	LOGNORMAL,
	EXPONENTIAL
};
static const double WEEKDAY[7] = {1.0, 1.1, 0.9, 1.0, 1.3, 1.6, 0.8};
#define SIGMA 0.5
#define Z80   0.8416212335729143

static double draw(enum dist d, double scale_ms, int weekday)
{
	double s = scale_ms * WEEKDAY[weekday];
	return d == LOGNORMAL ? s * exp(SIGMA * normal()) : -s * log(unif());
}
static double true_q80(enum dist d, double scale_ms, int weekday)
{
	double s = scale_ms * WEEKDAY[weekday];
	return d == LOGNORMAL ? s * exp(SIGMA * Z80) : s * log(5.0);
}

#define NOW 1798200000000LL /* 2026-12-25, a Friday */

/* n samples of weekday `wd` completed over the 12 weeks before NOW into h. */
static void fill(struct est_hist *h, enum dist d, double scale, int wd, int n)
{
	for (int i = 0; i < n; i++)
		est_hist_add(h, (int64_t)draw(d, scale, wd), NOW - (int64_t)(unif() * 12 * 7 * 24 * H_MS));
}

static double rel_err_q80(enum dist d, int n)
{
	static struct est_hist h;
	memset(&h, 0, sizeof h);
	fill(&h, d, 3 * H_MS, 5, n);
	struct est_input in = {.now = NOW, .level = {&h}, .min_samples = 20, .threshold = 0.8, .usual_open = -1};
	struct est_result r;
	est_compute(&in, &r);
	double t = true_q80(d, 3 * H_MS, 5);
	return fabs((double)r.dur[1] - t) / t;
}

TEST(accuracy_at_200_samples)
{
	/* one seeded history each: the 80% time within 10% of the true quantile */
	rng_state = 18;
	CHECK(rel_err_q80(LOGNORMAL, 200) < 0.10);
	CHECK(rel_err_q80(EXPONENTIAL, 200) < 0.10);
	/* and how often over 400 seeded histories: the sampling error of any 80% point from 200 samples
	 * is about 5% (log-normal, sigma 0.5) and 9% (exponential) of the quantile, so exponential
	 * histories land within 10% only about three times in four; within 20% almost always */
	int ln10 = 0, ex10 = 0, ex20 = 0;
	rng_state = 1800;
	for (int i = 0; i < 400; i++) {
		ln10 += rel_err_q80(LOGNORMAL, 200) < 0.10;
		double e = rel_err_q80(EXPONENTIAL, 200);
		ex10 += e < 0.10;
		ex20 += e < 0.20;
	}
	printf("  within 10%%: log-normal %d/400, exponential %d/400; exponential within 20%%: %d/400\n", ln10, ex10, ex20);
	CHECK(ln10 >= 360);
	CHECK(ex10 >= 260);
	CHECK(ex20 >= 380);
}

TEST(weekday_buckets_follow_their_own_weekday)
{
	/* Saturday is slower than Sunday: each bucket estimates its own weekday's quantile */
	static struct est_hist sat, sun;
	memset(&sat, 0, sizeof sat);
	memset(&sun, 0, sizeof sun);
	rng_state = 7;
	fill(&sat, LOGNORMAL, 2 * H_MS, 5, 200);
	fill(&sun, LOGNORMAL, 2 * H_MS, 6, 200);
	struct est_result a, b;
	struct est_input in = {.now = NOW, .level = {&sat}, .min_samples = 20, .usual_open = -1};
	est_compute(&in, &a);
	in.level[0] = &sun;
	est_compute(&in, &b);
	CHECK(fabs(a.dur[1] - true_q80(LOGNORMAL, 2 * H_MS, 5)) / true_q80(LOGNORMAL, 2 * H_MS, 5) < 0.1);
	CHECK(fabs(b.dur[1] - true_q80(LOGNORMAL, 2 * H_MS, 6)) / true_q80(LOGNORMAL, 2 * H_MS, 6) < 0.1);
	CHECK(a.dur[0] < a.dur[1] && a.dur[1] < a.dur[2]);
}

/* The four levels with n samples in the bucket, then more at each wider level. */
static struct est_hist LV[4];
static void levels(int nbucket)
{
	memset(LV, 0, sizeof LV);
	rng_state = 99;
	fill(&LV[0], LOGNORMAL, 3 * H_MS, 5, nbucket);
	fill(&LV[1], LOGNORMAL, 2 * H_MS, 2, 60);
	fill(&LV[2], LOGNORMAL, 1 * H_MS, 2, 80);
	fill(&LV[3], LOGNORMAL, 1 * H_MS, 2, 300);
}

TEST(fallback_levels_at_0_5_50_samples)
{
	struct est_result r;
	struct est_input in = {.now = NOW,
			       .due = NOW + 3 * H_MS,
			       .level = {&LV[0], &LV[1], &LV[2], &LV[3]},
			       .min_samples = 20,
			       .threshold = 0.8,
			       .usual_open = -1};
	levels(0);
	CHECK(est_compute(&in, &r) == EST_KIND && r.skipped_n[EST_BUCKET] == 0 && r.n == 60);
	levels(5);
	CHECK(est_compute(&in, &r) == EST_KIND && r.skipped_n[EST_BUCKET] == 5);
	levels(50);
	CHECK(est_compute(&in, &r) == EST_BUCKET && r.n == 50);
	CHECK_STR(est_level_name(r.level), "holder_kind_bucket");
	/* the kind has too little as well: the holder, then the organization */
	levels(5);
	LV[1].n = 5;
	CHECK(est_compute(&in, &r) == EST_HOLDER);
	LV[2].n = 0;
	CHECK(est_compute(&in, &r) == EST_ORG);
	/* a level without a rollup is passed over and reported as such */
	in.level[1] = NULL;
	CHECK(est_compute(&in, &r) == EST_ORG && r.skipped_n[EST_KIND] == -1);
}

TEST(no_history_gives_no_figure)
{
	struct est_result r;
	static struct est_hist few;
	memset(&few, 0, sizeof few);
	rng_state = 3;
	fill(&few, EXPONENTIAL, H_MS, 5, 5);
	struct est_input in = {.now = NOW,
			       .due = NOW + 3 * H_MS,
			       .level = {&few, &few, &few, &few},
			       .min_samples = 20,
			       .threshold = 0.8,
			       .usual_open = -1};
	CHECK(est_compute(&in, &r) == EST_NONE);
	CHECK(r.probability < 0 && r.dur[1] == 0 && r.by[1] == 0 && !r.warn);
	char buf[256];
	est_evidence(&r, "Store 12", "Vendor Co", "hold", 22, buf, sizeof buf);
	CHECK_STR(buf,
		  "Not enough history: Store 12 has finished 5 Saturday-afternoon holds (5 in all) and Vendor Co 5 requests");
	struct est_input none = {.now = NOW, .due = NOW + H_MS, .min_samples = 20, .threshold = 0.8, .usual_open = -1};
	CHECK(est_compute(&none, &r) == EST_NONE && r.skipped_n[EST_ORG] == -1);
}

TEST(probability_quantiles_evidence)
{
	/* 10 holds: 2 took under 3 h, the rest 4-5 h */
	static struct est_hist h;
	memset(&h, 0, sizeof h);
	static const int MIN[10] = {170, 175, 250, 260, 265, 270, 280, 285, 290, 320};
	for (int i = 0; i < 10; i++)
		est_hist_add(&h, MIN[i] * MIN_MS, NOW - (10 - i) * 7 * 24 * H_MS);
	struct est_input in =
		{.now = NOW, .due = NOW + 3 * H_MS, .level = {&h}, .min_samples = 10, .threshold = 0.8, .usual_open = -1};
	struct est_result r;
	CHECK(est_compute(&in, &r) == EST_BUCKET);
	CHECK(r.probability > 0.1 && r.probability < 0.3 && r.warn);
	printf("  80%%: %lld min\n", (long long)(r.dur[1] / MIN_MS));
	CHECK(r.dur[1] >= 280 * MIN_MS && r.dur[1] <= 320 * MIN_MS);
	CHECK(r.by[1] % (5 * MIN_MS) == 0 && r.by[1] >= NOW + r.dur[1] && r.by[1] < NOW + r.dur[1] + 5 * MIN_MS);
	char buf[256], d[32];
	est_evidence(&r, "Store 12", "Vendor Co", "hold", 22, buf, sizeof buf);
	est_format_duration(r.dur[1], d, sizeof d);
	char want[256];
	snprintf(want, sizeof want, "Store 12 finished %d of its last 10 Saturday-afternoon holds within %s", r.recent_within, d);
	CHECK_STR(buf, want);
	CHECK(r.recent_within == 8 || r.recent_within == 9);
	/* a later due is more likely; at the 80% time about 80% */
	in.due = NOW + r.dur[1];
	CHECK(est_compute(&in, &r) == EST_BUCKET && fabs(r.probability - 0.8) < 0.01 && !r.warn);
	est_format_duration(250 * MIN_MS, d, sizeof d);
	CHECK_STR(d, "4 h 10 min");
	est_format_duration(27 * H_MS, d, sizeof d);
	CHECK_STR(d, "1 d 3 h");
}

TEST(load_above_usual_takes_longer)
{
	static struct est_hist h;
	memset(&h, 0, sizeof h);
	rng_state = 11;
	fill(&h, LOGNORMAL, 2 * H_MS, 5, 100);
	struct est_input in =
		{.now = NOW, .due = NOW + 3 * H_MS, .level = {&h}, .min_samples = 20, .threshold = 0.8, .usual_open = -1};
	struct est_result base, busy;
	est_compute(&in, &base);
	in.open_now = 8;
	in.usual_open = 3;
	est_compute(&in, &busy);
	CHECK(fabs(busy.load_factor - 1.5) < 1e-9);
	CHECK(llabs(busy.dur[1] - (int64_t)(base.dur[1] * 1.5)) <= 1);
	CHECK(busy.probability < base.probability);
}

/* Chicago, open 09:00-21:00 every day */
static const char *const LONG_DAYS[7] = {"09:00-21:00", "09:00-21:00", "09:00-21:00", "09:00-21:00",
					 "09:00-21:00", "09:00-21:00", "09:00-21:00"};
#define SAT_1530 1798320600000LL /* 2026-12-26 15:30 CST (21:30Z) */

TEST(due_after_closing)
{
	const tz_zone *z = tz_get("America/Chicago");
	CHECK(z != NULL);
	if (!z)
		return;
	struct est_span *sp;
	long n = est_calendar_build(z, LONG_DAYS, NULL, 0, NULL, 0, SAT_1530, SAT_1530 + EST_HORIZON_MS, &sp);
	CHECK(n == 61);
	struct est_calendar cal = {0, sp, (size_t)n};
	int64_t close = SAT_1530 + 5 * H_MS + 30 * MIN_MS; /* 21:00 */
	CHECK(est_open_between(&cal, SAT_1530, close + 1 * H_MS) == 5 * H_MS + 30 * MIN_MS);
	static struct est_hist h;
	memset(&h, 0, sizeof h);
	rng_state = 5;
	fill(&h, LOGNORMAL, 5 * H_MS, 5, 200);
	struct est_input in = {.now = SAT_1530,
			       .due = close + H_MS,
			       .level = {&h},
			       .min_samples = 20,
			       .threshold = 0.8,
			       .usual_open = -1,
			       .cal = &cal};
	struct est_result at22, at21;
	est_compute(&in, &at22);
	in.due = close;
	est_compute(&in, &at21);
	/* a store that closes at 21:00 cannot finish at 22:00: no more likely than by closing */
	CHECK(at22.due_closed && !at21.due_closed);
	CHECK(at22.probability == at21.probability);
	/* the 95% time is on Sunday: the night does not count */
	CHECK(at22.by[2] > close + 12 * H_MS);
	CHECK(!est_is_open(&cal, close + H_MS) && est_is_open(&cal, close - 1));
	/* a holiday on Sunday: Monday then */
	int64_t sunday = tz_floordiv(SAT_1530 / 1000 - 6 * 3600, 86400) + 1;
	struct est_span *sp2;
	long n2 = est_calendar_build(z, LONG_DAYS, &sunday, 1, NULL, 0, SAT_1530, SAT_1530 + EST_HORIZON_MS, &sp2);
	struct est_calendar cal2 = {0, sp2, (size_t)n2};
	CHECK(n2 == 60);
	CHECK(est_advance(&cal2, SAT_1530, 6 * H_MS) == SAT_1530 + 5 * H_MS + 30 * MIN_MS + 36 * H_MS + 30 * MIN_MS);
	free(sp);
	free(sp2);
	/* a malformed hours text is refused */
	const char *bad[7] = {"9-5"};
	CHECK(est_calendar_build(z, bad, NULL, 0, NULL, 0, SAT_1530, SAT_1530 + 14 * 24 * H_MS, &sp) == -1 && !sp);
}

TEST(no_rota_cover_at_night)
{
	/* no opening hours; on call 08:00-18:00 UTC each day, nobody at night */
	struct est_span cover[10];
	int64_t day0 = 1798156800000LL; /* 2026-12-25 00:00Z */
	for (int i = 0; i < 10; i++)
		cover[i] = (struct est_span){day0 + i * 24 * H_MS + 8 * H_MS, day0 + i * 24 * H_MS + 18 * H_MS};
	struct est_span *sp;
	long n = est_calendar_build(tz_get("UTC"), NULL, NULL, 0, cover, 10, day0, day0 + 10 * 24 * H_MS, &sp);
	CHECK(n == 10);
	struct est_calendar cal = {0, sp, (size_t)n};
	/* two hours of work asked at 17:00: one tonight, one from 08:00 tomorrow */
	CHECK(est_advance(&cal, day0 + 17 * H_MS, 2 * H_MS) == day0 + 33 * H_MS);
	CHECK(est_open_between(&cal, day0 + 17 * H_MS, day0 + 33 * H_MS) == 2 * H_MS);
	/* beyond the cover: no time */
	CHECK(est_advance(&cal, day0, 200 * H_MS) == 0);
	free(sp);
	/* no hours, no cover: every instant counts */
	struct est_calendar always = {1, NULL, 0};
	CHECK(est_advance(&always, day0, 5 * H_MS) == day0 + 5 * H_MS);
}

TEST(dst_change_inside_the_window)
{
	const tz_zone *z = tz_get("America/Chicago");
	CHECK(z != NULL);
	if (!z)
		return;
	static const char *const DAY[7] = {"09:00-17:00", "09:00-17:00", "09:00-17:00", "09:00-17:00",
					   "09:00-17:00", "09:00-17:00", "09:00-17:00"};
	/* Saturday 2026-10-31 16:00 CDT (21:00Z); clocks fall back on Sunday 02:00 */
	int64_t sat = 1793480400000LL;
	struct est_span *sp;
	long n = est_calendar_build(z, DAY, NULL, 0, NULL, 0, sat, sat + 3 * 24 * H_MS, &sp);
	struct est_calendar cal = {0, sp, (size_t)n};
	/* one hour on Saturday, then Sunday 09:00 CST = 15:00Z, plus one hour */
	CHECK(est_advance(&cal, sat, 2 * H_MS) == 1793545200000LL + 3600000);
	CHECK(est_open_between(&cal, sat, sat + 24 * H_MS) == 1 * H_MS + 6 * H_MS); /* Sunday 09:00-15:00 CST */
	free(sp);
	/* the spring-forward day is 23 hours long for a holder open around the clock */
	static const char *const ALL[7] = {"00:00-24:00", "00:00-24:00", "00:00-24:00", "00:00-24:00",
					   "00:00-24:00", "00:00-24:00", "00:00-24:00"};
	int64_t mar8 = 1772949600000LL; /* 2026-03-08 00:00 CST (06:00Z) */
	n = est_calendar_build(z, ALL, NULL, 0, NULL, 0, mar8, mar8 + 23 * H_MS, &sp);
	cal = (struct est_calendar){0, sp, (size_t)n};
	CHECK(n == 1 && est_open_between(&cal, mar8, mar8 + 23 * H_MS) == 23 * H_MS);
	CHECK(est_bucket(z, mar8 + 22 * H_MS + 30 * MIN_MS) == 6 * 4 + 3); /* Sunday 23:30 CDT: evening */
	free(sp);
}

/* 2,000 promises made at the suggested 80% time, each completion added to the history the next
 * promise is estimated from; half the holders log-normal, half exponential, with weekday effects,
 * in business time (Chicago, 09:00-21:00). */
TEST(calibration_of_the_80_percent_time)
{
	const tz_zone *z = tz_get("America/Chicago");
	CHECK(z != NULL);
	if (!z)
		return;
	static struct est_hist hist[2][EST_BUCKETS];
	memset(hist, 0, sizeof hist);
	rng_state = 2000;
	int64_t t0 = 1798156800000LL;
	/* a warm start: 30 past completions per holder and bucket */
	for (int d = 0; d < 2; d++)
		for (int b = 0; b < EST_BUCKETS; b++)
			for (int i = 0; i < 30; i++)
				est_hist_add(&hist[d][b], (int64_t)draw((enum dist)d, 2 * H_MS, b / 4),
					     t0 - 30 * 24 * H_MS + i * H_MS);
	int kept = 0, made = 0;
	for (int i = 0; i < 2000; i++) {
		enum dist d = (enum dist)(i % 2);
		int64_t now = t0 + (int64_t)(unif() * 60 * 24 * H_MS);
		struct est_span *sp;
		long n = est_calendar_build(z, LONG_DAYS, NULL, 0, NULL, 0, now, now + EST_HORIZON_MS, &sp);
		struct est_calendar cal = {0, sp, (size_t)n};
		/* work starts at the next opening: that is the bucket it is done in */
		int64_t start = est_advance(&cal, now, 0);
		int b = est_bucket(z, start);
		struct est_input in =
			{.now = now, .level = {&hist[d][b]}, .min_samples = 20, .threshold = 0.8, .usual_open = -1, .cal = &cal};
		struct est_result r;
		est_compute(&in, &r);
		int64_t actual = (int64_t)draw(d, 2 * H_MS, b / 4);
		int64_t done = est_advance(&cal, now, actual);
		if (r.level != EST_NONE && r.by[1]) {
			made++;
			kept += done && done <= r.by[1];
		}
		est_hist_add(&hist[d][b], actual, done ? done : now);
		free(sp);
	}
	printf("  calibration: %d of %d promises at the 80%% time kept (%.1f%%)\n", kept, made, 100.0 * kept / made);
	CHECK(made == 2000);
	CHECK(kept >= 1520 && kept <= 1680);
}

TEST(buckets_and_bins)
{
	const tz_zone *z = tz_get("America/Chicago");
	CHECK(est_bucket(z, SAT_1530) == 5 * 4 + 2);
	CHECK_STR(est_bucket_day(22), "Saturday");
	CHECK_STR(est_bucket_part(22), "afternoon");
	CHECK(est_bin(0) == 0 && est_bin(59999) == 0 && est_bin(60000) == 1 && est_bin(120000) == 9);
	CHECK(est_bin(INT64_MAX / 2) == EST_BINS - 1);
	for (int i = 1; i < EST_BINS - 1; i++)
		CHECK(est_bin((int64_t)ceil(est_bin_lo(i)) + 1) == i);
	/* a sample a half-life newer weighs twice as much */
	CHECK(fabs(est_weight(NOW) / est_weight(NOW - (int64_t)EST_HALF_LIFE_WEEKS * 7 * 24 * H_MS) - 2) < 1e-9);
}

int main(void)
{
	RUN(accuracy_at_200_samples);
	RUN(weekday_buckets_follow_their_own_weekday);
	RUN(fallback_levels_at_0_5_50_samples);
	RUN(no_history_gives_no_figure);
	RUN(probability_quantiles_evidence);
	RUN(load_above_usual_takes_longer);
	RUN(due_after_closing);
	RUN(no_rota_cover_at_night);
	RUN(dst_change_inside_the_window);
	RUN(calibration_of_the_80_percent_time);
	RUN(buckets_and_bins);
	DONE();
}
