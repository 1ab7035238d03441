/* frontline bench-seed (hidden; used by scripts/bench.sh): a database with realistic volume, made
 * through the same services as the API (router_call), in large transactions.
 *   frontline bench-seed --db URL --orgs 50 --cases 100000 [--agents 10] [--batch 5000]
 * Organizations bench-01..bench-NN, each with a team, a supervisor and agents
 * agent-K@bench-NN.example (agent-1 of each organization gets the password "frontline-bench");
 * cases are spread evenly over organizations and agents, each with a new customer and a first
 * touchpoint; every third case is resolved.  Prints one JSON line with what it made. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "cli/cli.h"
#include "cli/demo.h"

#define BENCH_PASSWORD "frontline-bench"

static const char *const SUBJECTS[] = {
	"Phone will not charge", "Wrong item delivered", "Refund for a cancelled order", "Billing address change",
	"Two phones, buy one get one half price", "Appointment reschedule", "Router keeps dropping", "Statement question",
};
static const char *const CHANNELS[] = {"chat", "phone", "email", "web", "store"};

static long flag_num(int argc, char **argv, const char *name, long dflt)
{
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return strtol(argv[i + 1], NULL, 10);
	return dflt;
}

static void as_agent(struct demo *d, int org, int agent)
{
	char email[96];
	snprintf(email, sizeof email, "agent-%d@bench-%02d.example", agent, org);
	demo_as(d, email);
}

/* Organization g: its admin, a team, a supervisor and agents agents (the first with a password). */
static void seed_org(struct demo *d, long g, long agents)
{
	char slug[32], name[64], admin[96];
	snprintf(slug, sizeof slug, "bench-%02ld", g);
	snprintf(name, sizeof name, "Bench Organization %ld", g);
	snprintf(admin, sizeof admin, "admin@%s.example", slug);
	json_decref(demo_call(d, "POST", "/api/v1/orgs",
			      json_pack("{s:s,s:s,s:s,s:s}", "slug", slug, "name", name, "admin_name", "Admin",
					"admin_email", admin)));
	demo_org(d, slug);
	json_decref(demo_call(d, "POST", "/api/v1/teams", json_pack("{s:s}", "name", "Customer Care")));
	char email[96];
	snprintf(email, sizeof email, "supervisor@%s.example", slug);
	json_decref(demo_call(d, "POST", "/api/v1/people",
			      json_pack("{s:s,s:s,s:s,s:s}", "name", "Sam Supervisor", "email", email, "role",
					"supervisor", "team", "Customer Care")));
	for (long a = 1; a <= agents; a++) {
		char pname[64];
		snprintf(email, sizeof email, "agent-%ld@%s.example", a, slug);
		snprintf(pname, sizeof pname, "Agent %ld of %s", a, slug);
		json_t *b = json_pack("{s:s,s:s,s:s,s:s}", "name", pname, "email", email, "role", "frontline", "team",
				      "Customer Care");
		char mgr[96];
		snprintf(mgr, sizeof mgr, "supervisor@%s.example", slug);
		json_object_set_new(b, "manager", json_string(mgr));
		if (a == 1)
			json_object_set_new(b, "password", json_string(BENCH_PASSWORD));
		json_decref(demo_call(d, "POST", "/api/v1/people", b));
	}
}

/* Case i: opened by an agent of an organization in turn, one in three resolved at once (returns 1
 * for those). */
static int seed_case(struct demo *d, long i, long orgs, long agents)
{
	int resolved = 0;
	int g = (int)(i % orgs) + 1;
	int a = (int)((i / orgs) % agents) + 1;
	char slug[32], cname[64], cemail[96], cphone[32], subject[128];
	snprintf(slug, sizeof slug, "bench-%02d", g);
	demo_org(d, slug);
	as_agent(d, g, a);
	d->c.now += 1000;
	snprintf(cname, sizeof cname, "Customer %ld", i);
	snprintf(cemail, sizeof cemail, "customer%ld@example.com", i);
	snprintf(cphone, sizeof cphone, "+1 555 %07ld", i % 10000000);
	snprintf(subject, sizeof subject, "%s (#%ld)", SUBJECTS[i % 8], i);
	json_t *c = demo_call(d, "POST", "/api/v1/cases",
			      json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "subject", subject, "channel", CHANNELS[i % 5],
					"customer_name", cname, "customer_email", cemail, "customer_phone", cphone,
					"summary", "The customer explained the problem; details in the notes."));
	if (i % 3 == 0) {
		json_decref(demo_callf(d, "POST", json_pack("{s:s}", "resolution", "Solved on first contact"),
				       "/api/v1/cases/%s/resolve", json_string_value(json_object_get(c, "id"))));
		resolved = 1;
	}
	json_decref(c);
	return resolved;
}

int cmd_bench_seed(int argc, char **argv)
{
	struct cli_common o;
	argc = cli_common_parse(argc, argv, &o);
	long orgs = flag_num(argc, argv, "--orgs", 50), cases = flag_num(argc, argv, "--cases", 100000);
	long agents = flag_num(argc, argv, "--agents", 10), batch = flag_num(argc, argv, "--batch", 5000);
	if (orgs < 1 || orgs > 99 || cases < 0 || agents < 1 || agents > 1000 || batch < 1) {
		fprintf(stderr, "usage: frontline bench-seed --db URL [--orgs 1-99] [--cases N] [--agents N] [--batch N]\n");
		return 2;
	}
	struct demo d;
	if (demo_open(&d, o.db))
		return 1;
	db *dbh = d.c.db;
	d.c.now -= cases * 1000LL + 3600000;

	if (db_begin(dbh, 1) != DB_OK)
		fl_die("bench-seed: %s", db_errmsg(dbh));
	for (long g = 1; g <= orgs; g++)
		seed_org(&d, g, agents);
	long resolved = 0;
	for (long i = 0; i < cases; i++) {
		resolved += seed_case(&d, i, orgs, agents);
		if ((i + 1) % batch == 0) {
			if (db_commit(dbh) != DB_OK || db_begin(dbh, 1) != DB_OK)
				fl_die("bench-seed: commit failed: %s", db_errmsg(dbh));
			fprintf(stderr, "\rbench-seed: %ld/%ld cases", i + 1, cases);
		}
	}
	if (db_commit(dbh) != DB_OK)
		fl_die("bench-seed: commit failed: %s", db_errmsg(dbh));
	if (cases >= batch)
		fprintf(stderr, "\n");
	json_decref(d.ids);
	svc_ctx_release(&d.c);
	db_close(dbh);
	printf("{\"orgs\":%ld,\"agents_per_org\":%ld,\"cases\":%ld,\"resolved\":%ld,\"password\":\"%s\"}\n", orgs, agents,
	       cases, resolved, BENCH_PASSWORD);
	return 0;
}
