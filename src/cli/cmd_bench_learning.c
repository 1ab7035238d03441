/* frontline bench-seed-learning (hidden; used by scripts/bench-learning.sh): an organization with
 * many failure reviews for the root-cause report's benchmark.
 *   frontline bench-seed-learning --db URL [--reviews 1000000] [--cases 20000] [--days 365] [--batch 20000]
 * The organization "bench-learning" (admin@bench-learning.example, leader
 * leader@bench-learning.example with password "frontline-bench"), six teams, agents, four policies
 * and --cases cases are made through the services; the reviews, their causes and facets are then
 * written with plain INSERTs (the same rows review_open and the cause route write, without their
 * per-review case page), spread over --days days before now.  Categories follow a skewed
 * distribution from a fixed pseudo-random sequence.  Prints one JSON line with what it made,
 * including the count per category (the report's Pareto must match it).
 *
 * Why writing these tables directly is equivalent to going through the services, for what is
 * measured: the reviews, causes and facets have the columns and states review_open and the cause
 * route give them, and learning_daily is then filled with the same per-day counts the services
 * keep row by row, so the root-cause report reads what it would read in production.  What the
 * services would add and the seed leaves out is one history event per review and cause.  The
 * history stays valid because direct writes never touch events or org_heads: the chain holds
 * exactly what went through the services (organization, people, teams, policies, cases).
 * tests/e2e/test_bench_seeders.py checks this at small sizes: `audit verify` passes on the seed and
 * the report's Pareto equals the seeded counts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "cli/cli.h"
#include "cli/demo.h"
#include "core/review_rules.h"

#define BENCH_PASSWORD "frontline-bench"
#define NTEAMS 6
#define NPOL 4

static long flag_num(int argc, char **argv, const char *name, long dflt)
{
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return strtol(argv[i + 1], NULL, 10);
	return dflt;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static uint32_t rnd(void) /* xorshift64* */
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32);
}

static void must(db *d, int rc)
{
	if (rc != DB_OK)
		fl_die("bench-seed-learning: %s", db_errmsg(d));
}

int cmd_bench_seed_learning(int argc, char **argv)
{
	struct cli_common o;
	argc = cli_common_parse(argc, argv, &o);
	long reviews = flag_num(argc, argv, "--reviews", 1000000), ncases = flag_num(argc, argv, "--cases", 20000);
	long days = flag_num(argc, argv, "--days", 365), batch = flag_num(argc, argv, "--batch", 20000);
	if (reviews < 0 || ncases < 1 || days < 1 || batch < 1) {
		fprintf(stderr, "usage: frontline bench-seed-learning --db URL [--reviews N] [--cases N] [--days N] [--batch N]\n");
		return 2;
	}
	struct demo d;
	if (demo_open(&d, o.db))
		return 1;
	db *dbh = d.c.db;
	int64_t now = d.c.now, start = now - days * 86400000LL;
	d.c.now = start - 3600000;
	static const char *const TEAMS[NTEAMS] = {"Web Chat", "Phone Sales", "Store 12", "Dispatch", "Billing", "Customer Care"};
	static const char *const CHANNELS[] = {"chat", "phone", "store", "email", "web"};

	must(dbh, db_begin(dbh, 1));
	json_decref(demo_call(&d, "POST", "/api/v1/orgs",
			      json_pack("{s:s,s:s,s:s,s:s}", "slug", "bench-learning", "name", "Bench Learning", "admin_name", "Admin",
					"admin_email", "admin@bench-learning.example")));
	demo_org(&d, "bench-learning");
	json_decref(demo_call(&d, "POST", "/api/v1/people",
			      json_pack("{s:s,s:s,s:s,s:s}", "name", "Lee Leader", "email", "leader@bench-learning.example", "role",
					"leader", "password", BENCH_PASSWORD)));
	char team_ids[NTEAMS][ID_SIZE], pol_ids[NPOL][ID_SIZE];
	for (int t = 0; t < NTEAMS; t++) {
		json_t *tm = demo_call(&d, "POST", "/api/v1/teams", json_pack("{s:s}", "name", TEAMS[t]));
		if (str_copy(team_ids[t], ID_SIZE, json_string_value(json_object_get(tm, "id"))))
			fl_die("bench-seed-learning: a stored value longer than its buffer");
		json_decref(tm);
		char email[96], name[64];
		snprintf(email, sizeof email, "agent-%d@bench-learning.example", t + 1);
		snprintf(name, sizeof name, "Agent of %s", TEAMS[t]);
		json_decref(demo_call(&d, "POST", "/api/v1/people",
				      json_pack("{s:s,s:s,s:s,s:s,s:s}", "name", name, "email", email, "role", "frontline", "team", TEAMS[t],
						"manager", "leader@bench-learning.example")));
	}
	for (int k = 0; k < NPOL; k++) {
		char name[64];
		snprintf(name, sizeof name, "Bench policy %d", k + 1);
		json_t *pl = demo_call(&d, "POST", "/api/v1/policies",
				       json_pack("{s:s,s:s,s:s,s:s}", "name", name, "kind", "rule", "owner", "leader@bench-learning.example",
						 "text", "a rule"));
		if (str_copy(pol_ids[k], ID_SIZE, json_string_value(json_object_get(pl, "id"))))
			fl_die("bench-seed-learning: a stored value longer than its buffer");
		json_decref(pl);
	}
	char **case_ids = xmalloc((size_t)ncases * sizeof *case_ids);
	for (long i = 0; i < ncases; i++) {
		char email[96];
		snprintf(email, sizeof email, "agent-%ld@bench-learning.example", i % NTEAMS + 1);
		demo_as(&d, email);
		d.c.now += 1;
		char subject[64];
		snprintf(subject, sizeof subject, "Bench case %ld", i);
		json_t *c = demo_call(&d, "POST", "/api/v1/cases",
				      json_pack("{s:s,s:s,s:s}", "subject", subject, "channel", CHANNELS[i % 5], "customer_name", "Customer"));
		case_ids[i] = xstrdup(json_string_value(json_object_get(c, "id")));
		json_decref(c);
	}
	must(dbh, db_commit(dbh));
	fprintf(stderr, "bench-seed-learning: %ld cases\n", ncases);

	/* skewed weights over the nine categories, most systemic first (a Pareto-like shape) */
	static const int WEIGHTS[] = {30, 22, 15, 10, 8, 6, 4, 3, 2};
	long counts[9] = {0}, ncauses = 0, nfacets = 0;
	const char *org = d.c.actor.org_id;
	char lead[ID_SIZE];
	db_res *r;
	must(dbh, db_query(dbh, "SELECT id FROM people WHERE org_id = ? AND email = 'leader@bench-learning.example'",
			   DB_ARGS(DB_TXT(org)), &r));
	if (db_next(r) != 1)
		fl_die("bench-seed-learning: no leader");
	if (str_copy(lead, sizeof lead, db_text(r, 0)))
		fl_die("bench-seed-learning: a stored value longer than its buffer");
	db_res_discard(r);
	static const char *const BOUNDS[] = {"chat->phone", "phone->store", "chat->store", "email->phone", "web->chat"};
	must(dbh, db_begin(dbh, 1));
	for (long i = 0; i < reviews; i++) {
		char id[ID_SIZE];
		long ci = (long)(rnd() % (uint32_t)ncases);
		int team = (int)(ci % NTEAMS);
		int64_t at = start + (int64_t)((double)i / (double)(reviews ? reviews : 1) * (double)(now - start - 1000));
		id_new(id, "rev", at);
		must(dbh, db_exec(dbh,
				  "INSERT INTO reviews (org_id, id, case_id, trigger_kind, owner_id, case_owner_id, team_id, status, facts, "
				  "opened_by, opened_at, due_at) VALUES (?,?,?,'manual',?,?,?,'open','{}',?,?,?)",
				  DB_ARGS(DB_TXT(org), DB_TXT(id), DB_TXT(case_ids[ci]), DB_TXT(lead), DB_TXT(lead), DB_TXT(team_ids[team]),
					  DB_TXT(lead), DB_INT(at), DB_INT(at + 7 * 86400000LL)),
				  NULL));
		int n = 1 + (int)(rnd() % 3), used = 0;
		for (int k = 0; k < n; k++) {
			int w = (int)(rnd() % 100), cat = 0;
			while (cat < 8 && w >= WEIGHTS[cat]) {
				w -= WEIGHTS[cat];
				cat++;
			}
			if (used & (1 << cat))
				continue;
			used |= 1 << cat;
			counts[cat]++;
			ncauses++;
			must(dbh, db_exec(dbh,
					  "INSERT INTO review_causes (org_id, review_id, category, evidence, reason, case_id, team_id, "
					  "opened_at, added_by, added_at) VALUES (?,?,?,'generated',?,?,?,?,?,?)",
					  DB_ARGS(DB_TXT(org), DB_TXT(id), DB_TXT(REVIEW_CATEGORIES[cat]),
						  DB_TXT(cat == 8 ? "system causes considered: tools, process and staffing were fine" : ""),
						  DB_TXT(case_ids[ci]), DB_TXT(team_ids[team]), DB_INT(at), DB_TXT(lead), DB_INT(at)),
					  NULL));
		}
		int b = (int)(rnd() % 6);
		if (b < 5) {
			must(dbh, db_exec(dbh,
					  "INSERT INTO review_facets (org_id, review_id, kind, label, case_id, opened_at) VALUES (?,?,'boundary',?,?,?)",
					  DB_ARGS(DB_TXT(org), DB_TXT(id), DB_TXT(BOUNDS[b]), DB_TXT(case_ids[ci]), DB_INT(at)), NULL));
			nfacets++;
		}
		if (rnd() % 5 == 0) {
			int p1 = (int)(rnd() % NPOL), p2 = (p1 + 1 + (int)(rnd() % (NPOL - 1))) % NPOL;
			const char *a = pol_ids[p1], *z = pol_ids[p2];
			if (strcmp(a, z) > 0) {
				const char *t = a;
				a = z;
				z = t;
			}
			char *label = xasprintf("%s+%s", a, z);
			must(dbh, db_exec(dbh,
					  "INSERT INTO review_facets (org_id, review_id, kind, label, case_id, opened_at) VALUES (?,?,'policy',?,?,?)",
					  DB_ARGS(DB_TXT(org), DB_TXT(id), DB_TXT(label), DB_TXT(case_ids[ci]), DB_INT(at)), NULL));
			free(label);
			nfacets++;
		}
		if ((i + 1) % batch == 0) {
			must(dbh, db_commit(dbh));
			must(dbh, db_begin(dbh, 1));
			fprintf(stderr, "\rbench-seed-learning: %ld/%ld reviews", i + 1, reviews);
		}
	}
	must(dbh, db_commit(dbh));
	fprintf(stderr, "\n");
	/* the report's daily counts, as the services keep them row by row */
	must(dbh, db_begin(dbh, 1));
	must(dbh, db_exec(dbh,
			  "INSERT INTO learning_daily (org_id, day, kind, label, team_id, n) SELECT org_id, d, 'review', '', t, COUNT(*) "
			  "FROM (SELECT org_id, (opened_at / 86400000) * 86400000 AS d, COALESCE(team_id, '') AS t FROM reviews "
			  "WHERE org_id = ?) x GROUP BY org_id, d, t",
			  DB_ARGS(DB_TXT(org)), NULL));
	must(dbh, db_exec(dbh,
			  "INSERT INTO learning_daily (org_id, day, kind, label, team_id, n) SELECT org_id, d, 'cause', category, t, COUNT(*) "
			  "FROM (SELECT org_id, (opened_at / 86400000) * 86400000 AS d, category, COALESCE(team_id, '') AS t "
			  "FROM review_causes WHERE org_id = ?) x GROUP BY org_id, d, category, t",
			  DB_ARGS(DB_TXT(org)), NULL));
	must(dbh, db_exec(dbh,
			  "INSERT INTO learning_daily (org_id, day, kind, label, team_id, n) SELECT org_id, d, kind, label, '', COUNT(*) "
			  "FROM (SELECT org_id, (opened_at / 86400000) * 86400000 AS d, kind, label FROM review_facets WHERE org_id = ?) x "
			  "GROUP BY org_id, d, kind, label",
			  DB_ARGS(DB_TXT(org)), NULL));
	must(dbh, db_commit(dbh));
	for (long i = 0; i < ncases; i++)
		free(case_ids[i]);
	free(case_ids);
	json_decref(d.ids);
	db_close(dbh);
	printf("{\"org\":\"bench-learning\",\"as\":\"leader@bench-learning.example\",\"password\":\"%s\",\"cases\":%ld,"
	       "\"reviews\":%ld,\"causes\":%ld,\"facets\":%ld,\"by_category\":{",
	       BENCH_PASSWORD, ncases, reviews, ncauses, nfacets);
	for (int k = 0; k < 9; k++)
		printf("%s\"%s\":%ld", k ? "," : "", REVIEW_CATEGORIES[k], counts[k]);
	printf("}}\n");
	return 0;
}
