#include "store/event.h"

#include <inttypes.h>
#include <sodium.h>
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
	int64_t seq = db_int(r, 0);
	char prev[EVENT_HASH_HEX];
	str_copy(prev, sizeof prev, db_text(r, 1));
	/* drain so the statement completes before the next write */
	while ((rc = db_next(r)) == 1)
		;
	db_res_discard(r);
	if (rc < 0)
		return rc;

	char *text = data ? json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII) : xstrdup("{}");
	if (!text)
		fl_die("out of memory");
	char hash[EVENT_HASH_HEX];
	event_hash(prev, seq, at, actor_id, kind, entity_type, entity_id, case_id, text, hash);
	rc = db_exec(d,
		     "INSERT INTO events (org_id, seq, at, actor_id, kind, entity_type, entity_id, case_id, data, "
		     "prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
		     DB_ARGS(DB_TXT(org_id), DB_INT(seq), DB_INT(at), DB_TXT(actor_id), DB_TXT(kind), DB_TXT(entity_type),
			     DB_TXT(entity_id), DB_TXT(case_id), DB_TXT(text), DB_TXT(prev), DB_TXT(hash)),
		     NULL);
	free(text);
	if (rc != DB_OK)
		return rc;
	return db_exec(d, "UPDATE org_heads SET last_hash = ? WHERE org_id = ?", DB_ARGS(DB_TXT(hash), DB_TXT(org_id)),
		       NULL);
}

int event_verify(db *d, const char *org_id, int64_t *bad_seq, int64_t *count, char *msg, unsigned long msglen)
{
	db_res *r;
	char prev[EVENT_HASH_HEX];
	memcpy(prev, ZERO_HASH, sizeof prev);
	int64_t expect = 1, n = 0;
	int result = 0;
	if (db_query(d,
		     "SELECT seq, at, actor_id, kind, entity_type, entity_id, case_id, data, prev_hash, hash "
		     "FROM events WHERE org_id = ? ORDER BY seq",
		     DB_ARGS(DB_TXT(org_id)), &r) != DB_OK)
		return -1;
	int rc;
	while ((rc = db_next(r)) == 1) {
		int64_t seq = db_int(r, 0);
		char h[EVENT_HASH_HEX];
		if (seq != expect) {
			snprintf(msg, msglen, "event %" PRId64 " is missing (next present is %" PRId64 ")", expect, seq);
			*bad_seq = expect;
			result = 1;
			break;
		}
		if (strcmp(db_text(r, 8), prev) != 0) {
			snprintf(msg, msglen, "event %" PRId64 ": previous hash does not match the chain", seq);
			*bad_seq = seq;
			result = 1;
			break;
		}
		event_hash(prev, seq, db_int(r, 1), db_text(r, 2), db_text(r, 3), db_text(r, 4), db_text(r, 5),
			   db_text(r, 6), db_text(r, 7), h);
		if (strcmp(h, db_text(r, 9)) != 0) {
			snprintf(msg, msglen, "event %" PRId64 " (%s) was modified: its hash does not match its content", seq,
				 db_text(r, 3));
			*bad_seq = seq;
			result = 1;
			break;
		}
		memcpy(prev, h, sizeof prev);
		expect++;
		n++;
	}
	db_res_discard(r);
	if (rc < 0)
		return -1;
	if (result == 0) {
		if (db_query(d, "SELECT last_seq, last_hash FROM org_heads WHERE org_id = ?", DB_ARGS(DB_TXT(org_id)), &r) !=
		    DB_OK)
			return -1;
		if (db_next(r) == 1 && (db_int(r, 0) != n || strcmp(db_text(r, 1), prev) != 0)) {
			snprintf(msg, msglen, "the chain ends at event %" PRId64 " but the head records event %" PRId64
				 ": events were deleted", n, db_int(r, 0));
			*bad_seq = n + 1;
			result = 1;
		}
		if (db_res_close(r) != DB_OK)
			return -1;
	}
	if (count)
		*count = n;
	if (result == 0)
		snprintf(msg, msglen, "%" PRId64 " events, chain intact", n);
	return result;
}
