#ifndef FL_STORE_IDEM_H
#define FL_STORE_IDEM_H
/* The idempotency table: the stored answer of a write sent with an Idempotency-Key, so that the
 * same request sent again (a retry after a lost answer) is answered without running twice.
 *
 * A key belongs to one person of one organization.  Rows older than the caller's time-to-live
 * are never replayed and are deleted by idem_purge (the server calls it periodically).  The
 * caller stores no secret in `body` (svc/run.c takes out the fields of routes flagged R_SECRET). */
#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

#define IDEM_HASH_SIZE 65 /* hex BLAKE2b-256 + NUL */

/* Hash of the request a key was first used with (method, path, body). */
void idem_request_hash(const char *method, const char *path, const char *body, size_t len, char out[IDEM_HASH_SIZE]);

enum { IDEM_NEW = 0, IDEM_FOUND = 1, IDEM_OTHER_REQUEST = 2 };

/* Look the key up among rows created at or after `since` (ms).  Returns IDEM_FOUND with *status
 * and *body (new string, caller frees) when the same request was answered before; IDEM_NEW when
 * there is no live row (an expired row for the key is deleted); IDEM_OTHER_REQUEST when the key
 * was used with another request; or a DB_* error (< 0). */
int idem_lookup(db *d, const char *org_id, const char *person_id, const char *key, const char *hash, int64_t since,
		int *status, char **body);

/* Store the answer of a request run under key (inside the request's transaction).  DB_OK or a DB_* error. */
int idem_store(db *d, const char *org_id, const char *person_id, const char *key, const char *hash, int status,
	       const char *body, int64_t now);

/* Delete rows created before `before` (ms); *deleted (may be NULL) gets the count.  DB_OK or a DB_* error. */
int idem_purge(db *d, int64_t before, int64_t *deleted);

#endif
