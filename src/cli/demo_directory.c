/* Demo part for S4 (everyone serves), organization northwind: locations with regions and
 * holidays, skills and who has them where, on-call rotas (Rosa on call for billing this weekend
 * in Chicago, weekday rotas in Chicago and Berlin that leave nights uncovered), knowledge
 * articles, and Omar's Saturday intake at a trade show routed to Rosa, who accepts. */

#include "base/clock.h"
#include "base/tz.h"
#include "core/rota.h"
#include "cli/demo.h"

static void article(struct demo *d, const char *title, const char *body, const char *tag1, const char *tag2)
{
	json_decref(demo_call(d, "POST", "/api/v1/articles",
			      json_pack("{s:s,s:s,s:[s,s]}", "title", title, "body", body, "tags", tag1, tag2)));
}

/* Regions, opening hours and holidays of the locations; the skills and who has them where. */
static void demo_places_and_skills(struct demo *d)
{
	json_decref(demo_call(d, "PATCH", "/api/v1/locations/Chicago", json_pack("{s:s}", "region", "us-central")));
	json_decref(demo_call(d, "PATCH", "/api/v1/locations/Berlin",
			      json_pack("{s:s,s:{s:s,s:s,s:s,s:s,s:s}}", "region", "eu-central", "hours", "mon", "09:00-17:00", "tue",
					"09:00-17:00", "wed", "09:00-17:00", "thu", "09:00-17:00", "fri", "09:00-16:00")));
	json_decref(demo_call(d, "POST", "/api/v1/locations/Chicago/holidays",
			      json_pack("{s:s,s:s}", "day", "2026-12-25", "name", "Christmas Day")));
	json_decref(demo_call(d, "POST", "/api/v1/locations/Berlin/holidays",
			      json_pack("{s:s,s:s}", "day", "2026-12-24", "name", "Heiligabend")));
	static const char *const SKILLS[][2] = {
		{"billing", "invoices, charges, refunds of charges, disputes"},
		{"returns", "returns and exchanges"},
		{"technical", "installation, sign-in, product faults"},
	};
	for (int i = 0; i < 3; i++)
		json_decref(demo_call(d, "POST", "/api/v1/skills",
				      json_pack("{s:s,s:s}", "name", SKILLS[i][0], "description", SKILLS[i][1])));
	static const char *const HAS[][3] = {
		{"rosa@northwind.example", "billing", "Chicago"},   {"ben@northwind.example", "billing", "Berlin"},
		{"helen@northwind.example", "billing", "Chicago"},  {"helen@northwind.example", "returns", "Chicago"},
		{"omar@northwind.example", "technical", "Chicago"},
	};
	for (int i = 0; i < 5; i++)
		json_decref(demo_callf(d, "POST", json_pack("{s:s,s:s}", "skill", HAS[i][1], "location", HAS[i][2]),
				       "/api/v1/people/%s/skills", HAS[i][0]));
}

/* A billing rota of one member on weekdays 09:00-17:00, handing over on Mondays from monday. */
static void weekday_rota(struct demo *d, const char *name, const char *location, const char *member, const char *monday)
{
	json_decref(demo_call(
		d, "POST", "/api/v1/rotas",
		json_pack("{s:s,s:s,s:s,s:[{s:s,s:[s],s:s,s:s,s:[{s:[s,s,s,s,s],s:s,s:s}]}]}", "name", name, "skill", "billing",
			  "location", location, "layers", "layer", "primary", "members", member, "handoff", "mon 09:00", "start",
			  monday, "windows", "days", "mon", "tue", "wed", "thu", "fri", "from", "09:00", "to", "17:00")));
}

/* The billing rotas: weekends in Chicago (from the Saturday sat), weekdays in office hours in
 * Chicago and Berlin (from monday). */
static void demo_rotas(struct demo *d, const char *sat, const char *monday)
{
	/* Rosa covers billing on this weekend and the last one; Helen the two after */
	json_decref(demo_call(
		d, "POST", "/api/v1/rotas",
		json_pack("{s:s,s:s,s:s,s:[{s:s,s:[s,s],s:s,s:i,s:s,s:[{s:[s,s],s:s,s:s}]}]}", "name", "Billing weekends Chicago",
			  "skill", "billing", "location", "Chicago", "layers", "layer", "primary", "members",
			  "rosa@northwind.example", "helen@northwind.example", "handoff", "sat 00:00", "period_days", 14, "start",
			  sat, "windows", "days", "sat", "sun", "from", "00:00", "to", "24:00")));
	/* weekdays in office hours only: the nights are the gaps the coverage report shows */
	weekday_rota(d, "Billing weekdays Chicago", "Chicago", "rosa@northwind.example", monday);
	weekday_rota(d, "Billing weekdays Berlin", "Berlin", "ben@northwind.example", monday);

}

static void demo_articles(struct demo *d)
{
	article(d, "How to take the first steps on a billing dispute",
		"Anyone can start this, whatever your team.\n"
		"1. Listen and write down what the customer says was charged, when, and what they expected.\n"
		"2. Open a case for the customer (you are credited for the intake) and note the invoice or order number.\n"
		"3. Do not promise a refund yourself; tell the customer who will call back and by when.\n"
		"4. Ask the directory who can help with billing near you now and offer the case to that person.\n"
		"5. Link this article to the case so the next person sees what was already done.",
		"billing", "dispute");
	article(d, "Updating a billing address",
		"Billing addresses change in the account settings; confirm the customer's identity first.", "billing", "account");
	article(d, "Returning a product bought online",
		"Returns are accepted within 30 days with the order number; offer a label by email.", "returns", "online");
	article(d, "Resetting a customer's password",
		"Send the reset link from the account page; never read a password aloud.", "technical", "account");
}

/* S4: Saturday 14:00, Omar (Engineering) at a trade show in Chicago; Rosa accepts the offer. */
static void demo_saturday(struct demo *d, int sat_ago, const char *chi)
{
	demo_at_as(d, sat_ago, "14:00", chi, "omar@northwind.example");
	json_t *c = demo_call(d, "POST", "/api/v1/cases",
			      json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "subject", "Charged twice for the annual plan", "channel",
					"in_person", "customer_name", "Dana Brooks", "customer_email", "dana.brooks@example.com",
					"location", "Chicago", "summary",
					"Met at the trade show booth; her card shows two charges for the annual plan"));
	const char *case_id = json_string_value(json_object_get(c, "id"));
	demo_remember(d, "northwind/case:dana", case_id);
	json_t *hits = demo_call(d, "GET", "/api/v1/articles/search", json_pack("{s:s}", "q", "billing dispute"));
	const char *art = json_string_value(json_object_get(json_array_get(json_object_get(hits, "items"), 0), "id"));
	if (art)
		json_decref(demo_callf(d, "POST", json_pack("{s:s}", "article", art), "/api/v1/cases/%s/articles", case_id));
	json_decref(hits);
	json_t *offer = demo_callf(d, "POST",
				  json_pack("{s:s,s:s,s:s}", "skill", "billing", "location", "Chicago", "note",
					    "Customer charged twice; she is at our booth until 17:00"),
				  "/api/v1/cases/%s/route", case_id);
	const char *offer_id = json_string_value(json_object_get(offer, "id"));
	demo_at_as(d, sat_ago, "14:06", chi, "rosa@northwind.example");
	json_decref(demo_callf(d, "POST", NULL, "/api/v1/offers/%s/accept", offer_id));
	json_decref(offer);
	json_decref(c);
}

void demo_directory(struct demo *d)
{
	const char *chi = "America/Chicago";
	/* Omar's Saturday: the latest Saturday before today in Chicago */
	const tz_zone *z = tz_get(chi);
	int64_t s = clock_now(&d->clock) / 1000;
	int64_t today = tz_floordiv(s + tz_offset_at(z, s, NULL), 86400);
	int wd = tz_weekday(today); /* 0 = Monday */
	int sat_ago = (wd - 5 + 7) % 7;
	if (sat_ago == 0)
		sat_ago = 7;
	char sat[ROTA_DATE_SIZE], monday[ROTA_DATE_SIZE];
	rota_format_date(today - sat_ago, sat);
	rota_format_date(today - sat_ago - 12, monday); /* a Monday before it */

	demo_org(d, "northwind");
	demo_at(d, sat_ago + 3, "09:00", chi);
	demo_places_and_skills(d);
	demo_rotas(d, sat, monday);
	demo_articles(d);
	demo_saturday(d, sat_ago, chi);
}
