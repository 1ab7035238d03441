/* The exception rules (core/exception_rules.c): every branch. */
#include "core/exception_rules.h"

#include "harness.h"

#define HOUR 3600000LL

static const char *const NOBODY[] = {NULL};
static const char *const NOAH[] = {"noah"};

static struct exc_state open_exc(void)
{
	struct exc_state e = {"mia", "proposed", 0, 1, 24 * HOUR, NOBODY, 0};
	return e;
}

static const char *code_of(int rc, fl_err *err)
{
	return rc == 0 ? "ok" : err->code;
}

static const char *cosign(const struct exc_state *e, const char *who, enum role role, int sup, int64_t now)
{
	static fl_err err;
	struct exc_person p = {who, role};
	struct exc_rules r = {1, sup};
	err_clear(&err);
	return code_of(exc_may_cosign(e, &p, &r, now, &err), &err);
}

TEST(propose_needs_customer_facing)
{
	fl_err err = FL_ERR_INIT;
	CHECK(exc_may_propose(ROLE_FRONTLINE, &err) == 0);
	CHECK(exc_may_propose(ROLE_SUPERVISOR, &err) == 0);
	CHECK(exc_may_propose(ROLE_SUPPORT, &err) == -1);
	CHECK_STR(err.code, "not_customer_facing");
	CHECK(err.kind == ERR_FORBIDDEN);
	CHECK(exc_may_propose(ROLE_LEADER, &err) == -1);
	CHECK(exc_may_propose(ROLE_ADMIN, &err) == -1);
}

TEST(role_may_cosign)
{
	CHECK(exc_role_may_cosign(ROLE_FRONTLINE, 0));
	CHECK(exc_role_may_cosign(ROLE_FRONTLINE, 1));
	CHECK(!exc_role_may_cosign(ROLE_SUPERVISOR, 0));
	CHECK(exc_role_may_cosign(ROLE_SUPERVISOR, 1));
	CHECK(!exc_role_may_cosign(ROLE_SUPPORT, 1));
	CHECK(!exc_role_may_cosign(ROLE_LEADER, 1));
	CHECK(!exc_role_may_cosign(ROLE_ADMIN, 1));
	CHECK(!exc_role_may_cosign(ROLE_SYSTEM, 1));
}

TEST(cosign_allowed_for_another_frontline)
{
	struct exc_state e = open_exc();
	CHECK_STR(cosign(&e, "noah", ROLE_FRONTLINE, 0, HOUR), "ok");
}

TEST(cosign_refusals)
{
	struct exc_state e = open_exc();
	CHECK_STR(cosign(&e, "mia", ROLE_FRONTLINE, 0, HOUR), "self_cosign");
	CHECK_STR(cosign(&e, "priya", ROLE_SUPPORT, 0, HOUR), "not_customer_facing");
	CHECK_STR(cosign(&e, "grace", ROLE_LEADER, 1, HOUR), "not_customer_facing");
	CHECK_STR(cosign(&e, "admin", ROLE_ADMIN, 1, HOUR), "not_customer_facing");
	CHECK_STR(cosign(&e, "sofia", ROLE_SUPERVISOR, 0, HOUR), "supervisors_not_counted");
	CHECK_STR(cosign(&e, "sofia", ROLE_SUPERVISOR, 1, HOUR), "ok");
	/* the proposer is refused even when their role could co-sign */
	e.proposer_id = "sofia";
	CHECK_STR(cosign(&e, "sofia", ROLE_SUPERVISOR, 1, HOUR), "self_cosign");
}

TEST(cosign_twice_refused)
{
	struct exc_state e = open_exc();
	e.needed = 2;
	e.signatures = 1;
	e.signers = NOAH;
	e.nsigners = 1;
	CHECK_STR(cosign(&e, "noah", ROLE_FRONTLINE, 0, HOUR), "already_signed");
	CHECK_STR(cosign(&e, "liam", ROLE_FRONTLINE, 0, HOUR), "ok");
}

TEST(cosign_by_state)
{
	struct exc_state e = open_exc();
	e.status = "approved";
	CHECK_STR(cosign(&e, "noah", ROLE_FRONTLINE, 0, HOUR), "exception_approved");
	e.status = "withdrawn";
	CHECK_STR(cosign(&e, "noah", ROLE_FRONTLINE, 0, HOUR), "exception_withdrawn");
	e.status = "expired";
	CHECK_STR(cosign(&e, "noah", ROLE_FRONTLINE, 0, HOUR), "exception_expired");
	e.status = "strange";
	CHECK_STR(cosign(&e, "noah", ROLE_FRONTLINE, 0, HOUR), "exception_closed");
	/* proposed but past its window: expired before the scheduler marks it */
	e.status = "proposed";
	CHECK_STR(cosign(&e, "noah", ROLE_FRONTLINE, 0, 24 * HOUR), "exception_expired");
	CHECK_STR(cosign(&e, "noah", ROLE_FRONTLINE, 0, 24 * HOUR - 1), "ok");
}

TEST(approved_at_last_signature)
{
	CHECK(!exc_approved_with(0, 1));
	CHECK(exc_approved_with(1, 1));
	CHECK(!exc_approved_with(1, 2));
	CHECK(exc_approved_with(2, 2));
	CHECK(exc_approved_with(3, 2));
	CHECK(exc_approved_with(1, 0)); /* a nonsense setting still needs one co-signer */
	CHECK(!exc_approved_with(0, 0));
}

TEST(withdraw)
{
	fl_err err = FL_ERR_INIT;
	struct exc_state e = open_exc();
	CHECK(exc_may_withdraw(&e, "mia", HOUR, &err) == 0);
	CHECK(exc_may_withdraw(&e, "noah", HOUR, &err) == -1);
	CHECK_STR(err.code, "not_proposer");
	e.status = "approved";
	CHECK(exc_may_withdraw(&e, "mia", HOUR, &err) == -1);
	CHECK_STR(err.code, "exception_immutable");
	e.status = "proposed";
	CHECK(exc_may_withdraw(&e, "mia", 25 * HOUR, &err) == -1);
	CHECK_STR(err.code, "exception_expired");
	e.status = "withdrawn";
	CHECK(exc_may_withdraw(&e, "mia", HOUR, &err) == -1);
	CHECK_STR(err.code, "exception_withdrawn");
}

TEST(edit)
{
	fl_err err = FL_ERR_INIT;
	struct exc_state e = open_exc();
	CHECK(exc_may_edit(&e, "mia", HOUR, &err) == 0);
	CHECK(exc_may_edit(&e, "noah", HOUR, &err) == -1);
	CHECK_STR(err.code, "not_proposer");
	e.signatures = 1;
	CHECK(exc_may_edit(&e, "mia", HOUR, &err) == -1);
	CHECK_STR(err.code, "exception_signed");
	e.status = "approved";
	CHECK(exc_may_edit(&e, "mia", HOUR, &err) == -1);
	CHECK_STR(err.code, "exception_immutable");
	CHECK(err.kind == ERR_CONFLICT);
	/* immutable for everyone, not only the proposer */
	CHECK(exc_may_edit(&e, "noah", HOUR, &err) == -1);
	CHECK_STR(err.code, "exception_immutable");
	e.status = "expired";
	CHECK(exc_may_edit(&e, "mia", HOUR, &err) == -1);
	CHECK_STR(err.code, "exception_expired");
}

TEST(review)
{
	fl_err err = FL_ERR_INIT;
	struct exc_state e = open_exc();
	e.status = "approved";
	e.signatures = 1;
	e.signers = NOAH;
	e.nsigners = 1;
	struct exc_person grace = {"grace", ROLE_LEADER}, sofia = {"sofia", ROLE_SUPERVISOR};
	struct exc_person priya = {"priya", ROLE_SUPPORT}, noah = {"noah", ROLE_SUPERVISOR}, mia = {"mia", ROLE_SUPERVISOR};
	struct exc_person admin = {"admin", ROLE_ADMIN}, fl = {"liam", ROLE_FRONTLINE};
	CHECK(exc_may_review(&e, &grace, 0, &err) == 0);
	CHECK(exc_may_review(&e, &sofia, 0, &err) == 0);
	CHECK(exc_may_review(&e, &priya, 0, &err) == -1);
	CHECK_STR(err.code, "not_reviewer");
	CHECK(exc_may_review(&e, &admin, 0, &err) == -1);
	CHECK_STR(err.code, "not_reviewer");
	CHECK(exc_may_review(&e, &fl, 0, &err) == -1);
	CHECK_STR(err.code, "not_reviewer");
	CHECK(exc_may_review(&e, &grace, 1, &err) == -1);
	CHECK_STR(err.code, "already_reviewed");
	CHECK(exc_may_review(&e, &noah, 0, &err) == -1);
	CHECK_STR(err.code, "own_exception");
	CHECK(exc_may_review(&e, &mia, 0, &err) == -1);
	CHECK_STR(err.code, "own_exception");
	e.status = "proposed";
	CHECK(exc_may_review(&e, &grace, 0, &err) == -1);
	CHECK_STR(err.code, "not_approved");
}

TEST(limit_keys)
{
	CHECK_STR(exc_limit_key("refund"), "max_refund");
	CHECK_STR(exc_limit_key("credit"), "max_credit");
	CHECK_STR(exc_limit_key("fee_waiver"), "max_fee_waiver");
	CHECK_STR(exc_limit_key("replacement"), "max_replacement");
	CHECK(exc_limit_key("other") == NULL);
	CHECK(exc_limit_key(NULL) == NULL);
}

static int chk(json_t *lim, const char *kind, int has, int64_t cents, const char *channel, struct exc_breach *b)
{
	struct exc_resolution r = {kind, has, cents, channel, 0, 0};
	return exc_check_limits(lim, &r, b);
}

TEST(check_limits)
{
	struct exc_breach b;
	json_t *lim = json_loads("{\"max_refund\": 50, \"max_credit\": 99.5, \"channels\": [\"phone\", \"store\"]}", 0, NULL);
	CHECK(chk(lim, "refund", 1, 5000, "phone", &b) == 0);
	CHECK(chk(lim, "refund", 1, 5001, "phone", &b) == 1);
	CHECK_STR(b.limit, "max_refund");
	CHECK(b.cap_cents == 5000);
	CHECK(chk(lim, "credit", 1, 9950, "store", &b) == 0);
	CHECK(chk(lim, "credit", 1, 9951, "store", &b) == 1);
	CHECK_STR(b.limit, "max_credit");
	CHECK(chk(lim, "refund", 1, 100, "chat", &b) == 1);
	CHECK_STR(b.limit, "channels");
	CHECK(chk(lim, "refund", 1, 100, NULL, &b) == 0); /* no channel: not judged */
	CHECK(chk(lim, "refund", 0, 0, "phone", &b) == 0);  /* no amount: no cap applies */
	CHECK(chk(lim, "replacement", 1, 999999, "phone", &b) == 0);
	json_decref(lim);

	lim = json_loads("{\"max_amount\": 10, \"kinds\": [\"refund\", \"credit\"], \"max_refund\": \"fifty\"}", 0, NULL);
	CHECK(chk(lim, "refund", 1, 1000, NULL, &b) == 0);
	CHECK(chk(lim, "refund", 1, 1001, NULL, &b) == 1); /* a wrongly typed cap is ignored */
	CHECK_STR(b.limit, "max_amount");
	CHECK(chk(lim, "other", 0, 0, NULL, &b) == 1);
	CHECK_STR(b.limit, "kinds");
	json_decref(lim);

	CHECK(chk(NULL, "refund", 1, 1 << 30, NULL, &b) == 0);
	lim = json_array();
	CHECK(chk(lim, "refund", 1, 1 << 30, NULL, &b) == 0);
	json_decref(lim);
}

/* Item 6 of issue 13: a cap is per case, cumulative; three refunds of 30 do not pass a cap of 50. */
TEST(check_limits_cumulative)
{
	struct exc_breach b;
	json_t *lim = json_loads("{\"max_refund\": 50, \"max_amount\": 100}", 0, NULL);
	struct exc_resolution first = {"refund", 1, 3000, NULL, 0, 0};
	CHECK(exc_check_limits(lim, &first, &b) == 0);
	struct exc_resolution second = {"refund", 1, 3000, NULL, 3000, 3000};
	CHECK(exc_check_limits(lim, &second, &b) == 1);
	CHECK_STR(b.limit, "max_refund");
	CHECK(b.cap_cents == 5000 && b.total_cents == 6000);
	struct exc_resolution exact = {"refund", 1, 2000, NULL, 3000, 3000}; /* 50 in all: within */
	CHECK(exc_check_limits(lim, &exact, &b) == 0);
	/* other kinds count toward max_amount only */
	struct exc_resolution credit = {"credit", 1, 4000, NULL, 0, 7000};
	CHECK(exc_check_limits(lim, &credit, &b) == 1);
	CHECK_STR(b.limit, "max_amount");
	CHECK(b.total_cents == 11000);
	struct exc_resolution small = {"credit", 1, 3000, NULL, 0, 7000};
	CHECK(exc_check_limits(lim, &small, &b) == 0);
	/* no amount: no cap applies, whatever the case received */
	struct exc_resolution none = {"refund", 0, 0, NULL, 900000, 900000};
	CHECK(exc_check_limits(lim, &none, &b) == 0);
	json_decref(lim);
}

TEST(quarter_start)
{
	/* 2026-03-02T15:00:00Z is in Q1 2026, which starts 2026-01-01 (1767225600 s) */
	CHECK(exc_quarter_start(1772463600000LL) == 1767225600000LL);
	/* 2026-04-01T00:00:00Z (1775001600 s) starts Q2; one ms before is still Q1 */
	CHECK(exc_quarter_start(1775001600000LL) == 1775001600000LL);
	CHECK(exc_quarter_start(1775001600000LL - 1) == 1767225600000LL);
	/* 2024-12-31T23:59:59Z (leap year) -> 2024-10-01 (1727740800 s) */
	CHECK(exc_quarter_start(1735689599000LL) == 1727740800000LL);
	CHECK(exc_quarter_start(0) == 0);
}

TEST(median)
{
	int64_t a[] = {30, 10, 20};
	CHECK(exc_median(a, 3) == 20);
	int64_t b[] = {40, 10, 30, 20};
	CHECK(exc_median(b, 4) == 25);
	int64_t c[] = {7};
	CHECK(exc_median(c, 1) == 7);
	CHECK(exc_median(NULL, 0) == 0);
}

int main(void)
{
	RUN(propose_needs_customer_facing);
	RUN(role_may_cosign);
	RUN(cosign_allowed_for_another_frontline);
	RUN(cosign_refusals);
	RUN(cosign_twice_refused);
	RUN(cosign_by_state);
	RUN(approved_at_last_signature);
	RUN(withdraw);
	RUN(edit);
	RUN(review);
	RUN(limit_keys);
	RUN(check_limits);
	RUN(check_limits_cumulative);
	RUN(quarter_start);
	RUN(median);
	DONE();
}
