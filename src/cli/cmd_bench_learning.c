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

/* What the seed makes and counts as it goes. */
struct seed {
	struct demo d;
	db *dbh;
	int64_t now, start;
	long ncases, counts[9], ncauses, nfacets;
	char team_ids[NTEAMS][ID_SIZE], pol_ids[NPOL][ID_SIZE], lead[ID_SIZE];
	char **case_ids;
};

static void copy_id(char *dst, const char *src)
{
	if (str_copy(dst, ID_SIZE, src))
		fl_die("bench-seed-learning: a stored value longer than its buffer");
}

/* Through the services: the organization, its leader, a team with an agent for each of TEAMS, the
 * policies. */
static void seed_org(struct seed *s)
{
	static const char *const TEAMS[NTEAMS] = {"Web Chat", "Phone Sales", "Store 12", "Dispatch", "Billing", "Customer Care"};
	struct demo *d = &s->d;
	json_decref(demo_call(d, "POST", "/api/v1/orgs",
			      json_pack("{s:s,s:s,s:s,s:s}", "slug", "bench-learning", "name", "Bench Learning", "admin_name", "Admin",
					"admin_email", "admin@bench-learning.example")));
	demo_org(d, "bench-learning");
	json_decref(demo_call(d, "POST", "/api/v1/people",
			      json_pack("{s:s,s:s,s:s,s:s}", "name", "Lee Leader", "email", "leader@bench-learning.example", "role",
					"leader", "password", BENCH_PASSWORD)));
	for (int t = 0; t < NTEAMS; t++) {
		json_t *tm = demo_call(d, "POST", "/api/v1/teams", json_pack("{s:s}", "name", TEAMS[t]));
		copy_id(s->team_ids[t], json_string_value(json_object_get(tm, "id")));
		json_decref(tm);
		char email[96], name[64];
		snprintf(email, sizeof email, "agent-%d@bench-learning.example", t + 1);
		snprintf(name, sizeof name, "Agent of %s", TEAMS[t]);
		json_decref(demo_call(d, "POST", "/api/v1/people",
				      json_pack("{s:s,s:s,s:s,s:s,s:s}", "name", name, "email", email, "role", "frontline", "team", TEAMS[t],
						"manager", "leader@bench-learning.example")));
	}
	for (int k = 0; k < NPOL; k++) {
		char name[64];
		snprintf(name, sizeof name, "Bench policy %d", k + 1);
		json_t *pl = demo_call(d, "POST", "/api/v1/policies",
				       json_pack("{s:s,s:s,s:s,s:s}", "name", name, "kind", "rule", "owner", "leader@bench-learning.example",
						 "text", "a rule"));
		copy_id(s->pol_ids[k], json_string_value(json_object_get(pl, "id")));
		json_decref(pl);
	}
}

/* Through the services: ncases cases, each by the agent of one team in turn. */
static void seed_cases(struct seed *s)
{
	static const char *const CHANNELS[] = {"chat", "phone", "store", "email", "web"};
	s->case_ids = xmalloc((size_t)s->ncases * sizeof *s->case_ids);
	for (long i = 0; i < s->ncases; i++) {
		char email[96], subject[64];
		snprintf(email, sizeof email, "agent-%ld@bench-learning.example", i % NTEAMS + 1);
		demo_as(&s->d, email);
		s->d.c.now += 1;
		snprintf(subject, sizeof subject, "Bench case %ld", i);
		json_t *c = demo_call(&s->d, "POST", "/api/v1/cases",
				      json_pack("{s:s,s:s,s:s}", "subject", subject, "channel", CHANNELS[i % 5], "customer_name", "Customer"));
		s->case_ids[i] = xstrdup(json_string_value(json_object_get(c, "id")));
		json_decref(c);
	}
}

/* One facet row of review id. */
static void seed_facet(struct seed *s, const char *id, const char *kind, const char *label, const char *case_id, int64_t at)
{
	must(s->dbh, db_exec(s->dbh, "INSERT INTO review_facets (org_id, review_id, kind, label, case_id, opened_at) VALUES (?,?,?,?,?,?)",
			     DB_ARGS(DB_TXT(s->d.c.actor.org_id), DB_TXT(id), DB_TXT(kind), DB_TXT(label), DB_TXT(case_id), DB_INT(at)),
			     NULL));
	s->nfacets++;
}

/* Up to three causes of review id, categories drawn from a skewed distribution (a Pareto-like
 * shape, most systemic first). */
static void seed_causes(struct seed *s, const char *id, const char *case_id, const char *team_id, int64_t at)
{
	static const int WEIGHTS[] = {30, 22, 15, 10, 8, 6, 4, 3, 2};
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
		s->counts[cat]++;
		s->ncauses++;
		must(s->dbh, db_exec(s->dbh,
				     "INSERT INTO review_causes (org_id, review_id, category, evidence, reason, case_id, team_id, "
				     "opened_at, added_by, added_at) VALUES (?,?,?,'generated',?,?,?,?,?,?)",
				     DB_ARGS(DB_TXT(s->d.c.actor.org_id), DB_TXT(id), DB_TXT(REVIEW_CATEGORIES[cat]),
					     DB_TXT(cat == 8 ? "system causes considered: tools, process and staffing were fine" : ""),
					     DB_TXT(case_id), DB_TXT(team_id), DB_INT(at), DB_TXT(s->lead), DB_INT(at)),
				     NULL));
	}
}

/* Review i of `reviews`, opened at its share of the days, with its causes and facets. */
static void seed_review(struct seed *s, long i, long reviews)
{
	static const char *const BOUNDS[] = {"chat->phone", "phone->store", "chat->store", "email->phone", "web->chat"};
	char id[ID_SIZE];
	long ci = (long)(rnd() % (uint32_t)s->ncases);
	const char *case_id = s->case_ids[ci], *team_id = s->team_ids[ci % NTEAMS];
	int64_t at = s->start + (int64_t)((double)i / (double)(reviews ? reviews : 1) * (double)(s->now - s->start - 1000));
	id_new(id, "rev", at);
	must(s->dbh, db_exec(s->dbh,
			     "INSERT INTO reviews (org_id, id, case_id, trigger_kind, owner_id, case_owner_id, team_id, status, facts, "
			     "opened_by, opened_at, due_at) VALUES (?,?,?,'manual',?,?,?,'open','{}',?,?,?)",
			     DB_ARGS(DB_TXT(s->d.c.actor.org_id), DB_TXT(id), DB_TXT(case_id), DB_TXT(s->lead), DB_TXT(s->lead),
				     DB_TXT(team_id), DB_TXT(s->lead), DB_INT(at), DB_INT(at + 7 * 86400000LL)),
			     NULL));
	seed_causes(s, id, case_id, team_id, at);
	int b = (int)(rnd() % 6);
	if (b < 5)
		seed_facet(s, id, "boundary", BOUNDS[b], case_id, at);
	if (rnd() % 5 == 0) {
		int p1 = (int)(rnd() % NPOL), p2 = (p1 + 1 + (int)(rnd() % (NPOL - 1))) % NPOL;
		const char *a = s->pol_ids[p1], *z = s->pol_ids[p2];
		char *label = strcmp(a, z) > 0 ? xasprintf("%s+%s", z, a) : xasprintf("%s+%s", a, z);
		seed_facet(s, id, "policy", label, case_id, at);
		free(label);
	}
}

/* The report's daily counts, as the services keep them row by row. */
static void seed_daily(struct seed *s)
{
	const char *org = s->d.c.actor.org_id;
	must(s->dbh, db_begin(s->dbh, 1));
	must(s->dbh, db_exec(s->dbh,
			     "INSERT INTO learning_daily (org_id, day, kind, label, team_id, n) SELECT org_id, d, 'review', '', t, COUNT(*) "
			     "FROM (SELECT org_id, (opened_at / 86400000) * 86400000 AS d, COALESCE(team_id, '') AS t FROM reviews "
			     "WHERE org_id = ?) x GROUP BY org_id, d, t",
			     DB_ARGS(DB_TXT(org)), NULL));
	must(s->dbh, db_exec(s->dbh,
			     "INSERT INTO learning_daily (org_id, day, kind, label, team_id, n) SELECT org_id, d, 'cause', category, t, COUNT(*) "
			     "FROM (SELECT org_id, (opened_at / 86400000) * 86400000 AS d, category, COALESCE(team_id, '') AS t "
			     "FROM review_causes WHERE org_id = ?) x GROUP BY org_id, d, category, t",
			     DB_ARGS(DB_TXT(org)), NULL));
	must(s->dbh, db_exec(s->dbh,
			     "INSERT INTO learning_daily (org_id, day, kind, label, team_id, n) SELECT org_id, d, kind, label, '', COUNT(*) "
			     "FROM (SELECT org_id, (opened_at / 86400000) * 86400000 AS d, kind, label FROM review_facets WHERE org_id = ?) x "
			     "GROUP BY org_id, d, kind, label",
			     DB_ARGS(DB_TXT(org)), NULL));
	must(s->dbh, db_commit(s->dbh));
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
	struct seed s = {0};
	if (demo_open(&s.d, o.db))
		return 1;
	s.dbh = s.d.c.db;
	s.ncases = ncases;
	s.now = s.d.c.now;
	s.start = s.now - days * 86400000LL;
	s.d.c.now = s.start - 3600000;

	must(s.dbh, db_begin(s.dbh, 1));
	seed_org(&s);
	seed_cases(&s);
	must(s.dbh, db_commit(s.dbh));
	fprintf(stderr, "bench-seed-learning: %ld cases\n", ncases);

	db_res *r;
	must(s.dbh, db_query(s.dbh, "SELECT id FROM people WHERE org_id = ? AND email = 'leader@bench-learning.example'",
			     DB_ARGS(DB_TXT(s.d.c.actor.org_id)), &r));
	if (db_next(r) != 1)
		fl_die("bench-seed-learning: no leader");
	copy_id(s.lead, db_text(r, 0));
	db_res_discard(r);
	must(s.dbh, db_begin(s.dbh, 1));
	for (long i = 0; i < reviews; i++) {
		seed_review(&s, i, reviews);
		if ((i + 1) % batch == 0) {
			must(s.dbh, db_commit(s.dbh));
			must(s.dbh, db_begin(s.dbh, 1));
			fprintf(stderr, "\rbench-seed-learning: %ld/%ld reviews", i + 1, reviews);
		}
	}
	must(s.dbh, db_commit(s.dbh));
	fprintf(stderr, "\n");
	seed_daily(&s);
	for (long i = 0; i < ncases; i++)
		free(s.case_ids[i]);
	free(s.case_ids);
	json_decref(s.d.ids);
	svc_ctx_release(&s.d.c);
	db_close(s.dbh);
	printf("{\"org\":\"bench-learning\",\"as\":\"leader@bench-learning.example\",\"password\":\"%s\",\"cases\":%ld,"
	       "\"reviews\":%ld,\"causes\":%ld,\"facets\":%ld,\"by_category\":{",
	       BENCH_PASSWORD, ncases, reviews, s.ncauses, s.nfacets);
	for (int k = 0; k < 9; k++)
		printf("%s\"%s\":%ld", k ? "," : "", REVIEW_CATEGORIES[k], s.counts[k]);
	printf("}}\n");
	return 0;
}
