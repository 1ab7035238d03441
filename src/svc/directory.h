#ifndef FL_SVC_DIRECTORY_H
#define FL_SVC_DIRECTORY_H
/* The directory, on-call rotas and knowledge articles (svc/directory.c, svc/oncall.c,
 * svc/knowledge.c): route tables and the functions they share. */
#include <stddef.h>

#include "base/tz.h"
#include "svc/svc.h"

extern const struct route directory_routes[];
extern const struct route oncall_routes[];
extern const struct route knowledge_routes[];

/* Check an opening-hours object ({"mon":"09:00-17:00", ...}); 0 or -1 with err "invalid_hours". */
int dir_hours_ok(svc_ctx *c, json_t *hours);
/* The one check of a location's fields, for creating and for changing one: tz (when present) must
 * be a real TZif zone of the system's database, hours (when present) pass dir_hours_ok.
 * 0, or -1 with err "unknown_time_zone" / "invalid_hours". */
int dir_location_input_ok(svc_ctx *c, json_t *in);
/* Whether a location with these hours (JSON text) and holidays (text containing the YYYY-MM-DD
 * dates, may be NULL) is open at instant at in zone z. */
int dir_location_open(const char *hours_json, const char *holidays, const tz_zone *z, int64_t at);
/* Skill by id or name; name (may be NULL) gets its name.  -1 with 404 "skill_not_found". */
int dir_skill_ref(svc_ctx *c, const char *ref, const char *field, char id[ID_SIZE], char *name, size_t name_size);

/* Who can help with skill_id near location near_id ("" = anywhere) at `at`: people on call and
 * people with the skill at a location that is open, nearest first.  *items is a new array of
 * {person, reason, layer, rota, until, location, distance}; at most limit entries. */
int oncall_who(svc_ctx *c, const char *skill_id, const char *near_id, int64_t at, int limit, json_t **items);

/* Scheduler part: routed offers not accepted in time move to the next person on call. */
int oncall_tick(svc_ctx *c, json_t *summary);

/* Case view part: the knowledge articles linked to a case. */
int kb_case_view(svc_ctx *c, const char *case_id, json_t *view);

/* Full-text search of the actor's organization's articles, best first (SQLite FTS5 with bm25;
 * PostgreSQL full-text search).  *items is a new array of {id, title, tags, snippet, rank}. */
int kb_search(svc_ctx *c, const char *query, int limit, json_t **items);

#endif
