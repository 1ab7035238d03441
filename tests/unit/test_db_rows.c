/* The row helpers on a real temporary SQLite file through the storage interface: an error in the
 * middle of the rows is sticky and reported by db_res_close (a loop can't mistake it for the end);
 * a database another connection holds for writing answers DB_RETRY; a constraint answers
 * DB_CONSTRAINT; svc_load_one's three outcomes (the row, not found, the storage error's kind), and
 * svc_first's (the row, none, the error). */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "base/util.h"
#include "store/db.h"
#include "svc/svc.h"

static char dir[] = "/tmp/fl-test-rows-XXXXXX";
static char path[256];

/* A fresh database with t(id INTEGER PRIMARY KEY, v) holding rows 1..5. */
static db *fresh(void)
{
	static int k;
	char err[256];
	db *d = NULL;
	snprintf(path, sizeof path, "%s/rows%d.db", dir, k++);
	if (db_open(path, &d, err, sizeof err) != DB_OK) {
		fprintf(stderr, "open: %s\n", err);
		exit(1);
	}
	CHECK(db_exec_script(d, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL);"
				"INSERT INTO t VALUES (1,'a'),(2,'b'),(3,'c'),(4,'d'),(5,'e');") == DB_OK);
	return d;
}

/* Rows 1, 2, then a run-time error (abs() of the smallest integer overflows) on row 3. */
#define FAILS_ON_THIRD "SELECT CASE WHEN id = 3 THEN abs(-9223372036854775807 - 1) ELSE id END FROM t ORDER BY id"

TEST(close_reports_a_clean_end)
{
	db *d = fresh();
	db_res *r;
	int n = 0;
	CHECK(db_query(d, "SELECT id FROM t ORDER BY id", DB_NOARGS, &r) == DB_OK);
	while (db_next(r) == 1)
		n++;
	CHECK(n == 5);
	CHECK(db_res_close(r) == DB_OK);
	CHECK(db_res_close(NULL) == DB_OK);
	db_close(d);
}

TEST(error_in_the_middle_is_sticky_and_reported_by_close)
{
	db *d = fresh();
	db_res *r;
	int n = 0;
	CHECK(db_query(d, FAILS_ON_THIRD, DB_NOARGS, &r) == DB_OK);
	while (db_next(r) == 1)
		n++;
	CHECK(n == 2); /* the loop stopped at the error, as it stops at the end */
	CHECK(db_next(r) == DB_ERROR); /* sticky: never restarts the statement */
	CHECK(db_next(r) == DB_ERROR);
	CHECK(db_res_close(r) == DB_ERROR);
	/* the connection (and its cached statement) is usable again */
	CHECK(db_query(d, FAILS_ON_THIRD, DB_NOARGS, &r) == DB_OK);
	CHECK(db_next(r) == 1 && db_int(r, 0) == 1);
	db_res_discard(r);
	int64_t v = 0;
	CHECK(db_scalar_int(d, "SELECT COUNT(*) FROM t", DB_NOARGS, &v, NULL) == DB_OK && v == 5);
	CHECK(db_scalar_int(d, "SELECT abs(-9223372036854775807 - 1)", DB_NOARGS, &v, NULL) == DB_ERROR);
	db_close(d);
}

TEST(constraint_is_db_constraint)
{
	db *d = fresh();
	db_res *r;
	CHECK(db_exec(d, "INSERT INTO t (id, v) VALUES (1, 'again')", DB_NOARGS, NULL) == DB_CONSTRAINT);
	CHECK(db_exec(d, "INSERT INTO t (id, v) VALUES (9, NULL)", DB_NOARGS, NULL) == DB_CONSTRAINT);
	/* through a result: the failing step is remembered */
	CHECK(db_query(d, "INSERT INTO t (id, v) VALUES (2, 'x') RETURNING id", DB_NOARGS, &r) == DB_OK);
	CHECK(db_next(r) == DB_CONSTRAINT);
	CHECK(db_res_close(r) == DB_CONSTRAINT);
	db_close(d);
}

/* A second, raw connection holds the write lock; ours waits 50 ms, then answers DB_RETRY. */
TEST(busy_database_is_db_retry)
{
	db *d = fresh();
	sqlite3 *h;
	CHECK(sqlite3_open(path, &h) == SQLITE_OK);
	CHECK(sqlite3_exec(h, "BEGIN IMMEDIATE; INSERT INTO t VALUES (6, 'f');", NULL, NULL, NULL) == SQLITE_OK);
	CHECK(db_exec_script(d, "PRAGMA busy_timeout = 50") == DB_OK);
	CHECK(db_exec(d, "INSERT INTO t (id, v) VALUES (7, 'g')", DB_NOARGS, NULL) == DB_RETRY);
	db_res *r;
	CHECK(db_query(d, "INSERT INTO t (id, v) VALUES (8, 'h') RETURNING id", DB_NOARGS, &r) == DB_OK);
	CHECK(db_next(r) == DB_RETRY);
	CHECK(db_res_close(r) == DB_RETRY);
	/* readers are not blocked (WAL) and see the committed rows only */
	int64_t v = 0;
	CHECK(db_scalar_int(d, "SELECT COUNT(*) FROM t", DB_NOARGS, &v, NULL) == DB_OK && v == 5);
	CHECK(sqlite3_exec(h, "COMMIT", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(h);
	CHECK(db_exec(d, "INSERT INTO t (id, v) VALUES (7, 'g')", DB_NOARGS, NULL) == DB_OK);
	db_close(d);
}

static svc_ctx ctx(db *d)
{
	svc_ctx c = {.db = d, .err = FL_ERR_INIT};
	return c;
}

TEST(load_one_finds_the_row)
{
	db *d = fresh();
	svc_ctx c = ctx(d);
	db_res *r = NULL;
	CHECK(svc_load_one(&c, "thing_not_found", "id", "no such thing", &r, "SELECT v FROM t WHERE id = ?",
			   DB_ARGS(DB_INT(4))) == 0);
	CHECK(r != NULL);
	if (r) {
		CHECK_STR(db_text(r, 0), "d");
		db_res_discard(r);
	}
	CHECK(c.err.kind == ERR_NONE);
	db_close(d);
}

TEST(load_one_not_found)
{
	db *d = fresh();
	svc_ctx c = ctx(d);
	db_res *r = NULL;
	CHECK(svc_load_one(&c, "thing_not_found", "id", "no such thing", &r, "SELECT v FROM t WHERE id = ?",
			   DB_ARGS(DB_INT(42))) == -1);
	CHECK(r == NULL);
	CHECK(c.err.kind == ERR_NOT_FOUND);
	CHECK_STR(c.err.code, "thing_not_found");
	CHECK_STR(c.err.field, "id");
	CHECK_STR(c.err.message, "no such thing");
	db_close(d);
}

TEST(load_one_keeps_the_storage_error_kind)
{
	db *d = fresh();
	svc_ctx c = ctx(d);
	db_res *r = NULL;
	/* an error on the first row is not "not found" */
	CHECK(svc_load_one(&c, "thing_not_found", "id", "no such thing", &r, FAILS_ON_THIRD " LIMIT 1 OFFSET 2", DB_NOARGS) ==
	      -1);
	CHECK(r == NULL);
	CHECK(c.err.kind == ERR_INTERNAL);
	CHECK_STR(c.err.code, "storage_error");
	/* a query that can't be prepared */
	c = ctx(d);
	CHECK(svc_load_one(&c, "thing_not_found", "id", "no such thing", &r, "SELECT v FROM nowhere", DB_NOARGS) == -1);
	CHECK(c.err.kind == ERR_INTERNAL);
	/* a constraint: conflict */
	c = ctx(d);
	CHECK(svc_load_one(&c, "thing_not_found", "id", "no such thing", &r, "INSERT INTO t VALUES (1, 'x') RETURNING id",
			   DB_NOARGS) == -1);
	CHECK(c.err.kind == ERR_CONFLICT);
	CHECK_STR(c.err.code, "conflict");
	/* busy: 503 "busy", which the HTTP layer retries */
	sqlite3 *h;
	CHECK(sqlite3_open(path, &h) == SQLITE_OK);
	CHECK(sqlite3_exec(h, "BEGIN IMMEDIATE; INSERT INTO t VALUES (6, 'f');", NULL, NULL, NULL) == SQLITE_OK);
	CHECK(db_exec_script(d, "PRAGMA busy_timeout = 50") == DB_OK);
	c = ctx(d);
	CHECK(svc_load_one(&c, "thing_not_found", "id", "no such thing", &r, "INSERT INTO t VALUES (7, 'x') RETURNING id",
			   DB_NOARGS) == -1);
	CHECK(c.err.kind == ERR_BUSY);
	CHECK_STR(c.err.code, "busy");
	sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(h);
	db_close(d);
}

TEST(first_row_none_or_error)
{
	db *d = fresh();
	svc_ctx c = ctx(d);
	db_res *r = NULL;
	CHECK(svc_first(&c, &r, "SELECT v FROM t WHERE id = ?", DB_ARGS(DB_INT(2))) == 1);
	CHECK(r != NULL);
	if (r) {
		CHECK_STR(db_text(r, 0), "b");
		db_res_discard(r);
	}
	CHECK(svc_first(&c, &r, "SELECT v FROM t WHERE id = ?", DB_ARGS(DB_INT(42))) == 0);
	CHECK(r == NULL);
	CHECK(c.err.kind == ERR_NONE); /* no row is no error */
	CHECK(svc_first(&c, &r, FAILS_ON_THIRD " LIMIT 1 OFFSET 2", DB_NOARGS) == -1);
	CHECK(r == NULL);
	CHECK(c.err.kind == ERR_INTERNAL);
	CHECK_STR(c.err.code, "storage_error");
	db_close(d);
}

static json_t *id_row(svc_ctx *c, db_res *r) { return json_integer(db_int(r, 0)); }

TEST(rows_append_reports_the_error)
{
	db *d = fresh();
	svc_ctx c = ctx(d);
	db_res *r;
	json_t *a = json_array();
	CHECK(db_query(d, "SELECT id FROM t ORDER BY id", DB_NOARGS, &r) == DB_OK);
	CHECK(svc_rows_append(&c, r, a, id_row) == 0);
	CHECK(json_array_size(a) == 5);
	json_array_clear(a);
	CHECK(db_query(d, FAILS_ON_THIRD, DB_NOARGS, &r) == DB_OK);
	CHECK(svc_rows_append(&c, r, a, id_row) == -1);
	CHECK(json_array_size(a) == 2);
	CHECK(c.err.kind == ERR_INTERNAL);
	json_decref(a);
	db_close(d);
}

/* svc_items answers {"items": [...]}, or the storage error's kind with nothing to free. */
TEST(items_answer_or_error)
{
	db *d = fresh();
	svc_ctx c = ctx(d);
	json_t *out = NULL;
	CHECK(svc_items(&c, &out, id_row, "SELECT id FROM t ORDER BY id", DB_NOARGS) == 0);
	CHECK(json_array_size(json_object_get(out, "items")) == 5);
	json_decref(out);
	out = NULL;
	CHECK(svc_items(&c, &out, id_row, FAILS_ON_THIRD, DB_NOARGS) == -1);
	CHECK(out == NULL);
	CHECK(c.err.kind == ERR_INTERNAL);
	db_close(d);
}

/* SVC_COPY_COLS copies text columns first.. into the arrays in order, and a cut value fails. */
TEST(copy_cols_in_order)
{
	db *d = fresh();
	svc_ctx c = ctx(d);
	db_res *r;
	char a[4], b[4], tiny[2];
	CHECK(db_query(d, "SELECT 'x', v, 'no' FROM t WHERE id = 2", DB_NOARGS, &r) == DB_OK);
	CHECK(db_next(r) == 1);
	SVC_COPY_COLS(&c, r, 1, SVC_BUF(a), SVC_BUF(b));
	CHECK_STR(a, "b");
	CHECK_STR(b, "no");
	CHECK(svc_db_outcome(&c, 0) == 0);
	SVC_COPY_COLS(&c, r, 2, SVC_BUF(tiny));
	CHECK_STR(c.err.code, "value_too_long");
	db_res_discard(r);
	db_close(d);
}

/* A helper that records a storage error and carries on (svc_query) can't make the operation succeed. */
TEST(carried_on_error_fails_the_operation)
{
	db *d = fresh();
	svc_ctx c = ctx(d);
	db_res *r = NULL;
	CHECK(svc_query(&c, "SELECT v FROM t WHERE id = ?", DB_ARGS(DB_INT(1)), &r) == 1);
	CHECK(db_res_close(r) == DB_OK);
	CHECK(svc_db_outcome(&c, 0) == 0);
	CHECK(svc_query(&c, "SELECT v FROM nowhere", DB_NOARGS, &r) == 0);
	err_set(&c.err, ERR_NOT_FOUND, "thing_not_found", "id", "no such thing"); /* what followed from it */
	CHECK(svc_db_outcome(&c, 0) == -1);
	CHECK(c.err.kind == ERR_INTERNAL);
	CHECK_STR(c.err.code, "storage_error");
	db_close(d);
}

/* A value that doesn't fit its buffer is never cut silently: the operation fails with it. */
TEST(cut_value_fails_the_operation)
{
	svc_ctx c = ctx(NULL);
	char small[4];
	svc_copy(&c, small, sizeof small, "abc");
	CHECK_STR(small, "abc");
	CHECK(svc_db_outcome(&c, 0) == 0);
	svc_copy(&c, small, sizeof small, "abcd");
	CHECK(c.err.kind == ERR_INTERNAL);
	CHECK_STR(c.err.code, "value_too_long");
	err_clear(&c.err);
	CHECK(svc_db_outcome(&c, 0) == -1);
	CHECK_STR(c.err.code, "value_too_long");
	char big[8];
	STR_COPY(big, small); /* arrays: checked by the compiler */
	STR_COPY(big, "seven!!");
	CHECK_STR(big, "seven!!");
	CHECK(str_copy(small, sizeof small, "four") == -1);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(close_reports_a_clean_end);
	RUN(error_in_the_middle_is_sticky_and_reported_by_close);
	RUN(constraint_is_db_constraint);
	RUN(busy_database_is_db_retry);
	RUN(load_one_finds_the_row);
	RUN(load_one_not_found);
	RUN(load_one_keeps_the_storage_error_kind);
	RUN(first_row_none_or_error);
	RUN(rows_append_reports_the_error);
	RUN(items_answer_or_error);
	RUN(copy_cols_in_order);
	RUN(carried_on_error_fails_the_operation);
	RUN(cut_value_fails_the_operation);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	DONE();
}
