/* Recognition rules (core/recognition.h). */
#include "core/recognition.h"

#include <string.h>

static const struct {
	const char *name, *label;
} KINDS[REC_KIND_COUNT] = {
	[REC_ROUTED_OUTSIDE] = {"routed_outside", "Took a customer in and routed them outside their own team or role"},
	[REC_ON_CALL_TAKEOVER] = {"on_call_takeover", "Took over another team's customer while on call"},
	[REC_FOLLOW_UP] = {"follow_up", "Followed up on a request before it was due"},
	[REC_RESCUE] = {"rescue", "Rescued a promise that was at risk: it was kept"},
	[REC_PUT_RIGHT] = {"put_right", "Put right a case another team had held up"},
	[REC_ISSUE_FIXED] = {"issue_fixed", "Raised a system issue that was then fixed"},
	[REC_COSIGN_ADOPTED] = {"cosign_adopted", "Co-signed an exception that became policy"},
};

const char *rec_kind_name(enum rec_kind k)
{
	return (unsigned)k < REC_KIND_COUNT ? KINDS[k].name : "?";
}

const char *rec_kind_label(enum rec_kind k)
{
	return (unsigned)k < REC_KIND_COUNT ? KINDS[k].label : "?";
}

int rec_kind_parse(const char *s, enum rec_kind *out)
{
	for (int k = 0; s && k < REC_KIND_COUNT; k++)
		if (strcmp(s, KINDS[k].name) == 0) {
			*out = (enum rec_kind)k;
			return 0;
		}
	return -1;
}

int rec_customer_facing(enum role r)
{
	return r == ROLE_FRONTLINE || r == ROLE_SUPERVISOR;
}

static int same_team(const char *a, const char *b)
{
	return a && b && *a && strcmp(a, b) == 0;
}

int rec_routed_outside(const struct rec_handover *h)
{
	if (strcmp(h->intake_id, h->from_id) != 0 || strcmp(h->from_id, h->to_id) == 0)
		return 0;
	return !same_team(h->from_team, h->to_team) || !rec_customer_facing(h->from_role);
}

int rec_on_call_takeover(const struct rec_handover *h)
{
	return h->to_on_call && strcmp(h->from_id, h->to_id) != 0 && !same_team(h->from_team, h->to_team);
}

int rec_follow_up(const struct rec_follow_up *f)
{
	int involved = strcmp(f->actor_id, f->asked_by) == 0 || strcmp(f->actor_id, f->case_owner) == 0;
	int outstanding = strcmp(f->status, "open") == 0 || strcmp(f->status, "accepted") == 0 ||
			  strcmp(f->status, "deferred") == 0;
	return involved && outstanding && f->overdue_at == 0 && f->now < f->due_at;
}

int rec_rescue(int kept, int64_t at_risk_at)
{
	return kept && at_risk_at > 0;
}

int rec_rescued_by_request(int64_t at_risk_at, int64_t done_at)
{
	return at_risk_at > 0 && done_at >= at_risk_at;
}

int rec_put_right(const char *resolver_id, const char *resolver_team, const struct rec_breach_hold *h)
{
	if (*h->person_id && strcmp(h->person_id, resolver_id) == 0)
		return 0;
	return *h->team_id && !same_team(h->team_id, resolver_team);
}

int rec_issue_fixed(int fixed, const char *raised_by, const char *fixed_by)
{
	return fixed && strcmp(raised_by, fixed_by) != 0;
}

int rec_cosign_adopted(const char *verdict)
{
	return verdict && strcmp(verdict, "adopt") == 0;
}

const char *rec_thanks_refusal(const char *from_id, const char *to_id, int64_t given_today, int64_t limit_per_day)
{
	if (strcmp(from_id, to_id) == 0)
		return "thanks_to_self";
	if (given_today >= limit_per_day)
		return "thanks_limit";
	return NULL;
}

const struct rec_measure REC_MEASURES[] = {
	{"acts", "Ownership acts",
	 "Acts recognised from the record: taking a customer in and routing them outside one's team, taking over "
	 "while on call, following up before a request was due, rescuing a promise at risk, putting right what "
	 "another team held up, raising an issue that got fixed, co-signing an exception that became policy."},
	{"thanks", "Thanks received", "Thanks from colleagues for a specific case (each person may give a few a day)."},
	{"kept_as_made", "Promises kept as made", "Promises this person made that were kept at the time first promised."},
	{"kept_renegotiated", "Promises kept after renegotiation",
	 "Promises kept only at a new time the customer agreed to: honest, but the first time was not kept."},
	{"follow_ups", "Follow-ups before overdue", "Checks on a request's progress made before it was due."},
	{"breaches", "Breaches attributed",
	 "Broken promises attributed to this person (or, for a team, to the team or its people) by the breach "
	 "record. A breach attributed to another team or person never counts here."},
	{"duties_kept", "Update duties kept", "Customer updates given within the organization's cadence."},
	{"duties_lapsed", "Update duties lapsed", "Customer updates owed and not given in time."},
};
const int REC_MEASURE_COUNT = (int)(sizeof REC_MEASURES / sizeof REC_MEASURES[0]);

const char *const REC_NOT_COUNTED[] = {
	"Handle time: it rewards passing a customer on quickly, the opposite of owning the problem.",
	"Tickets closed and first-contact resolution: they reward closing, not keeping what was promised.",
	"Breaches attributed to another team or person: nobody carries what someone else held up.",
	"Offers declined or cases handed on: handing a case to the person who can help is not a failure.",
	NULL,
};
