/* The breach attribution rule (core/attribution.c): every branch. */
#include "core/attribution.h"
#include "harness.h"

#define H (3600LL * 1000)
#define DUE (100 * H) /* the promise's due time */

static struct att_request req(const char *id, const char *status, int64_t due, int64_t done, const char *person,
			      const char *role)
{
	struct att_request r = {0};
	r.id = id;
	r.what = "do it";
	r.status = status;
	r.due_at = due;
	r.done_at = done;
	r.holder_person_id = person;
	r.holder_name = person;
	r.holder_role = person ? role : "";
	r.holder_team_id = "team_1";
	r.holder_team = "Store 12";
	r.holder_depth = person ? 1 : -1;
	return r;
}

static struct att_input input(const struct att_request *rs, size_t n)
{
	struct att_input in = {0};
	in.promise_status = "pending";
	in.promise_due_at = DUE;
	in.now = DUE;
	in.owner_id = "p_owner";
	in.owner_name = "Owner";
	in.requests = rs;
	in.nrequests = n;
	in.owner_made_request = n > 0;
	return in;
}

static int has(const struct att_result *o, enum att_cause_kind k, int request)
{
	for (size_t i = 0; i < o->ncauses; i++)
		if (o->causes[i].kind == k && o->causes[i].request == request)
			return 1;
	return 0;
}

TEST(several_late_requests_are_all_causes)
{
	struct att_request rs[3] = {
		req("r1", "open", DUE - 10 * H, 0, "p_lee", "leader"),
		req("r2", "accepted", DUE - 5 * H, 0, NULL, ""),
		req("r3", "done", DUE - 20 * H, DUE - 19 * H, "p_dana", "frontline"),
	};
	struct att_input in = input(rs, 3);
	struct att_result o;
	CHECK(attribution_compute(&in, &o) == 1);
	CHECK(o.ncauses == 2);
	CHECK(has(&o, ATT_REQUEST_OVERDUE, 0));
	CHECK(has(&o, ATT_REQUEST_OVERDUE, 1));
	CHECK(!has(&o, ATT_REQUEST_OVERDUE, 2));
	CHECK(!o.owner_at_fault);
	CHECK_STR(attribution_level(&rs[0]), "leader");
	CHECK_STR(attribution_level(&rs[1]), "team");
}

TEST(request_done_late_but_before_the_promise_is_not_a_cause)
{
	struct att_request rs[1] = {req("r1", "done", DUE - 10 * H, DUE - 2 * H, "p_x", "support")};
	struct att_input in = input(rs, 1);
	struct att_result o;
	CHECK(attribution_compute(&in, &o) == 1);
	CHECK(o.ncauses == 1);
	CHECK(o.causes[0].kind == ATT_OWNER_NOT_KEPT);
	CHECK(o.owner_at_fault);
}

TEST(request_done_after_the_promise_is_a_cause)
{
	struct att_request rs[1] = {req("r1", "done", DUE - 10 * H, DUE + 2 * H, "p_x", "support")};
	struct att_input in = input(rs, 1);
	in.now = DUE + 3 * H;
	struct att_result o;
	CHECK(attribution_compute(&in, &o) == 1);
	CHECK(has(&o, ATT_REQUEST_OVERDUE, 0));
	CHECK(!o.owner_at_fault);
}

TEST(request_not_yet_due_but_not_done_is_a_cause)
{
	struct att_request rs[1] = {req("r1", "open", DUE + 10 * H, 0, "p_x", "support")};
	struct att_input in = input(rs, 1);
	struct att_result o;
	attribution_compute(&in, &o);
	CHECK(o.ncauses == 1 && o.causes[0].kind == ATT_REQUEST_NOT_DONE);
}

TEST(renegotiated_with_consent_is_not_a_breach)
{
	struct att_request rs[1] = {req("r1", "open", DUE - 10 * H, 0, "p_x", "support")};
	struct att_input in = input(rs, 1);
	in.promise_status = "renegotiated";
	in.now = DUE + H;
	struct att_result o;
	CHECK(attribution_compute(&in, &o) == 0);
	CHECK(o.ncauses == 0);
	in.promise_status = "kept";
	CHECK(attribution_compute(&in, &o) == 0);
}

TEST(not_yet_due_is_not_a_breach)
{
	struct att_input in = input(NULL, 0);
	in.now = DUE - 1;
	struct att_result o;
	CHECK(attribution_compute(&in, &o) == 0);
}

TEST(request_declined_by_a_leader_citing_a_policy)
{
	struct att_request rs[1] = {req("r1", "declined", DUE - 10 * H, 0, "p_lee", "leader")};
	rs[0].decided_at = DUE - 12 * H;
	rs[0].policy_id = "pol_1";
	rs[0].policy_name = "Walk-in customers are served first";
	struct att_input in = input(rs, 1);
	struct att_result o;
	attribution_compute(&in, &o);
	CHECK(o.ncauses == 2);
	CHECK(has(&o, ATT_REQUEST_DECLINED, 0));
	CHECK(has(&o, ATT_POLICY_CONFLICT, 0));
	CHECK(!o.owner_at_fault);
	CHECK_STR(attribution_level(&rs[0]), "leader");
}

TEST(request_deferred_past_the_promise)
{
	struct att_request rs[2] = {
		req("r1", "deferred", DUE + 15 * H, 0, NULL, ""),
		req("r2", "deferred", DUE - 1 * H, DUE - H / 2, NULL, ""), /* deferred within time and done */
	};
	rs[0].decided_at = DUE - H;
	struct att_input in = input(rs, 2);
	struct att_result o;
	attribution_compute(&in, &o);
	CHECK(o.ncauses == 1);
	CHECK(has(&o, ATT_REQUEST_DEFERRED, 0));
	CHECK(!has(&o, ATT_POLICY_CONFLICT, 0)); /* no policy cited */
}

TEST(owner_who_never_asked)
{
	struct att_input in = input(NULL, 0);
	struct att_result o;
	CHECK(attribution_compute(&in, &o) == 1);
	CHECK(o.owner_at_fault);
	CHECK(o.ncauses == 1 && o.causes[0].kind == ATT_OWNER_NO_REQUEST && o.causes[0].request == -1);
	CHECK_STR(attribution_cause_name(o.causes[0].kind), "owner_no_request");
}

TEST(lapsed_update_duty_blames_owner_only_when_nothing_else)
{
	struct att_input in = input(NULL, 0);
	in.lapsed_updates = 2;
	in.owner_made_request = 1; /* asked for something on the case, but not for this promise */
	struct att_result o;
	attribution_compute(&in, &o);
	CHECK(o.owner_at_fault);
	CHECK(o.ncauses == 1 && o.causes[0].kind == ATT_OWNER_UPDATE_LAPSED);
	CHECK(o.lapsed_updates == 2);

	struct att_request rs[1] = {req("r1", "open", DUE - 10 * H, 0, NULL, "")};
	struct att_input in2 = input(rs, 1);
	in2.lapsed_updates = 1;
	attribution_compute(&in2, &o);
	CHECK(!o.owner_at_fault);
	CHECK(o.ncauses == 1 && o.causes[0].kind == ATT_REQUEST_OVERDUE);
	CHECK(o.lapsed_updates == 1); /* still counted against the owner's update record */
}

TEST(cause_names_are_stable)
{
	CHECK_STR(attribution_cause_name(ATT_REQUEST_DECLINED), "request_declined");
	CHECK_STR(attribution_cause_name(ATT_REQUEST_DEFERRED), "request_deferred");
	CHECK_STR(attribution_cause_name(ATT_REQUEST_OVERDUE), "request_overdue");
	CHECK_STR(attribution_cause_name(ATT_REQUEST_NOT_DONE), "request_not_done");
	CHECK_STR(attribution_cause_name(ATT_POLICY_CONFLICT), "policy_conflict");
	CHECK_STR(attribution_cause_name(ATT_OWNER_UPDATE_LAPSED), "owner_update_lapsed");
	CHECK_STR(attribution_cause_name(ATT_OWNER_NOT_KEPT), "owner_not_kept");
}

int main(void)
{
	RUN(several_late_requests_are_all_causes);
	RUN(request_done_late_but_before_the_promise_is_not_a_cause);
	RUN(request_done_after_the_promise_is_a_cause);
	RUN(request_not_yet_due_but_not_done_is_a_cause);
	RUN(renegotiated_with_consent_is_not_a_breach);
	RUN(not_yet_due_is_not_a_breach);
	RUN(request_declined_by_a_leader_citing_a_policy);
	RUN(request_deferred_past_the_promise);
	RUN(owner_who_never_asked);
	RUN(lapsed_update_duty_blames_owner_only_when_nothing_else);
	RUN(cause_names_are_stable);
	DONE();
}
