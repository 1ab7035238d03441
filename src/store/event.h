#ifndef FL_EVENT_H
#define FL_EVENT_H
/* The history: every change appends one event in the same transaction as the change.
 *
 * Chains.  An organization's events form hash chains: one per case (the events of the case, and a
 * new customer's event recorded with the case it was created for) and the organization's own (the
 * events without a case, a scheduler pass's events, and every event written before migration
 * 0039).  Each event has its place in its chain, link = 1, 2, ..., and
 *   hash = BLAKE2b-256(prev_hash || canonical bytes)   (hex, 64 characters)
 * where the canonical bytes are the fields joined by '\n' in this order:
 *   link, seq, at, actor_id, kind, entity_type, entity_id, case_id ("" if none), data (compact
 *   JSON, sorted keys);
 * events written before 0039 (link NULL) lack the link (event_hash_v1).  A chain starts from 64
 * '0's; its head (org_heads for the organization's chain: last_link, last_hash and last_seq, the
 * seq of its last event; case_heads for a case's) holds its last link and hash, so a deleted tail
 * is detected.  A writer locks the head of the chain it appends to until it commits: the
 * organization's writes wait on each other only when they touch the same case.
 *
 * seq is the organization-wide position: unique, increasing in the order events were appended
 * (the timeline's order, the cursor of webhooks and live pages).  SQLite: the next after the
 * organization's highest (one writer).  PostgreSQL: drawn from the organization's sequence without
 * a lock (migration 0039), so numbers are committed out of order and may have gaps; a reader that
 * follows seq asks event_ready how far it may go.  Within one chain, seq increases with link.
 *
 * Seals.  event_seal appends to the organization's chain an audit.sealed event whose data is
 * {"cases": n, "digest": hex}: the BLAKE2b-256 of the lines "case_id link hash\n", sorted by case
 * id (byte order), of every case head changed since the previous seal; the lines are kept in
 * chain_seals.  The organization's head, which a signed checkpoint signs (store/checkpoint.h), so
 * commits to every case head up to the last seal. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

#define EVENT_HASH_HEX 65

/* Start the chain of a new organization (inside the transaction that creates it); on PostgreSQL
 * also its sequences (events.seq, case numbers). */
int event_chain_init(db *d, const char *org_id);

/* Append one event.  data is borrowed (NULL means {}).  Returns DB_OK or a DB_ error. */
int event_append(db *d, const char *org_id, int64_t at, const char *actor_id, const char *kind,
		 const char *entity_type, const char *entity_id, const char *case_id, json_t *data);
/* The same, noting the id of the HTTP request that caused it (the X-Request-Id its client got and
 * the "req" of its log lines; NULL: none).  The id is outside the hash chain: it ties the
 * history to the logs, it is not part of what happened. */
int event_append_req(db *d, const char *org_id, int64_t at, const char *actor_id, const char *kind, const char *entity_type,
		     const char *entity_id, const char *case_id, json_t *data, const char *request_id);
/* The same on the chain of case `chain` (NULL: the organization's), whatever case_id says: a new
 * customer's event goes on the chain of the case it is created for, before that case exists. */
int event_append_on(db *d, const char *chain, const char *org_id, int64_t at, const char *actor_id, const char *kind,
		    const char *entity_type, const char *entity_id, const char *case_id, json_t *data, const char *request_id);

/* A batch of appends (a scheduler pass): between event_batch_begin and event_batch_end on this
 * thread and handle, every event goes on its organization's chain, whose head is read (and its row
 * locked) by the first append and then kept here, with the seq numbers (drawn in blocks on
 * PostgreSQL).  An append computes the event's link, seq and hash at once and keeps its row back
 * (db_hold, store/db.h): the events appended between two other statements on the handle are
 * written together, in multi-row INSERTs of up to 128 rows, just before the next one, so every
 * statement (a read of events too) sees them, and the chain is the one single appends would make.
 * An INSERT's error is returned by the statement that sent it.  event_batch_end sends what is
 * kept and writes the heads back (flush 1), or forgets both (flush 0, the transaction is being
 * rolled back).  Nothing may read org_heads inside the batch.  event_batch_end returns DB_OK or
 * the first error. */
void event_batch_begin(db *d);
int event_batch_end(db *d, int flush);

/* The hash of one event from its fields: linked (written since 0039) and v1 (before; link NULL).
 * Exposed for tests and verification. */
void event_hash(const char *prev_hex, int64_t link, int64_t seq, int64_t at, const char *actor_id, const char *kind,
		const char *entity_type, const char *entity_id, const char *case_id, const char *data, char out[EVENT_HASH_HEX]);
void event_hash_v1(const char *prev_hex, int64_t seq, int64_t at, const char *actor_id, const char *kind, const char *entity_type,
		   const char *entity_id, const char *case_id, const char *data, char out[EVENT_HASH_HEX]);

/* Seal org_id's case heads changed since its last seal (see above), at time at, inside the
 * caller's transaction (their rows stay locked until it ends); *cases (may be NULL) = how many
 * (0: nothing changed, no event).  event_seal_all does it for every organization that needs it.
 * Return DB_OK or a DB_ error. */
int event_seal(db *d, const char *org_id, int64_t at, int64_t *cases);
int event_seal_all(db *d, int64_t at);

/* One line of a seal, a case head.  event_seal_digest sorts lines by case id (byte order) and
 * digests them; event_seal_lines_free frees n lines and the array. */
struct event_seal_line {
	char *case_id; /* owned */
	int64_t link;
	char hash[EVENT_HASH_HEX];
};
void event_seal_digest(struct event_seal_line *lines, size_t n, char out[EVENT_HASH_HEX]);
void event_seal_lines_free(struct event_seal_line *lines, size_t n);

/* How far a reader that follows seq may go: every event with seq <= *upto is committed and
 * visible to the reader's next statement, or will never exist (PostgreSQL: the highest seq, but
 * below the lowest one a running writer holds; migration 0039 fl_events_ready).  SQLite: INT64_MAX
 * (one writer, commits in order).  event_ready_head: the same as a number (SQLite: the highest
 * seq; 0 when none), where a reader starting "now" starts. */
int event_ready(db *d, const char *org_id, int64_t *upto);
int event_ready_head(db *d, const char *org_id, int64_t *head);

/* After rows were copied in (copy-db): the counters that draw seq and case numbers past the
 * highest the tables hold (PostgreSQL's sequences, SQLite's case_counters). */
int event_sync_counters(db *d);

/* An organization's chain head: the seq of the last event of the organization's chain and its
 * hash (0 and 64 '0's before the first event). */
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

/* Check an organization's history (store/event_verify.c): the organization's chain from its first
 * event to the head recorded in org_heads (read first, so events appended meanwhile by other
 * connections are left for the next check); every case's chain from link 1 to its case_heads row;
 * every seal's digest against its lines in chain_seals; and every sealed (case, link, hash) still
 * in its chain (a case edited, cut or removed with its head after a seal).
 * When anchor is not NULL (a head signed into a checkpoint earlier, see store/checkpoint.h), the
 * organization's chain must also still hold event anchor->seq with hash anchor->hash; as each hash
 * covers every event before it, and the seals the case heads, that proves the history up to it is
 * the one checkpointed, even when someone who could write the database recomputed every chain,
 * seal and head.
 * Returns 0 when intact, 1 when tampered (out->bad_seq, out->msg say where: the lowest seq found
 * wrong), -1 on a storage error. */
int event_verify(db *d, const char *org_id, const struct event_head *anchor, struct event_verdict *out);

#endif
