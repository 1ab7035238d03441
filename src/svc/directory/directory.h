#ifndef FL_SVC_DIRECTORY_H
#define FL_SVC_DIRECTORY_H
/* The directory: locations with their hours and holidays, skills and who has them where
 * (svc/directory/directory.c). */
#include <stddef.h>

#include "base/tz.h"
#include "svc/svc.h"

extern const struct route directory_routes[];

/* Whether a location with these hours (JSON text) and holidays (text containing the YYYY-MM-DD
 * dates, may be NULL) is open at instant at in zone z. */
int dir_location_open(const char *hours_json, const char *holidays, const tz_zone *z, int64_t at);
/* Skill by id or name; name (may be NULL) gets its name.  -1 with 404 "skill_not_found". */
int dir_skill_ref(svc_ctx *c, const char *ref, const char *field, char id[ID_SIZE], char *name, size_t name_size);

#endif
