#ifndef FL_SVC_PROMISE_H
#define FL_SVC_PROMISE_H
/* Promises made to customers, their breaches and policy conflicts (svc/promises/promise.c).
 * Every function runs inside the caller's transaction, acts as c->actor, and returns 0 or -1
 * with c->err set unless said otherwise. */
#include "base/limits.h"
#include "svc/svc.h"

extern const struct route promise_routes[];

/* A promise as the operations on it need it. */
struct promise_state {
	char id[ID_SIZE], case_id[ID_SIZE], status[16], what[FL_MAX_TEXT + 1];
	int64_t due_at;
};
/* Load a promise of the actor's organization; -1 with ERR_NOT_FOUND "promise_not_found" otherwise. */
int promise_load(svc_ctx *c, const char *id, struct promise_state *s);

/* The promise as JSON (new reference), or NULL when absent. */
json_t *promise_json(svc_ctx *c, const char *promise_id);
/* The request changed (declined, deferred, overdue): every pending promise it blocks that it now
 * endangers becomes at risk (once), its owner is alerted, an at-risk update duty starts and the
 * promise hooks run ("at_risk"). */
int promise_check_risk(svc_ctx *c, const char *request_id);

/* May the actor settle (keep, renegotiate, propose a new time for) promises of this case?  The
 * rule is core/ownership.c. */
int promise_may_settle(svc_ctx *c, const char *case_id);
/* Renegotiate: close the pending promise as "renegotiated" and make a new one from in: "due_at"
 * (required, future), "consent" and "consent_channel" (required: the customer's consent), "what"
 * (optional), "evidence" (optional object, kept in the event: what the consent was given in).
 * renegotiated_by is the person who moved it.  No permission check (promise_may_settle).  id gets
 * the new promise's id.  Runs the promise hooks ("renegotiated"). */
int promise_renegotiate(svc_ctx *c, const char *promise_id, json_t *in, const char *renegotiated_by, char id[ID_SIZE]);

/* Registered in svc/registry.c. */
int promise_view_part(svc_ctx *c, const char *case_id, json_t *view);  /* "promises" */
int breach_view_part(svc_ctx *c, const char *case_id, json_t *view);   /* "breaches" */
int conflict_view_part(svc_ctx *c, const char *case_id, json_t *view); /* "policy_conflicts" */
int promise_resolve_hook(svc_ctx *c, const char *case_id, json_t *in); /* refuses with pending promises */
int promise_tick_breach(svc_ctx *c, json_t *summary);                  /* promises past due break (breach.c) */
/* Record the breach of a promise just marked broken: attribution, breach and causes, history, the
 * owner's alert, the breach hooks (svc/promises/breach.c). */
int breach_record(svc_ctx *c, const char *promise_id);
int promise_tick_due(svc_ctx *c, int64_t until, int64_t *next);        /* when the next one falls due (svc/tick.h) */

/* The "promises", "breaches" and "policy_conflicts" parts of the pages of n cases (n <= BATCH_IDS,
 * svc/batch.h) in the actor's organization, each row as its part shows it: appended to
 * by_case[case id] (arrays created as needed; a case with none gets none).  Returns 0 or -1. */
int promise_rows_of_cases(svc_ctx *c, const char *const *case_ids, size_t n, json_t *by_case);
int breach_rows_of_cases(svc_ctx *c, const char *const *case_ids, size_t n, json_t *by_case);
int conflict_rows_of_cases(svc_ctx *c, const char *const *case_ids, size_t n, json_t *by_case);

#endif
