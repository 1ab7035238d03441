#ifndef FL_SVC_ACTION_H
#define FL_SVC_ACTION_H
/* Case actions: resolutions (refund, credit, ...) judged against a policy's limits and recorded on
 * the case (svc/exceptions/action.c).  An approved exception (exception.c) is applied through
 * action_insert; what departs from a policy needs an exception instead. */
#include "core/exception_rules.h"
#include "svc/exceptions/policy.h"
#include "svc/svc.h"

struct case_row;

extern const struct route action_routes[];

/* The kinds of resolution (refund, credit, fee_waiver, replacement, other; NULL-terminated). */
extern const char *const ACTION_KINDS[];
#define ACTION_AMOUNT_MAX 1000000000LL /* in currency units */

/* What is done for the customer (borrowed strings). */
struct resolution {
	const char *kind;
	int has_amount;
	int64_t cents;
	const char *value, *channel, *description;
};

/* The input's amount (currency units) or amount_cents, not both: 0 with *has and *cents, or -1 (err
 * set).  With kind, a kind that has a money value needs one. */
int action_amount_of(svc_ctx *c, json_t *in, const char *kind, int *has, int64_t *cents);
/* Column col in money: currency units (a JSON real), or cents (a JSON integer); JSON null for NULL. */
json_t *action_amount_json(db_res *r, int col);
json_t *action_cents_json(db_res *r, int col);

/* Judge res against the policy's limits, counting what the case already received under that policy
 * (money caps are per case and cumulative).  Returns 1 with b filled when it departs, 0 when
 * within, -1 on a storage error (err set). */
int action_judge(svc_ctx *c, const char *case_id, const struct policy_row *pol, const struct resolution *res,
		 struct exc_breach *b);
/* The resolution a request asks for on case case_ref (its kind, amount, value, channel, description
 * and policy), judged: loads the case (*row, which must be open) and the policy (*pol), fills *res
 * (borrowing in's strings) and calls action_judge.  The caller json_decref()s pol->limits whatever
 * the result.  Returns 1 with *b when it departs from the policy, 0 when within, -1 (err set). */
int action_judge_input(svc_ctx *c, const char *case_ref, json_t *in, struct case_row *row, struct policy_row *pol,
		       struct resolution *res, struct exc_breach *b);
/* Record a case action (inside the caller's transaction) with its event, and touch the case; id
 * receives the new action's id.  exception_id (or NULL) links the exception it applies: applying
 * one twice is 409 exception_applied.  0, or -1 (err set). */
int action_insert(svc_ctx *c, const char *case_id, const struct resolution *res, const char *policy_id,
		  long long version, const char *exception_id, const char *by_id, char id[ID_SIZE]);
/* The action as JSON (new reference); JSON null when id is NULL or unknown. */
json_t *action_json(svc_ctx *c, const char *id);
/* A case's actions, oldest first (new reference; a storage error is kept in c->db_err). */
json_t *action_list_of_case(svc_ctx *c, const char *case_id);

#endif
