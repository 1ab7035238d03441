#include "store/replica.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/thread.h"
#include "base/util.h"

#define MEASURE_EVERY_MS 1000

struct replica {
	tx_runner *tx;
	int64_t max_lag_ms;
	_Atomic int64_t lag_ms; /* the last measure; -1 = unreachable */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stopping;
};

/* The standby's own view of its lag (see replica.h), in ms; -1 when it is not a standby.  A
 * standby that streams and has replayed everything it received is current; one that has not, or
 * whose WAL receiver is not streaming, is as stale as its last replayed transaction (never
 * replayed anything: a day, past any sensible bound). */
static const char LAG_SQL[] =
	"SELECT CASE WHEN NOT pg_is_in_recovery() THEN -1"
	" WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()"
	"  AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') THEN 0"
	" ELSE COALESCE(GREATEST(0, EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000),"
	" 86400000) END::bigint";

static int64_t measure(replica *r)
{
	db *d = tx_take(r->tx);
	int64_t lag = -1;
	int found = 0;
	if (db_scalar_int(d, LAG_SQL, DB_NOARGS, &lag, &found) != DB_OK || !found)
		lag = -1;
	else if (lag < 0) /* no longer a standby (promoted): its data is no bound we can keep */
		lag = -1;
	tx_give(r->tx, d);
	return lag;
}

static void *measurer(void *arg)
{
	replica *r = arg;
	pthread_mutex_lock(&r->mu);
	while (!r->stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += MEASURE_EVERY_MS / 1000;
		pthread_cond_timedwait(&r->cv, &r->mu, &until);
		if (r->stopping)
			break;
		pthread_mutex_unlock(&r->mu);
		atomic_store(&r->lag_ms, measure(r));
		pthread_mutex_lock(&r->mu);
	}
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

replica *replica_open(const char *url, int connections, int64_t max_lag_ms, char *err, unsigned long errlen)
{
	if (strncmp(url, "postgres", 8) != 0) {
		snprintf(err, errlen, "the read replica must be a PostgreSQL hot standby (postgres://...)");
		return NULL;
	}
	tx_runner *tx = tx_open(url, connections + 1, TX_BATCH_NONE, err, errlen); /* + 1: the measurer's */
	if (!tx)
		return NULL;
	replica *r = xcalloc(1, sizeof *r);
	r->tx = tx;
	r->max_lag_ms = max_lag_ms;
	int64_t lag = -1;
	int found = 0;
	db *d = tx_take(tx);
	int rc = db_scalar_int(d, "SELECT CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END", DB_NOARGS, &lag, &found);
	tx_give(tx, d);
	if (rc != DB_OK || !found || lag != 1) {
		snprintf(err, errlen, "the read replica %s", rc == DB_OK ? "is not a standby (not in recovery)" : "cannot be queried");
		tx_close(tx);
		free(r);
		return NULL;
	}
	atomic_store(&r->lag_ms, measure(r));
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	if (pthread_create(&r->thread, NULL, measurer, r) != 0)
		fl_die("cannot start the read replica's measuring thread");
	return r;
}

void replica_close(replica *r)
{
	if (!r)
		return;
	thread_stop(r->thread, &r->mu, &r->cv, &r->stopping);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
	tx_close(r->tx);
	free(r);
}

tx_runner *replica_runner(replica *r)
{
	int64_t lag = atomic_load(&r->lag_ms);
	return lag >= 0 && lag <= r->max_lag_ms ? r->tx : NULL;
}

void replica_failed(replica *r)
{
	atomic_store(&r->lag_ms, -1);
}

void replica_status(replica *r, struct replica_status *out)
{
	out->lag_ms = atomic_load(&r->lag_ms);
	out->max_lag_ms = r->max_lag_ms;
	out->reading = replica_runner(r) != NULL;
}
