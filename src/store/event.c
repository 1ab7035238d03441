#include "store/event.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

static const char ZERO_HASH[] = "0000000000000000000000000000000000000000000000000000000000000000";

int event_chain_init(db *d, const char *org_id)
{
	return db_exec(d, "INSERT INTO org_heads (org_id, last_seq, last_hash) VALUES (?, 0, ?)",
		       DB_ARGS(DB_TXT(org_id), DB_TXT(ZERO_HASH)), NULL);
}

static void feed(crypto_generichash_state *st, const char *s)
{
	crypto_generichash_update(st, (const unsigned char *)s, strlen(s));
	crypto_generichash_update(st, (const unsigned char *)"\n", 1);
}

void event_hash(const char *prev_hex, int64_t seq, int64_t at, const char *actor_id, const char *kind,
		const char *entity_type, const char *entity_id, const char *case_id, const char *data,
		char out[EVENT_HASH_HEX])
{
	crypto_generichash_state st;
	unsigned char h[32];
	char num[32];
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	feed(&st, prev_hex);
	snprintf(num, sizeof num, "%" PRId64, seq);
	feed(&st, num);
	snprintf(num, sizeof num, "%" PRId64, at);
	feed(&st, num);
	feed(&st, actor_id);
	feed(&st, kind);
	feed(&st, entity_type);
	feed(&st, entity_id);
	feed(&st, case_id ? case_id : "");
	crypto_generichash_update(&st, (const unsigned char *)data, strlen(data));
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(out, EVENT_HASH_HEX, h, sizeof h);
}

int event_append(db *d, const char *org_id, int64_t at, const char *actor_id, const char *kind,
		 const char *entity_type, const char *entity_id, const char *case_id, json_t *data)
{
	return event_append_req(d, org_id, at, actor_id, kind, entity_type, entity_id, case_id, data, NULL);
}

/* The heads a batch keeps (event_batch_begin): organizations seen, in order. */
struct batch_head {
	char org_id[64];
	int64_t seq;
	char hash[EVENT_HASH_HEX];
};
static _Thread_local struct {
	db *d; /* NULL: no batch */
	struct batch_head *heads;
	size_t n, cap;
} batch;

void event_batch_begin(db *d)
{
	batch.d = d;
	batch.n = 0;
}

int event_batch_end(db *d, int flush)
{
	int rc = DB_OK;
	if (batch.d != d)
		return DB_OK;
	for (size_t i = 0; flush && rc == DB_OK && i < batch.n; i++)
		rc = db_exec(d, "UPDATE org_heads SET last_seq = ?, last_hash = ? WHERE org_id = ?",
			     DB_ARGS(DB_INT(batch.heads[i].seq), DB_TXT(batch.heads[i].hash), DB_TXT(batch.heads[i].org_id)), NULL);
	batch.d = NULL;
	batch.n = 0;
	free(batch.heads);
	batch.heads = NULL;
	batch.cap = 0;
	return rc;
}

/* The batch's head of org_id, or NULL (no batch on d, or the organization not seen yet). */
static struct batch_head *batch_head(db *d, const char *org_id)
{
	for (size_t i = 0; batch.d == d && i < batch.n; i++)
		if (strcmp(batch.heads[i].org_id, org_id) == 0)
			return &batch.heads[i];
	return NULL;
}

/* Take the next sequence number and the previous hash: from the batch, else from org_heads (the
 * row's update locks it until the transaction ends; a batch keeps the head from then on). */
static int next_link(db *d, const char *org_id, int64_t *seq, char prev[EVENT_HASH_HEX])
{
	struct batch_head *h = batch_head(d, org_id);
	if (h) {
		*seq = h->seq + 1;
		memcpy(prev, h->hash, EVENT_HASH_HEX);
		return DB_OK;
	}
	db_res *r;
	int rc = db_query(d, "UPDATE org_heads SET last_seq = last_seq + 1 WHERE org_id = ? RETURNING last_seq, last_hash",
			  DB_ARGS(DB_TXT(org_id)), &r);
	if (rc != DB_OK)
		return rc;
	rc = db_next(r);
	if (rc != 1) {
		db_res_discard(r);
		return rc < 0 ? rc : DB_ERROR;
	}
	*seq = db_int(r, 0);
	if (str_copy(prev, EVENT_HASH_HEX, db_text(r, 1))) {
		db_res_discard(r);
		return DB_ERROR; /* not a hash this program stored */
	}
	/* drain so the statement completes before the next write */
	while ((rc = db_next(r)) == 1)
		;
	db_res_discard(r);
	if (rc < 0)
		return rc;
	if (batch.d == d && strlen(org_id) < sizeof h->org_id) {
		batch.heads = xgrow(batch.heads, batch.n, &batch.cap, 8, sizeof *batch.heads);
		h = &batch.heads[batch.n++];
		memcpy(h->org_id, org_id, strlen(org_id) + 1);
		h->seq = *seq; /* what org_heads holds now */
		memcpy(h->hash, prev, EVENT_HASH_HEX);
	}
	return DB_OK;
}

int event_append_req(db *d, const char *org_id, int64_t at, const char *actor_id, const char *kind, const char *entity_type,
		     const char *entity_id, const char *case_id, json_t *data, const char *request_id)
{
	int64_t seq;
	char prev[EVENT_HASH_HEX];
	int rc = next_link(d, org_id, &seq, prev);
	if (rc != DB_OK)
		return rc;
	struct batch_head *h = batch_head(d, org_id);

	char *text = data ? json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII) : xstrdup("{}");
	if (!text)
		return DB_ERROR; /* not renderable: refuse the write, never end the process */
	char hash[EVENT_HASH_HEX];
	event_hash(prev, seq, at, actor_id, kind, entity_type, entity_id, case_id, text, hash);
	rc = db_exec(d,
		     "INSERT INTO events (org_id, seq, at, actor_id, kind, entity_type, entity_id, case_id, data, "
		     "prev_hash, hash, request_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
		     DB_ARGS(DB_TXT(org_id), DB_INT(seq), DB_INT(at), DB_TXT(actor_id), DB_TXT(kind), DB_TXT(entity_type),
			     DB_TXT(entity_id), DB_TXT(case_id), DB_TXT(text), DB_TXT(prev), DB_TXT(hash), DB_TXT(request_id)),
		     NULL);
	free(text);
	if (rc != DB_OK)
		return rc;
	if (h) { /* written back by event_batch_end */
		h->seq = seq;
		memcpy(h->hash, hash, EVENT_HASH_HEX);
		return DB_OK;
	}
	return db_exec(d, "UPDATE org_heads SET last_hash = ? WHERE org_id = ?", DB_ARGS(DB_TXT(hash), DB_TXT(org_id)),
		       NULL);
}

static int tampered(struct event_verdict *out, int64_t seq, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Record what is wrong; returns 1 (tampered). */
static int tampered(struct event_verdict *out, int64_t seq, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out->msg, sizeof out->msg, fmt, ap);
	va_end(ap);
	out->bad_seq = seq;
	return 1;
}

/* The head recorded in org_heads: 1 found, 0 none, -1 storage error. */
static int read_head(db *d, const char *org_id, struct event_head *h)
{
	db_res *r;
	if (db_query(d, "SELECT last_seq, last_hash FROM org_heads WHERE org_id = ?", DB_ARGS(DB_TXT(org_id)), &r) != DB_OK)
		return -1;
	int rc = db_next(r);
	if (rc == 1) {
		h->seq = db_int(r, 0);
		if (str_copy(h->hash, sizeof h->hash, db_text(r, 1)))
			rc = -1; /* not a hash this program stored */
	}
	db_res_discard(r);
	return rc;
}

/* Recompute the chain from event 1 to out->head.seq.  The hash of event anchor_seq is left in
 * at_anchor.  Returns 0 when every link holds, 1 when tampered, -1 on a storage error. */
static int walk_chain(db *d, const char *org_id, int64_t anchor_seq, char at_anchor[EVENT_HASH_HEX],
		      struct event_verdict *out)
{
	db_res *r;
	char prev[EVENT_HASH_HEX];
	memcpy(prev, ZERO_HASH, sizeof prev);
	if (db_query(d,
		     "SELECT seq, at, actor_id, kind, entity_type, entity_id, case_id, data, prev_hash, hash "
		     "FROM events WHERE org_id = ? AND seq <= ? ORDER BY seq",
		     DB_ARGS(DB_TXT(org_id), DB_INT(out->head.seq)), &r) != DB_OK)
		return -1;
	int rc, result = 0;
	while ((rc = db_next(r)) == 1) {
		int64_t seq = db_int(r, 0);
		char h[EVENT_HASH_HEX];
		if (seq != out->events + 1) {
			result = tampered(out, out->events + 1, "event %" PRId64 " is missing (next present is %" PRId64 ")",
					  out->events + 1, seq);
			break;
		}
		if (strcmp(db_text(r, 8), prev) != 0) {
			result = tampered(out, seq, "event %" PRId64 ": previous hash does not match the chain", seq);
			break;
		}
		event_hash(prev, seq, db_int(r, 1), db_text(r, 2), db_text(r, 3), db_text(r, 4), db_text(r, 5),
			   db_text(r, 6), db_text(r, 7), h);
		if (strcmp(h, db_text(r, 9)) != 0) {
			result = tampered(out, seq, "event %" PRId64 " (%s) was modified: its hash does not match its content",
					  seq, db_text(r, 3));
			break;
		}
		memcpy(prev, h, sizeof prev);
		if (seq == anchor_seq)
			memcpy(at_anchor, h, EVENT_HASH_HEX);
		out->events++;
	}
	db_res_discard(r);
	if (result == 0 && rc < 0)
		return -1;
	if (result == 0 && (out->events != out->head.seq || strcmp(prev, out->head.hash) != 0))
		result = tampered(out, out->events + 1,
				  "the chain ends at event %" PRId64 " but the head records event %" PRId64
				  ": events were deleted",
				  out->events, out->head.seq);
	return result;
}

int event_verify(db *d, const char *org_id, const struct event_head *anchor, struct event_verdict *out)
{
	memset(out, 0, sizeof *out);
	int rc = read_head(d, org_id, &out->head);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return tampered(out, 1, "the chain's head is missing");
	char at_anchor[EVENT_HASH_HEX];
	memcpy(at_anchor, ZERO_HASH, sizeof at_anchor);
	rc = walk_chain(d, org_id, anchor ? anchor->seq : 0, at_anchor, out);
	if (rc != 0)
		return rc;
	if (anchor && anchor->seq > out->events)
		return tampered(out, out->events + 1,
				"the checkpoint holds event %" PRId64 " but the chain ends at event %" PRId64
				": events were deleted and the head rewritten",
				anchor->seq, out->events);
	if (anchor && strcmp(at_anchor, anchor->hash) != 0)
		return tampered(out, anchor->seq,
				"event %" PRId64 " differs from the checkpoint: the history up to it was rewritten "
				"and the chain recomputed",
				anchor->seq);
	snprintf(out->msg, sizeof out->msg, "%" PRId64 " events, chain intact%s", out->events,
		 anchor ? " and matches the checkpoint" : "");
	return 0;
}
