/* The clock module: manual clock rules, RFC 3339 parsing (offsets, fractions, invalid input)
 * and formatting. */
#include <stdint.h>

#include "base/clock.h"
#include "harness.h"

/* 2026-11-25T15:00:00Z, computed by hand: days from 1970-01-01 to 2026-11-25 = 20782. */
#define T0 (20782LL * 86400 * 1000 + 15LL * 3600 * 1000)

TEST(parse_utc)
{
	int64_t ms = 0;
	CHECK(time_parse("2026-11-25T15:00:00Z", &ms) == 0);
	CHECK(ms == T0);
	CHECK(time_parse("2026-11-25t15:00:00z", &ms) == 0 && ms == T0);
	CHECK(time_parse("2026-11-25 15:00:00Z", &ms) == 0 && ms == T0);
	CHECK(time_parse("2026-11-25T15:00Z", &ms) == 0 && ms == T0); /* seconds optional */
	CHECK(time_parse("1970-01-01T00:00:00Z", &ms) == 0 && ms == 0);
}

TEST(parse_fraction)
{
	int64_t ms = 0;
	CHECK(time_parse("2026-11-25T15:00:00.123Z", &ms) == 0 && ms == T0 + 123);
	CHECK(time_parse("2026-11-25T15:00:00.5Z", &ms) == 0 && ms == T0 + 500);
	CHECK(time_parse("2026-11-25T15:00:00.120999Z", &ms) == 0 && ms == T0 + 120); /* truncated to ms */
	CHECK(time_parse("2026-11-25T15:00:00.Z", &ms) != 0);
}

TEST(parse_offsets)
{
	int64_t ms = 0;
	CHECK(time_parse("2026-11-25T16:00:00+01:00", &ms) == 0 && ms == T0);
	CHECK(time_parse("2026-11-25T09:00:00-06:00", &ms) == 0 && ms == T0);
	CHECK(time_parse("2026-11-26T00:30:00+09:30", &ms) == 0 && ms == T0);
	CHECK(time_parse("2026-11-25T15:00:00+00:00", &ms) == 0 && ms == T0);
	CHECK(time_parse("2026-11-25T15:00:00.250-00:30", &ms) == 0 && ms == T0 + 30 * FL_MIN_MS + 250);
}

TEST(parse_invalid)
{
	int64_t ms = 42;
	const char *bad[] = {
		"", "2026", "2026-11-25", "2026-11-25T15:00:00", /* no zone */
		"2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-02-29T00:00:00Z",
		"2026-04-31T00:00:00Z", "2026-11-25T24:00:00Z", "2026-11-25T15:60:00Z", "2026-11-25T15:00:61Z",
		"2026-11-25T15:00:00+1:00", "2026-11-25T15:00:00+0100", "2026-11-25T15:00:00+24:00",
		"2026-11-25T15:00:00+01:60", "2026-11-25T15:00:00Zjunk", "2026-11-25X15:00:00Z", "26-11-25T15:00:00Z",
		"1969-12-31T23:59:59Z", "2026/11/25T15:00:00Z", "2026-11-25T15:00:00 Z", "abcd-ef-ghTij:kl:mnZ",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (time_parse(bad[i], &ms) == 0)
			fprintf(stderr, "  accepted invalid time \"%s\"\n", bad[i]);
		CHECK(time_parse(bad[i], &ms) != 0);
	}
	CHECK(time_parse(NULL, &ms) != 0);
	CHECK(ms == 42); /* untouched on failure */
}

TEST(parse_leap_day)
{
	int64_t a, b;
	CHECK(time_parse("2024-02-29T00:00:00Z", &a) == 0);
	CHECK(time_parse("2024-03-01T00:00:00Z", &b) == 0 && b - a == FL_DAY_MS);
	CHECK(time_parse("2000-02-29T00:00:00Z", &a) == 0);
	CHECK(time_parse("1900-02-29T00:00:00Z", &a) != 0);
}

TEST(format_roundtrip)
{
	char buf[40];
	CHECK_STR(time_format(T0, buf, sizeof buf), "2026-11-25T15:00:00.000Z");
	CHECK_STR(time_format(T0 + 7, buf, sizeof buf), "2026-11-25T15:00:00.007Z");
	CHECK_STR(time_format(0, buf, sizeof buf), "1970-01-01T00:00:00.000Z");
	int64_t samples[] = {0, 1, 999, T0, T0 + 86399999, 253402300799999LL /* 9999-12-31T23:59:59.999Z */};
	for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) {
		int64_t back = -1;
		time_format(samples[i], buf, sizeof buf);
		CHECK(time_parse(buf, &back) == 0);
		CHECK(back == samples[i]);
	}
}

TEST(manual_clock)
{
	fl_clock c;
	clock_init_manual(&c, T0);
	CHECK(clock_now(&c) == T0);
	CHECK(clock_now(&c) == T0); /* does not move by itself */
	CHECK(clock_advance(&c, 5 * FL_MIN_MS) == 0 && clock_now(&c) == T0 + 5 * FL_MIN_MS);
	CHECK(clock_advance(&c, -1) == -1 && clock_now(&c) == T0 + 5 * FL_MIN_MS);
	CHECK(clock_set(&c, T0) == -1); /* never backwards */
	CHECK(clock_set(&c, T0 + FL_DAY_MS) == 0 && clock_now(&c) == T0 + FL_DAY_MS);
	CHECK(clock_advance(&c, 0) == 0 && clock_now(&c) == T0 + FL_DAY_MS);
}

TEST(real_clock)
{
	fl_clock c;
	clock_init_real(&c);
	int64_t a = clock_now(&c);
	CHECK(a > T0 - 365 * FL_DAY_MS); /* this code was written in 2026 */
	CHECK(clock_set(&c, a + 1000) == -1);
	CHECK(clock_advance(&c, 1000) == -1);
	CHECK(clock_now(&c) >= a);
}

int main(void)
{
	RUN(parse_utc);
	RUN(parse_fraction);
	RUN(parse_offsets);
	RUN(parse_invalid);
	RUN(parse_leap_day);
	RUN(format_roundtrip);
	RUN(manual_clock);
	RUN(real_clock);
	DONE();
}
