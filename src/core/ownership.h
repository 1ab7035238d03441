#ifndef FL_OWNERSHIP_H
#define FL_OWNERSHIP_H
/* The ownership rules of a case.  An open case always has exactly one owner.  An offer does not
 * move ownership; acceptance does.  Only the current owner, a supervisor or an admin may offer;
 * only supervisors and admins may assign directly.  Each function returns 0 when allowed, or -1
 * with err filled (stable codes documented in docs/API.md). */
#include <stddef.h>

#include "base/err.h"
#include "core/roles.h"

struct own_actor {
	const char *person_id;
	enum role role;
};

struct own_case {
	const char *owner_id;
	int open;
	int has_pending_offer;
};

struct own_offer {
	const char *to_id;
	const char *from_id;
	const char *status; /* pending, accepted, declined, withdrawn, expired */
};

int own_may_offer(const struct own_actor *a, const struct own_case *c, const char *to_id, int to_active, fl_err *err);
int own_may_assign(const struct own_actor *a, const struct own_case *c, const char *to_id, int to_active, fl_err *err);
int own_may_decide(const struct own_actor *a, const struct own_case *c, const struct own_offer *o, fl_err *err);
int own_may_withdraw(const struct own_actor *a, const struct own_offer *o, fl_err *err);
int own_may_resolve(const struct own_actor *a, const struct own_case *c, fl_err *err);
int own_may_reopen(const struct own_actor *a, const struct own_case *c, fl_err *err);
/* Settling a promise made on the case (marking it kept, or renegotiating it with the customer's
 * consent) is for the case owner, anyone above the owner in the reporting line, an admin or the
 * system.  owner_chain lists the owner's managers, nearest first (nchain of them; borrowed).
 * A renegotiated promise keeps its maker; who renegotiated it is recorded beside.
 * Codes: not_owner (403), then case_closed (422). */
int own_may_settle_promise(const struct own_actor *a, const struct own_case *c, const char *const *owner_chain,
			   size_t nchain, fl_err *err);

#endif
