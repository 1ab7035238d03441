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
/* The same, noting the id of the HTTP request that caused it (the X-Request-Id its client got and
 * the "req" of its log lines; NULL: none).  The id is outside the hash chain: it ties the
 * history to the logs, it is not part of what happened. */
int event_append_req(db *d, const char *org_id, int64_t at, const char *actor_id, const char *kind, const char *entity_type,
		     const char *entity_id, const char *case_id, json_t *data, const char *request_id);

/* A batch of appends (a scheduler pass): between event_batch_begin and event_batch_end on this
 * thread and handle, each organization's head is read (and its row locked) by the first append,
 * then kept here: every further append is one INSERT, and event_batch_end writes the heads back
 * (flush 1) or forgets them (flush 0, the transaction is being rolled back).  The chain and every
 * hash are the same as one append at a time.  Nothing may read org_heads inside the batch.
 * event_batch_end returns DB_OK or the first error. */
void event_batch_begin(db *d);
int event_batch_end(db *d, int flush);

/* Compute the hash of one event from its fields (exposed for tests and copy-db). */
void event_hash(const char *prev_hex, int64_t seq, int64_t at, const char *actor_id, const char *kind,
		const char *entity_type, const char *entity_id, const char *case_id, const char *data,
		char out[EVENT_HASH_HEX]);

/* An organization's chain head: the last sequence number and that event's hash (0 and 64 '0's
 * before the first event). */
struct event_head {
	int64_t seq;
	char hash[EVENT_HASH_HEX];
};

/* What event_verify found. */
struct event_verdict {
	int64_t events;          /* events checked */
	int64_t bad_seq;         /* when tampered: the first sequence number found wrong */
	struct event_head head;  /* the head that was checked (as recorded in org_heads) */
	char msg[256];           /* "N events, chain intact" or what is wrong */
};

/* Check an organization's chain: every event from 1 up to the head recorded in org_heads, which
 * is read first, so events appended meanwhile by other connections are left for the next check.
 * When anchor is not NULL (a head signed into a checkpoint earlier, see store/checkpoint.h), the
 * chain must also still hold event anchor->seq with hash anchor->hash; as each hash covers every
 * event before it, that proves events 1..anchor->seq are the ones checkpointed, even when someone
 * who could write the database recomputed the whole chain and its head.
 * Returns 0 when intact, 1 when tampered (out->bad_seq, out->msg say where), -1 on a storage error. */
int event_verify(db *d, const char *org_id, const struct event_head *anchor, struct event_verdict *out);

#endif
