/* The SQLite backend's version floor: the library this binary runs on is new enough, and an older
 * one is refused with a message that names both versions (docs/OPERATIONS.md, "SQLite version"). */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "store/db.h"

TEST(this_library_is_new_enough)
{
	char err[256] = "";
	CHECK(sqlite3_libversion_number() >= DB_SQLITE_MIN_VERSION);
	CHECK(db_sqlite_version_check(sqlite3_libversion_number(), err, sizeof err) == 0);
	CHECK(db_sqlite_version_check(3035000, err, sizeof err) == 0); /* the floor itself */
	CHECK_STR(err, "");
}

TEST(older_library_refused_with_both_versions)
{
	char err[256] = "";
	CHECK(db_sqlite_version_check(3034001, err, sizeof err) == -1);
	CHECK(strstr(err, "SQLite 3.34.1 is too old") != NULL);
	CHECK(strstr(err, "3.35.0 or newer") != NULL);
	CHECK(strstr(err, "RETURNING") != NULL);
	CHECK(db_sqlite_version_check(3007017, err, sizeof err) == -1);
	CHECK(strstr(err, "SQLite 3.7.17 ") != NULL);
}

/* Every connection: WAL, synchronous=FULL, foreign keys, and secure_delete=FAST (2), not the
 * Debian library's default (1: a freed page is zeroed in one more write). */
TEST(connections_are_set_up)
{
	char err[256], path[] = "/tmp/fl-test-db-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	close(fd);
	db *d = NULL;
	CHECK(db_open(path, &d, err, sizeof err) == DB_OK);
	int64_t v = -1;
	CHECK(db_scalar_int(d, "PRAGMA secure_delete", DB_NOARGS, &v, NULL) == DB_OK && v == 2);
	CHECK(db_scalar_int(d, "PRAGMA synchronous", DB_NOARGS, &v, NULL) == DB_OK && v == 2);
	CHECK(db_scalar_int(d, "PRAGMA foreign_keys", DB_NOARGS, &v, NULL) == DB_OK && v == 1);
	db_res *r;
	CHECK(db_query(d, "PRAGMA journal_mode", DB_NOARGS, &r) == DB_OK && db_next(r) == 1);
	CHECK_STR(db_text(r, 0), "wal");
	CHECK(db_res_close(r) == DB_OK);
	db_close(d);
	char side[sizeof path + 8];
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
	unlink(path);
}

/* db_load_* on a backend without a bulk load of its own: an INSERT per row, errors at once. */
TEST(bulk_load_inserts_each_row)
{
	char err[256];
	db *d = NULL;
	CHECK(db_open(":memory:", &d, err, sizeof err) == DB_OK);
	CHECK(db_exec_script(d, "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)") == DB_OK);
	CHECK(db_begin(d, 1) == DB_OK);
	const char *cols[] = {"k", "v"};
	db_load *l;
	CHECK(db_load_begin(d, "t", cols, 2, &l) == DB_OK);
	CHECK(db_load_row(l, DB_ARGS(DB_INT(1), DB_TXT("a\ttab\nand \\N"))) == DB_OK);
	CHECK(db_load_row(l, DB_ARGS(DB_INT(2), DB_NULL)) == DB_OK);
	CHECK(db_load_row(l, DB_ARGS(DB_INT(3))) == DB_ERROR); /* a row of the wrong width */
	int64_t rows = 0, n = 0;
	CHECK(db_load_end(l, &rows) == DB_OK);
	CHECK(rows == 2);
	CHECK(db_scalar_int(d, "SELECT COUNT(*) FROM t WHERE (k = 1 AND v = 'a' || char(9) || 'tab' || char(10) || 'and \\N') "
			       "OR (k = 2 AND v IS NULL)", DB_NOARGS, &n, NULL) == DB_OK);
	CHECK(n == 2);
	CHECK(db_load_begin(d, "t", cols, 2, &l) == DB_OK);
	CHECK(db_load_row(l, DB_ARGS(DB_INT(1), DB_TXT("again"))) == DB_CONSTRAINT); /* a duplicate key, at once */
	db_load_cancel(l);
	CHECK(db_load_begin(d, "t", cols, 0, &l) == DB_ERROR && l == NULL);
	CHECK(db_rollback(d) == DB_OK);
	db_close(d);
}

/* Held rows (db_hold): sent once, before the next statement of any kind, which then sees them;
 * their error is that statement's (not run); db_hold(d, NULL) and db_rollback drop them. */
static int held_sends, held_fails;
static int held_send(db *d)
{
	held_sends++;
	return held_fails ? DB_CONSTRAINT : db_exec(d, "INSERT INTO t (k) VALUES (7)", DB_NOARGS, NULL);
}

TEST(held_rows_go_before_the_next_statement)
{
	char err[256];
	db *d = NULL;
	int64_t n = -1;
	CHECK(db_open(":memory:", &d, err, sizeof err) == DB_OK);
	CHECK(db_exec_script(d, "CREATE TABLE t (k INTEGER PRIMARY KEY)") == DB_OK);
	CHECK(db_begin(d, 1) == DB_OK);
	db_hold(d, held_send);
	int64_t before = db_thread_statements();
	CHECK(db_scalar_int(d, "SELECT COUNT(*) FROM t WHERE k = 7", DB_NOARGS, &n, NULL) == DB_OK);
	CHECK(n == 1 && held_sends == 1);
	CHECK(db_thread_statements() - before == 2); /* the held INSERT, then the read */
	CHECK(db_release(d) == DB_OK && held_sends == 1); /* nothing held any more */
	held_fails = 1;
	db_hold(d, held_send);
	CHECK(db_exec(d, "INSERT INTO t (k) VALUES (8)", DB_NOARGS, NULL) == DB_CONSTRAINT);
	CHECK(held_sends == 2);
	CHECK(db_scalar_int(d, "SELECT COUNT(*) FROM t", DB_NOARGS, &n, NULL) == DB_OK);
	CHECK(n == 1); /* the statement behind the failed send was not run */
	db_hold(d, held_send);
	db_hold(d, NULL);
	CHECK(db_release(d) == DB_OK && held_sends == 2);
	db_hold(d, held_send);
	CHECK(db_rollback(d) == DB_OK && held_sends == 2);
	CHECK(db_begin(d, 1) == DB_OK && held_sends == 2);
	held_fails = 0;
	db_hold(d, held_send);
	CHECK(db_commit(d) == DB_OK && held_sends == 3);
	CHECK(db_scalar_int(d, "SELECT COUNT(*) FROM t", DB_NOARGS, &n, NULL) == DB_OK);
	CHECK(n == 1); /* committed with its held row; the first was rolled back */
	db_close(d);
}

int main(void)
{
	RUN(this_library_is_new_enough);
	RUN(connections_are_set_up);
	RUN(older_library_refused_with_both_versions);
	RUN(bulk_load_inserts_each_row);
	RUN(held_rows_go_before_the_next_statement);
	DONE();
}
