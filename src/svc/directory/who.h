#ifndef FL_SVC_WHO_H
#define FL_SVC_WHO_H
/* Who can help with a skill near a location (svc/directory/who.c). */
#include "svc/svc.h"

extern const struct route who_routes[];

/* Who can help with skill_id near location near_id ("" = anywhere) at `at`: people on call and
 * people with the skill at a location that is open, nearest first.  *items is a new array of
 * {person, reason, layer, rota, until, location, distance}; at most limit entries.  Deactivated
 * people are never candidates.  Returns 0 or -1 (err set). */
int who_can_help(svc_ctx *c, const char *skill_id, const char *near_id, int64_t at, int limit, json_t **items);

/* Whether location loc_id is open at `at` (its opening hours in its time zone, its holidays):
 * *open 1 or 0 (0 for an unknown id).  Returns 0 or -1 (err set). */
int who_location_open(svc_ctx *c, const char *loc_id, int64_t at, int *open);

/* The location named by in[field] (id or name), else the actor's own location, else "".
 * Returns 0, or -1 with ERR_NOT_FOUND when in[field] names no location. */
int who_near_location(svc_ctx *c, json_t *in, const char *field, char loc[ID_SIZE]);

#endif
