/* The PostgreSQL backend's pure part: `?` -> $n translation.  Starts no server (the backend
 * itself is tested end to end against a real cluster: scripts/run-tests.sh, FRONTLINE_PG).  With
 * FRONTLINE_PG set (a postgres:// prefix), also the deferred writes and when a transaction begins,
 * against its "postgres" database. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "base/util.h"
#include "store/db.h"

static void tr(const char *sql, const char *want, int want_n)
{
	int n = -1;
	char *got = db_pg_translate(sql, &n);
	CHECK_STR(got, want);
	CHECK(n == want_n);
	free(got);
}

TEST(placeholders_numbered)
{
	tr("SELECT 1", "SELECT 1", 0);
	tr("SELECT a FROM t WHERE x = ? AND y = ?", "SELECT a FROM t WHERE x = $1 AND y = $2", 2);
	tr("INSERT INTO t VALUES (?,?,?,?,?,?,?,?,?,?,?)", "INSERT INTO t VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)", 11);
}

TEST(quotes_and_comments_untouched)
{
	tr("SELECT '?', \"a?\" FROM t WHERE x = ?", "SELECT '?', \"a?\" FROM t WHERE x = $1", 1);
	tr("SELECT 'it''s ?' WHERE x = ?", "SELECT 'it''s ?' WHERE x = $1", 1);
	tr("SELECT x -- why?\nFROM t WHERE y = ?", "SELECT x -- why?\nFROM t WHERE y = $1", 1);
	tr("SELECT x -- trailing ?", "SELECT x -- trailing ?", 0);
}

TEST(null_tests_typed)
{
	tr("WHERE (? IS NULL OR slug = ?)", "WHERE ($1::text IS NULL OR slug = $2)", 2);
	tr("WHERE ?  is not\n null", "WHERE $1::text  is not\n null", 1);
	tr("WHERE ? IS NULLX", "WHERE $1 IS NULLX", 1);
	tr("WHERE ? ISNULL", "WHERE $1 ISNULL", 1);
}

static db *cluster(void)
{
	const char *prefix = getenv("FRONTLINE_PG");
	char url[512], err[256];
	db *d;
	if (!prefix || !*prefix)
		return NULL;
	snprintf(url, sizeof url, "%s/postgres", prefix);
	return db_pg_open(url, &d, err, sizeof err) == DB_OK ? d : NULL;
}

static int64_t count_rows(db *d, int *rc)
{
	int64_t n = -1;
	*rc = db_scalar_int(d, "SELECT COUNT(*) FROM fl_deferred", DB_NOARGS, &n, NULL);
	return n;
}

/* Queued writes are run in order before a read, and a queued write's failure is what the next
 * statement that waits returns (or db_defer_end): the transaction then fails as a whole. */
TEST(deferred_writes_in_order_and_their_failure_reported)
{
	db *d = cluster();
	CHECK(d != NULL);
	if (!d)
		return;
	int rc;
	CHECK(db_exec_script(d, "CREATE TEMP TABLE fl_deferred (k BIGINT PRIMARY KEY, v TEXT)") == DB_OK);
	CHECK(db_begin(d, 1) == DB_OK);
	db_defer_begin(d);
	for (int i = 0; i < 600; i++) /* past the queue's 256 too */
		CHECK(db_exec(d, "INSERT INTO fl_deferred (k, v) VALUES (?, ?)", DB_ARGS(DB_INT(i), DB_TXT("x")), NULL) == DB_OK);
	CHECK(count_rows(d, &rc) == 600 && rc == DB_OK);
	CHECK(db_exec(d, "INSERT INTO fl_deferred (k, v) VALUES (?, ?)", DB_ARGS(DB_INT(5), DB_TXT("twice")), NULL) == DB_OK);
	CHECK(db_exec(d, "INSERT INTO fl_deferred (k, v) VALUES (?, ?)", DB_ARGS(DB_INT(1000), DB_TXT("after")), NULL) == DB_OK);
	count_rows(d, &rc);
	CHECK(rc == DB_CONSTRAINT);
	CHECK(db_defer_end(d) == DB_OK); /* already reported */
	CHECK(db_commit(d) != DB_OK);	  /* the transaction was aborted */
	db_rollback(d);
	CHECK(count_rows(d, &rc) == 0 && rc == DB_OK);
	/* a failure queued last: db_defer_end reports it, and COMMIT does not hide it */
	CHECK(db_begin(d, 1) == DB_OK);
	db_defer_begin(d);
	CHECK(db_exec(d, "INSERT INTO fl_deferred (k, v) VALUES (?, ?)", DB_ARGS(DB_INT(1), DB_TXT("a")), NULL) == DB_OK);
	CHECK(db_exec(d, "INSERT INTO fl_deferred (k, v) VALUES (?, ?)", DB_ARGS(DB_INT(1), DB_TXT("b")), NULL) == DB_OK);
	CHECK(db_defer_end(d) == DB_CONSTRAINT);
	CHECK(db_commit(d) != DB_OK);
	db_rollback(d);
	CHECK(count_rows(d, &rc) == 0 && rc == DB_OK);
	db_close(d);
}

/* A statement of DB_MAX_ARGS arguments (beyond the 200 bound on the stack) runs, at once and
 * queued; one more is refused. */
TEST(many_arguments)
{
	db *d = cluster();
	CHECK(d != NULL);
	if (!d)
		return;
	int rc;
	int64_t n = -1;
	size_t rows = DB_MAX_ARGS / 2, len = 0, cap = 0;
	char *sql = NULL;
	db_arg *args = calloc(DB_MAX_ARGS + 1, sizeof *args);
	const char *head = "INSERT INTO fl_many (k, v) VALUES ";
	xappend(&sql, &len, &cap, 4096, head, strlen(head));
	for (size_t i = 0; i < rows; i++) {
		xappend(&sql, &len, &cap, 4096, i ? ",(?,?)" : "(?,?)", i ? 6 : 5);
		args[2 * i] = DB_INT((int64_t)i);
		args[2 * i + 1] = DB_TXT(i % 2 ? "odd" : NULL);
	}
	args[DB_MAX_ARGS] = DB_INT(0);
	CHECK(db_exec_script(d, "CREATE TEMP TABLE fl_many (k BIGINT PRIMARY KEY, v TEXT)") == DB_OK);
	CHECK(db_begin(d, 1) == DB_OK);
	CHECK(db_exec(d, sql, args, DB_MAX_ARGS, NULL) == DB_OK);
	CHECK(db_scalar_int(d, "SELECT COUNT(v) FROM fl_many", DB_NOARGS, &n, NULL) == DB_OK && n == (int64_t)rows / 2);
	CHECK(db_exec(d, "DELETE FROM fl_many", DB_NOARGS, NULL) == DB_OK);
	db_defer_begin(d);
	CHECK(db_exec(d, sql, args, DB_MAX_ARGS, NULL) == DB_OK); /* prepared now: queued */
	CHECK(db_scalar_int(d, "SELECT COUNT(*) FROM fl_many", DB_NOARGS, &n, NULL) == DB_OK && n == (int64_t)rows);
	rc = db_defer_end(d);
	CHECK(rc == DB_OK);
	char *more = xasprintf("%s,(?)", sql);
	CHECK(db_exec(d, more, args, DB_MAX_ARGS + 1, NULL) == DB_ERROR);
	CHECK(strstr(db_errmsg(d), "too many arguments") != NULL);
	db_rollback(d);
	free(more);
	free(sql);
	free(args);
	db_close(d);
}

/* d's session as another sees it: "idle", "idle in transaction", ... ("" when gone). */
static void state_of(db *other, int64_t pid, char *out, size_t n)
{
	db_res *r;
	out[0] = '\0';
	if (db_query(other, "SELECT state FROM pg_stat_activity WHERE pid = ?", DB_ARGS(DB_INT(pid)), &r) != DB_OK)
		return;
	if (db_next(r) == 1)
		snprintf(out, n, "%s", db_text(r, 0));
	db_res_discard(r);
}

/* db_begin sends nothing: the BEGIN goes with the transaction's first statement (a transaction
 * that runs none, a case page read from the kept pages, costs no round trip), and it is a real
 * transaction from there (a rollback undoes it).  A connection cut since its last use is opened
 * again for a transaction's first statement. */
TEST(a_transaction_begins_with_its_first_statement)
{
	db *d = cluster(), *other = cluster();
	CHECK(d != NULL && other != NULL);
	if (!d || !other)
		return;
	int64_t pid = 0, one = 0;
	char st[64];
	int rc;
	CHECK(db_scalar_int(d, "SELECT pg_backend_pid()", DB_NOARGS, &pid, NULL) == DB_OK && pid > 0);
	CHECK(db_exec_script(d, "CREATE TEMP TABLE fl_deferred (k BIGINT PRIMARY KEY, v TEXT)") == DB_OK);
	CHECK(db_begin(d, 0) == DB_OK);
	state_of(other, pid, st, sizeof st);
	CHECK_STR(st, "idle");
	CHECK(db_commit(d) == DB_OK);
	CHECK(db_begin(d, 1) == DB_OK);
	CHECK(db_exec(d, "INSERT INTO fl_deferred (k, v) VALUES (?, ?)", DB_ARGS(DB_INT(1), DB_TXT("a")), NULL) == DB_OK);
	state_of(other, pid, st, sizeof st);
	CHECK_STR(st, "idle in transaction");
	CHECK(db_rollback(d) == DB_OK);
	CHECK(count_rows(d, &rc) == 0 && rc == DB_OK);
	CHECK(db_exec(other, "SELECT pg_terminate_backend(CAST(? AS integer))", DB_ARGS(DB_INT(pid)), NULL) == DB_OK);
	for (int i = 0; i < 100 && (state_of(other, pid, st, sizeof st), st[0]); i++)
		usleep(50000);
	CHECK(db_begin(d, 0) == DB_OK);
	CHECK(db_scalar_int(d, "SELECT 1", DB_NOARGS, &one, NULL) == DB_OK && one == 1);
	CHECK(db_commit(d) == DB_OK);
	db_close(other);
	db_close(d);
}

int main(void)
{
	RUN(placeholders_numbered);
	RUN(quotes_and_comments_untouched);
	RUN(null_tests_typed);
	if (getenv("FRONTLINE_PG") && *getenv("FRONTLINE_PG"))
	{
		RUN(deferred_writes_in_order_and_their_failure_reported);
		RUN(many_arguments);
		RUN(a_transaction_begins_with_its_first_statement);
	} else
		printf("  (no FRONTLINE_PG: the deferred writes and transactions are not tried)\n");
	DONE();
}
