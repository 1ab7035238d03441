/* Who can help: distance and order (core/candidates.c, docs/directory.md "Who can help now"). */
#include <stdlib.h>

#include "core/candidates.h"
#include "harness.h"

static const struct candidate_place CHICAGO = {"loc_chicago", "us-central", "America/Chicago"};

static enum candidate_distance from_chicago(const char *id, const char *region, const char *tz)
{
	const struct candidate_place at = {id, region, tz};
	return candidate_distance(&CHICAGO, &at);
}

TEST(distance)
{
	CHECK(from_chicago("loc_chicago", "us-central", "America/Chicago") == CANDIDATE_SAME_LOCATION);
	/* the same location wins even with another region or zone recorded */
	CHECK(from_chicago("loc_chicago", "", "UTC") == CANDIDATE_SAME_LOCATION);
	CHECK(from_chicago("loc_dallas", "us-central", "America/Chicago") == CANDIDATE_SAME_REGION);
	/* same region in another zone is still the same region */
	CHECK(from_chicago("loc_denver", "us-central", "America/Denver") == CANDIDATE_SAME_REGION);
	/* a rota for the whole region (no location) */
	CHECK(from_chicago("", "us-central", "America/Denver") == CANDIDATE_SAME_REGION);
	CHECK(from_chicago("loc_mexico", "mx", "America/Chicago") == CANDIDATE_SAME_TIME_ZONE);
	CHECK(from_chicago("loc_x", "", "America/Chicago") == CANDIDATE_SAME_TIME_ZONE);
	CHECK(from_chicago("loc_berlin", "eu", "Europe/Berlin") == CANDIDATE_ELSEWHERE);
	/* two empty regions are not the same region */
	const struct candidate_place no_region = {"loc_a", "", "UTC"}, other = {"loc_b", "", "Europe/Berlin"};
	CHECK(candidate_distance(&no_region, &other) == CANDIDATE_ELSEWHERE);
	/* help wanted anywhere: everyone is elsewhere, even the same ids */
	const struct candidate_place anywhere = {"", "us-central", "America/Chicago"};
	const struct candidate_place same = {"", "us-central", "America/Chicago"};
	CHECK(candidate_distance(&anywhere, &same) == CANDIDATE_ELSEWHERE);
	const struct candidate_place nulls = {NULL, NULL, NULL};
	CHECK(candidate_distance(&nulls, &CHICAGO) == CANDIDATE_ELSEWHERE);
	CHECK(candidate_distance(&CHICAGO, &nulls) == CANDIDATE_ELSEWHERE);
}

TEST(distance_names)
{
	CHECK_STR(candidate_distance_name(CANDIDATE_SAME_LOCATION), "same_location");
	CHECK_STR(candidate_distance_name(CANDIDATE_SAME_REGION), "same_region");
	CHECK_STR(candidate_distance_name(CANDIDATE_SAME_TIME_ZONE), "same_time_zone");
	CHECK_STR(candidate_distance_name(CANDIDATE_ELSEWHERE), "elsewhere");
	CHECK_STR(candidate_distance_name((enum candidate_distance)7), "?");
}

static int by_order(const void *x, const void *y)
{
	return candidate_cmp(x, y);
}

/* The whole order, pinned: nearness first (same region and same time zone are equally near), then
 * primary, secondary, tertiary, in hours, then the person's id. */
TEST(order)
{
	const struct candidate want[] = {
		{"per_a", CANDIDATE_SAME_LOCATION, 0},
		{"per_b", CANDIDATE_SAME_LOCATION, 1},
		{"per_c", CANDIDATE_SAME_LOCATION, CANDIDATE_IN_HOURS},
		{"per_d", CANDIDATE_SAME_LOCATION, CANDIDATE_IN_HOURS},
		{"per_f", CANDIDATE_SAME_TIME_ZONE, 0}, /* zone primary before region secondary */
		{"per_e", CANDIDATE_SAME_REGION, 1},
		{"per_g", CANDIDATE_SAME_REGION, 2},
		{"per_h", CANDIDATE_SAME_REGION, CANDIDATE_IN_HOURS},
		{"per_i", CANDIDATE_SAME_TIME_ZONE, CANDIDATE_IN_HOURS},
		{"per_j", CANDIDATE_ELSEWHERE, 0},
		{"per_k", CANDIDATE_ELSEWHERE, CANDIDATE_IN_HOURS},
	};
	enum { N = sizeof want / sizeof *want };
	struct candidate v[N];
	/* every rotation of the list (and its reverse) sorts to the same order */
	for (size_t start = 0; start < N; start++) {
		for (int rev = 0; rev < 2; rev++) {
			for (size_t i = 0; i < N; i++)
				v[i] = want[rev ? (N - 1 - (i + start) % N) : (i + start) % N];
			qsort(v, N, sizeof *v, by_order);
			for (size_t i = 0; i < N; i++)
				CHECK_STR(v[i].person, want[i].person);
		}
	}
}

TEST(order_pairs)
{
	struct candidate near_in_hours = {"per_z", CANDIDATE_SAME_LOCATION, CANDIDATE_IN_HOURS};
	struct candidate far_primary = {"per_a", CANDIDATE_SAME_REGION, 0};
	CHECK(candidate_cmp(&near_in_hours, &far_primary) < 0); /* nearer beats the layer */
	struct candidate region = {"per_b", CANDIDATE_SAME_REGION, 0}, zone = {"per_a", CANDIDATE_SAME_TIME_ZONE, 0};
	CHECK(candidate_cmp(&zone, &region) < 0); /* equally near: the id decides */
	CHECK(candidate_cmp(&region, &zone) > 0);
	struct candidate same = region;
	CHECK(candidate_cmp(&region, &same) == 0);
	struct candidate elsewhere = {"per_a", CANDIDATE_ELSEWHERE, 0};
	CHECK(candidate_cmp(&zone, &elsewhere) < 0);
}

int main(void)
{
	RUN(distance);
	RUN(distance_names);
	RUN(order);
	RUN(order_pairs);
	DONE();
}
