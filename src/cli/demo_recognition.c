/* Demo part: S8, owning it gets seen.  Dana rescues a pickup promise that a walk-in rush had put at
 * risk, and Pat thanks her for holding the phones.  (Jo's follow-up before Dispatch's resend was due
 * is in demo_promises.c; Omar's intake routed to Rosa, on call, in demo_directory.c: the recognition
 * hooks see all three as they happen.) */
#include <stdio.h>

#include "cli/demo.h"

#define CHICAGO "America/Chicago"

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

void demo_recognition(struct demo *d)
{
	char due[64], hold[64], later[64];
	demo_org(d, "vendor-co");
	demo_at(d, 2, "18:00", CHICAGO);
	time_format(d->c.now, later, sizeof later);
	demo_at(d, 2, "17:00", CHICAGO);
	time_format(d->c.now, due, sizeof due);
	demo_at(d, 2, "16:30", CHICAGO);
	time_format(d->c.now, hold, sizeof hold);
	demo_at_as(d, 2, "13:00", CHICAGO, "pat@vendor-co.example");
	const char *case_id = demo_case(d, "vendor-co/case:erin-daughter", "vendor-co/customer:erin", "phone",
					"A phone for Erin's daughter, picked up after school",
					"Erin ordered by phone; her daughter collects at Store 12 at 17:00");
	json_t *p = demo_callf(d, "POST",
			       json_pack("{s:s,s:s,s:s,s:s}", "what", "A phone ready for pickup at Store 12 by 17:00", "due_at", due,
					 "channel", "phone", "deliver_team", "Store 12"),
			       "/api/v1/cases/%s/promises", case_id);
	json_t *r = demo_callf(d, "POST",
			       json_pack("{s:s,s:s,s:s,s:[s]}", "what", "hold one phone for Erin's daughter", "due_at", hold, "to_team",
					 "Store 12", "blocks", jstr(p, "id")),
			       "/api/v1/cases/%s/requests", case_id);
	demo_at(d, 2, "15:10", CHICAGO); /* the walk-in rush: Dana defers, the promise is at risk */
	demo_as(d, "dana@vendor-co.example");
	json_decref(demo_callf(d, "POST",
			       json_pack("{s:s,s:s,s:s}", "reason", "store full of walk-in customers", "until", later, "policy",
					 "Walk-in customers are served first"),
			       "/api/v1/requests/%s/defer", jstr(r, "id")));
	demo_at(d, 2, "16:20", CHICAGO); /* Dana finds a quiet moment and holds the phone after all */
	json_decref(demo_callf(d, "POST", json_pack("{s:s}", "note", "phone set aside at the till"), "/api/v1/requests/%s/complete",
			       jstr(r, "id")));
	demo_at_as(d, 2, "16:55", CHICAGO, "pat@vendor-co.example");
	json_decref(demo_callf(d, "POST", json_object(), "/api/v1/promises/%s/keep", jstr(p, "id")));
	json_decref(demo_callf(d, "POST",
			       json_pack("{s:s,s:s}", "to", "dana@vendor-co.example", "text",
					 "Thank you for holding the phones even with the store full of walk-ins"),
			       "/api/v1/cases/%s/thanks", case_id));
	json_decref(demo_callf(d, "POST", json_pack("{s:s}", "resolution", "Erin's daughter picked up her phone"),
			       "/api/v1/cases/%s/resolve", case_id));
	json_decref(r);
	json_decref(p);
}
