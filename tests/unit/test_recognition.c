/* Every rule of core/recognition.c, with the negatives the issue names: a follow-up after the request
 * was already overdue is not an act; routing within one's own team is not "outside one's team"; a
 * thank-you to oneself is refused. */
#include "core/recognition.h"
#include "harness.h"

#define H 3600000LL

TEST(kind_names)
{
	for (int k = 0; k < REC_KIND_COUNT; k++) {
		enum rec_kind back;
		CHECK(rec_kind_parse(rec_kind_name((enum rec_kind)k), &back) == 0 && back == (enum rec_kind)k);
		CHECK(strcmp(rec_kind_label((enum rec_kind)k), "?") != 0);
	}
	enum rec_kind k;
	CHECK(rec_kind_parse("handle_time", &k) == -1);
	CHECK(rec_kind_parse(NULL, &k) == -1);
	CHECK_STR(rec_kind_name(REC_KIND_COUNT), "?");
}

TEST(routed_outside)
{
	/* S4: Omar (support, Engineering) took the customer in and offered the case to Rosa (Billing) */
	struct rec_handover h = {"per_omar", "per_omar", ROLE_SUPPORT, "team_eng", "per_rosa", "team_billing", 1};
	CHECK(rec_routed_outside(&h));
	/* another team, from a customer-facing role */
	h.from_role = ROLE_FRONTLINE;
	CHECK(rec_routed_outside(&h));
	/* within one's own team: not outside */
	h.to_team = "team_eng";
	CHECK(!rec_routed_outside(&h));
	/* ... unless one's role does not serve customers */
	h.from_role = ROLE_SUPPORT;
	CHECK(rec_routed_outside(&h));
	/* no team on one side counts as outside */
	h.from_role = ROLE_FRONTLINE;
	h.to_team = "";
	CHECK(rec_routed_outside(&h));
	/* the offerer did not take the case in: passing it on is not an intake */
	h.intake_id = "per_chris";
	CHECK(!rec_routed_outside(&h));
	/* never to oneself */
	struct rec_handover self = {"per_omar", "per_omar", ROLE_SUPPORT, "team_eng", "per_omar", "team_eng", 0};
	CHECK(!rec_routed_outside(&self));
}

TEST(on_call_takeover)
{
	struct rec_handover h = {"per_omar", "per_omar", ROLE_SUPPORT, "team_eng", "per_rosa", "team_billing", 1};
	CHECK(rec_on_call_takeover(&h));
	h.to_on_call = 0;
	CHECK(!rec_on_call_takeover(&h));
	h.to_on_call = 1;
	h.to_team = "team_eng"; /* one's own team's case */
	CHECK(!rec_on_call_takeover(&h));
	h.from_team = ""; /* from someone with no team */
	CHECK(rec_on_call_takeover(&h));
}

TEST(follow_up)
{
	struct rec_follow_up f = {"per_jo", "per_jo", "per_jo", "open", 24 * H, 0, 12 * H};
	CHECK(rec_follow_up(&f));
	f.status = "accepted";
	CHECK(rec_follow_up(&f));
	f.status = "deferred";
	CHECK(rec_follow_up(&f));
	/* the case owner who did not make the request follows up too */
	f.asked_by = "per_taylor";
	CHECK(rec_follow_up(&f));
	/* someone else's follow-up is not theirs to be credited */
	f.actor_id = "per_dana";
	CHECK(!rec_follow_up(&f));
	f.actor_id = "per_jo";
	/* after the request was overdue: not an act */
	f.overdue_at = 24 * H;
	f.now = 25 * H;
	CHECK(!rec_follow_up(&f));
	/* past due even before the scheduler noticed */
	f.overdue_at = 0;
	CHECK(!rec_follow_up(&f));
	f.now = 24 * H; /* at the due time is already late */
	CHECK(!rec_follow_up(&f));
	/* a finished request needs no follow-up */
	f.now = 1 * H;
	f.status = "done";
	CHECK(!rec_follow_up(&f));
	f.status = "declined";
	CHECK(!rec_follow_up(&f));
}

TEST(rescue)
{
	CHECK(rec_rescue(1, 5 * H));
	CHECK(!rec_rescue(1, 0));     /* never at risk: kept as made, not rescued */
	CHECK(!rec_rescue(0, 5 * H)); /* at risk and broken */
	CHECK(rec_rescued_by_request(5 * H, 6 * H));
	CHECK(rec_rescued_by_request(5 * H, 5 * H));
	CHECK(!rec_rescued_by_request(5 * H, 4 * H)); /* done before it was at risk */
	CHECK(!rec_rescued_by_request(0, 4 * H));
}

TEST(put_right)
{
	/* S1: Store 12 held the breach up; Pat (Phone Sales) resolves */
	struct rec_breach_hold store = {"", "team_store12"};
	CHECK(rec_put_right("per_pat", "team_phone", &store));
	/* the team that held it up resolving its own: not another team's */
	CHECK(!rec_put_right("per_dana", "team_store12", &store));
	/* held by a person of another team */
	struct rec_breach_hold lee = {"per_lee", "team_doctors"};
	CHECK(rec_put_right("per_alex", "team_reception", &lee));
	/* held by the resolver personally */
	CHECK(!rec_put_right("per_lee", "team_other", &lee));
	/* nobody known held it */
	struct rec_breach_hold none = {"", ""};
	CHECK(!rec_put_right("per_alex", "team_reception", &none));
	/* a resolver without a team puts right a team's breach */
	CHECK(rec_put_right("per_alex", "", &store));
}

TEST(issue_and_exception)
{
	CHECK(rec_issue_fixed(1, "per_jo", "per_riley"));
	CHECK(!rec_issue_fixed(0, "per_jo", "per_riley"));
	CHECK(!rec_issue_fixed(1, "per_riley", "per_riley")); /* fixing one's own issue is one's job */
	CHECK(rec_cosign_adopted("adopt"));
	CHECK(!rec_cosign_adopted("one_off"));
	CHECK(!rec_cosign_adopted("coach"));
	CHECK(!rec_cosign_adopted(NULL));
}

TEST(thanks)
{
	CHECK(rec_thanks_refusal("per_pat", "per_dana", 0, 3) == NULL);
	CHECK(rec_thanks_refusal("per_pat", "per_dana", 2, 3) == NULL);
	CHECK_STR(rec_thanks_refusal("per_pat", "per_dana", 3, 3), "thanks_limit");
	CHECK_STR(rec_thanks_refusal("per_pat", "per_pat", 0, 3), "thanks_to_self");
}

TEST(measures_explained)
{
	CHECK(REC_MEASURE_COUNT >= 7);
	for (int i = 0; i < REC_MEASURE_COUNT; i++)
		CHECK(REC_MEASURES[i].key && *REC_MEASURES[i].label && strlen(REC_MEASURES[i].explains) > 20);
	int n = 0;
	for (const char *const *s = REC_NOT_COUNTED; *s; s++)
		n += strstr(*s, "Handle time") != NULL;
	CHECK(n == 1);
}

int main(void)
{
	RUN(kind_names);
	RUN(routed_outside);
	RUN(on_call_takeover);
	RUN(follow_up);
	RUN(rescue);
	RUN(put_right);
	RUN(issue_and_exception);
	RUN(thanks);
	RUN(measures_explained);
	DONE();
}
