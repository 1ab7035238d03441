/* Demo part: promises, requests and breaches of S1 (Sam's phones), S2 (the paperwork) and S5 (Jo's
 * parcel), placed in the past with the scheduler run at the story's times, so a new user sees
 * reminders, an escalation, at-risk promises, policy conflicts, breaches and their attribution. */
#include <stdio.h>

#include "cli/demo.h"

#define CHICAGO "America/Chicago"
#define NEW_YORK "America/New_York"

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The current demo time as RFC 3339 text, after moving it with demo_at. */
static const char *at(struct demo *d, int days_ago, const char *hhmm, const char *tz, char *buf, size_t size)
{
	int64_t keep = d->c.now;
	demo_at(d, days_ago, hhmm, tz);
	time_format(d->c.now, buf, size);
	d->c.now = keep;
	return buf;
}

static void tick_at(struct demo *d, int days_ago, const char *hhmm, const char *tz)
{
	demo_at(d, days_ago, hhmm, tz);
	demo_tick(d);
}

static void s1_sams_phones(struct demo *d)
{
	char t[64];
	demo_org(d, "vendor-co");
	demo_at_as(d, 30, "09:00", CHICAGO, "riley@vendor-co.example");
	json_decref(demo_call(d, "POST", "/api/v1/policies",
			      json_pack("{s:s,s:s,s:s,s:s}", "name", "In-store pickup within 3 hours of purchase", "kind", "guarantee",
					"owner", "riley@vendor-co.example", "text",
					"Phones bought by phone or online are ready for pickup in the store within 3 hours.")));
	json_decref(demo_call(d, "POST", "/api/v1/policies",
			      json_pack("{s:s,s:s,s:s,s:s}", "name", "Walk-in customers are served first", "kind", "rule", "owner",
					"riley@vendor-co.example", "text",
					"Store staff serve customers in the store before fulfilling remote orders.")));

	demo_at_as(d, 3, "15:00", CHICAGO, "chris@vendor-co.example");
	const char *case_id = demo_case(d, "vendor-co/case:sam", "vendor-co/customer:sam", "chat",
					"Two phones, buy one get one half price",
					"Sam wants two phones on the buy-one-get-one offer");
	demo_at(d, 3, "16:10", CHICAGO);
	json_t *off = demo_callf(d, "POST", json_pack("{s:s,s:s}", "to", "pat@vendor-co.example", "note",
						     "the offer can't be ordered online; Sam needs a phone order"),
				 "/api/v1/cases/%s/offers", case_id);
	demo_at_as(d, 3, "16:12", CHICAGO, "pat@vendor-co.example");
	json_decref(demo_callf(d, "POST", NULL, "/api/v1/offers/%s/accept", jstr(off, "id")));
	json_decref(off);

	demo_at(d, 3, "16:15", CHICAGO);
	json_t *p = demo_callf(d, "POST",
			       json_pack("{s:s,s:s,s:s,s:s,s:s}", "what", "Two phones ready for pickup at Store 12", "due_at",
					 at(d, 3, "19:15", CHICAGO, t, sizeof t), "channel", "phone", "deliver_team", "Store 12",
					 "policy", "In-store pickup within 3 hours of purchase"),
			       "/api/v1/cases/%s/promises", case_id);
	json_t *r = demo_callf(d, "POST",
			       json_pack("{s:s,s:s,s:s,s:[s]}", "what", "hold two phones for Sam", "due_at",
					 at(d, 3, "19:15", CHICAGO, t, sizeof t), "to_team", "Store 12", "blocks", jstr(p, "id")),
			       "/api/v1/cases/%s/requests", case_id);
	tick_at(d, 3, "18:15", CHICAGO);

	demo_at_as(d, 3, "19:05", CHICAGO, "dana@vendor-co.example");
	json_decref(demo_callf(d, "POST",
			       json_pack("{s:s,s:s,s:s}", "reason", "the store is full of walk-in customers", "until",
					 at(d, 2, "10:00", CHICAGO, t, sizeof t), "policy", "Walk-in customers are served first"),
			       "/api/v1/requests/%s/defer", jstr(r, "id")));
	tick_at(d, 3, "19:15", CHICAGO);

	demo_at_as(d, 3, "19:30", CHICAGO, "kim@vendor-co.example");
	json_decref(demo_callf(d, "POST",
			       json_pack("{s:s,s:s,s:s}", "channel", "chat", "direction", "inbound", "summary",
					 "Sam complains: the store says the phones won't be ready until tomorrow"),
			       "/api/v1/cases/%s/touchpoints", case_id));

	demo_at_as(d, 2, "10:00", CHICAGO, "dana@vendor-co.example");
	json_decref(demo_callf(d, "POST", json_pack("{s:s}", "note", "two phones on hold at the counter"),
			       "/api/v1/requests/%s/complete", jstr(r, "id")));
	demo_at_as(d, 2, "10:30", CHICAGO, "pat@vendor-co.example");
	json_decref(demo_callf(d, "POST",
			       json_pack("{s:s,s:s,s:s}", "channel", "phone", "direction", "outbound", "summary",
					 "Told Sam the phones are on hold at Store 12; apologised for yesterday"),
			       "/api/v1/cases/%s/touchpoints", case_id));
	json_decref(demo_callf(d, "POST", json_pack("{s:s}", "resolution", "Sam picked up his phones"),
			       "/api/v1/cases/%s/resolve", case_id));
	json_decref(p);
	json_decref(r);
}

static void s2_paperwork(struct demo *d)
{
	char t[64];
	demo_org(d, "lee-practice");
	json_decref(demo_call(d, "PATCH", "/api/v1/org/settings",
			      json_pack("{s:{s:s}}", "settings", "request.escalation_contact", "morgan@lee-practice.example")));
	demo_at_as(d, 2, "09:00", NEW_YORK, "alex@lee-practice.example");
	const char *case_id = demo_case(d, "lee-practice/case:jones", "lee-practice/customer:jones", "in_person",
					"Insurance forms for tomorrow's appointment",
					"Mr. Jones needs his insurance forms signed for his appointment");
	json_t *p = demo_callf(d, "POST",
			       json_pack("{s:s,s:s,s:s}", "what", "insurance forms ready at your appointment", "due_at",
					 at(d, 1, "10:00", NEW_YORK, t, sizeof t), "channel", "in_person"),
			       "/api/v1/cases/%s/promises", case_id);
	json_decref(demo_callf(d, "POST",
			       json_pack("{s:s,s:s,s:s,s:[s]}", "what", "sign Mr. Jones's forms", "due_at",
					 at(d, 2, "17:00", NEW_YORK, t, sizeof t), "to_person", "lee@lee-practice.example", "blocks",
					 jstr(p, "id")),
			       "/api/v1/cases/%s/requests", case_id));
	tick_at(d, 2, "16:00", NEW_YORK); /* Dr. Lee is reminded */
	tick_at(d, 2, "17:00", NEW_YORK); /* overdue; the promise is at risk */
	tick_at(d, 2, "21:00", NEW_YORK); /* escalated to Morgan after 4 hours */
	tick_at(d, 1, "10:00", NEW_YORK); /* the promise breaks: Dr. Lee's overdue request */
	json_decref(p);
}

static void s5_jos_parcel(struct demo *d)
{
	char t[64];
	demo_org(d, "vendor-co");
	demo_at_as(d, 4, "09:00", CHICAGO, "jo@vendor-co.example");
	const char *case_id = demo_case(d, "vendor-co/case:erin", "vendor-co/customer:erin", "email",
					"Parcel dispatched to the wrong address", "Erin's parcel went to an old address");
	json_t *p = demo_callf(d, "POST",
			       json_pack("{s:s,s:s,s:s,s:s}", "what", "a replacement parcel dispatched to your new address", "due_at",
					 at(d, 3, "09:00", CHICAGO, t, sizeof t), "channel", "email", "deliver_team", "Dispatch"),
			       "/api/v1/cases/%s/promises", case_id);
	json_t *r = demo_callf(d, "POST",
			       json_pack("{s:s,s:s,s:s,s:[s]}", "what", "resend Erin's parcel to her new address", "due_at",
					 at(d, 3, "09:00", CHICAGO, t, sizeof t), "to_team", "Dispatch", "blocks", jstr(p, "id")),
			       "/api/v1/cases/%s/requests", case_id);
	tick_at(d, 4, "21:00", CHICAGO); /* Jo: check on progress at half time */
	demo_at(d, 4, "21:10", CHICAGO);
	demo_as(d, "jo@vendor-co.example"); /* S8: Jo calls Dispatch before the resend is due */
	json_decref(demo_callf(d, "POST", json_pack("{s:s}", "note", "Called Dispatch: the courier collects at 08:00"),
			       "/api/v1/requests/%s/follow-up", jstr(r, "id")));
	tick_at(d, 3, "08:00", CHICAGO); /* Dispatch is reminded */
	tick_at(d, 3, "09:00", CHICAGO); /* overdue, the promise breaks; Jo's update duty lapses */
	demo_at_as(d, 3, "15:00", CHICAGO, "devon@vendor-co.example");
	json_decref(demo_callf(d, "POST", json_pack("{s:s}", "note", "resent by courier"), "/api/v1/requests/%s/complete",
			       jstr(r, "id")));
	json_decref(p);
	json_decref(r);
}

void demo_promises(struct demo *d)
{
	s5_jos_parcel(d);
	s1_sams_phones(d);
	s2_paperwork(d);
}
