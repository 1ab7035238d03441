#ifndef FL_SVC_THROTTLE_H
#define FL_SVC_THROTTLE_H
/* Sign-in throttling (issue 13 item 3): every failed password check counts on three counters,
 * each stored in the database (table signin_throttle), so no flood of made-up names can evict a
 * victim's counter:
 *   - the account (organization + email) from anywhere: slows guessing spread over many addresses;
 *   - the account from this client address: slows one guesser on one account the most;
 *   - this client address across accounts: slows one guesser spraying many accounts.
 * An attempt made before a counter's next allowed time is refused without checking the password
 * (429 with Retry-After) and counts nothing.  Delays grow with each failure and stop at a cap
 * (base/ratelimit.h), so the owner is slowed, never locked out; a correct password after the wait
 * works.  Counters with no failure for a day are forgotten. */
#include "base/password.h"
#include "svc/svc.h"

struct throttle {
	char org_id[ID_SIZE];           /* the organization's id, "" when unknown */
	char keys[3][TOKEN_HASH_SIZE];  /* account, account from this address, this address */
	int n;                          /* 1 without a client address (command line), else 3 */
};

/* Fill t for the account named by slug and email (as typed, lower-case) and the client address
 * ip (NULL on the command line).  org_id is the organization's id, or "" when the slug is unknown. */
void throttle_init(struct throttle *t, const char *org_id, const char *slug, const char *email, const char *ip);
/* 0 with *wait_ms = how long until an attempt is allowed (0 = now); -1 on a storage error. */
int throttle_wait(svc_ctx *c, const struct throttle *t, int64_t *wait_ms);
/* Refuse with 429 "too_many_attempts" and Retry-After when the attempt must wait: -1 (err set)
 * when refused or on a storage error, 0 when it may go ahead. */
int throttle_check(svc_ctx *c, const struct throttle *t);
/* Count a failed password check on every counter.  0 or -1 (err set). */
int throttle_fail(svc_ctx *c, const struct throttle *t);
/* A correct password: forget the account's counters (not the address's).  0 or -1 (err set). */
int throttle_clear(svc_ctx *c, const struct throttle *t);

/* Scheduler part: forget counters with no failure for a day; its due function (svc/tick.h). */
int throttle_tick(svc_ctx *c, json_t *summary);
int throttle_tick_due(svc_ctx *c, int64_t until, int64_t *next);

#endif
