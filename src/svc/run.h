#ifndef FL_SVC_RUN_H
#define FL_SVC_RUN_H
/* Running one operation as one unit of work (store/tx.h), the same way for the HTTP server and
 * the command line: a read transaction for GET, a write transaction otherwise (R_OWN_TX: the
 * operation's own), retried while the database is busy; an Idempotency-Key answer is replayed
 * or stored inside the same transaction. */
#include "store/idem.h"
#include "store/tx.h"
#include "svc/router.h"

struct svc_call {
	/* in */
	svc_ctx *c;                   /* actor, clock, now; c->db is set only while the work runs */
	const struct route_match *m;  /* the route and its path parameters */
	json_t *in;                   /* borrowed, NULL = {}; checked against the route's input spec */
	const char *idem_key;         /* Idempotency-Key or NULL; never used for R_PUBLIC or R_LOGOUT routes */
	char idem_hash[IDEM_HASH_SIZE]; /* idem_request_hash of the request, when idem_key is set */
	int64_t idem_since;           /* replay only answers stored at or after this time (ms) */
	/* out */
	int status;  /* success status (the route's, or the replayed one) */
	json_t *out; /* new reference on success */
	int replay;  /* 1 when out is a stored answer */
};

/* Run k's route on t.  Returns 0 with k->status and k->out (caller frees), or -1 with k->c->err
 * set.  The error keeps its kind from the store up: still busy after retries is ERR_BUSY "busy",
 * a database that can't be reached ERR_UNAVAILABLE "database_unavailable", a commit refused by a constraint ERR_CONFLICT "conflict", a failed commit ERR_INTERNAL
 * "commit_failed"; a success means the transaction committed. */
int svc_run(tx_runner *t, struct svc_call *k);

/* A service's result (0, or -1 with c->err) as the verdict of its unit of work: commit, roll
 * back, or run again when the database was busy (ERR_BUSY; a database that can't be reached is not
 * retried blindly: a commit in flight may have happened). */
enum tx_verdict svc_verdict(const svc_ctx *c, int rc);

#endif
