/* Every branch of core/ownership.c: who may offer, assign, answer, withdraw, resolve, reopen. */
#include "core/ownership.h"
#include "harness.h"

static const struct own_actor OWNER = {"per_chris", ROLE_FRONTLINE};
static const struct own_actor OTHER = {"per_dana", ROLE_FRONTLINE};
static const struct own_actor PAT = {"per_pat", ROLE_SUPPORT};
static const struct own_actor SUP = {"per_taylor", ROLE_SUPERVISOR};
static const struct own_actor ADMIN = {"per_admin", ROLE_ADMIN};
static const struct own_actor SYS = {"system", ROLE_SYSTEM};
static const struct own_actor LEADER = {"per_riley", ROLE_LEADER};

static const struct own_case OPEN = {"per_chris", 1, 0};
static const struct own_case OPEN_OFFERED = {"per_chris", 1, 1};
static const struct own_case CLOSED = {"per_chris", 0, 0};

#define ALLOWED(call) CHECK((call) == 0)
#define REFUSED(call, kind_, code_)                 \
	do {                                        \
		fl_err e_ = FL_ERR_INIT;            \
		CHECK((call_with(&e_, call)) == -1); \
		CHECK(e_.kind == (kind_));          \
		CHECK_STR(e_.code, code_);          \
	} while (0)
/* helper so the macro can pass its own err */
#define call_with(e, call) (cur_err = (e), (call))
static fl_err *cur_err;
static fl_err scratch;
#define E (cur_err ? cur_err : &scratch)

TEST(offer)
{
	cur_err = NULL;
	ALLOWED(own_may_offer(&OWNER, &OPEN, "per_pat", 1, E));
	ALLOWED(own_may_offer(&SUP, &OPEN, "per_pat", 1, E));
	ALLOWED(own_may_offer(&ADMIN, &OPEN, "per_pat", 1, E));
	ALLOWED(own_may_offer(&SYS, &OPEN, "per_pat", 1, E));
	REFUSED(own_may_offer(&OTHER, &OPEN, "per_pat", 1, E), ERR_FORBIDDEN, "not_owner");
	REFUSED(own_may_offer(&LEADER, &OPEN, "per_pat", 1, E), ERR_FORBIDDEN, "not_owner");
	REFUSED(own_may_offer(&OWNER, &CLOSED, "per_pat", 1, E), ERR_RULE, "case_closed");
	REFUSED(own_may_offer(&OWNER, &OPEN, "per_chris", 1, E), ERR_RULE, "already_owner");
	REFUSED(own_may_offer(&OWNER, &OPEN, "per_pat", 0, E), ERR_RULE, "person_inactive");
	REFUSED(own_may_offer(&OWNER, &OPEN_OFFERED, "per_pat", 1, E), ERR_CONFLICT, "offer_pending");
	/* the permission check comes first: a stranger learns nothing about the case's state */
	REFUSED(own_may_offer(&OTHER, &CLOSED, "per_chris", 0, E), ERR_FORBIDDEN, "not_owner");
}

TEST(assign)
{
	cur_err = NULL;
	ALLOWED(own_may_assign(&SUP, &OPEN, "per_pat", 1, E));
	ALLOWED(own_may_assign(&ADMIN, &OPEN_OFFERED, "per_pat", 1, E)); /* assigning overrides an offer */
	ALLOWED(own_may_assign(&SYS, &OPEN, "per_pat", 1, E));
	REFUSED(own_may_assign(&OWNER, &OPEN, "per_pat", 1, E), ERR_FORBIDDEN, "not_supervisor");
	REFUSED(own_may_assign(&PAT, &OPEN, "per_pat", 1, E), ERR_FORBIDDEN, "not_supervisor");
	REFUSED(own_may_assign(&LEADER, &OPEN, "per_pat", 1, E), ERR_FORBIDDEN, "not_supervisor");
	REFUSED(own_may_assign(&SUP, &CLOSED, "per_pat", 1, E), ERR_RULE, "case_closed");
	REFUSED(own_may_assign(&SUP, &OPEN, "per_chris", 1, E), ERR_RULE, "already_owner");
	REFUSED(own_may_assign(&SUP, &OPEN, "per_pat", 0, E), ERR_RULE, "person_inactive");
}

TEST(decide)
{
	cur_err = NULL;
	struct own_offer pending = {"per_pat", "per_chris", "pending"};
	ALLOWED(own_may_decide(&PAT, &OPEN_OFFERED, &pending, E));
	REFUSED(own_may_decide(&OWNER, &OPEN_OFFERED, &pending, E), ERR_FORBIDDEN, "not_recipient");
	REFUSED(own_may_decide(&SUP, &OPEN_OFFERED, &pending, E), ERR_FORBIDDEN, "not_recipient");
	REFUSED(own_may_decide(&ADMIN, &OPEN_OFFERED, &pending, E), ERR_FORBIDDEN, "not_recipient");
	const char *done[] = {"accepted", "declined", "withdrawn", "expired"};
	for (int i = 0; i < 4; i++) {
		struct own_offer o = {"per_pat", "per_chris", done[i]};
		REFUSED(own_may_decide(&PAT, &OPEN_OFFERED, &o, E), ERR_CONFLICT, "offer_not_pending");
	}
	REFUSED(own_may_decide(&PAT, &CLOSED, &pending, E), ERR_CONFLICT, "case_closed");
}

TEST(withdraw)
{
	cur_err = NULL;
	struct own_offer pending = {"per_pat", "per_chris", "pending"};
	struct own_offer accepted = {"per_pat", "per_chris", "accepted"};
	ALLOWED(own_may_withdraw(&OWNER, &pending, E));
	ALLOWED(own_may_withdraw(&SUP, &pending, E));
	ALLOWED(own_may_withdraw(&ADMIN, &pending, E));
	REFUSED(own_may_withdraw(&PAT, &pending, E), ERR_FORBIDDEN, "not_offerer");
	REFUSED(own_may_withdraw(&OTHER, &pending, E), ERR_FORBIDDEN, "not_offerer");
	REFUSED(own_may_withdraw(&OWNER, &accepted, E), ERR_CONFLICT, "offer_not_pending");
}

TEST(resolve)
{
	cur_err = NULL;
	ALLOWED(own_may_resolve(&OWNER, &OPEN, E));
	ALLOWED(own_may_resolve(&SUP, &OPEN, E));
	ALLOWED(own_may_resolve(&ADMIN, &OPEN_OFFERED, E));
	REFUSED(own_may_resolve(&OTHER, &OPEN, E), ERR_FORBIDDEN, "not_owner");
	REFUSED(own_may_resolve(&PAT, &OPEN_OFFERED, E), ERR_FORBIDDEN, "not_owner"); /* an offer gives no rights */
	REFUSED(own_may_resolve(&OWNER, &CLOSED, E), ERR_CONFLICT, "case_closed");
}

TEST(reopen)
{
	cur_err = NULL;
	ALLOWED(own_may_reopen(&OTHER, &CLOSED, E));
	ALLOWED(own_may_reopen(&OWNER, &CLOSED, E));
	REFUSED(own_may_reopen(&OWNER, &OPEN, E), ERR_CONFLICT, "case_open");
}

/* Item 5 of issue 13: only the owner, the owner's supervisor chain or an admin settles a promise. */
TEST(settle_promise)
{
	cur_err = NULL;
	const char *chain[] = {"per_taylor", "per_riley"}; /* Chris's manager, then hers */
	ALLOWED(own_may_settle_promise(&OWNER, &OPEN, chain, 2, E));
	ALLOWED(own_may_settle_promise(&SUP, &OPEN, chain, 2, E));
	ALLOWED(own_may_settle_promise(&LEADER, &OPEN, chain, 2, E)); /* two levels up */
	ALLOWED(own_may_settle_promise(&ADMIN, &OPEN, chain, 2, E));
	ALLOWED(own_may_settle_promise(&SYS, &OPEN, NULL, 0, E));
	ALLOWED(own_may_settle_promise(&OWNER, &OPEN_OFFERED, NULL, 0, E));
	REFUSED(own_may_settle_promise(&OTHER, &OPEN, chain, 2, E), ERR_FORBIDDEN, "not_owner");
	REFUSED(own_may_settle_promise(&PAT, &OPEN_OFFERED, chain, 2, E), ERR_FORBIDDEN, "not_owner"); /* an offer gives no rights */
	/* a supervisor or leader outside the owner's line is a stranger here */
	REFUSED(own_may_settle_promise(&SUP, &OPEN, chain + 1, 1, E), ERR_FORBIDDEN, "not_owner");
	REFUSED(own_may_settle_promise(&LEADER, &OPEN, chain, 1, E), ERR_FORBIDDEN, "not_owner");
	REFUSED(own_may_settle_promise(&OWNER, &CLOSED, chain, 2, E), ERR_RULE, "case_closed");
	REFUSED(own_may_settle_promise(&OTHER, &CLOSED, chain, 2, E), ERR_FORBIDDEN, "not_owner");
}

int main(void)
{
	RUN(offer);
	RUN(assign);
	RUN(decide);
	RUN(withdraw);
	RUN(resolve);
	RUN(reopen);
	RUN(settle_promise);
	DONE();
}
