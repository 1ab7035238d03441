/* Demo part: learning from failure in Vendor Co (S5 and the end of S1).  Jo's coaching note from
 * Taylor; Jo's survey answer (training yes, tools no: "the dispatch screen does not show resend
 * status") that became a system issue owned by Avery with an overdue response; the failure review
 * of Sam's case with policy and coordination causes and an action for Store 12.  When the promises
 * part ran first, the reviews and the after-breach survey it opened are used; otherwise the part
 * makes its own cases (Sam's closed with a complaint). */
#include <stdio.h>
#include <string.h>

#include "cli/demo.h"

#define CHICAGO "America/Chicago"

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static const char *maybe_id(struct demo *d, const char *name)
{
	return json_string_value(json_object_get(d->ids, name));
}

static void touch(struct demo *d, const char *case_id, const char *channel, const char *summary)
{
	json_decref(demo_callf(d, "POST", json_pack("{s:s,s:s,s:s}", "channel", channel, "direction", "inbound", "summary", summary),
			       "/api/v1/cases/%s/touchpoints", case_id));
}

/* Sam's case without the promises part: chat -> phone -> store, resolved with a complaint. */
static const char *sam_case(struct demo *d)
{
	demo_at_as(d, 3, "15:00", CHICAGO, "chris@vendor-co.example");
	const char *case_id = demo_case(d, "vendor-co/case:sam", "vendor-co/customer:sam", "chat",
					"Two phones, buy one get one half price", "Sam wants two phones");
	demo_at(d, 3, "16:10", CHICAGO);
	json_t *off = demo_callf(d, "POST", json_pack("{s:s}", "to", "pat@vendor-co.example"), "/api/v1/cases/%s/offers",
				 case_id);
	demo_at_as(d, 3, "16:12", CHICAGO, "pat@vendor-co.example");
	json_decref(demo_callf(d, "POST", NULL, "/api/v1/offers/%s/accept", jstr(off, "id")));
	json_decref(off);
	demo_at(d, 3, "16:15", CHICAGO);
	touch(d, case_id, "phone", "Order placed; pickup at Store 12 guaranteed by 19:15");
	demo_at_as(d, 3, "19:00", CHICAGO, "dana@vendor-co.example");
	touch(d, case_id, "store", "Sam calls the store: the phones won't be ready until tomorrow (walk-ins first)");
	demo_at_as(d, 2, "10:30", CHICAGO, "pat@vendor-co.example");
	json_decref(demo_callf(d, "POST",
			       json_pack("{s:s,s:b}", "resolution", "Sam picked up his phones a day late", "complaint", 1),
			       "/api/v1/cases/%s/resolve", case_id));
	return demo_id(d, "vendor-co/case:sam");
}

static void sam_review(struct demo *d)
{
	const char *case_id = maybe_id(d, "vendor-co/case:sam");
	if (!case_id) {
		case_id = sam_case(d);
	} else {
		/* S1 step 4: at 19:00 Sam called Store 12 and Dana found his case */
		demo_at_as(d, 3, "19:00", CHICAGO, "dana@vendor-co.example");
		touch(d, case_id, "store", "Sam asks whether his phones are ready; Dana sees the promise and the open request");
	}
	demo_at_as(d, 1, "11:00", CHICAGO, "taylor@vendor-co.example");
	json_t *list = demo_call(d, "GET", "/api/v1/reviews", json_pack("{s:s}", "case_id", case_id));
	json_t *first = json_array_get(json_object_get(list, "items"), 0);
	if (!first) /* nothing opened it (no breach, no complaint): open it by hand */
		first = demo_call(d, "POST", "/api/v1/reviews", json_pack("{s:s,s:s}", "case_id", case_id, "summary", "Sam complained in chat"));
	else
		json_incref(first);
	char id[64];
	snprintf(id, sizeof id, "%s", jstr(first, "id"));
	json_decref(first);
	json_decref(list);
	demo_remember(d, "vendor-co/review:sam", id);
	/* the facts as the case stands now (the contacts after the breach) */
	json_decref(demo_callf(d, "POST", NULL, "/api/v1/reviews/%s/refresh", id));
	/* the reviewer may be Taylor (Pat's supervisor) or, for a breach opened as the system, the same */
	json_decref(demo_callf(d, "POST",
			       json_pack("{s:s,s:s}", "category", "policy", "evidence",
					 "\"Walk-in customers are served first\" conflicts with the 3-hour pickup guarantee: "
					 "Store 12 deferred Sam's hold at 19:05 citing it"),
			       "/api/v1/reviews/%s/causes", id));
	json_decref(demo_callf(d, "POST",
			       json_pack("{s:s,s:s}", "category", "coordination_handoff", "evidence",
					 "chat -> phone -> store: the order reached the store by email and nobody at the store "
					 "owned it; Sam was told it was never received"),
			       "/api/v1/reviews/%s/causes", id));
	char due[64];
	int64_t keep = d->c.now;
	demo_at(d, -5, "17:00", CHICAGO); /* five days from now */
	time_format(d->c.now, due, sizeof due);
	d->c.now = keep;
	json_decref(demo_callf(d, "POST",
			       json_pack("{s:s,s:s,s:s}", "title", "Reserve stock for guaranteed pickups before serving walk-ins",
					 "owner", "riley@vendor-co.example", "due_at", due),
			       "/api/v1/reviews/%s/actions", id));
}

/* Jo's case without the promises part. */
static const char *jo_case(struct demo *d)
{
	demo_at_as(d, 4, "09:00", CHICAGO, "jo@vendor-co.example");
	return demo_case(d, "vendor-co/case:erin", "vendor-co/customer:erin", "email", "Parcel dispatched to the wrong address",
			 "Erin's parcel went to an old address");
}

static void jo_voice_and_coaching(struct demo *d)
{
	const char *case_id = maybe_id(d, "vendor-co/case:erin");
	if (!case_id)
		case_id = jo_case(d);
	/* Vendor Co asks its leaders to answer system issues within 2 days (the default is 7) */
	demo_org(d, "vendor-co");
	json_decref(demo_call(d, "PATCH", "/api/v1/org/settings", json_pack("{s:{s:i}}", "settings", "issue.response_days", 2)));

	/* the survey Jo is asked after the breach, else the organization's monthly pulse */
	demo_at_as(d, 3, "16:00", CHICAGO, "jo@vendor-co.example");
	json_t *mine = demo_call(d, "GET", "/api/v1/surveys", json_pack("{s:b}", "mine", 1));
	const char *survey = NULL;
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(mine, "items"), i, s) if (!survey && json_is_true(json_object_get(s, "open")) &&
								     !json_is_true(json_object_get(s, "answered")))
		survey = jstr(s, "id");
	char sid[64] = "";
	if (survey)
		snprintf(sid, sizeof sid, "%s", survey);
	json_decref(mine);
	if (!*sid) {
		demo_at_as(d, 3, "12:00", CHICAGO, "riley@vendor-co.example");
		json_t *sv = demo_call(d, "POST", "/api/v1/surveys", json_pack("{s:s}", "title", "Monthly pulse"));
		snprintf(sid, sizeof sid, "%s", jstr(sv, "id"));
		json_decref(sv);
		demo_at_as(d, 3, "16:00", CHICAGO, "jo@vendor-co.example");
	}
	json_t *resp = demo_callf(
		d, "POST",
		json_pack("{s:[{s:i,s:i,s:s},{s:i,s:i,s:s},{s:i,s:i,s:s},{s:i,s:s}],s:{s:i,s:s,s:s,s:s,s:[s]}}", "answers", "question", 1,
			  "rating", 5, "text", "Yes, the dispatch course covered it", "question", 2, "rating", 2, "text",
			  "No: the dispatch screen does not show resend status", "question", 3, "rating", 2, "text",
			  "I can't tell whether a resend left the warehouse", "question", 4, "text",
			  "Show resend status on the dispatch screen", "raise_issue", "question", 2, "title",
			  "The dispatch screen does not show resend status", "description",
			  "Customer care can't see whether Dispatch resent a parcel, so we can't tell the customer.", "owner",
			  "avery@vendor-co.example", "cases", case_id),
		"/api/v1/surveys/%s/responses", sid);
	demo_remember(d, "vendor-co/issue:resend-status", jstr(resp, "system_issue_id"));
	json_decref(resp);

	/* Taylor coaches Jo, forward not backward */
	demo_at_as(d, 2, "14:00", CHICAGO, "taylor@vendor-co.example");
	json_decref(demo_call(
		d, "POST", "/api/v1/coaching-notes",
		json_pack("{s:s,s:[s],s:s,s:{s:s,s:s,s:s,s:s,s:s,s:s}}", "employee", "jo@vendor-co.example", "cases", case_id, "summary",
			  "Jo owns Erin's case end to end; she will phone Dispatch at half time and update Erin daily.", "answers",
			  "ideal", "Phone Devon at half time and tell Erin the new date the same day",
			  "prevented", "I couldn't see whether the resend had left, so I waited for a message",
			  "whose_problem", "Mine - Erin is my customer until her parcel arrives",
			  "overcome", "Call Dispatch instead of waiting, and say what I know to Erin",
			  "help", "Taylor raises resend status with IT (Avery); Devon answers the phone at half time",
			  "next_time", "Check progress at half time, and update the customer every day even with no news")));
}

void demo_learning(struct demo *d)
{
	demo_org(d, "vendor-co");
	sam_review(d);
	jo_voice_and_coaching(d);
	/* the scheduler at the demo's present: Avery's response (due in 2 days) is overdue */
	d->c.now = clock_now(&d->clock);
	demo_tick(d);
}
