#ifndef FL_EXCEPTION_RULES_H
#define FL_EXCEPTION_RULES_H
/* The rules of out-of-policy exceptions (story S3): who may propose, who may co-sign, when an
 * exception is approved, who may withdraw, edit or review it, and how a resolution is judged
 * against a policy's machine limits.  Pure functions: no storage, no HTTP, no clock reads (the
 * caller passes `now`).  Each exc_may_* returns 0 when allowed, or -1 with err filled (stable
 * codes listed in docs/exceptions.md). */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "core/roles.h"

/* The organization's settings that the rules read. */
struct exc_rules {
	int cosigners;         /* co-signatures needed (exception.cosigners, >= 1) */
	int supervisors_count; /* 1: supervisors may co-sign (exception.supervisors_count) */
};

/* An exception as the rules see it.  status is "proposed", "approved", "expired" or "withdrawn";
 * a "proposed" exception whose expires_at has passed counts as expired even before the scheduler
 * has marked it. */
struct exc_state {
	const char *proposer_id;
	const char *status;
	int signatures; /* co-signatures so far */
	int needed;     /* co-signatures needed, fixed when it was proposed */
	int64_t expires_at;
	const char *const *signers; /* ids of those who co-signed; nsigners of them */
	size_t nsigners;
};

struct exc_person {
	const char *person_id;
	enum role role;
};

/* A customer-facing employee (PERM_PROPOSE_EXCEPTION: frontline or supervisor) may propose. */
int exc_may_propose(enum role role, fl_err *err);
/* Whether a role may co-sign (PERM_COSIGN_EXCEPTION): frontline always; supervisors only when
 * supervisors_count; support (back office), leaders, admins and the system never. */
int exc_role_may_cosign(enum role role, int supervisors_count);
/* May p add a co-signature now?  Order of checks: state (approved / withdrawn / expired),
 * the proposer, a second signature, the role. */
int exc_may_cosign(const struct exc_state *e, const struct exc_person *p, const struct exc_rules *r, int64_t now,
		   fl_err *err);
/* 1 when `signatures` co-signatures approve an exception that needs `needed`. */
int exc_approved_with(int signatures, int needed);
/* Only the proposer, only while proposed and not expired. */
int exc_may_withdraw(const struct exc_state *e, const char *person_id, int64_t now, fl_err *err);
/* Only the proposer, only while proposed, not expired and not yet co-signed by anyone (a
 * co-signer agreed to what they read).  Approved exceptions are immutable. */
int exc_may_edit(const struct exc_state *e, const char *person_id, int64_t now, fl_err *err);
/* A supervisor or leader (PERM_REVIEW_EXCEPTION) reviews an approved exception once; not the proposer nor a co-signer.
 * reviewed: 1 when a verdict is already recorded. */
int exc_may_review(const struct exc_state *e, const struct exc_person *p, int reviewed, fl_err *err);

/* The limit key of a policy that caps a resolution kind: refund -> max_refund, credit ->
 * max_credit, fee_waiver -> max_fee_waiver, replacement -> max_replacement; NULL for other. */
const char *exc_limit_key(const char *kind);

/* A departure from a policy's limits. */
struct exc_breach {
	char limit[64];      /* the limit key: max_refund, max_amount, kinds, channels */
	int64_t cap_cents;   /* for max_* limits */
	int64_t total_cents; /* for max_* limits: what the case would have received, this one included */
};

/* A resolution as the limits see it.  Money caps are per case and cumulative: case_kind_cents is
 * what the case already received under the same policy as this kind, case_amount_cents as any
 * kind with an amount (so three refunds of 30 break a cap of 50 at the second). */
struct exc_resolution {
	const char *kind;
	int has_amount;
	int64_t amount_cents;
	const char *channel;
	int64_t case_kind_cents, case_amount_cents;
};

/* Judge a resolution against a policy's machine limits (a JSON object, borrowed):
 *   max_<kind> / max_amount: numbers in currency units (50 = $50.00), caps on the case's total
 *   (this resolution included) of that kind / of every amount;
 *   kinds: array of allowed resolution kinds; channels: array of allowed channels.
 * Returns 1 and fills b at the first limit it departs from, 0 when it is within the limits.
 * Limits that are absent, of the wrong type, or do not concern the resolution are ignored. */
int exc_check_limits(json_t *limits, const struct exc_resolution *r, struct exc_breach *b);

/* Start (UTC ms) of the calendar quarter (UTC) that contains ms. */
int64_t exc_quarter_start(int64_t ms);
/* Median of v[0..n) (sorts v in place): the middle value, or for even n the mean of the two
 * middle values rounded down.  0 when n == 0. */
int64_t exc_median(int64_t *v, size_t n);

#endif
