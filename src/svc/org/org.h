#ifndef FL_SVC_ORG_H
#define FL_SVC_ORG_H
/* Organizations, teams and locations (svc/org/org.c). */
#include "svc/svc.h"

extern const struct route org_routes[];

/* Team / location reference (id or name) within the actor's organization; id receives the id.
 * Returns 0, or -1 with ERR_NOT_FOUND ("team_not_found" / "location_not_found") on field. */
int org_team_ref(svc_ctx *c, const char *ref, const char *field, char id[ID_SIZE]);
int org_location_ref(svc_ctx *c, const char *ref, const char *field, char id[ID_SIZE]);
/* The one check of a location's fields, for creating and for changing one: tz (when present) must
 * be a real TZif zone of the system's database (not "America" or "zone.tab"), hours (when present)
 * an object of days mon..sun with ranges in order ("09:00-12:00,13:00-17:00") or "closed".
 * 0, or -1 with 400 "unknown_time_zone" / "invalid_hours". */
int org_location_input_ok(svc_ctx *c, json_t *in);
/* The team's name into buf (size n); "" when absent.  Returns buf. */
const char *org_team_name(svc_ctx *c, const char *team_id, char *buf, size_t n);

#endif
