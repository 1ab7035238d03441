/* The unit of work (store/tx.c): commit, roll back, busy retried within its budget, and the
 * group commit: concurrent writers each see only their own savepoint undone. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "store/db.h"
#include "store/tx.h"

static char dir[] = "/tmp/fl-test-tx-XXXXXX";
static char path[256];

struct insert {
	int value;
	enum tx_verdict verdict; /* what the work says after inserting */
	int runs;
};

static enum tx_verdict insert_work(void *arg, db *d)
{
	struct insert *w = arg;
	w->runs++;
	if (db_exec(d, "INSERT INTO t (v) VALUES (?)", DB_ARGS(DB_INT(w->value)), NULL) != DB_OK)
		return TX_ROLLBACK;
	return w->verdict;
}

static int64_t count(db *d, int value)
{
	int64_t n = -1;
	CHECK(db_scalar_int(d, "SELECT COUNT(*) FROM t WHERE v = ?", DB_ARGS(DB_INT(value)), &n, NULL) == DB_OK);
	return n;
}

static db *open_db(void)
{
	char err[256];
	db *d = NULL;
	if (db_open(path, &d, err, sizeof err) != DB_OK) {
		fprintf(stderr, "open: %s\n", err);
		exit(1);
	}
	return d;
}

TEST(commit_and_rollback)
{
	db *d = open_db();
	tx_runner *t = tx_wrap(d);
	CHECK(!tx_batches(t)); /* one connection of the caller's: its writes run on the caller's thread */
	struct insert ok = {1, TX_COMMIT, 0}, refused = {2, TX_ROLLBACK, 0};
	CHECK(tx_run(t, TX_WRITE, insert_work, &ok) == TX_DONE);
	CHECK(tx_run(t, TX_WRITE, insert_work, &refused) == TX_FAILED);
	CHECK(count(d, 1) == 1);
	CHECK(count(d, 2) == 0);
	tx_close(t);
	db_close(d);
}

TEST(busy_is_retried_then_reported)
{
	db *d = open_db();
	tx_runner *t = tx_wrap(d);
	struct insert busy = {3, TX_AGAIN, 0};
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	CHECK(tx_run(t, TX_WRITE, insert_work, &busy) == TX_BUSY);
	clock_gettime(CLOCK_MONOTONIC, &b);
	double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	CHECK(busy.runs > 3);                        /* it ran again ... */
	CHECK(s < TX_BUSY_BUDGET_MS / 1000.0 + 0.5); /* ... within the budget */
	CHECK(count(d, 3) == 0);                     /* and nothing of it remains */
	tx_close(t);
	db_close(d);
}

struct writer_arg {
	tx_runner *t;
	int base;
	int fails;
};

static void *writer_thread(void *arg)
{
	struct writer_arg *a = arg;
	for (int i = 0; i < 50; i++) {
		struct insert w = {a->base + i, i % 5 == 0 ? TX_ROLLBACK : TX_COMMIT, 0};
		enum tx_result r = tx_run(a->t, TX_WRITE, insert_work, &w);
		if (r != (w.verdict == TX_COMMIT ? TX_DONE : TX_FAILED))
			a->fails++;
	}
	return NULL;
}

TEST(group_commit_keeps_each_write_apart)
{
	char err[256];
	tx_runner *t = tx_open(path, 4, TX_BATCH_SQLITE, err, sizeof err);
	CHECK(t != NULL);
	if (!t)
		return;
	CHECK(tx_batches(t)); /* its writes wait for the writer thread (http/offload.h) */
	pthread_t th[4];
	struct writer_arg args[4];
	for (int i = 0; i < 4; i++) {
		args[i] = (struct writer_arg){t, 1000 * (i + 1), 0};
		pthread_create(&th[i], NULL, writer_thread, &args[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		CHECK(args[i].fails == 0);
	}
	tx_close(t);
	db *d = open_db();
	int64_t n = -1;
	CHECK(db_scalar_int(d, "SELECT COUNT(*) FROM t WHERE v >= 1000", DB_NOARGS, &n, NULL) == DB_OK);
	CHECK(n == 4 * 40); /* every committed write, none of the refused ones */
	CHECK(count(d, 1000) == 0 && count(d, 1001) == 1);
	db_close(d);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof path, "%s/t.db", dir);
	db *d = open_db();
	if (db_exec(d, "CREATE TABLE t (v INTEGER NOT NULL)", DB_NOARGS, NULL) != DB_OK)
		return 1;
	db_close(d);
	RUN(commit_and_rollback);
	RUN(busy_is_retried_then_reported);
	RUN(group_commit_keeps_each_write_apart);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	DONE();
}
