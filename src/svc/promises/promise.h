#ifndef FL_SVC_PROMISE_H
#define FL_SVC_PROMISE_H
/* Promises made to customers, their breaches and policy conflicts (svc/promises/promise.c).
 * Every function runs inside the caller's transaction, acts as c->actor, and returns 0 or -1
 * with c->err set unless said otherwise. */
#include "svc/svc.h"

extern const struct route promise_routes[];

/* The promise as JSON (new reference), or NULL when absent. */
json_t *promise_json(svc_ctx *c, const char *promise_id);
/* The request changed (declined, deferred, overdue): every pending promise it blocks that it now
 * endangers becomes at risk (once), its owner is alerted and an at-risk update duty starts. */
int promise_check_risk(svc_ctx *c, const char *request_id);

/* Registered in svc/registry.c. */
int promise_view_part(svc_ctx *c, const char *case_id, json_t *view);  /* "promises" */
int breach_view_part(svc_ctx *c, const char *case_id, json_t *view);   /* "breaches" */
int conflict_view_part(svc_ctx *c, const char *case_id, json_t *view); /* "policy_conflicts" */
int promise_resolve_hook(svc_ctx *c, const char *case_id, json_t *in); /* refuses with pending promises */
int promise_tick_breach(svc_ctx *c, json_t *summary);                  /* promises past due break */
int promise_tick_due(svc_ctx *c, int64_t until, int64_t *next);        /* when the next one falls due (svc/tick.h) */

#endif
