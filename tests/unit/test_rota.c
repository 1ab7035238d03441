/* Time zones (our TZif reader against the C library) and on-call rota arithmetic across
 * daylight-saving changes in America/Chicago and Europe/Berlin, across midnight, with overrides,
 * and coverage gaps with known answers. */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "base/clock.h"
#include "base/tz.h"
#include "core/rota.h"
#include "harness.h"

static int64_t T(const char *rfc3339)
{
	int64_t ms = 0;
	if (time_parse(rfc3339, &ms) != 0) {
		fprintf(stderr, "bad time %s\n", rfc3339);
		abort();
	}
	return ms;
}

#define H (3600LL * 1000)

static int64_t DAY(const char *date)
{
	int64_t d = 0;
	if (rota_parse_date(date, &d))
		abort();
	return d;
}

/* The C library is the oracle here (single-threaded test, so setenv("TZ") is safe). */
TEST(tz_offsets_agree_with_libc)
{
	static const char *const zones[] = {"America/Chicago", "Europe/Berlin", "Australia/Sydney", "Asia/Kolkata",
					    "America/Sao_Paulo", "UTC", "Pacific/Chatham", NULL};
	for (int i = 0; zones[i]; i++) {
		const tz_zone *z = tz_get(zones[i]);
		CHECK(z != NULL);
		if (!z)
			continue;
		setenv("TZ", zones[i], 1);
		tzset();
		int bad = 0;
		/* every 7 hours and 13 minutes from 1975 to 2099: past the table, into the footer rule */
		for (int64_t t = 157766400; t < 4102444800LL; t += 7 * 3600 + 13 * 60) {
			time_t tt = (time_t)t;
			struct tm tm;
			localtime_r(&tt, &tm);
			int dst;
			if (tz_offset_at(z, t, &dst) != tm.tm_gmtoff && bad++ < 3)
				fprintf(stderr, "  %s at %lld: ours %d libc %ld\n", zones[i], (long long)t, tz_offset_at(z, t, NULL),
					tm.tm_gmtoff);
		}
		CHECK(bad == 0);
	}
	unsetenv("TZ");
	tzset();
	CHECK(tz_get("Mars/Olympus_Mons") == NULL);
	CHECK(tz_get("../etc/passwd") == NULL);
	CHECK(tz_get("") == NULL);
}

TEST(tz_gap_and_fold)
{
	const tz_zone *chi = tz_get("America/Chicago");
	int64_t u[2];
	/* 2026-03-08 02:30 does not exist in Chicago */
	CHECK(tz_local_to_utc(chi, tz_days_from_civil(2026, 3, 8) * 86400 + 2 * 3600 + 1800, u) == 0);
	/* 2026-11-01 01:30 happens twice: 06:30Z (CDT) and 07:30Z (CST) */
	CHECK(tz_local_to_utc(chi, tz_days_from_civil(2026, 11, 1) * 86400 + 3600 + 1800, u) == 2);
	CHECK(u[0] * 1000 == T("2026-11-01T06:30:00Z"));
	CHECK(u[1] * 1000 == T("2026-11-01T07:30:00Z"));
	/* resolving the gap moves forward: 02:30 read as CST = 08:30Z = 03:30 CDT */
	CHECK(tz_resolve(chi, tz_days_from_civil(2026, 3, 8) * 86400 + 2 * 3600 + 1800) * 1000 == T("2026-03-08T08:30:00Z"));
	const tz_zone *ber = tz_get("Europe/Berlin");
	CHECK(tz_local_to_utc(ber, tz_days_from_civil(2026, 3, 29) * 86400 + 2 * 3600 + 1800, u) == 0);
	CHECK(tz_local_to_utc(ber, tz_days_from_civil(2026, 10, 25) * 86400 + 2 * 3600 + 1800, u) == 2);
	CHECK(u[0] * 1000 == T("2026-10-25T00:30:00Z"));
	CHECK(tz_weekday(tz_days_from_civil(2026, 3, 8)) == 6); /* a Sunday */
}

TEST(weekly_handover_across_spring_forward_chicago)
{
	const tz_zone *chi = tz_get("America/Chicago");
	struct rota_layer l = {.nmembers = 2, .start_day = DAY("2026-03-02"), .handoff_min = 9 * 60, .period_days = 7};
	CHECK(rota_handover(chi, &l, 0) == T("2026-03-02T15:00:00Z")); /* 09:00 CST */
	CHECK(rota_handover(chi, &l, 1) == T("2026-03-09T14:00:00Z")); /* 09:00 CDT */
	CHECK(rota_handover(chi, &l, 1) - rota_handover(chi, &l, 0) == 167 * H);
	CHECK(rota_index_at(chi, &l, T("2026-03-02T14:59:59Z")) == -1);
	CHECK(rota_index_at(chi, &l, T("2026-03-09T13:59:59Z")) == 0);
	CHECK(rota_index_at(chi, &l, T("2026-03-09T14:00:00Z")) == 1);
	struct rota_interval s;
	CHECK(rota_who_at(chi, &l, NULL, 0, T("2026-03-08T12:00:00Z"), &s) == 1);
	CHECK(s.who == 0 && s.end == T("2026-03-09T14:00:00Z"));
	CHECK(rota_who_at(chi, &l, NULL, 0, T("2026-03-16T13:00:00Z"), &s) == 1 && s.who == 1);
	CHECK(rota_who_at(chi, &l, NULL, 0, T("2026-03-16T14:00:00Z"), &s) == 1 && s.who == 0);
	CHECK(rota_who_at(chi, &l, NULL, 0, T("2026-03-01T00:00:00Z"), &s) == 0); /* before the first hand-over */
}

/* A weekly "mon 09:00" rota started on Wednesday 2026-03-04: its first hand-over is Monday the 9th
 * (across the spring change), and member 0 covers from Wednesday's local midnight until then, then
 * the whole first week: without the lead-in nobody was on call for five days. */
TEST(member_0_covers_from_the_start_before_the_first_handover)
{
	const tz_zone *chi = tz_get("America/Chicago");
	struct rota_layer l = {
		.nmembers = 2, .start_day = DAY("2026-03-09"), .lead_days = 5, .handoff_min = 9 * 60, .period_days = 7};
	CHECK(rota_begins(chi, &l) == T("2026-03-04T06:00:00Z")); /* 00:00 CST */
	struct rota_interval s;
	CHECK(rota_who_at(chi, &l, NULL, 0, T("2026-03-04T05:59:59Z"), &s) == 0); /* before the start */
	CHECK(rota_who_at(chi, &l, NULL, 0, T("2026-03-04T06:00:00Z"), &s) == 1);
	CHECK(s.who == 0 && s.start == T("2026-03-04T06:00:00Z") && s.end == T("2026-03-12T06:00:00Z")); /* + 8 days */
	CHECK(rota_who_at(chi, &l, NULL, 0, T("2026-03-16T13:59:59Z"), &s) == 1 && s.who == 0);
	CHECK(rota_who_at(chi, &l, NULL, 0, T("2026-03-16T14:00:00Z"), &s) == 1 && s.who == 1);
	CHECK(rota_index_at(chi, &l, T("2026-03-05T12:00:00Z")) == -1); /* no hand-over yet, but covered */
	/* the shifts from before the start: one of member 0 from the start, one of member 1 after */
	struct rota_interval *v;
	size_t n = rota_shifts(chi, &l, NULL, 0, T("2026-03-01T00:00:00Z"), T("2026-03-20T00:00:00Z"), &v);
	CHECK(n == 2 && v[0].who == 0 && v[0].start == T("2026-03-04T06:00:00Z") && v[0].end == T("2026-03-16T14:00:00Z"));
	CHECK(n == 2 && v[1].who == 1 && v[1].start == T("2026-03-16T14:00:00Z"));
	free(v);
	/* more than 6 days of lead-in is refused */
	fl_err err = {0};
	l.lead_days = 7;
	CHECK(rota_check(chi, &l, T("2026-03-01T00:00:00Z"), T("2026-04-01T00:00:00Z"), &err) == -1);
}

TEST(weekend_handover_across_fall_back_berlin)
{
	const tz_zone *ber = tz_get("Europe/Berlin");
	struct rota_layer l = {.nmembers = 3, .start_day = DAY("2026-10-03"), .handoff_min = 9 * 60, .period_days = 7};
	CHECK(rota_handover(ber, &l, 3) == T("2026-10-24T07:00:00Z")); /* 09:00 CEST */
	CHECK(rota_handover(ber, &l, 4) == T("2026-10-31T08:00:00Z")); /* 09:00 CET */
	CHECK(rota_handover(ber, &l, 4) - rota_handover(ber, &l, 3) == 169 * H);
	struct rota_interval s;
	CHECK(rota_who_at(ber, &l, NULL, 0, T("2026-10-25T01:30:00Z"), &s) == 1 && s.who == 0); /* k = 3 -> member 0 */
	CHECK(s.end == T("2026-10-31T08:00:00Z"));
}

TEST(night_window_across_midnight_and_dst)
{
	/* every night 22:00-06:00 in Chicago, one person a night handing over at 22:00 */
	const tz_zone *chi = tz_get("America/Chicago");
	struct rota_layer l = {.nmembers = 2, .start_day = DAY("2026-03-01"), .handoff_min = 22 * 60, .period_days = 1,
			       .nwindows = 1, .windows = {{0x7f, 22 * 60, 6 * 60}}};
	struct rota_interval *v;
	size_t n = rota_shifts(chi, &l, NULL, 0, T("2026-03-07T12:00:00Z"), T("2026-03-09T17:00:00Z"), &v);
	CHECK(n == 2);
	if (n == 2) {
		/* Saturday night: 22:00 CST (04:00Z) to 06:00 CDT (11:00Z) = 7 hours, the short night */
		CHECK(v[0].start == T("2026-03-08T04:00:00Z") && v[0].end == T("2026-03-08T11:00:00Z"));
		/* Sunday night: 22:00 CDT (03:00Z) to 06:00 CDT (11:00Z) = 8 hours, the next person */
		CHECK(v[1].start == T("2026-03-09T03:00:00Z") && v[1].end == T("2026-03-09T11:00:00Z"));
		CHECK(v[0].who != v[1].who);
	}
	free(v);
	struct rota_interval s;
	CHECK(rota_who_at(chi, &l, NULL, 0, T("2026-03-08T05:59:00Z"), &s) == 1);        /* 23:59 Saturday */
	CHECK(rota_who_at(chi, &l, NULL, 0, T("2026-03-08T06:00:00Z"), &s) == 1);        /* 00:00 Sunday */
	CHECK(rota_who_at(chi, &l, NULL, 0, T("2026-03-08T16:00:00Z"), &s) == 0);        /* 11:00 Sunday */
}

TEST(nonexistent_handover_refused)
{
	const tz_zone *chi = tz_get("America/Chicago"), *ber = tz_get("Europe/Berlin");
	fl_err err = {0};
	/* Sundays at 02:30: 2026-03-08 has no 02:30 in Chicago */
	struct rota_layer l = {.nmembers = 2, .start_day = DAY("2026-03-01"), .handoff_min = 150, .period_days = 7};
	CHECK(rota_check(chi, &l, T("2026-03-01T00:00:00Z"), T("2027-03-01T00:00:00Z"), &err) == -1);
	CHECK_STR(err.code, "handover_time_nonexistent");
	CHECK(strstr(err.message, "2026-03-08") != NULL);
	err_clear(&err);
	/* Berlin's change is on 2026-03-29 */
	CHECK(rota_check(ber, &l, T("2026-03-01T00:00:00Z"), T("2027-03-01T00:00:00Z"), &err) == -1);
	CHECK(strstr(err.message, "2026-03-29") != NULL);
	err_clear(&err);
	/* 03:30 exists every day; 01:30 on fall-back day exists (twice) */
	l.handoff_min = 210;
	CHECK(rota_check(chi, &l, T("2026-03-01T00:00:00Z"), T("2027-03-01T00:00:00Z"), &err) == 0);
	l.handoff_min = 90;
	CHECK(rota_check(chi, &l, T("2026-03-01T00:00:00Z"), T("2027-03-01T00:00:00Z"), &err) == 0);
	/* a fold hand-over takes the first 01:30 (CDT) */
	l.start_day = DAY("2026-11-01");
	CHECK(rota_handover(chi, &l, 0) == T("2026-11-01T06:30:00Z"));
	l.nmembers = 0;
	CHECK(rota_check(chi, &l, 0, 1, &err) == -1);
	CHECK_STR(err.code, "invalid_rota");
}

TEST(overrides_cover_absence)
{
	const tz_zone *chi = tz_get("America/Chicago");
	struct rota_layer l = {.nmembers = 2, .start_day = DAY("2026-03-02"), .handoff_min = 9 * 60, .period_days = 7};
	struct rota_interval ov[] = {{T("2026-03-04T12:00:00Z"), T("2026-03-05T12:00:00Z"), 0}};
	struct rota_interval *v;
	size_t n = rota_shifts(chi, &l, ov, 1, T("2026-03-03T00:00:00Z"), T("2026-03-06T00:00:00Z"), &v);
	CHECK(n == 3);
	if (n == 3) {
		CHECK(v[0].who == 0 && v[0].start == T("2026-03-03T00:00:00Z") && v[0].end == T("2026-03-04T12:00:00Z"));
		CHECK(v[1].who == ROTA_OVERRIDE && v[1].end == T("2026-03-05T12:00:00Z"));
		CHECK(v[2].who == 0 && v[2].start == T("2026-03-05T12:00:00Z") && v[2].end == T("2026-03-06T00:00:00Z"));
	}
	free(v);
	struct rota_interval s;
	CHECK(rota_who_at(chi, &l, ov, 1, T("2026-03-04T18:00:00Z"), &s) == 1 && s.who == ROTA_OVERRIDE);
	CHECK(s.end == T("2026-03-05T12:00:00Z"));
	/* an override also covers hours outside the layer's windows */
	l.nwindows = 1;
	l.windows[0] = (struct rota_window){0x1f, 9 * 60, 17 * 60};
	struct rota_interval night[] = {{T("2026-03-04T04:00:00Z"), T("2026-03-04T06:00:00Z"), 0}};
	CHECK(rota_who_at(chi, &l, night, 1, T("2026-03-04T05:00:00Z"), &s) == 1 && s.who == ROTA_OVERRIDE);
	CHECK(rota_who_at(chi, &l, NULL, 0, T("2026-03-04T05:00:00Z"), &s) == 0);
	struct rota_interval a = {0, 10, 0}, b = {10, 20, 0}, c = {5, 15, 0};
	CHECK(!rota_overlap(&a, &b) && rota_overlap(&a, &c) && rota_overlap(&c, &b));
}

TEST(weekday_gaps_known_answer)
{
	/* Mon-Fri 09:00-17:00 in Chicago over the week of the spring-forward change */
	const tz_zone *chi = tz_get("America/Chicago");
	struct rota_layer l = {.nmembers = 1, .start_day = DAY("2026-02-23"), .handoff_min = 9 * 60, .period_days = 7,
			       .nwindows = 1, .windows = {{0x1f, 9 * 60, 17 * 60}}};
	int64_t from = T("2026-03-02T06:00:00Z"), to = T("2026-03-09T05:00:00Z"); /* Monday 00:00 CST .. Monday 00:00 CDT */
	struct rota_interval *v, *g;
	size_t n = rota_shifts(chi, &l, NULL, 0, from, to, &v);
	CHECK(n == 5);
	size_t ng = rota_gaps(v, n, from, to, &g);
	CHECK(ng == 6);
	int64_t covered = 0, gap = 0;
	for (size_t i = 0; i < n; i++)
		covered += v[i].end - v[i].start;
	for (size_t i = 0; i < ng; i++)
		gap += g[i].end - g[i].start;
	CHECK(covered == 40 * H);
	CHECK(gap == 127 * H); /* a 167-hour week */
	if (ng == 6) {
		CHECK(g[0].start == from && g[0].end == T("2026-03-02T15:00:00Z"));
		CHECK(g[5].start == T("2026-03-06T23:00:00Z") && g[5].end == to); /* Friday 17:00 CST to the end */
	}
	free(v);
	free(g);
	/* with a weekend layer Fri 17:00 - Mon 09:00 the only gaps are weeknights */
	struct rota_layer w = {.nmembers = 1, .start_day = DAY("2026-02-27"), .handoff_min = 17 * 60, .period_days = 7,
			       .nwindows = 1, .windows = {{1u << 4, 17 * 60, 24 * 60}, }};
	w.nwindows = 3;
	w.windows[1] = (struct rota_window){(1u << 5) | (1u << 6), 0, 24 * 60};
	w.windows[2] = (struct rota_window){1u << 0, 0, 9 * 60};
	struct rota_interval *a, *b;
	size_t na = rota_shifts(chi, &l, NULL, 0, from, to, &a);
	size_t nb = rota_shifts(chi, &w, NULL, 0, from, to, &b);
	struct rota_interval all[32];
	size_t k = 0;
	for (size_t i = 0; i < na && k < 32; i++)
		all[k++] = a[i];
	for (size_t i = 0; i < nb && k < 32; i++)
		all[k++] = b[i];
	ng = rota_gaps(all, k, from, to, &g);
	CHECK(ng == 4); /* Mon-Thu nights 17:00 - 09:00 */
	gap = 0;
	for (size_t i = 0; i < ng; i++)
		gap += g[i].end - g[i].start;
	CHECK(gap == 4 * 16 * H);
	free(a);
	free(b);
	free(g);
}

TEST(parsing)
{
	CHECK(rota_parse_hhmm("09:30", 0) == 570);
	CHECK(rota_parse_hhmm("24:00", 0) == -1 && rota_parse_hhmm("24:00", 1) == 1440);
	CHECK(rota_parse_hhmm("9:30", 0) == -1 && rota_parse_hhmm("12:60", 0) == -1);
	CHECK(rota_parse_day("sat") == 5 && rota_parse_day("Sunday") == -1 && rota_parse_day("sunday") == 6);
	int64_t d = 0;
	CHECK(rota_parse_date("2026-02-30", &d) == -1);
	CHECK(rota_parse_date("2026-03-02", &d) == 0 && tz_weekday(d) == 0);
}

/* found by fuzz/rota.c (fuzz/crashes/rota/date-with-sign): sscanf's %d took a sign or a space */
TEST(dates_are_digits_only)
{
	int64_t d = 0;
	CHECK(rota_parse_date("2026-+3-02", &d) == -1);
	CHECK(rota_parse_date("2026- 3-02", &d) == -1);
	CHECK(rota_parse_date("2026-03-+2", &d) == -1);
	CHECK(rota_parse_date("+026-03-02", &d) == -1);
	CHECK(rota_parse_date("2026-03-0x", &d) == -1);
	CHECK(d == 0);
	CHECK(rota_parse_date("2200-12-31", &d) == 0 && rota_parse_date("1970-01-01", &d) == 0 && d == 0);
}

TEST(opening_hours)
{
	CHECK(rota_hours_open("09:00-17:00", 9 * 60) == 1);
	CHECK(rota_hours_open("09:00-17:00", 17 * 60) == 0);
	CHECK(rota_hours_open("09:00-12:00,13:00-17:30", 12 * 60 + 30) == 0);
	CHECK(rota_hours_open("09:00-12:00,13:00-17:30", 17 * 60 + 29) == 1);
	CHECK(rota_hours_open("00:00-24:00", 1439) == 1);
	/* ranges come in order and never overlap (issue 13 item 16) */
	CHECK(rota_hours_open("13:00-17:00,09:00-12:00", 0) == -1);
	CHECK(rota_hours_open("09:00-12:00,11:00-13:00", 0) == -1);
	CHECK(rota_hours_open("09:00-12:00,12:00-13:00", 12 * 60) == 1);
	CHECK(rota_hours_open("whenever", 0) == -1);
	CHECK(rota_hours_open("closed", 600) == 0 && rota_hours_open("", 600) == 0);
	CHECK(rota_hours_open("17:00-09:00", 600) == -1);
	CHECK(rota_hours_open("9-5", 600) == -1);
	CHECK(rota_hours_open("09:00-17:00;", 600) == -1);
}

static void *load_zones(void *arg)
{
	static const char *const names[] = {"Europe/Paris", "America/Denver", "Asia/Tokyo", "Africa/Cairo"};
	const tz_zone **out = arg;
	for (int round = 0; round < 50; round++)
		for (int i = 0; i < 4; i++)
			out[i] = tz_get(names[i]);
	return NULL;
}

/* The zone cache is shared by the server's threads: loading the same zones from several threads at
 * once gives every thread the same zone (run under ASan). */
TEST(zone_cache_across_threads)
{
	pthread_t th[6];
	const tz_zone *got[6][4];
	for (int i = 0; i < 6; i++)
		pthread_create(&th[i], NULL, load_zones, got[i]);
	for (int i = 0; i < 6; i++)
		pthread_join(th[i], NULL);
	for (int i = 1; i < 6; i++)
		for (int j = 0; j < 4; j++)
			CHECK(got[i][j] == got[0][j] && got[0][j] != NULL);
	/* Paris is UTC+1 in January and UTC+2 in July 2026 */
	CHECK(tz_offset_at(got[0][0], T("2026-01-15T12:00:00Z") / 1000, NULL) == 3600);
	CHECK(tz_offset_at(got[0][0], T("2026-07-15T12:00:00Z") / 1000, NULL) == 7200);
}

/* Item 22 of issue 13: a deactivated person's shifts are gaps, not cover. */
TEST(absent_people_cover_nothing)
{
	struct rota_interval iv[] = {{0, 10, 0}, {10, 20, 1}, {20, 30, 2}, {30, 40, ROTA_OVERRIDE + 0}, {40, 50, ROTA_OVERRIDE + 1}};
	const unsigned char absent[] = {0, 1, 0, 1, 0}; /* member 1 and override 0 are deactivated */
	CHECK(rota_is_absent(&iv[1], absent, 3));
	CHECK(rota_is_absent(&iv[3], absent, 3));
	CHECK(!rota_is_absent(&iv[4], absent, 3));
	CHECK(!rota_is_absent(&iv[0], NULL, 3)); /* nobody marked */
	size_t n = rota_keep_present(iv, 5, absent, 3);
	CHECK(n == 3);
	CHECK(iv[0].who == 0 && iv[1].who == 2 && iv[2].who == ROTA_OVERRIDE + 1);
	struct rota_interval *g;
	size_t ng = rota_gaps(iv, n, 0, 50, &g);
	CHECK(ng == 2 && g[0].start == 10 && g[0].end == 20 && g[1].start == 30 && g[1].end == 40);
	free(g);
}

int main(void)
{
	RUN(tz_offsets_agree_with_libc);
	RUN(tz_gap_and_fold);
	RUN(weekly_handover_across_spring_forward_chicago);
	RUN(member_0_covers_from_the_start_before_the_first_handover);
	RUN(weekend_handover_across_fall_back_berlin);
	RUN(night_window_across_midnight_and_dst);
	RUN(nonexistent_handover_refused);
	RUN(overrides_cover_absence);
	RUN(weekday_gaps_known_answer);
	RUN(parsing);
	RUN(dates_are_digits_only);
	RUN(opening_hours);
	RUN(absent_people_cover_nothing);
	RUN(zone_cache_across_threads);
	DONE();
}
