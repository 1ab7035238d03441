/* frontline bench-promises (hidden; used by scripts/bench-promises.sh): the promise scheduler's
 * and the attribution report's cost at volume.
 *   frontline bench-promises --db URL --pending N --due M [--closed K] [--runs R] [--reuse]
 * Makes one organization through the services (org, team, person, customer), then bulk-inserts N
 * pending promises and requests (half each, spread over N/100 cases, none due), M more that are due
 * now (half promises past their due time, half requests past theirs), and K resolved cases each
 * with a broken promise and its breach.  It times one scheduler pass (R runs, each rolled back so
 * every run does the same work) and the breaches-by-cause report, and prints one JSON line.  With
 * --reuse it seeds nothing and times the pass and the reports on what an earlier run seeded (the
 * same database, or a copy of it made with copy-db); N, M and K then only describe it.
 * Bulk rows are inserted with portable recursive-CTE INSERT ... SELECT statements, with ids of the
 * right shape (prefix, 26 base32 characters) so every service can load them.
 *
 * Why writing these tables directly is equivalent to going through the services, for what is
 * measured: the rows carry the columns and states the services give pending, due and broken
 * promises and open requests, so the scheduler pass and the report (which read only these tables)
 * do the same work.  What the services would add and the seed leaves out is one history event per
 * row and the case pages' side effects - a lighter seed, not a different one.  The history stays
 * valid because direct writes never touch events or org_heads: the chain holds exactly what went
 * through the services (organization, team, person, customer), and every later change, such as a
 * scheduler pass breaking the due promises, goes through the services and appends to it.  Case
 * numbers come from ranges (1000000+, 2000000+, 5000000+) the organization's counter never
 * reaches in a benchmark.  tests/e2e/test_bench_seeders.py checks this at small sizes: `audit
 * verify` passes on the seed, a real scheduler pass does what the benchmark measured, and the
 * chain verifies after it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "base/util.h"
#include "cli/cli.h"
#include "cli/demo.h"
#include "core/estimate.h"
#include "svc/promises/estimate_rollup.h"
#include "svc/router.h"
#include "svc/tick.h"

static long flag_num(int argc, char **argv, const char *name, long dflt)
{
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return strtol(argv[i + 1], NULL, 10);
	return dflt;
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* CPU time (user + system) this process has used, in ms: the stable figure on a shared machine. */
static double cpu_ms(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 + (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static void run(db *dbh, const char *sql, const db_arg *args, int n)
{
	if (db_exec(dbh, sql, args, n, NULL) != DB_OK)
		fl_die("bench-promises: %s: %s", db_errmsg(dbh), sql);
}

#define SEQ "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The organization the benchmark seeds, and who and what its rows name. */
struct bench_org {
	struct demo d;
	db *dbh;
	int64_t now; /* the real now; d.c.now is ten days before it while seeding */
	char org[ID_SIZE], person[ID_SIZE], team[ID_SIZE], cust[ID_SIZE];
};

static void copy_id(char *dst, json_t *obj, const char *key)
{
	if (str_copy(dst, ID_SIZE, json_string_value(json_object_get(obj, key))))
		fl_die("bench-seed-promises: a stored value longer than its buffer");
}

/* Through the services: the organization, team Dispatch, its agent and one customer. */
static void seed_org(struct bench_org *b)
{
	struct demo *d = &b->d;
	json_decref(demo_call(d, "POST", "/api/v1/orgs",
			      json_pack("{s:s,s:s,s:s,s:s}", "slug", "bench-promises", "name", "Bench Promises", "admin_name",
					"Admin", "admin_email", "admin@bench-promises.example")));
	demo_org(d, "bench-promises");
	json_decref(demo_call(d, "POST", "/api/v1/teams", json_pack("{s:s}", "name", "Dispatch")));
	json_t *p = demo_call(d, "POST", "/api/v1/people",
			      json_pack("{s:s,s:s,s:s,s:s}", "name", "Agent", "email", "agent@bench-promises.example", "role",
					"frontline", "team", "Dispatch"));
	json_t *cu = demo_call(d, "POST", "/api/v1/customers", json_pack("{s:s,s:s}", "name", "Customer", "email", "c@example.com"));
	STR_COPY(b->org, d->c.actor.org_id);
	copy_id(b->person, p, "id");
	copy_id(b->team, p, "team_id");
	copy_id(b->cust, cu, "id");
	json_decref(p);
	json_decref(cu);
}

/* PostgreSQL's per-row triggers a bulk insert of pending promises and requests need not run: the
 * case search document (case_search_on_part), rebuilt once per seeded case afterwards by the same
 * function, and the rollups of 0029, to which no pending promise or request adds anything (they
 * count closed promises and overdue requests).  Each promise or request inserted rebuilt its case's
 * search document, so a seed of 100 per case rebuilt each case's a hundred times (22 minutes for
 * 500,000 requests at load 17).  The due times and versions (statement triggers since migration
 * 0036) run once per INSERT. */
static const char *const PG_PART_TRIGGERS[] = {
	"requests requests_search_insert", "promises promises_keeping_daily_insert", "requests requests_overdue_daily_insert", NULL,
};

static void pg_part_triggers(struct bench_org *b, const char *how)
{
	for (const char *const *t = PG_PART_TRIGGERS; *t; t++) {
		const char *sp = strchr(*t, ' ');
		char sql[160];
		snprintf(sql, sizeof sql, "ALTER TABLE %.*s %s TRIGGER %s", (int)(sp - *t), *t, how, sp + 1);
		run(b->dbh, sql, DB_NOARGS);
	}
}

/* pending/100 + 1 open cases holding `pending` promises and requests (half each), none due: timers
 * a year away. */
static void seed_pending(struct bench_org *b, long pending)
{
	long open_cases = pending / 100 + 1;
	int64_t far = b->now + 365 * FL_DAY_MS, at = b->d.c.now;
	int pg = db_dialect(b->dbh) == DB_POSTGRES;
	if (pg)
		pg_part_triggers(b, "DISABLE");
	run(b->dbh, SEQ "INSERT INTO cases (org_id, id, number, customer_id, subject, channel, status, owner_id, team_id, intake_by, "
			"created_at, updated_at) SELECT ?, 'case_1000000000000000000' || (1000000 + i), 1000000 + i, ?, 'bench', 'phone', 'open', ?, ?, ?, ?, ? FROM n",
	    DB_ARGS(DB_INT(open_cases), DB_TXT(b->org), DB_TXT(b->cust), DB_TXT(b->person), DB_TXT(b->team), DB_TXT(b->person),
		    DB_INT(at), DB_INT(at)));
	run(b->dbh, SEQ "INSERT INTO promises (org_id, id, case_id, what, due_at, made_by, channel, deliver_team_id, status, created_at) "
			"SELECT ?, 'prom_1000000000000000000' || (1000000 + i), 'case_1000000000000000000' || (1000000 + 1 + i % ?), 'bench', ? + i, ?, 'phone', ?, 'pending', ? FROM n",
	    DB_ARGS(DB_INT(pending / 2), DB_TXT(b->org), DB_INT(open_cases), DB_INT(far), DB_TXT(b->person), DB_TXT(b->team), DB_INT(at)));
	run(b->dbh, SEQ "INSERT INTO requests (org_id, id, case_id, what, due_at, asked_by, holder_team_id, status, created_at, "
			"remind_at, followup_at, overdue_check_at) SELECT ?, 'req_1000000000000000000' || (1000000 + i), 'case_1000000000000000000' || (1000000 + 1 + i % ?), 'bench', ? + i, ?, ?, 'open', ?, "
			"? + i - 3600000, ? + i - 7200000, ? + i FROM n",
	    DB_ARGS(DB_INT(pending - pending / 2), DB_TXT(b->org), DB_INT(open_cases), DB_INT(far), DB_TXT(b->person), DB_TXT(b->team),
		    DB_INT(at), DB_INT(far), DB_INT(far), DB_INT(far)));
	if (!pg)
		return;
	pg_part_triggers(b, "ENABLE");
	/* what the search trigger would have left, once per seeded case */
	run(b->dbh, "SELECT COUNT(case_search_refresh(org_id, id)) FROM cases WHERE org_id = ? AND number > 1000000 AND number <= 1000000 + ?",
	    DB_ARGS(DB_TXT(b->org), DB_INT(open_cases)));
}

/* `due` promises and requests (alternately) an hour past due, each on its own case, with real ids
 * (the scheduler and the breach hooks load them by id). */
static void seed_due(struct bench_org *b, long due)
{
	int64_t past = b->now - FL_HOUR_MS, at = b->d.c.now;
	for (long i = 0; i < due; i++) {
		char id[ID_SIZE], case_id[ID_SIZE];
		id_new(case_id, "case", at + i);
		run(b->dbh, "INSERT INTO cases (org_id, id, number, customer_id, subject, channel, status, owner_id, team_id, intake_by, "
			    "created_at, updated_at) VALUES (?,?,?,?,'bench due','phone','open',?,?,?,?,?)",
		    DB_ARGS(DB_TXT(b->org), DB_TXT(case_id), DB_INT(2000000 + i), DB_TXT(b->cust), DB_TXT(b->person), DB_TXT(b->team),
			    DB_TXT(b->person), DB_INT(at), DB_INT(at)));
		if (i % 2 == 0) {
			id_new(id, "prom", at + i);
			run(b->dbh, "INSERT INTO promises (org_id, id, case_id, what, due_at, made_by, channel, deliver_team_id, status, created_at) "
				    "VALUES (?,?,?,'bench due',?,?,'phone',?,'pending',?)",
			    DB_ARGS(DB_TXT(b->org), DB_TXT(id), DB_TXT(case_id), DB_INT(past), DB_TXT(b->person), DB_TXT(b->team), DB_INT(at)));
		} else {
			id_new(id, "req", at + i);
			run(b->dbh, "INSERT INTO requests (org_id, id, case_id, what, due_at, asked_by, holder_team_id, status, created_at, "
				    "overdue_check_at) VALUES (?,?,?,'bench due',?,?,?,'open',?,?)",
			    DB_ARGS(DB_TXT(b->org), DB_TXT(id), DB_TXT(case_id), DB_INT(past), DB_TXT(b->person), DB_TXT(b->team), DB_INT(at),
				    DB_INT(past)));
		}
	}
}

/* `closed` resolved cases, each with a broken promise made with an estimate, its breach and one
 * cause. */
static void seed_closed(struct bench_org *b, long closed)
{
	static const char *const CAUSES[] = {"request_overdue", "request_deferred", "request_declined", "owner_not_kept"};
	int64_t at = b->d.c.now;
	run(b->dbh, SEQ "INSERT INTO cases (org_id, id, number, customer_id, subject, channel, status, owner_id, team_id, intake_by, "
			"created_at, updated_at, resolved_at) SELECT ?, 'case_2000000000000000000' || (1000000 + i), 5000000 + i, ?, 'bench', 'phone', 'resolved', ?, ?, ?, "
			"?, ?, ? FROM n",
	    DB_ARGS(DB_INT(closed), DB_TXT(b->org), DB_TXT(b->cust), DB_TXT(b->person), DB_TXT(b->team), DB_TXT(b->person), DB_INT(at),
		    DB_INT(at), DB_INT(at)));
	run(b->dbh, SEQ "INSERT INTO promises (org_id, id, case_id, what, due_at, made_by, channel, deliver_team_id, status, created_at, "
			"closed_at) SELECT ?, 'prom_2000000000000000000' || (1000000 + i), 'case_2000000000000000000' || (1000000 + i), 'bench', ?, ?, 'phone', ?, 'broken', ?, ? + i FROM n",
	    DB_ARGS(DB_INT(closed), DB_TXT(b->org), DB_INT(at), DB_TXT(b->person), DB_TXT(b->team), DB_INT(at), DB_INT(at)));
	run(b->dbh, SEQ "INSERT INTO breaches (org_id, id, case_id, promise_id, at, owner_id, owner_at_fault, attribution) "
			"SELECT ?, 'breach_2000000000000000000' || (1000000 + i), 'case_2000000000000000000' || (1000000 + i), 'prom_2000000000000000000' || (1000000 + i), ? + i, ?, 0, '{}' FROM n",
	    DB_ARGS(DB_INT(closed), DB_TXT(b->org), DB_INT(at), DB_TXT(b->person)));
	for (int k = 0; k < 4; k++)
		run(b->dbh, SEQ "INSERT INTO breach_causes (org_id, breach_id, n, at, cause, holder_team_id, holder_level) "
				"SELECT ?, 'breach_2000000000000000000' || (1000000 + i), 0, ? + i, ?, ?, 'team' FROM n WHERE i % 4 = ?",
		    DB_ARGS(DB_INT(closed), DB_TXT(b->org), DB_INT(at), DB_TXT(CAUSES[k]), DB_TXT(b->team), DB_INT(k)));
	/* for the other reports: a request that went overdue on every fourth case (done, a third of
	 * them escalated), an update duty on every case (met or lapsed) */
	run(b->dbh, SEQ "INSERT INTO requests (org_id, id, case_id, what, due_at, asked_by, holder_team_id, status, created_at, "
			"overdue_at, escalated_to, done_at) SELECT ?, 'req_2000000000000000000' || (1000000 + i), "
			"'case_2000000000000000000' || (1000000 + i), 'bench', ? + i, ?, ?, 'done', ?, ? + i, "
			"CASE WHEN i % 3 = 0 THEN ? END, ? + i FROM n WHERE i % 4 = 0",
	    DB_ARGS(DB_INT(closed), DB_TXT(b->org), DB_INT(at), DB_TXT(b->person), DB_TXT(b->team), DB_INT(at), DB_INT(at),
		    DB_TXT(b->person), DB_INT(at)));
	run(b->dbh, SEQ "INSERT INTO update_duties (org_id, id, case_id, kind, due_at, status, owner_id, created_at, closed_at) "
			"SELECT ?, 'udt_2000000000000000000' || (1000000 + i), 'case_2000000000000000000' || (1000000 + i), 'cadence', "
			"? + i, CASE WHEN i % 5 = 0 THEN 'lapsed' ELSE 'met' END, ?, ?, ? + i FROM n",
	    DB_ARGS(DB_INT(closed), DB_TXT(b->org), DB_INT(at), DB_TXT(b->person), DB_INT(at), DB_INT(at)));
	/* for the calibration report: an estimate made for every promise, predictions spread over
	 * every per mille, a third of them warned */
	run(b->dbh, SEQ "INSERT INTO estimates (org_id, subject_id, case_id, team_id, kind, bucket, made_at, due_at, level, samples, "
			"probability_pm, threshold_pct, warned, evidence) SELECT ?, 'prom_2000000000000000000' || (1000000 + i), "
			"'case_2000000000000000000' || (1000000 + i), ?, 'bench', 0, ? + i, ?, 'team', 100, (i * 37) % 1001, 80, "
			"CASE WHEN i % 3 = 0 THEN 1 ELSE 0 END, 'bench' FROM n",
	    DB_ARGS(DB_INT(closed), DB_TXT(b->org), DB_TXT(b->team), DB_INT(at), DB_INT(at)));
}

/* `runs` scheduler passes at now, each rolled back so each does the same work, timed part by part
 * (tick_run's work, so the report can say where the time goes): pass[] and cpu[] sorted; *summary,
 * and per part *parts (ms), *stmts (statements) and *steps (SQLite's VM steps: db_thread_steps),
 * new, of the last run. */
static void time_passes(struct bench_org *b, long runs, double *pass, double *cpu, json_t **summary, json_t **parts,
			json_t **stmts, json_t **steps)
{
	struct timespec t0;
	*summary = *parts = *stmts = *steps = NULL;
	for (long r = 0; r < runs; r++) {
		json_decref(*summary);
		json_decref(*parts);
		json_decref(*stmts);
		json_decref(*steps);
		*summary = json_object();
		*parts = json_array();
		*stmts = json_array();
		*steps = json_array();
		b->d.c.now = b->now;
		if (db_begin(b->dbh, 1) != DB_OK)
			fl_die("bench-promises: %s", db_errmsg(b->dbh));
		double c0 = cpu_ms();
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (db_lock_scheduler(b->dbh) != DB_OK)
			fl_die("bench-promises: %s", db_errmsg(b->dbh));
		tick_batch_begin(&b->d.c);
		for (const struct tick_part *t = svc_tick_parts(); t->run; t++) {
			struct timespec tp;
			int64_t s0 = db_thread_statements(), v0 = db_thread_steps();
			clock_gettime(CLOCK_MONOTONIC, &tp);
			if (t->run(&b->d.c, *summary) || tick_flush(&b->d.c))
				fl_die("bench-promises: pass failed: %s", b->d.c.err.message);
			json_array_append_new(*parts, json_real(ms_since(&tp)));
			json_array_append_new(*stmts, json_integer(db_thread_statements() - s0));
			json_array_append_new(*steps, json_integer(db_thread_steps() - v0));
		}
		if (tick_batch_end(&b->d.c, 0))
			fl_die("bench-promises: pass failed: %s", b->d.c.err.message);
		pass[r] = ms_since(&t0);
		cpu[r] = cpu_ms() - c0;
		db_rollback(b->dbh);
	}
	qsort(pass, (size_t)runs, sizeof *pass, cmp_double);
	qsort(cpu, (size_t)runs, sizeof *cpu, cmp_double);
}

/* Every report (GET /api/v1/reports/...) over the closed cases, once each (rolled back): {path: [wall ms, CPU ms]} (new); the
 * breaches-by-cause report's also in *ms and *cpu. */
static json_t *time_reports(struct bench_org *b, long closed, double *ms, double *cpu)
{
	static const char *const PATHS[] = {"/api/v1/reports/breaches",	 "/api/v1/reports/promise-keeping",
					    "/api/v1/reports/overdue-requests", "/api/v1/reports/update-duties",
					    "/api/v1/reports/policy-conflicts", "/api/v1/reports/calibration",
					    "/api/v1/reports/intake",		 "/api/v1/reports/exceptions",
					    "/api/v1/reports/leadership",	 "/api/v1/reports/root-causes", NULL};
	json_t *out = json_object();
	demo_org(&b->d, "bench-promises");
	b->d.c.now = b->now + closed + 1000;
	for (int k = 0; PATHS[k]; k++) {
		struct timespec t0;
		if (db_begin(b->dbh, 0) != DB_OK)
			fl_die("bench-promises: %s", db_errmsg(b->dbh));
		double c0 = cpu_ms();
		clock_gettime(CLOCK_MONOTONIC, &t0);
		json_decref(demo_call(&b->d, "GET", PATHS[k], k == 0 ? json_pack("{s:s}", "by", "cause") : json_object()));
		double wall = ms_since(&t0), used = cpu_ms() - c0;
		db_rollback(b->dbh);
		json_object_set_new(out, PATHS[k] + strlen("/api/v1/reports/"), json_pack("[f,f]", wall, used));
		if (k == 0) {
			*ms = wall;
			*cpu = used;
		}
	}
	return out;
}

int cmd_bench_promises(int argc, char **argv)
{
	struct cli_common o;
	argc = cli_common_parse(argc, argv, &o);
	long pending = flag_num(argc, argv, "--pending", 10000), due = flag_num(argc, argv, "--due", 1000);
	long closed = flag_num(argc, argv, "--closed", 0), runs = flag_num(argc, argv, "--runs", 3);
	int reuse = 0;
	for (int i = 1; i < argc; i++)
		reuse |= !strcmp(argv[i], "--reuse");
	if (pending < 0 || due < 0 || closed < 0 || runs < 1 || runs > 50) {
		fprintf(stderr, "usage: frontline bench-promises --db URL [--pending N] [--due M] [--closed K] [--runs R] [--reuse]\n");
		return 2;
	}
	struct bench_org b;
	struct timespec t0;
	if (demo_open(&b.d, o.db))
		return 1;
	b.dbh = b.d.c.db;
	b.now = b.d.c.now;
	b.d.c.now = b.now - 10 * FL_DAY_MS;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (reuse) {
		demo_org(&b.d, "bench-promises");
	} else {
		if (db_begin(b.dbh, 1) != DB_OK)
			fl_die("bench-promises: %s", db_errmsg(b.dbh));
		seed_org(&b);
		seed_pending(&b, pending);
		seed_due(&b, due);
		if (closed > 0)
			seed_closed(&b, closed);
		if (db_commit(b.dbh) != DB_OK)
			fl_die("bench-promises: commit failed: %s", db_errmsg(b.dbh));
	}
	double seed_ms = reuse ? 0 : ms_since(&t0);

	double *pass = xcalloc((size_t)runs, sizeof *pass), *cpu = xcalloc((size_t)runs, sizeof *cpu);
	json_t *summary, *parts, *stmts, *steps;
	time_passes(&b, runs, pass, cpu, &summary, &parts, &stmts, &steps);
	double report_ms = -1, report_cpu = -1;
	json_t *reports = closed > 0 ? time_reports(&b, closed, &report_ms, &report_cpu) : json_object();
	char *rs = json_dumps(reports, JSON_COMPACT | JSON_REAL_PRECISION(4));
	json_decref(reports);
	char *s = json_dumps(summary, JSON_COMPACT | JSON_SORT_KEYS), *ps = json_dumps(parts, JSON_COMPACT | JSON_REAL_PRECISION(4));
	char *ss = json_dumps(stmts, JSON_COMPACT), *vs = json_dumps(steps, JSON_COMPACT);
	printf("{\"backend\":\"%s\",\"pending\":%ld,\"due\":%ld,\"closed\":%ld,\"seed_ms\":%.0f,\"pass_ms_median\":%.1f,"
	       "\"pass_ms_min\":%.1f,\"pass_ms_max\":%.1f,\"pass_cpu_ms_median\":%.1f,\"report_ms\":%.1f,\"report_cpu_ms\":%.1f,\"pass\":%s,\"last_run_part_ms\":%s,"
	       "\"last_run_part_statements\":%s,\"last_run_part_steps\":%s,\"reports\":%s}\n",
	       db_dialect(b.dbh) == DB_POSTGRES ? "postgres" : "sqlite", pending, due, closed, seed_ms, pass[runs / 2], pass[0],
	       pass[runs - 1], cpu[runs / 2], report_ms, report_cpu, s, ps, ss, vs, rs);
	free(rs);
	free(s);
	free(ps);
	free(ss);
	free(vs);
	json_decref(parts);
	json_decref(stmts);
	json_decref(steps);
	free(pass);
	free(cpu);
	json_decref(summary);
	json_decref(b.d.ids);
	svc_ctx_release(&b.d.c);
	db_close(b.dbh);
	return 0;
}

/* frontline bench-estimates --db URL --completed N [--runs R]: the estimate's cost with N completed
 * requests in history (issue 18), against GET /api/v1/org in the same process and run.  One
 * organization through the services (team Store 12 at a location, a person, a case); N completed
 * requests bulk-inserted over the two years before now (four kinds, durations 30 min to 5 h 30,
 * one a minute), and their rollups computed here with the same core functions the completion path
 * uses (the location has no opening hours, so business time is elapsed time) and written as the
 * services write them.  The estimate reads only the rollups; the requests are there to show that
 * their number does not matter.  Then R estimates, R GET /api/v1/org and R completions of an open
 * request (each rolled back): medians and p99 of wall time, and the CPU medians. */
static const char *const BENCH_KINDS[] = {"hold", "resend", "sign", "call"};

static void bench_rollups(struct demo *d, const char *team, long n, int64_t t0)
{
	static struct est_hist h[4][EST_BUCKETS + 1], holder, org;
	const tz_zone *z = tz_get("America/Chicago");
	for (long i = 0; i < n; i++) {
		int64_t created = t0 + i * 60000, ms = ((i * 7919) % 300 + 30) * 60000;
		int k = (int)(i % 4), b = est_bucket(z, created);
		est_hist_add(&h[k][b], ms, created + ms);
		est_hist_add(&h[k][EST_BUCKETS], ms, created + ms);
		est_hist_add(&holder, ms, created + ms);
		est_hist_add(&org, ms, created + ms);
	}
	for (int k = 0; k < 4; k++)
		for (int b = 0; b <= EST_BUCKETS; b++) {
			char *text = estimate_rollup_hist_text(&h[k][b]);
			run(d->c.db, "INSERT INTO estimate_rollups (org_id, team_id, kind, bucket, n, load_sum, hist, updated_at) VALUES (?,?,?,?,?,?,?,?)",
			    DB_ARGS(DB_TXT(d->c.actor.org_id), DB_TXT(team), DB_TXT(BENCH_KINDS[k]), DB_INT(b == EST_BUCKETS ? -1 : b),
				    DB_INT(h[k][b].n), DB_INT(h[k][b].n * 2), DB_TXT(text), DB_INT(d->c.now)));
			free(text);
		}
	const struct est_hist *wide[2] = {&holder, &org};
	for (int l = 0; l < 2; l++) {
		char *text = estimate_rollup_hist_text(wide[l]);
		run(d->c.db, "INSERT INTO estimate_rollups (org_id, team_id, kind, bucket, n, load_sum, hist, updated_at) VALUES (?,?,'*',-1,?,?,?,?)",
		    DB_ARGS(DB_TXT(d->c.actor.org_id), DB_TXT(l ? "*" : team), DB_INT(wide[l]->n), DB_INT(wide[l]->n * 2), DB_TXT(text),
			    DB_INT(d->c.now)));
		free(text);
	}
}

/* Median and 99th percentile wall ms, and median CPU ms, of R calls of one route. */
static void bench_route(struct demo *d, long runs, int write, const char *method, const char *path, json_t *body, double out[3])
{
	double *wall = xcalloc((size_t)runs, sizeof *wall), *cpu = xcalloc((size_t)runs, sizeof *cpu);
	for (long r = 0; r < runs; r++) {
		struct timespec t0;
		if (db_begin(d->c.db, write) != DB_OK)
			fl_die("bench-estimates: %s", db_errmsg(d->c.db));
		double c0 = cpu_ms();
		clock_gettime(CLOCK_MONOTONIC, &t0);
		json_decref(demo_call(d, method, path, json_deep_copy(body)));
		wall[r] = ms_since(&t0);
		cpu[r] = cpu_ms() - c0;
		db_rollback(d->c.db);
	}
	qsort(wall, (size_t)runs, sizeof *wall, cmp_double);
	qsort(cpu, (size_t)runs, sizeof *cpu, cmp_double);
	out[0] = wall[runs / 2];
	out[1] = wall[(runs * 99) / 100];
	out[2] = cpu[runs / 2];
	free(wall);
	free(cpu);
	json_decref(body);
}

int cmd_bench_estimates(int argc, char **argv)
{
	struct cli_common o;
	argc = cli_common_parse(argc, argv, &o);
	long n = flag_num(argc, argv, "--completed", 1000000), runs = flag_num(argc, argv, "--runs", 200);
	if (n < 0 || runs < 1 || runs > 100000) {
		fprintf(stderr, "usage: frontline bench-estimates --db URL [--completed N] [--runs R]\n");
		return 2;
	}
	db *dbh = cli_open_db(o.db, 1);
	if (!dbh)
		return 1;
	struct demo d = {0};
	struct timespec t0;
	clock_init_real(&d.clock);
	d.c.db = dbh;
	d.c.clock = &d.clock;
	int64_t now = clock_now(&d.clock), first = now - n * 60000 - FL_DAY_MS;
	d.c.now = first - FL_HOUR_MS;
	d.ids = json_object();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (db_begin(dbh, 1) != DB_OK)
		fl_die("bench-estimates: %s", db_errmsg(dbh));
	json_decref(demo_call(&d, "POST", "/api/v1/orgs",
			      json_pack("{s:s,s:s,s:s,s:s}", "slug", "bench-estimates", "name", "Bench Estimates", "admin_name", "Admin",
					"admin_email", "admin@bench-estimates.example")));
	demo_org(&d, "bench-estimates");
	json_decref(demo_call(&d, "POST", "/api/v1/teams", json_pack("{s:s}", "name", "Store 12")));
	json_decref(demo_call(&d, "POST", "/api/v1/locations", json_pack("{s:s,s:s}", "name", "Springfield", "tz", "America/Chicago")));
	json_t *p = demo_call(&d, "POST", "/api/v1/people",
			      json_pack("{s:s,s:s,s:s,s:s,s:s}", "name", "Dana", "email", "dana@bench-estimates.example", "role",
					"frontline", "team", "Store 12", "location", "Springfield"));
	json_t *c = demo_call(&d, "POST", "/api/v1/cases",
			      json_pack("{s:s,s:s,s:s,s:s}", "subject", "holds", "channel", "phone", "customer_name", "Customers", "summary",
					"history"));
	const char *team = json_string_value(json_object_get(p, "team_id")), *case_id = json_string_value(json_object_get(c, "id"));
	/* a hundred requests a case (a case's search document holds its requests) */
	long ncases = n / 100 + 1;
	run(dbh, SEQ "INSERT INTO cases (org_id, id, number, customer_id, subject, channel, status, owner_id, team_id, intake_by, "
		     "created_at, updated_at) SELECT org_id, 'case_3000000000000000000' || (1000000 + i), 3000000 + i, customer_id, 'bench', "
		     "'phone', 'open', owner_id, team_id, intake_by, created_at, updated_at FROM n, cases WHERE cases.org_id = ? AND cases.id = ?",
	    DB_ARGS(DB_INT(ncases), DB_TXT(d.c.actor.org_id), DB_TXT(case_id)));
	run(dbh, SEQ "INSERT INTO requests (org_id, id, case_id, what, due_at, asked_by, holder_team_id, status, created_at, done_at, "
		     "kind, est_team_id, open_at_create) SELECT ?, 'req_3000000000000000000' || (1000000 + i), 'case_3000000000000000000' || (1000000 + 1 + i % ?), 'bench', ? + i * 60000 + 10800000, ?, ?, 'done', "
		     "? + i * 60000, ? + i * 60000 + ((i * 7919) % 300 + 30) * 60000, CASE i % 4 WHEN 0 THEN 'hold' WHEN 1 THEN 'resend' "
		     "WHEN 2 THEN 'sign' ELSE 'call' END, ?, 2 FROM (SELECT CAST(i AS BIGINT) AS i FROM n) b",
	    DB_ARGS(DB_INT(n), DB_TXT(d.c.actor.org_id), DB_INT(ncases), DB_INT(first), DB_TXT(d.c.actor.person_id), DB_TXT(team),
		    DB_INT(first), DB_INT(first), DB_TXT(team)));
	bench_rollups(&d, team, n, first);
	/* one open request to complete in the write measurement */
	d.c.now = now - FL_HOUR_MS;
	json_t *rq = demo_callf(&d, "POST", json_pack("{s:s,s:s,s:s,s:s}", "what", "hold", "due_at", "2100-01-01T00:00:00Z", "to_team", "Store 12",
						  "kind", "hold"),
				"/api/v1/cases/%s/requests", case_id);
	char complete[128];
	snprintf(complete, sizeof complete, "/api/v1/requests/%s/complete", json_string_value(json_object_get(rq, "id")));
	if (db_commit(dbh) != DB_OK)
		fl_die("bench-estimates: commit failed: %s", db_errmsg(dbh));
	double seed_ms = ms_since(&t0), est[3], org[3], done[3];
	d.c.now = now;
	bench_route(&d, runs, 0, "GET", "/api/v1/estimates", json_pack("{s:s,s:s,s:s}", "holder", "Store 12", "kind", "hold", "due",
									 "2100-01-01T00:00:00Z"), est);
	bench_route(&d, runs, 0, "GET", "/api/v1/org", json_object(), org);
	demo_as(&d, "dana@bench-estimates.example");
	bench_route(&d, runs, 1, "POST", complete, json_object(), done);
	printf("{\"backend\":\"%s\",\"completed\":%ld,\"runs\":%ld,\"seed_ms\":%.0f,\"estimate_ms_median\":%.3f,\"estimate_ms_p99\":%.3f,"
	       "\"estimate_cpu_ms_median\":%.3f,\"org_ms_median\":%.3f,\"org_ms_p99\":%.3f,\"org_cpu_ms_median\":%.3f,"
	       "\"complete_ms_median\":%.3f,\"complete_ms_p99\":%.3f,\"estimate_over_org\":%.2f,\"complete_over_org\":%.2f}\n",
	       db_dialect(dbh) == DB_POSTGRES ? "postgres" : "sqlite", n, runs, seed_ms, est[0], est[1], est[2], org[0], org[1], org[2],
	       done[0], done[1], est[0] / org[0], done[0] / org[0]);
	json_decref(rq);
	json_decref(p);
	json_decref(c);
	json_decref(d.ids);
	svc_ctx_release(&d.c);
	db_close(dbh);
	return 0;
}
