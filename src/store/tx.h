#ifndef FL_STORE_TX_H
#define FL_STORE_TX_H
/* One unit of work: run a piece of work inside one transaction, retry it while the database is
 * busy, and say whether it committed.  The HTTP server, the command line and the scheduler all
 * run their work through tx_run, so a success anywhere means the same thing: committed to disk.
 *
 * A runner owns its connections.  On SQLite a server's runner (tx_open with batching) hands every
 * write to one writer thread (group commit): SQLite has one writer at a time and every commit is
 * an fsync, so the writer runs each piece of work in its own savepoint inside one transaction and
 * commits the batch with one fsync.  A caller of tx_run learns its result only after that commit
 * returned.  On PostgreSQL (and for reads) the work runs on a pooled connection in its own
 * transaction. */
#include "store/db.h"

typedef struct tx_runner tx_runner;

enum tx_mode {
	TX_READ,  /* a read transaction */
	TX_WRITE, /* a write transaction (batched on SQLite when the runner batches) */
	TX_OWN,   /* the work opens and commits its own transactions: tx_run only lends a connection */
};

/* The work's verdict, returned by a tx_work function. */
enum tx_verdict {
	TX_COMMIT = 0, /* keep what the work did */
	TX_ROLLBACK,   /* the work failed (its error is its own, kept in its argument): undo everything */
	TX_AGAIN,      /* the database was busy: undo, wait a little, run the work again */
};

/* Runs on d inside the transaction (or with no transaction, TX_OWN).  It may run more than once
 * (after TX_AGAIN, or when a commit was busy), so it must reset what it fills in arg. */
typedef enum tx_verdict (*tx_work)(void *arg, db *d);

/* What tx_run did; a store-level error kind that callers map to their own errors in one place. */
enum tx_result {
	TX_DONE = 0,    /* the work said commit, and (writes) the commit returned: durable */
	TX_FAILED,      /* the work said roll back; nothing of it remains */
	TX_BUSY,        /* the database stayed busy through every attempt; nothing remains */
	TX_CONFLICT,    /* the commit was refused by a constraint; nothing remains */
	TX_UNAVAILABLE, /* the database can't be reached (connection lost, restarting); not retried */
	TX_NOT_STARTED, /* a transaction could not be opened (another storage error) */
	TX_NOT_SAVED,   /* the commit failed: nothing was saved */
};

/* Whether a runner hands its writes to one group-commit writer (see above). */
enum tx_batch {
	TX_BATCH_NONE = 0, /* every write on a pooled connection, in its own transaction */
	TX_BATCH_SQLITE,   /* group commit on SQLite (one writer at a time anyway); pooled on PostgreSQL */
	TX_BATCH_ALL,      /* group commit on either backend: on PostgreSQL one transaction per batch takes
			    * each organization's chain head (store/event.h) once, not once per write */
};

/* A runner over `connections` pooled connections to url, batching writes as `batch` says.  Returns
 * NULL with a message in err. */
tx_runner *tx_open(const char *url, int connections, int batch, char *err, unsigned long errlen);
/* A runner over one connection the caller keeps (the command line, in-process harnesses): no
 * pool, no writer thread.  d must outlive the runner; tx_close does not close it. */
tx_runner *tx_wrap(db *d);
/* Stop the writer (after its last batch), close owned connections, free the runner. */
void tx_close(tx_runner *t);

/* Whether the runner's writes go through the group-commit writer (a caller of tx_run(TX_WRITE) then
 * waits for another thread's commit: http/offload.h). */
int tx_batches(const tx_runner *t);

/* Borrow a connection outside any unit of work (readiness probe); give it back. */
db *tx_take(tx_runner *t);
void tx_give(tx_runner *t, db *d);

/* Run work(arg, d) as one unit of work; see enum tx_result.  Busy is retried with a growing
 * pause for up to TX_BUSY_BUDGET_MS (the backends already wait for locks themselves). */
#define TX_BUSY_BUDGET_MS 2000
enum tx_result tx_run(tx_runner *t, enum tx_mode mode, tx_work work, void *arg);

/* What a runner has done since it opened, for the metrics (GET /metrics). */
struct tx_stats {
	int connections;  /* pooled connections (0 for a wrapped one) */
	int in_use;	  /* lent out now (to a unit of work or a probe) */
	uint64_t waits;	  /* takes that waited for a free connection */
	uint64_t runs;	  /* units of work run (tx_run calls) */
	uint64_t retries; /* attempts run again because the database was busy */
	uint64_t busy;	  /* units of work that stayed busy through every attempt */
	uint64_t failed;  /* units of work that did not commit (rolled back, conflict, not saved, ...) */
};
void tx_stats(tx_runner *t, struct tx_stats *out);

#endif
