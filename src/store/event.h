#ifndef FL_EVENT_H
#define FL_EVENT_H
/* The history: every change appends one event in the same transaction as the change.
 * Each organization's events form a hash chain:
 *   hash = BLAKE2b-256(prev_hash || canonical bytes)   (hex, 64 characters)
 * where the canonical bytes are the fields joined by '\n' in this order:
 *   seq, at, actor_id, kind, entity_type, entity_id, case_id ("" if none), data (compact JSON, sorted keys).
 * The chain starts from 64 '0's; org_heads keeps the last seq and hash so a deleted tail is detected. */
#include <jansson.h>
#include <stdint.h>

#include "store/db.h"

#define EVENT_HASH_HEX 65

/* Start the chain of a new organization (inside the transaction that creates it). */
int event_chain_init(db *d, const char *org_id);

/* Append one event.  data is borrowed (NULL means {}).  Returns DB_OK or a DB_ error. */
int event_append(db *d, const char *org_id, int64_t at, const char *actor_id, const char *kind,
		 const char *entity_type, const char *entity_id, const char *case_id, json_t *data);

/* Compute the hash of one event from its fields (exposed for tests and copy-db). */
void event_hash(const char *prev_hex, int64_t seq, int64_t at, const char *actor_id, const char *kind,
		const char *entity_type, const char *entity_id, const char *case_id, const char *data,
		char out[EVENT_HASH_HEX]);

/* Check an organization's whole chain.  Returns 0 when intact, 1 when tampered (first bad seq
 * in *bad_seq and a description in msg), -1 on a storage error. */
int event_verify(db *d, const char *org_id, int64_t *bad_seq, int64_t *count, char *msg, unsigned long msglen);

#endif
