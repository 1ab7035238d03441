/* Demo part 1: the organizations, teams, locations, people and customers of the five stories. */
#include <stdio.h>
#include <string.h>

#include "cli/demo.h"

struct person {
	const char *name, *email_user, *role, *team, *location, *manager_user, *title, *phone;
};

static void org(struct demo *d, const char *slug, const char *name)
{
	char email[128];
	snprintf(email, sizeof email, "admin@%s.example", slug);
	json_decref(demo_call(d, "POST", "/api/v1/orgs",
			      json_pack("{s:s,s:s,s:s,s:s,s:s}", "slug", slug, "name", name, "admin_name", "Admin", "admin_email",
					email, "admin_password", DEMO_PASSWORD)));
	demo_org(d, slug);
}

static void teams(struct demo *d, const char *const *names)
{
	for (; *names; names++)
		json_decref(demo_call(d, "POST", "/api/v1/teams", json_pack("{s:s}", "name", *names)));
}

static void location(struct demo *d, const char *name, const char *tz, const char *address, const char *hours)
{
	json_t *h = json_loads(hours, 0, NULL);
	json_decref(demo_call(d, "POST", "/api/v1/locations",
			      json_pack("{s:s,s:s,s:s,s:o}", "name", name, "tz", tz, "address", address, "hours", h)));
}

static void people(struct demo *d, const char *slug, const struct person *p)
{
	for (; p->name; p++) {
		char email[128];
		snprintf(email, sizeof email, "%s@%s.example", p->email_user, slug);
		json_t *b = json_pack("{s:s,s:s,s:s,s:s,s:s}", "name", p->name, "email", email, "role", p->role, "password",
				      DEMO_PASSWORD, "title", p->title ? p->title : "");
		if (p->team)
			json_object_set_new(b, "team", json_string(p->team));
		if (p->location)
			json_object_set_new(b, "location", json_string(p->location));
		if (p->phone)
			json_object_set_new(b, "phone", json_string(p->phone));
		if (p->manager_user) {
			char m[128];
			snprintf(m, sizeof m, "%s@%s.example", p->manager_user, slug);
			json_object_set_new(b, "manager", json_string(m));
		}
		json_t *out = demo_call(d, "POST", "/api/v1/people", b);
		char key[160];
		snprintf(key, sizeof key, "%s/person:%s", slug, p->email_user);
		demo_remember(d, key, json_string_value(json_object_get(out, "id")));
		json_decref(out);
	}
}

static void customer(struct demo *d, const char *slug, const char *key, const char *name, const char *email, const char *phone)
{
	json_t *out = demo_call(d, "POST", "/api/v1/customers", json_pack("{s:s,s:s,s:s}", "name", name, "email", email, "phone", phone));
	char k[160];
	snprintf(k, sizeof k, "%s/customer:%s", slug, key);
	demo_remember(d, k, json_string_value(json_object_get(out, "id")));
	json_decref(out);
}

void demo_people(struct demo *d)
{
	/* S1 and S5: Vendor Co — Sam's phones; Jo's parcel */
	org(d, "vendor-co", "Vendor Co");
	teams(d, (const char *const[]){"Web Chat", "Phone Sales", "Store 12", "Retail Ops", "Customer Care", "Dispatch", "IT", NULL});
	location(d, "Springfield", "America/Chicago", "12 Main Street, Springfield",
		 "{\"mon\":\"09:00-20:00\",\"tue\":\"09:00-20:00\",\"wed\":\"09:00-20:00\",\"thu\":\"09:00-20:00\","
		 "\"fri\":\"09:00-20:00\",\"sat\":\"09:00-21:00\",\"sun\":\"09:00-20:00\"}");
	location(d, "Contact Center", "America/Chicago", "1 Service Way, Springfield", "{}");
	static const struct person VENDOR[] = {
		{"Riley Chen", "riley", "leader", "Retail Ops", "Contact Center", NULL, "Head of Retail Operations", "+1 555 0101"},
		{"Avery Brooks", "avery", "leader", "IT", "Contact Center", NULL, "Head of IT", "+1 555 0102"},
		{"Sandy Ortiz", "sandy", "supervisor", "Store 12", "Springfield", "riley", "Store 12 manager", "+1 555 0103"},
		{"Taylor Reed", "taylor", "supervisor", "Customer Care", "Contact Center", "riley", "Customer Care supervisor", NULL},
		{"Chris Young", "chris", "frontline", "Web Chat", "Contact Center", "taylor", "Chat agent", NULL},
		{"Kim Lopez", "kim", "frontline", "Web Chat", "Contact Center", "taylor", "Chat agent", NULL},
		{"Pat Morgan", "pat", "frontline", "Phone Sales", "Contact Center", "taylor", "Sales representative", NULL},
		{"Dana Fox", "dana", "frontline", "Store 12", "Springfield", "sandy", "Store associate", "+1 555 0112"},
		{"Jo Baker", "jo", "frontline", "Customer Care", "Contact Center", "taylor", "Customer care agent", NULL},
		{"Devon Hart", "devon", "support", "Dispatch", "Contact Center", "riley", "Dispatch coordinator", NULL},
		{NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
	};
	people(d, "vendor-co", VENDOR);
	customer(d, "vendor-co", "sam", "Sam Carter", "sam.carter@example.com", "+1 217 555 0142");
	customer(d, "vendor-co", "erin", "Erin Park", "erin.park@example.com", "+1 217 555 0177");

	/* S2: the doctor's office */
	org(d, "lee-practice", "Dr. Lee's Family Practice");
	teams(d, (const char *const[]){"Reception", "Physicians", "Practice Management", NULL});
	location(d, "Main Office", "America/New_York", "40 Elm Street", "{\"mon\":\"08:00-17:00\",\"tue\":\"08:00-17:00\"}");
	static const struct person LEE[] = {
		{"Dr. Jordan Lee", "lee", "leader", "Physicians", "Main Office", NULL, "Physician", NULL},
		{"Morgan Diaz", "morgan", "leader", "Practice Management", "Main Office", NULL, "Practice manager", NULL},
		{"Alex Kim", "alex", "frontline", "Reception", "Main Office", "morgan", "Receptionist", NULL},
		{NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
	};
	people(d, "lee-practice", LEE);
	customer(d, "lee-practice", "jones", "Mr. Jones", "r.jones@example.com", "+1 212 555 0190");

	/* S3: two to agree */
	org(d, "harbor-financial", "Harbor Financial");
	teams(d, (const char *const[]){"Member Services", "Operations", "Leadership", NULL});
	static const struct person HARBOR[] = {
		{"Grace Owens", "grace", "leader", "Leadership", NULL, NULL, "VP Member Experience", NULL},
		{"Sofia Ruiz", "sofia", "supervisor", "Member Services", NULL, "grace", "Member Services supervisor", NULL},
		{"Mia Wong", "mia", "frontline", "Member Services", NULL, "sofia", "Member representative", NULL},
		{"Noah Silva", "noah", "frontline", "Member Services", NULL, "sofia", "Member representative", NULL},
		{"Priya Shah", "priya", "support", "Operations", NULL, "grace", "Operations analyst", NULL},
		{NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
	};
	people(d, "harbor-financial", HARBOR);
	customer(d, "harbor-financial", "rivera", "Ana Rivera", "ana.rivera@example.com", "+1 415 555 0133");

	/* S4: everyone serves */
	org(d, "northwind", "Northwind Software");
	teams(d, (const char *const[]){"Engineering", "Billing", "Support", NULL});
	location(d, "Chicago", "America/Chicago", "200 W Madison St, Chicago", "{\"mon\":\"09:00-17:00\",\"tue\":\"09:00-17:00\","
		 "\"wed\":\"09:00-17:00\",\"thu\":\"09:00-17:00\",\"fri\":\"09:00-17:00\"}");
	location(d, "Berlin", "Europe/Berlin", "Friedrichstrasse 10, Berlin", "{\"mon\":\"09:00-17:00\"}");
	static const struct person NORTHWIND[] = {
		{"Helen Park", "helen", "leader", "Support", "Chicago", NULL, "Head of Customer Support", NULL},
		{"Rosa Alvarez", "rosa", "frontline", "Billing", "Chicago", "helen", "Billing specialist", "+1 312 555 0150"},
		{"Ben Weber", "ben", "frontline", "Billing", "Berlin", "helen", "Billing specialist", "+49 30 555 0151"},
		{"Omar Haddad", "omar", "support", "Engineering", "Chicago", "helen", "Software engineer", "+1 312 555 0152"},
		{NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
	};
	people(d, "northwind", NORTHWIND);
}
