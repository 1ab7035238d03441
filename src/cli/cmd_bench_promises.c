/* frontline bench-promises (hidden; used by scripts/bench-promises.sh): the promise scheduler's
 * and the attribution report's cost at volume.
 *   frontline bench-promises --db URL --pending N --due M [--closed K] [--runs R]
 * Makes one organization through the services (org, team, person, customer), then bulk-inserts N
 * pending promises and requests (half each, spread over N/100 cases, none due), M more that are due
 * now (half promises past their due time, half requests past theirs), and K resolved cases each
 * with a broken promise and its breach.  It times one scheduler pass (R runs, each rolled back so
 * every run does the same work) and the breaches-by-cause report, and prints one JSON line.
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

int cmd_bench_promises(int argc, char **argv)
{
	struct cli_common o;
	argc = cli_common_parse(argc, argv, &o);
	long pending = flag_num(argc, argv, "--pending", 10000), due = flag_num(argc, argv, "--due", 1000);
	long closed = flag_num(argc, argv, "--closed", 0), runs = flag_num(argc, argv, "--runs", 3);
	if (pending < 0 || due < 0 || closed < 0 || runs < 1 || runs > 50) {
		fprintf(stderr, "usage: frontline bench-promises --db URL [--pending N] [--due M] [--closed K] [--runs R]\n");
		return 2;
	}
	db *dbh = cli_open_db(o.db, CLI_DB_CREATE);
	if (!dbh)
		return 1;
	struct demo d = {0};
	struct timespec t0;
	clock_init_real(&d.clock);
	d.c.db = dbh;
	d.c.clock = &d.clock;
	int64_t now = clock_now(&d.clock);
	d.c.now = now - 10 * FL_DAY_MS;
	d.ids = json_object();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (db_begin(dbh, 1) != DB_OK)
		fl_die("bench-promises: %s", db_errmsg(dbh));
	json_decref(demo_call(&d, "POST", "/api/v1/orgs",
			      json_pack("{s:s,s:s,s:s,s:s}", "slug", "bench-promises", "name", "Bench Promises", "admin_name",
					"Admin", "admin_email", "admin@bench-promises.example")));
	demo_org(&d, "bench-promises");
	json_decref(demo_call(&d, "POST", "/api/v1/teams", json_pack("{s:s}", "name", "Dispatch")));
	json_t *p = demo_call(&d, "POST", "/api/v1/people",
			      json_pack("{s:s,s:s,s:s,s:s}", "name", "Agent", "email", "agent@bench-promises.example", "role",
					"frontline", "team", "Dispatch"));
	json_t *cu = demo_call(&d, "POST", "/api/v1/customers", json_pack("{s:s,s:s}", "name", "Customer", "email", "c@example.com"));
	char org[ID_SIZE], person[ID_SIZE], team[ID_SIZE], cust[ID_SIZE];
	STR_COPY(org, d.c.actor.org_id);
	if (str_copy(person, sizeof person, json_string_value(json_object_get(p, "id"))))
		fl_die("bench-seed-promises: a stored value longer than its buffer");
	if (str_copy(team, sizeof team, json_string_value(json_object_get(p, "team_id"))))
		fl_die("bench-seed-promises: a stored value longer than its buffer");
	if (str_copy(cust, sizeof cust, json_string_value(json_object_get(cu, "id"))))
		fl_die("bench-seed-promises: a stored value longer than its buffer");
	json_decref(p);
	json_decref(cu);

	/* cases: pending/100 open ones for the pending rows, `due` open ones, `closed` resolved ones */
	long open_cases = pending / 100 + 1;
	int64_t far = now + 365 * FL_DAY_MS, past = now - FL_HOUR_MS;
	run(dbh, SEQ "INSERT INTO cases (org_id, id, number, customer_id, subject, channel, status, owner_id, team_id, intake_by, "
		     "created_at, updated_at) SELECT ?, 'case_1000000000000000000' || (1000000 + i), 1000000 + i, ?, 'bench', 'phone', 'open', ?, ?, ?, ?, ? FROM n",
	    DB_ARGS(DB_INT(open_cases), DB_TXT(org), DB_TXT(cust), DB_TXT(person), DB_TXT(team), DB_TXT(person),
		    DB_INT(d.c.now), DB_INT(d.c.now)));
	/* pending promises and requests, none due: timers a year away */
	run(dbh, SEQ "INSERT INTO promises (org_id, id, case_id, what, due_at, made_by, channel, deliver_team_id, status, created_at) "
		     "SELECT ?, 'prom_1000000000000000000' || (1000000 + i), 'case_1000000000000000000' || (1000000 + 1 + i % ?), 'bench', ? + i, ?, 'phone', ?, 'pending', ? FROM n",
	    DB_ARGS(DB_INT(pending / 2), DB_TXT(org), DB_INT(open_cases), DB_INT(far), DB_TXT(person), DB_TXT(team), DB_INT(d.c.now)));
	run(dbh, SEQ "INSERT INTO requests (org_id, id, case_id, what, due_at, asked_by, holder_team_id, status, created_at, "
		     "remind_at, followup_at, overdue_check_at) SELECT ?, 'req_1000000000000000000' || (1000000 + i), 'case_1000000000000000000' || (1000000 + 1 + i % ?), 'bench', ? + i, ?, ?, 'open', ?, "
		     "? + i - 3600000, ? + i - 7200000, ? + i FROM n",
	    DB_ARGS(DB_INT(pending - pending / 2), DB_TXT(org), DB_INT(open_cases), DB_INT(far), DB_TXT(person), DB_TXT(team),
		    DB_INT(d.c.now), DB_INT(far), DB_INT(far), DB_INT(far)));
	/* the due ones, with real ids (the scheduler and the breach hooks load them by id): each on its
	 * own case */
	for (long i = 0; i < due; i++) {
		char id[ID_SIZE], case_id[ID_SIZE];
		id_new(case_id, "case", d.c.now + i);
		run(dbh, "INSERT INTO cases (org_id, id, number, customer_id, subject, channel, status, owner_id, team_id, intake_by, "
			 "created_at, updated_at) VALUES (?,?,?,?,'bench due','phone','open',?,?,?,?,?)",
		    DB_ARGS(DB_TXT(org), DB_TXT(case_id), DB_INT(2000000 + i), DB_TXT(cust), DB_TXT(person), DB_TXT(team), DB_TXT(person),
			    DB_INT(d.c.now), DB_INT(d.c.now)));
		if (i % 2 == 0) {
			id_new(id, "prom", d.c.now + i);
			run(dbh, "INSERT INTO promises (org_id, id, case_id, what, due_at, made_by, channel, deliver_team_id, status, created_at) "
				 "VALUES (?,?,?,'bench due',?,?,'phone',?,'pending',?)",
			    DB_ARGS(DB_TXT(org), DB_TXT(id), DB_TXT(case_id), DB_INT(past), DB_TXT(person), DB_TXT(team), DB_INT(d.c.now)));
		} else {
			id_new(id, "req", d.c.now + i);
			run(dbh, "INSERT INTO requests (org_id, id, case_id, what, due_at, asked_by, holder_team_id, status, created_at, "
				 "overdue_check_at) VALUES (?,?,?,'bench due',?,?,?,'open',?,?)",
			    DB_ARGS(DB_TXT(org), DB_TXT(id), DB_TXT(case_id), DB_INT(past), DB_TXT(person), DB_TXT(team), DB_INT(d.c.now),
				    DB_INT(past)));
		}
	}
	/* closed cases, each with a broken promise, its breach and one cause */
	if (closed > 0) {
		static const char *const CAUSES[] = {"request_overdue", "request_deferred", "request_declined", "owner_not_kept"};
		run(dbh, SEQ "INSERT INTO cases (org_id, id, number, customer_id, subject, channel, status, owner_id, team_id, intake_by, "
			     "created_at, updated_at, resolved_at) SELECT ?, 'case_2000000000000000000' || (1000000 + i), 5000000 + i, ?, 'bench', 'phone', 'resolved', ?, ?, ?, "
			     "?, ?, ? FROM n",
		    DB_ARGS(DB_INT(closed), DB_TXT(org), DB_TXT(cust), DB_TXT(person), DB_TXT(team), DB_TXT(person), DB_INT(d.c.now),
			    DB_INT(d.c.now), DB_INT(d.c.now)));
		run(dbh, SEQ "INSERT INTO promises (org_id, id, case_id, what, due_at, made_by, channel, deliver_team_id, status, created_at, "
			     "closed_at) SELECT ?, 'prom_2000000000000000000' || (1000000 + i), 'case_2000000000000000000' || (1000000 + i), 'bench', ?, ?, 'phone', ?, 'broken', ?, ? + i FROM n",
		    DB_ARGS(DB_INT(closed), DB_TXT(org), DB_INT(d.c.now), DB_TXT(person), DB_TXT(team), DB_INT(d.c.now), DB_INT(d.c.now)));
		run(dbh, SEQ "INSERT INTO breaches (org_id, id, case_id, promise_id, at, owner_id, owner_at_fault, attribution) "
			     "SELECT ?, 'breach_2000000000000000000' || (1000000 + i), 'case_2000000000000000000' || (1000000 + i), 'prom_2000000000000000000' || (1000000 + i), ? + i, ?, 0, '{}' FROM n",
		    DB_ARGS(DB_INT(closed), DB_TXT(org), DB_INT(d.c.now), DB_TXT(person)));
		for (int k = 0; k < 4; k++)
			run(dbh, SEQ "INSERT INTO breach_causes (org_id, breach_id, n, at, cause, holder_team_id, holder_level) "
				     "SELECT ?, 'breach_2000000000000000000' || (1000000 + i), 0, ? + i, ?, ?, 'team' FROM n WHERE i % 4 = ?",
			    DB_ARGS(DB_INT(closed), DB_TXT(org), DB_INT(d.c.now), DB_TXT(CAUSES[k]), DB_TXT(team), DB_INT(k)));
	}
	if (db_commit(dbh) != DB_OK)
		fl_die("bench-promises: commit failed: %s", db_errmsg(dbh));
	double seed_ms = ms_since(&t0);

	/* one scheduler pass at now, rolled back so each run does the same work */
	double *pass = xcalloc((size_t)runs, sizeof *pass), *cpu = xcalloc((size_t)runs, sizeof *cpu);
	json_t *summary = NULL, *parts = NULL;
	for (long r = 0; r < runs; r++) {
		json_decref(summary);
		json_decref(parts);
		summary = json_object();
		parts = json_array();
		d.c.now = now;
		if (db_begin(dbh, 1) != DB_OK)
			fl_die("bench-promises: %s", db_errmsg(dbh));
		/* tick_run's work, part by part, so the report can say where the time goes */
		double c0 = cpu_ms();
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (db_lock_scheduler(dbh) != DB_OK)
			fl_die("bench-promises: %s", db_errmsg(dbh));
		for (const tick_fn *t = svc_tick_parts(); *t; t++) {
			struct timespec tp;
			clock_gettime(CLOCK_MONOTONIC, &tp);
			if ((*t)(&d.c, summary))
				fl_die("bench-promises: pass failed: %s", d.c.err.message);
			json_array_append_new(parts, json_real(ms_since(&tp)));
		}
		pass[r] = ms_since(&t0);
		cpu[r] = cpu_ms() - c0;
		db_rollback(dbh);
	}
	qsort(pass, (size_t)runs, sizeof *pass, cmp_double);
	qsort(cpu, (size_t)runs, sizeof *cpu, cmp_double);

	double report_ms = -1, report_cpu = -1;
	if (closed > 0) {
		demo_org(&d, "bench-promises");
		d.c.now = now + closed + 1000;
		if (db_begin(dbh, 0) != DB_OK)
			fl_die("bench-promises: %s", db_errmsg(dbh));
		double c0 = cpu_ms();
		clock_gettime(CLOCK_MONOTONIC, &t0);
		json_decref(demo_call(&d, "GET", "/api/v1/reports/breaches", json_pack("{s:s}", "by", "cause")));
		report_ms = ms_since(&t0);
		report_cpu = cpu_ms() - c0;
		db_rollback(dbh);
	}
	char *s = json_dumps(summary, JSON_COMPACT | JSON_SORT_KEYS), *ps = json_dumps(parts, JSON_COMPACT | JSON_REAL_PRECISION(4));
	printf("{\"backend\":\"%s\",\"pending\":%ld,\"due\":%ld,\"closed\":%ld,\"seed_ms\":%.0f,\"pass_ms_median\":%.1f,"
	       "\"pass_ms_min\":%.1f,\"pass_ms_max\":%.1f,\"pass_cpu_ms_median\":%.1f,\"report_ms\":%.1f,\"report_cpu_ms\":%.1f,\"pass\":%s,\"last_run_part_ms\":%s}\n",
	       db_dialect(dbh) == DB_POSTGRES ? "postgres" : "sqlite", pending, due, closed, seed_ms, pass[runs / 2], pass[0],
	       pass[runs - 1], cpu[runs / 2], report_ms, report_cpu, s, ps);
	free(s);
	free(ps);
	json_decref(parts);
	free(pass);
	free(cpu);
	json_decref(summary);
	json_decref(d.ids);
	db_close(dbh);
	return 0;
}
