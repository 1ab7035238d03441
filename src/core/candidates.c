#include "core/candidates.h"

#include <string.h>

static const char *str(const char *s)
{
	return s ? s : "";
}

enum candidate_distance candidate_distance(const struct candidate_place *near, const struct candidate_place *at)
{
	const char *near_region = str(near->region), *region = str(at->region);
	if (!*str(near->id))
		return CANDIDATE_ELSEWHERE;
	if (*str(at->id) && strcmp(at->id, near->id) == 0)
		return CANDIDATE_SAME_LOCATION;
	if (*region && *near_region && strcmp(region, near_region) == 0)
		return CANDIDATE_SAME_REGION;
	if (strcmp(str(at->tz), str(near->tz)) == 0)
		return CANDIDATE_SAME_TIME_ZONE;
	return CANDIDATE_ELSEWHERE;
}

const char *candidate_distance_name(enum candidate_distance d)
{
	static const char *const NAMES[] = {"same_location", "same_region", "same_time_zone", "elsewhere"};
	return (unsigned)d <= CANDIDATE_ELSEWHERE ? NAMES[d] : "?";
}

/* How near: the same region and the same time zone are equally near. */
static int nearness(enum candidate_distance d)
{
	return d == CANDIDATE_SAME_LOCATION ? 0 : d == CANDIDATE_ELSEWHERE ? 2 : 1;
}

int candidate_cmp(const struct candidate *a, const struct candidate *b)
{
	int na = nearness(a->distance), nb = nearness(b->distance);
	if (na != nb)
		return na - nb;
	if (a->kind != b->kind)
		return a->kind - b->kind;
	return strcmp(a->person, b->person);
}
