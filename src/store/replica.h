#ifndef FL_STORE_REPLICA_H
#define FL_STORE_REPLICA_H
/* A PostgreSQL hot standby that reports and searches may read from (serve --read-replica URL).
 *
 * Staleness is bounded: the standby is read only while its replay lag is at most max_lag_ms.  The
 * lag is what the standby says of itself: 0 while it streams from the primary and has replayed all
 * it received, otherwise the time since the last transaction it replayed (so a standby cut off from
 * its primary grows stale by the clock, even when nothing is written).  It is measured at most once
 * a second, by whichever request asks first.  Past the bound, or when the standby cannot be
 * reached, reads go to the primary until a later measure finds it caught up.  Writes, sign-ins
 * and the scheduler never use it.  Thread-safe. */
#include <stdint.h>

#include "store/tx.h"

typedef struct replica replica;

/* Open `connections` read connections to url, which must be a PostgreSQL standby (in recovery).
 * Returns NULL with a message in err. */
replica *replica_open(const char *url, int connections, int64_t max_lag_ms, char *err, unsigned long errlen);
void replica_close(replica *r);

/* The runner a staleness-tolerant read should use: the standby's while its lag is within the
 * bound, else NULL (read from the primary). */
tx_runner *replica_runner(replica *r);
/* A read on the standby found it unreachable: use the primary until the next measure. */
void replica_failed(replica *r);

/* What the last measure found, for /readyz and the metrics: the lag in ms (-1: unreachable), the
 * bound, and whether reads go to the standby now. */
struct replica_status {
	int64_t lag_ms;
	int64_t max_lag_ms;
	int reading;
};
void replica_status(replica *r, struct replica_status *out);

#endif
