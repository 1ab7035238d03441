#ifndef FL_SVC_BATCH_H
#define FL_SVC_BATCH_H
/* Reading what many items need in one statement (svc/batch.c): the scheduler's parts read the rows
 * of all their cases at once instead of one case at a time. */
#include "svc/hooks.h"
#include "svc/svc.h"

/* Most ids one batch read lists (with the organization; a statement takes up to DB_MAX_ARGS
 * arguments, store/db.h: reads of 190 cases at a time keep their IN lists short). */
#define BATCH_IDS 190

/* Most ids a scheduler part's take statement lists (an UPDATE of the items it read, by their
 * keys: svc/promises/request_tick.c, breach.c), with their marks padded by batch_padded. */
#define BATCH_TAKE_IDS 1024

/* How many marks a list of k ids (k >= 1) is sent with: the next power of two from 8, the last id
 * repeated, so that a statement has at most 8 texts in the prepared-statement cache. */
size_t batch_padded(size_t k);

/* "?,?,...,?" with n marks (n >= 1; new string, the caller frees it). */
char *batch_marks(size_t n);

/* sql with its `%s` replaced by n marks (new string). */
char *batch_sql(const char *sql, size_t n);

/* Run sql (its arguments: the actor's organization, then the n ids, n <= BATCH_IDS; it has
 * `%s` where the marks of the ids go) and append row(c, r) of each row to the array
 * by_key[db_text(r, key_col)] (created when absent).  Rows keep the statement's order within
 * each key.  Returns 0 or -1 (err set). */
int batch_rows(svc_ctx *c, const char *sql, const char *const *ids, size_t n, int key_col, svc_row_fn row, json_t *by_key);

/* The ids of a batch of breach items (their cases' or their breaches'), each once, in chunks of at
 * most BATCH_IDS of one organization: fn(c, ids, k, arg) with c->actor.org_id set to that
 * organization (the actor is restored after).  Returns 0, or fn's first non-zero (then stops). */
enum batch_id { BATCH_CASES, BATCH_BREACHES };
typedef int (*batch_chunk_fn)(svc_ctx *c, const char *const *ids, size_t k, void *arg);
int batch_each(svc_ctx *c, const struct breach_item *items, size_t n, enum batch_id which, batch_chunk_fn fn, void *arg);

#endif
