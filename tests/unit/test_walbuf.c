/* The log's frames gathered (src/store/walbuf.c), on real SQLite files: a commit's frames reach
 * the file in a few writes (not two a page) and survive a reopen; gathering stays off below synchronous=FULL and turns
 * off when the pragma is lowered; the connection reads frames it spilled; a rolled-back
 * transaction's buffer never lands on another connection's frames; a write fault at the flush
 * (through the fault VFS underneath) fails the commit and leaves nothing of it. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "store/faultvfs.h"
#include "store/walbuf.h"

static char dir[] = "/tmp/fl-walbuf-XXXXXX";
static char ctl[64];

static void control(const char *text)
{
	FILE *f = fopen(ctl, "w");
	fputs(text, f);
	fclose(f);
	usleep(2000); /* the fault VFS notices changes by size or modification time */
}

/* A fresh database file name in the test's directory. */
static const char *db_path(const char *name)
{
	static char path[128];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return path;
}

/* Open path through the shim with the given synchronous level; gathering asked for when enable. */
static sqlite3 *open_db(const char *path, const char *sync, int enable, int *enabled)
{
	sqlite3 *h = NULL;
	char setup[128];
	CHECK(sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, walbuf_vfs_name()) == SQLITE_OK);
	snprintf(setup, sizeof setup, "PRAGMA journal_mode=WAL; PRAGMA synchronous=%s;", sync);
	CHECK(sqlite3_exec(h, setup, NULL, NULL, NULL) == SQLITE_OK);
	int on = enable ? walbuf_enable(h) : -1;
	if (enabled)
		*enabled = on;
	return h;
}

static long long scalar(sqlite3 *h, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long v = -1;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* integrity_check and the rows of t, read back through the default VFS after every connection closed. */
static void reopened(const char *path, long long rows, long long sum)
{
	sqlite3 *h = NULL;
	CHECK(sqlite3_open(path, &h) == SQLITE_OK);
	sqlite3_stmt *st = NULL;
	CHECK(sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK);
	CHECK(sqlite3_step(st) == SQLITE_ROW);
	CHECK_STR((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
	CHECK(scalar(h, "SELECT count(*) FROM t") == rows);
	CHECK(scalar(h, "SELECT coalesce(sum(x), 0) FROM t") == sum);
	sqlite3_close(h);
}

/* n rows of about 1,000 bytes each (four to a page), x from first on */
static int insert_rows(sqlite3 *h, int first, int n)
{
	char sql[160];
	snprintf(sql, sizeof sql,
		 "WITH RECURSIVE s(i) AS (SELECT %d UNION ALL SELECT i + 1 FROM s WHERE i < %d) "
		 "INSERT INTO t SELECT i, randomblob(1000) FROM s",
		 first, first + n - 1);
	return sqlite3_exec(h, sql, NULL, NULL, NULL);
}

static long long sum_of(int first, int n) { return (long long)n * (2LL * first + n - 1) / 2; }

TEST(a_commit_is_a_few_writes)
{
	const char *path = db_path("one.db");
	int on;
	sqlite3 *h = open_db(path, "FULL", 1, &on);
	CHECK(on == 0);
	CHECK(sqlite3_exec(h, "CREATE TABLE t (x INTEGER, pad BLOB)", NULL, NULL, NULL) == SQLITE_OK);
	struct walbuf_counts a, b;
	CHECK(walbuf_counts(h, &a) == 0);
	CHECK(insert_rows(h, 1, 200) == SQLITE_OK); /* about 50 pages: 100 writes from SQLite */
	CHECK(walbuf_counts(h, &b) == 0);
	long long bytes = b.flushed_bytes - a.flushed_bytes;
	CHECK(b.writes - a.writes >= 100);
	CHECK(b.gathered - a.gathered == b.writes - a.writes);
	CHECK(bytes >= 50 * 4096);
	/* one write per WALBUF_PIECE bytes: 2 here, where SQLite alone makes 100 or more */
	CHECK(b.flushes - a.flushes == (bytes + WALBUF_PIECE - 1) / WALBUF_PIECE);
	CHECK(b.flushes - a.flushes <= 2);
	sqlite3_close(h);
	reopened(path, 200, sum_of(1, 200));
}

TEST(off_below_full_and_when_lowered)
{
	const char *path = db_path("normal.db");
	int on;
	sqlite3 *h = open_db(path, "NORMAL", 1, &on);
	CHECK(on == -1);
	CHECK(sqlite3_exec(h, "CREATE TABLE t (x INTEGER, pad BLOB)", NULL, NULL, NULL) == SQLITE_OK);
	CHECK(insert_rows(h, 1, 100) == SQLITE_OK);
	struct walbuf_counts c;
	CHECK(walbuf_counts(h, &c) == 0);
	CHECK(c.writes > 0 && c.gathered == 0 && c.flushes == 0);
	sqlite3_close(h);

	h = open_db(path, "FULL", 1, &on);
	CHECK(on == 0);
	CHECK(sqlite3_exec(h, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL) == SQLITE_OK);
	struct walbuf_counts a, b;
	CHECK(walbuf_counts(h, &a) == 0);
	CHECK(insert_rows(h, 101, 100) == SQLITE_OK);
	CHECK(walbuf_counts(h, &b) == 0);
	CHECK(b.writes > a.writes && b.gathered == a.gathered);
	sqlite3_close(h);
	reopened(path, 200, sum_of(1, 200));
}

TEST(reads_see_spilled_frames)
{
	const char *path = db_path("spill.db");
	int on;
	sqlite3 *h = open_db(path, "FULL", 1, &on);
	CHECK(on == 0);
	/* a tiny page cache: the transaction spills frames into the log before its commit */
	CHECK(sqlite3_exec(h, "PRAGMA cache_size=10; CREATE TABLE t (x INTEGER, pad BLOB); CREATE INDEX t_pad ON t (pad)", NULL,
			   NULL, NULL) == SQLITE_OK);
	CHECK(sqlite3_exec(h, "BEGIN", NULL, NULL, NULL) == SQLITE_OK);
	CHECK(insert_rows(h, 1, 400) == SQLITE_OK);
	CHECK(scalar(h, "SELECT count(*) FROM t") == 400);
	CHECK(scalar(h, "SELECT sum(x) FROM t") == sum_of(1, 400));
	CHECK(scalar(h, "SELECT count(*) FROM t INDEXED BY t_pad WHERE pad IS NOT NULL") == 400);
	CHECK(sqlite3_exec(h, "COMMIT", NULL, NULL, NULL) == SQLITE_OK);
	struct walbuf_counts c;
	CHECK(walbuf_counts(h, &c) == 0);
	CHECK(c.gathered > 0 && c.flushes > 1); /* spilled, read back, written in more than one run */
	sqlite3_close(h);
	reopened(path, 400, sum_of(1, 400));
}

TEST(a_rollback_never_lands_on_another_writers_frames)
{
	const char *path = db_path("rollback.db");
	int on;
	sqlite3 *a = open_db(path, "FULL", 1, &on);
	CHECK(on == 0);
	CHECK(sqlite3_exec(a, "CREATE TABLE t (x INTEGER, pad BLOB); PRAGMA cache_size=10", NULL, NULL, NULL) == SQLITE_OK);
	CHECK(insert_rows(a, 1, 10) == SQLITE_OK);
	/* an empty log, so the rollback reads nothing from it (a read would write the buffer) */
	CHECK(sqlite3_exec(a, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) == SQLITE_OK);
	/* a spills frames past the last commit, then rolls back: what it still buffers is garbage */
	CHECK(sqlite3_exec(a, "BEGIN", NULL, NULL, NULL) == SQLITE_OK);
	CHECK(insert_rows(a, 1000, 300) == SQLITE_OK);
	CHECK(sqlite3_exec(a, "ROLLBACK", NULL, NULL, NULL) == SQLITE_OK);
	struct walbuf_counts c;
	CHECK(walbuf_counts(a, &c) == 0);
	CHECK(c.dropped >= 1);
	/* another connection writes its frames at the same place of the log */
	sqlite3 *b = open_db(path, "FULL", 1, &on);
	CHECK(insert_rows(b, 11, 20) == SQLITE_OK);
	sqlite3_close(b);
	/* a's close checkpoints: had a's garbage been written now, b's frames would be lost */
	sqlite3_close(a);
	reopened(path, 30, sum_of(1, 30));
}

static void flush_fault_fails_commit(const char *name, const char *rule, int code)
{
	const char *path = db_path(name);
	int on;
	sqlite3 *h = open_db(path, "FULL", 1, &on);
	CHECK(on == 0);
	CHECK(sqlite3_exec(h, "CREATE TABLE t (x INTEGER, pad BLOB)", NULL, NULL, NULL) == SQLITE_OK);
	CHECK(insert_rows(h, 1, 10) == SQLITE_OK);
	CHECK(sqlite3_exec(h, "BEGIN", NULL, NULL, NULL) == SQLITE_OK);
	CHECK(insert_rows(h, 100, 100) == SQLITE_OK); /* nothing written yet: all of it is buffered */
	control(rule);				      /* the next write below fails: the commit's flush */
	int rc = sqlite3_exec(h, "COMMIT", NULL, NULL, NULL);
	control("");
	CHECK((rc & 0xff) == code);
	CHECK(sqlite3_get_autocommit(h)); /* rolled back */
	CHECK(scalar(h, "SELECT count(*) FROM t") == 10);
	CHECK(insert_rows(h, 11, 5) == SQLITE_OK); /* the connection goes on */
	sqlite3_close(h);
	reopened(path, 15, sum_of(1, 15));
}

TEST(a_flush_fault_fails_the_commit)
{
	flush_fault_fails_commit("ioerr.db", "write 1 ioerr", SQLITE_IOERR);
	flush_fault_fails_commit("full.db", "write 1 full", SQLITE_FULL);
}

TEST(not_ours_or_in_memory)
{
	sqlite3 *h = NULL;
	struct walbuf_counts c;
	CHECK(sqlite3_open(":memory:", &h) == SQLITE_OK);
	CHECK(walbuf_enable(h) == -1);
	CHECK(walbuf_counts(h, &c) == -1);
	sqlite3_close(h);
	CHECK(sqlite3_open_v2(":memory:", &h, SQLITE_OPEN_READWRITE, walbuf_vfs_name()) == SQLITE_OK);
	CHECK(walbuf_enable(h) == -1);
	sqlite3_close(h);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	/* the fault VFS underneath, as the e2e fault tests run it; an empty control injects nothing */
	snprintf(ctl, sizeof ctl, "%s/faults", dir);
	control("");
	setenv("FRONTLINE_FAULT_FILE", ctl, 1);
	RUN(a_commit_is_a_few_writes);
	RUN(off_below_full_and_when_lowered);
	RUN(reads_see_spilled_frames);
	RUN(a_rollback_never_lands_on_another_writers_frames);
	RUN(a_flush_fault_fails_the_commit);
	RUN(not_ours_or_in_memory);
	char rm[96];
	snprintf(rm, sizeof rm, "rm -rf %s", dir);
	if (system(rm) != 0)
		fprintf(stderr, "  could not remove %s\n", dir);
	DONE();
}
