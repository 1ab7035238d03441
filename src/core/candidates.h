#ifndef FL_CANDIDATES_H
#define FL_CANDIDATES_H
/* Who can help: where a candidate is and the order candidates are offered in (docs/directory.md,
 * "Who can help now").  Pure functions: no storage, no clock.
 *
 * A candidate is a person on call for a skill (one layer of a rota) or a person with the skill at
 * a location that is open.  The order is nearest first - the same location, then the same region
 * or the same time zone (the two count as equally near), then elsewhere - then primary, secondary,
 * tertiary on call, then in hours; then by person id, so the order never depends on how the rows
 * were read. */
#include "base/id.h"

/* Where a place is relative to the place help is wanted at. */
enum candidate_distance {
	CANDIDATE_SAME_LOCATION,
	CANDIDATE_SAME_REGION,
	CANDIDATE_SAME_TIME_ZONE,
	CANDIDATE_ELSEWHERE,
};

/* A place (strings borrowed; NULL counts as ""): a location id ("" for a rota that covers a whole
 * region, or when help is wanted anywhere), its region ("" when none) and its IANA time zone. */
struct candidate_place {
	const char *id, *region, *tz;
};

/* Where `at` is relative to `near`.  When near has no id (help wanted anywhere) everyone is
 * elsewhere.  Else the same location when the ids are equal; else the same region when both
 * regions are set and equal; else the same time zone when the zones are equal; else elsewhere. */
enum candidate_distance candidate_distance(const struct candidate_place *near, const struct candidate_place *at);
/* "same_location", "same_region", "same_time_zone", "elsewhere" (the API's `distance`); "?" otherwise. */
const char *candidate_distance_name(enum candidate_distance d);

/* The kind of an in-hours candidate; an on-call candidate's kind is its layer's index (0 primary,
 * 1 secondary, 2 tertiary), so every layer comes before in hours. */
#define CANDIDATE_IN_HOURS 9

struct candidate {
	char person[ID_SIZE];
	enum candidate_distance distance;
	int kind; /* layer index, or CANDIDATE_IN_HOURS */
};

/* The order: < 0 when a comes before b, > 0 after, 0 for the same person at the same distance
 * and kind (a person can be a candidate several times; the caller keeps the first). */
int candidate_cmp(const struct candidate *a, const struct candidate *b);

#endif
