/* Demo part: S7, a promise that can be kept.  Store 12's history of Saturday-afternoon holds (the
 * twenty Saturdays before the last one, most of them over four hours, walk-ins first once) makes a
 * 3-hour pickup promise about 35% likely; last Saturday at 15:30 Chris, about to promise Sam his
 * phones in three hours, takes the 80% time the form offers instead; the store completes at 19:55
 * and the promise is kept. */
#include <stdio.h>

#include "base/tz.h"
#include "cli/demo.h"
#include "core/estimate.h"

#define CHICAGO "America/Chicago"

/* minutes each hold took, oldest first: 7 of 20 within 3 hours, 80% within about 4 h 50 min */
static const int TOOK[20] = {150, 155, 160, 165, 170, 175, 200, 215, 230, 360, 245, 172, 255, 265, 190, 280, 285, 176, 170, 290};

static const char *jstr(json_t *o, const char *key) { return json_string_value(json_object_get(o, key)); }

/* Days back to the last Saturday before today in Chicago (1..7). */
static int last_saturday(struct demo *d)
{
	demo_at(d, 0, "12:00", CHICAGO);
	int wd = est_bucket(tz_get(CHICAGO), d->c.now) / 4;
	int back = (wd - 5 + 7) % 7;
	return back ? back : 7;
}

static const char *at(struct demo *d, int days_ago, const char *hhmm, int plus_min, char *buf, size_t size)
{
	int64_t keep = d->c.now;
	demo_at(d, days_ago, hhmm, CHICAGO);
	time_format(d->c.now + plus_min * 60000LL, buf, size);
	d->c.now = keep;
	return buf;
}

static void history(struct demo *d, int sat)
{
	char t[64];
	demo_at(d, sat + 7 * 20, "14:00", CHICAGO);
	demo_as(d, "sandy@vendor-co.example");
	json_t *c = demo_call(d, "POST", "/api/v1/cases",
			      json_pack("{s:s,s:s,s:s,s:s}", "subject", "Phone orders held for pickup at Store 12", "channel",
					"phone", "customer_name", "Phone-order customers", "summary",
					"Saturday phone orders held at Store 12 for pickup (the history behind S7)"));
	for (int i = 0; i < 20; i++) {
		int days = sat + 7 * (20 - i);
		demo_at(d, days, "15:00", CHICAGO);
		demo_as(d, "sandy@vendor-co.example");
		json_t *r = demo_callf(d, "POST",
				       json_pack("{s:s,s:s,s:s,s:s}", "what", "hold a phone order for pickup", "due_at",
						 at(d, days, "15:00", 180, t, sizeof t), "to_team", "Store 12", "kind", "hold"),
				       "/api/v1/cases/%s/requests", jstr(c, "id"));
		d->c.now += TOOK[i] * 60000LL;
		demo_as(d, "dana@vendor-co.example");
		json_decref(demo_callf(d, "POST", json_pack("{s:s}", "note", "on hold at the counter"),
				       "/api/v1/requests/%s/complete", jstr(r, "id")));
		json_decref(r);
	}
	demo_remember(d, "vendor-co/case:holds", jstr(c, "id"));
	json_decref(c);
}

/* once the store said no outright, citing walk-ins first (the policy comes with S1) */
static void walk_in(struct demo *d, int sat)
{
	char t[64];
	const char *case_id = demo_id(d, "vendor-co/case:holds");
	demo_at(d, sat + 7, "20:45", CHICAGO);
	demo_as(d, "sandy@vendor-co.example");
	json_t *r = demo_callf(d, "POST",
			       json_pack("{s:s,s:s,s:s,s:s}", "what", "hold a phone order for pickup", "due_at",
					 at(d, sat + 7, "20:45", 120, t, sizeof t), "to_team", "Store 12", "kind", "hold"),
			       "/api/v1/cases/%s/requests", case_id);
	demo_as(d, "dana@vendor-co.example");
	json_decref(demo_callf(d, "POST",
			       json_pack("{s:s,s:s}", "reason", "the store is full of walk-in customers", "policy",
					 "Walk-in customers are served first"),
			       "/api/v1/requests/%s/decline", jstr(r, "id")));
	demo_as(d, "sandy@vendor-co.example");
	json_decref(demo_callf(d, "POST", json_pack("{s:s}", "resolution", "every order was held or declined"),
			       "/api/v1/cases/%s/resolve", case_id));
	json_decref(r);
}

void demo_estimates_history(struct demo *d)
{
	demo_org(d, "vendor-co");
	history(d, last_saturday(d));
}

void demo_estimates(struct demo *d)
{
	char t[64];
	demo_org(d, "vendor-co");
	int sat = last_saturday(d);
	walk_in(d, sat);

	/* S7: last Saturday 15:30, Chris is about to promise Sam his phones in three hours */
	demo_at(d, sat, "15:30", CHICAGO);
	demo_as(d, "chris@vendor-co.example");
	json_t *c = demo_call(d, "POST", "/api/v1/cases",
			      json_pack("{s:s,s:s,s:s,s:s}", "subject", "Two more phones for pickup at Store 12", "channel",
					"chat", "customer_id", demo_id(d, "vendor-co/customer:sam"), "summary",
					"Sam wants two phones for his family, to pick up at Store 12 today"));
	json_t *e = demo_call(d, "GET", "/api/v1/estimates",
			      json_pack("{s:s,s:s,s:s}", "holder", "Store 12", "kind", "hold", "due",
					at(d, sat, "18:30", 0, t, sizeof t)));
	const char *honest = jstr(e, "suggested_due_at") ? jstr(e, "suggested_due_at")
							 : jstr(json_object_get(e, "likely_by"), "p80");
	json_t *p = demo_callf(d, "POST",
			       json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "what", "Two phones ready for pickup at Store 12", "due_at",
					 honest, "channel", "chat", "deliver_team", "Store 12", "kind", "hold", "policy",
					 "In-store pickup within 3 hours of purchase"),
			       "/api/v1/cases/%s/promises", jstr(c, "id"));
	json_t *r = demo_callf(d, "POST",
			       json_pack("{s:s,s:s,s:s,s:s,s:[s]}", "what", "hold two phones for Sam", "due_at", honest,
					 "to_team", "Store 12", "kind", "hold", "blocks", jstr(p, "id")),
			       "/api/v1/cases/%s/requests", jstr(c, "id"));
	demo_at(d, sat, "19:55", CHICAGO);
	demo_as(d, "dana@vendor-co.example");
	json_decref(demo_callf(d, "POST", json_pack("{s:s}", "note", "two phones on hold at the counter"),
			       "/api/v1/requests/%s/complete", jstr(r, "id")));
	demo_at(d, sat, "20:05", CHICAGO);
	demo_as(d, "chris@vendor-co.example");
	json_decref(demo_callf(d, "POST", json_pack("{s:s}", "note", "Sam picked up both phones"), "/api/v1/promises/%s/keep",
			       jstr(p, "id")));
	demo_remember(d, "vendor-co/case:sam-s7", jstr(c, "id"));
	json_decref(r);
	json_decref(p);
	json_decref(e);
	json_decref(c);
}
