#ifndef FL_ATTRIBUTION_H
#define FL_ATTRIBUTION_H
/* Breach attribution: why a promise broke.  A pure function over plain structs (no storage, no
 * clock): the scheduler loads the facts, calls attribution_compute, and stores the result as data.
 *
 * The rule (docs/promises.md):
 *  1. A promise that was kept, or renegotiated with the customer's consent, or whose due time has
 *     not passed, is not a breach.
 *  2. Each request the promise depended on is a cause when, at the promise's due time, it was
 *       declined                               -> "request_declined"
 *       deferred to after the promise's due    -> "request_deferred"
 *       not done, and its own due had passed   -> "request_overdue"
 *       not done (its own due not yet passed)  -> "request_not_done"
 *     A request done by the promise's due time is not a cause, even when it was done after its own
 *     due time.  The cause names the request's holder: person, team, role and reporting-line depth.
 *  3. A declined or deferred request that cited a policy adds a "policy_conflict" cause between that
 *     policy and the promise's policy.
 *  4. The owner is a cause only when nothing else held the promise up: "owner_no_request" when the
 *     owner never asked anyone for anything on the case, "owner_update_lapsed" when an update duty
 *     lapsed, otherwise "owner_not_kept" (everything needed was done but the promise was not kept).
 *     Lapsed update duties are always counted (lapsed_updates) even when the owner is not a cause. */
#include <stddef.h>
#include <stdint.h>

#define ATT_MAX_CAUSES 32

struct att_request {
	const char *id;
	const char *what;
	const char *holder_person_id; /* NULL when a team holds it */
	const char *holder_name;
	const char *holder_team_id;
	const char *holder_team;
	const char *holder_role;      /* frontline, support, supervisor, leader, admin; "" for a team */
	int holder_depth;             /* managers above the holder; -1 for a team */
	const char *status;           /* open, accepted, deferred, done, declined */
	int64_t due_at;
	int64_t done_at;              /* 0 when not done */
	int64_t decided_at;           /* declined / deferred time, 0 when not */
	const char *policy_id;        /* cited by a decline or deferral, NULL when none */
	const char *policy_name;
};

struct att_input {
	const char *promise_status; /* pending, kept, broken, renegotiated */
	int64_t promise_due_at;
	int64_t now;                /* when the rule is evaluated (the breach time) */
	const char *promise_policy_id; /* the policy the promise was made under, or NULL */
	const char *promise_policy_name;
	const char *owner_id;
	const char *owner_name;
	const struct att_request *requests; /* the requests the promise depended on */
	size_t nrequests;
	int owner_made_request; /* the owner asked anyone for anything on this case */
	int lapsed_updates;     /* update duties that lapsed on the case before the breach */
};

enum att_cause_kind {
	ATT_REQUEST_DECLINED,
	ATT_REQUEST_DEFERRED,
	ATT_REQUEST_OVERDUE,
	ATT_REQUEST_NOT_DONE,
	ATT_POLICY_CONFLICT,
	ATT_OWNER_NO_REQUEST,
	ATT_OWNER_UPDATE_LAPSED,
	ATT_OWNER_NOT_KEPT,
};

struct att_cause {
	enum att_cause_kind kind;
	int request; /* index into input requests, -1 for owner causes */
};

struct att_result {
	int breach;        /* 1 when the promise is a breach */
	int owner_at_fault;
	int lapsed_updates;
	size_t ncauses;
	struct att_cause causes[ATT_MAX_CAUSES];
};

/* Compute the attribution of in into out (always filled).  Returns out->breach. */
int attribution_compute(const struct att_input *in, struct att_result *out);
/* Stable snake_case name of a cause kind ("request_overdue" ...). */
const char *attribution_cause_name(enum att_cause_kind k);
/* Level label of a holder for reports: the holder's role, or "team" when a team holds it. */
const char *attribution_level(const struct att_request *r);

#endif
