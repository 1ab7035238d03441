#ifndef FL_SVC_TICK_H
#define FL_SVC_TICK_H
/* One scheduler pass: every registered part finds what has come due at c->now (by indexed
 * range queries over all organizations) and acts on it, inside the caller's transaction.
 * Each part adds its counts to summary ({"reminders": 3, ...}).  Returns 0 or -1 (err set). */
#include "svc/svc.h"

typedef int (*tick_fn)(svc_ctx *c, json_t *summary);

int tick_run(svc_ctx *c, json_t *summary);
const tick_fn *svc_tick_parts(void);

/* Act as the system in organization org_id (the scheduler switches between organizations). */
void tick_as_system(svc_ctx *c, const char *org_id);

/* Rows one scheduler part handles per pass; the rest wait for the next pass. */
#define TICK_BATCH 5000

/* Add n to summary[key] (summary may be NULL; n == 0 adds nothing). */
void tick_count(json_t *summary, const char *key, long long n);

#endif
