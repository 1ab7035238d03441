#include "core/attribution.h"

#include <string.h>

static const char *const NAMES[] = {
	[ATT_REQUEST_DECLINED] = "request_declined",   [ATT_REQUEST_DEFERRED] = "request_deferred",
	[ATT_REQUEST_OVERDUE] = "request_overdue",     [ATT_REQUEST_NOT_DONE] = "request_not_done",
	[ATT_POLICY_CONFLICT] = "policy_conflict",     [ATT_OWNER_NO_REQUEST] = "owner_no_request",
	[ATT_OWNER_UPDATE_LAPSED] = "owner_update_lapsed", [ATT_OWNER_NOT_KEPT] = "owner_not_kept",
};

const char *attribution_cause_name(enum att_cause_kind k)
{
	return (unsigned)k < sizeof NAMES / sizeof NAMES[0] ? NAMES[k] : "unknown";
}

const char *attribution_level(const struct att_request *r)
{
	if (!r->holder_person_id || !*r->holder_person_id)
		return "team";
	return r->holder_role && *r->holder_role ? r->holder_role : "person";
}

static int is(const char *a, const char *b)
{
	return a && strcmp(a, b) == 0;
}

static void add(struct att_result *out, enum att_cause_kind k, int request)
{
	if (out->ncauses < ATT_MAX_CAUSES)
		out->causes[out->ncauses++] = (struct att_cause){k, request};
}

/* The cause a request contributes at the promise's due time, or -1 when it is not a cause. */
static int request_cause(const struct att_request *r, int64_t promise_due)
{
	int done_in_time = r->done_at > 0 && r->done_at <= promise_due;
	if (done_in_time)
		return -1;
	if (is(r->status, "declined") && r->decided_at <= promise_due)
		return ATT_REQUEST_DECLINED;
	if (is(r->status, "deferred") && r->due_at > promise_due)
		return ATT_REQUEST_DEFERRED;
	if (r->due_at <= promise_due)
		return ATT_REQUEST_OVERDUE;
	return ATT_REQUEST_NOT_DONE;
}

int attribution_compute(const struct att_input *in, struct att_result *out)
{
	memset(out, 0, sizeof *out);
	out->lapsed_updates = in->lapsed_updates;
	if (is(in->promise_status, "kept") || is(in->promise_status, "renegotiated") || in->now < in->promise_due_at)
		return 0;
	out->breach = 1;
	for (size_t i = 0; i < in->nrequests; i++) {
		const struct att_request *r = &in->requests[i];
		int k = request_cause(r, in->promise_due_at);
		if (k < 0)
			continue;
		add(out, (enum att_cause_kind)k, (int)i);
		if ((k == ATT_REQUEST_DECLINED || k == ATT_REQUEST_DEFERRED) && r->policy_id && *r->policy_id)
			add(out, ATT_POLICY_CONFLICT, (int)i);
	}
	if (out->ncauses > 0)
		return 1;
	out->owner_at_fault = 1;
	if (!in->owner_made_request && in->nrequests == 0)
		add(out, ATT_OWNER_NO_REQUEST, -1);
	if (in->lapsed_updates > 0)
		add(out, ATT_OWNER_UPDATE_LAPSED, -1);
	if (out->ncauses == 0)
		add(out, ATT_OWNER_NOT_KEPT, -1);
	return 1;
}
