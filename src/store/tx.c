#include "store/tx.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/thread.h"
#include "base/util.h"
#include "store/pool.h"

#define BATCH_MAX 256
#define PAUSE_MAX_US 200000

/* One piece of work waiting for the writer thread. */
struct job {
	tx_work work;
	void *arg;
	enum tx_result result;
	int again, done;
	int64_t statements; /* sent by the writer for this job, credited to the submitting thread */
	struct job *next;
};

struct writer {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t has_jobs, done;
	struct job *head, *tail;
	db *d;
	int stop;
};

struct tx_runner {
	_Atomic uint64_t runs, retries, busy, failed; /* tx_stats */
	db_pool *pool;         /* NULL for a wrapped connection */
	db *single;            /* the wrapped connection (tx_wrap) */
	struct writer *writer; /* group commit (SQLite, batching runner); NULL otherwise */
};

/* The result of a failed commit; *again when it is worth running the work again. */
static enum tx_result commit_failed(db *d, int rc, int *again)
{
	if (rc == DB_RETRY) {
		*again = 1;
		return TX_BUSY;
	}
	if (rc == DB_CONSTRAINT)
		return TX_CONFLICT;
	/* never report success for what did not reach the disk */
	log_msg(LOG_ERROR, "commit failed: %s", db_errmsg(d));
	return TX_NOT_SAVED;
}

/* The result of a failed begin; *again when it is worth running the work again. */
static enum tx_result begin_failed(int rc, int *again)
{
	*again = rc == DB_RETRY;
	return rc == DB_RETRY ? TX_BUSY : rc == DB_UNAVAILABLE ? TX_UNAVAILABLE : TX_NOT_STARTED;
}

/* --- the group-commit writer (SQLite) --- */

/* Run a batch inside one transaction, each job in its own savepoint, then commit it once. */
static void run_batch(struct writer *w, struct job *batch)
{
	for (struct job *j = batch; j; j = j->next)
		j->result = TX_NOT_STARTED;
	int rc = db_begin(w->d, 1);
	if (rc != DB_OK) {
		for (struct job *j = batch; j; j = j->next)
			j->result = begin_failed(rc, &j->again);
		return;
	}
	int broken = 0;
	for (struct job *j = batch; j && !broken; j = j->next) {
		int64_t sent = db_thread_statements();
		if (db_exec(w->d, "SAVEPOINT req", DB_NOARGS, NULL) != DB_OK) {
			broken = 1;
			break;
		}
		enum tx_verdict v = j->work(j->arg, w->d);
		j->again = v == TX_AGAIN;
		j->result = v == TX_COMMIT ? TX_DONE : v == TX_AGAIN ? TX_BUSY : TX_FAILED;
		if (v != TX_COMMIT && db_exec(w->d, "ROLLBACK TO req", DB_NOARGS, NULL) != DB_OK)
			broken = 1;
		else if (db_exec(w->d, "RELEASE req", DB_NOARGS, NULL) != DB_OK)
			broken = 1;
		j->statements = db_thread_statements() - sent;
	}
	rc = broken ? DB_ERROR : db_commit(w->d);
	if (rc == DB_OK)
		return;
	if (broken)
		log_msg(LOG_ERROR, "a savepoint failed, the batch is rolled back: %s", db_errmsg(w->d));
	int again = 0;
	enum tx_result failed = commit_failed(w->d, rc, &again);
	db_rollback(w->d);
	for (struct job *j = batch; j; j = j->next) {
		if (j->result == TX_DONE) {
			j->result = failed;
			j->again = again;
		}
	}
}

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	for (;;) {
		pthread_mutex_lock(&w->mu);
		while (!w->head && !w->stop)
			pthread_cond_wait(&w->has_jobs, &w->mu);
		if (!w->head && w->stop) {
			pthread_mutex_unlock(&w->mu);
			return NULL;
		}
		struct job *batch = w->head, *last = batch;
		for (int n = 1; last->next && n < BATCH_MAX; n++)
			last = last->next;
		w->head = last->next;
		if (!w->head)
			w->tail = NULL;
		last->next = NULL;
		pthread_mutex_unlock(&w->mu);

		run_batch(w, batch);

		pthread_mutex_lock(&w->mu);
		for (struct job *j = batch; j; j = j->next)
			j->done = 1;
		pthread_cond_broadcast(&w->done);
		pthread_mutex_unlock(&w->mu);
	}
}

static enum tx_result writer_submit(struct writer *w, tx_work work, void *arg, int *again)
{
	struct job j = {.work = work, .arg = arg};
	pthread_mutex_lock(&w->mu);
	if (w->tail)
		w->tail->next = &j;
	else
		w->head = &j;
	w->tail = &j;
	pthread_cond_signal(&w->has_jobs);
	while (!j.done)
		pthread_cond_wait(&w->done, &w->mu);
	pthread_mutex_unlock(&w->mu);
	db_thread_statements_credit(j.statements);
	*again = j.again;
	return j.result;
}

static struct writer *writer_start(const char *url, char *err, unsigned long errlen)
{
	struct writer *w = xcalloc(1, sizeof *w);
	if (db_open(url, &w->d, err, errlen) != DB_OK) {
		free(w);
		return NULL;
	}
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->has_jobs, NULL);
	pthread_cond_init(&w->done, NULL);
	if (pthread_create(&w->thread, NULL, writer_main, w)) {
		snprintf(err, errlen, "cannot start the writer thread");
		db_close(w->d);
		free(w);
		return NULL;
	}
	return w;
}

static void writer_stop(struct writer *w)
{
	if (!w)
		return;
	thread_stop(w->thread, &w->mu, &w->has_jobs, &w->stop);
	db_close(w->d);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->has_jobs);
	pthread_cond_destroy(&w->done);
	free(w);
}

/* --- runners --- */

tx_runner *tx_open(const char *url, int connections, int batch, char *err, unsigned long errlen)
{
	tx_runner *t = xcalloc(1, sizeof *t);
	t->pool = db_pool_open(url, connections, err, errlen);
	if (!t->pool) {
		free(t);
		return NULL;
	}
	db *probe = db_pool_take(t->pool);
	int sqlite = db_dialect(probe) == DB_SQLITE;
	db_pool_give(t->pool, probe);
	int group = batch == TX_BATCH_ALL || (batch == TX_BATCH_SQLITE && sqlite);
	if (group && !(t->writer = writer_start(url, err, errlen))) {
		db_pool_close(t->pool);
		free(t);
		return NULL;
	}
	return t;
}

tx_runner *tx_wrap(db *d)
{
	tx_runner *t = xcalloc(1, sizeof *t);
	t->single = d;
	return t;
}

void tx_close(tx_runner *t)
{
	if (!t)
		return;
	writer_stop(t->writer);
	if (t->pool)
		db_pool_close(t->pool);
	free(t);
}

int tx_batches(const tx_runner *t) { return t->writer != NULL; }

db *tx_take(tx_runner *t)
{
	return t->single ? t->single : db_pool_take(t->pool);
}

void tx_give(tx_runner *t, db *d)
{
	if (t->single)
		db_rollback(d);
	else
		db_pool_give(t->pool, d);
}

/* One attempt on a connection of our own: begin, work, commit (or roll back). */
static enum tx_result run_direct(db *d, enum tx_mode mode, tx_work work, void *arg, int *again)
{
	if (mode == TX_OWN)
		return work(arg, d) == TX_COMMIT ? TX_DONE : TX_FAILED;
	int rc = db_begin(d, mode == TX_WRITE);
	if (rc != DB_OK)
		return begin_failed(rc, again);
	enum tx_verdict v = work(arg, d);
	if (v != TX_COMMIT) {
		db_rollback(d);
		*again = v == TX_AGAIN;
		return v == TX_AGAIN ? TX_BUSY : TX_FAILED;
	}
	rc = db_commit(d);
	if (rc == DB_OK)
		return TX_DONE;
	enum tx_result r = commit_failed(d, rc, again);
	db_rollback(d);
	return r;
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

enum tx_result tx_run(tx_runner *t, enum tx_mode mode, tx_work work, void *arg)
{
	int64_t start = mono_ms();
	for (unsigned pause_us = 1000;; pause_us = pause_us * 2 > PAUSE_MAX_US ? PAUSE_MAX_US : pause_us * 2) {
		int again = 0;
		enum tx_result r;
		if (mode == TX_WRITE && t->writer) {
			r = writer_submit(t->writer, work, arg, &again);
		} else {
			db *d = tx_take(t);
			r = run_direct(d, mode, work, arg, &again);
			tx_give(t, d);
		}
		if (!again || mono_ms() - start + pause_us / 1000 > TX_BUSY_BUDGET_MS) {
			t->runs++;
			t->busy += r == TX_BUSY;
			t->failed += r != TX_DONE;
			return r;
		}
		t->retries++;
		usleep(pause_us);
	}
}

void tx_stats(tx_runner *t, struct tx_stats *out)
{
	*out = (struct tx_stats){.runs = t->runs, .retries = t->retries, .busy = t->busy, .failed = t->failed};
	if (t->pool)
		db_pool_stats(t->pool, &out->connections, &out->in_use, &out->waits);
}
