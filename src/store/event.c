/* Appending to the history's chains, seals, and how far a seq reader may go (store/event.h).
 * Verification is in event_verify.c. */
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
	int rc = db_exec(d, "INSERT INTO org_heads (org_id, last_seq, last_hash, last_link) VALUES (?, 0, ?, 0)",
			 DB_ARGS(DB_TXT(org_id), DB_TXT(ZERO_HASH)), NULL);
	if (rc != DB_OK || db_dialect(d) != DB_POSTGRES)
		return rc;
	int64_t none;
	return db_scalar_int(d, "SELECT 0 FROM (SELECT fl_org_sequences(?)) s", DB_ARGS(DB_TXT(org_id)), &none, NULL);
}

static void feed(crypto_generichash_state *st, const char *s)
{
	crypto_generichash_update(st, (const unsigned char *)s, strlen(s));
	crypto_generichash_update(st, (const unsigned char *)"\n", 1);
}

static void feed_int(crypto_generichash_state *st, int64_t v)
{
	char num[32];
	snprintf(num, sizeof num, "%" PRId64, v);
	feed(st, num);
}

/* link < 0: the v1 form, without it */
static void hash_of(const char *prev_hex, int64_t link, int64_t seq, int64_t at, const char *actor_id, const char *kind,
		    const char *entity_type, const char *entity_id, const char *case_id, const char *data,
		    char out[EVENT_HASH_HEX])
{
	crypto_generichash_state st;
	unsigned char h[32];
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	feed(&st, prev_hex);
	if (link >= 0)
		feed_int(&st, link);
	feed_int(&st, seq);
	feed_int(&st, at);
	feed(&st, actor_id);
	feed(&st, kind);
	feed(&st, entity_type);
	feed(&st, entity_id);
	feed(&st, case_id ? case_id : "");
	crypto_generichash_update(&st, (const unsigned char *)data, strlen(data));
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(out, EVENT_HASH_HEX, h, sizeof h);
}

void event_hash(const char *prev_hex, int64_t link, int64_t seq, int64_t at, const char *actor_id, const char *kind,
		const char *entity_type, const char *entity_id, const char *case_id, const char *data, char out[EVENT_HASH_HEX])
{
	hash_of(prev_hex, link < 0 ? 0 : link, seq, at, actor_id, kind, entity_type, entity_id, case_id, data, out);
}

void event_hash_v1(const char *prev_hex, int64_t seq, int64_t at, const char *actor_id, const char *kind, const char *entity_type,
		   const char *entity_id, const char *case_id, const char *data, char out[EVENT_HASH_HEX])
{
	hash_of(prev_hex, -1, seq, at, actor_id, kind, entity_type, entity_id, case_id, data, out);
}

int event_append(db *d, const char *org_id, int64_t at, const char *actor_id, const char *kind,
		 const char *entity_type, const char *entity_id, const char *case_id, json_t *data)
{
	return event_append_on(d, case_id, org_id, at, actor_id, kind, entity_type, entity_id, case_id, data, NULL);
}

int event_append_req(db *d, const char *org_id, int64_t at, const char *actor_id, const char *kind, const char *entity_type,
		     const char *entity_id, const char *case_id, json_t *data, const char *request_id)
{
	return event_append_on(d, case_id, org_id, at, actor_id, kind, entity_type, entity_id, case_id, data, request_id);
}

/* --- the batch (a scheduler pass) --- */

/* The heads a batch keeps (event_batch_begin): organizations seen, in order. */
struct batch_head {
	char org_id[64];
	int64_t link, seq; /* the organization chain's last link and its event's seq */
	char hash[EVENT_HASH_HEX];
	int64_t *seqs; /* PostgreSQL: numbers drawn and not used yet; SQLite: next_seq counts */
	size_t nseqs, used, cap, block;
	int64_t next_seq; /* SQLite: the next seq */
};
static _Thread_local struct {
	db *d; /* NULL: no batch */
	struct batch_head *heads;
	size_t n, cap;
	db_arg *rows; /* the events kept back (EVENT_COLS each, texts owned), sent by batch_send */
	size_t nargs, rows_cap;
} batch;

/* An event's columns, as append and batch_send write them. */
#define EVENT_COLS 14
#define EVENT_INSERT                                                                                                   \
	"INSERT INTO events (org_id, seq, at, actor_id, kind, entity_type, entity_id, case_id, data, prev_hash, hash, " \
	"request_id, link, chain) VALUES "
#define EVENT_ROW "(?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
/* The most events one INSERT writes (EVENT_COLS arguments each, at most DB_MAX_ARGS).  A batch's
 * kept events go in statements of 128, 64, ..., 1 rows: at most 8 statement texts. */
#define BATCH_ROWS_MAX 128

static void batch_rows_free(void)
{
	for (size_t i = 0; i < batch.nargs; i++)
		if (batch.rows[i].type == DB_T_TEXT)
			free((char *)batch.rows[i].s);
	free(batch.rows);
	batch.rows = NULL;
	batch.nargs = batch.rows_cap = 0;
}

/* The held events (db_hold), in the order they were appended. */
static int batch_send(db *d)
{
	int rc = DB_OK;
	size_t rows = batch.nargs / EVENT_COLS;
	for (size_t done = 0, k; rc == DB_OK && done < rows; done += k) {
		for (k = BATCH_ROWS_MAX; k > rows - done; k /= 2)
			;
		char *sql = NULL;
		size_t len = 0, cap = 0;
		xappend(&sql, &len, &cap, 1024, EVENT_INSERT, strlen(EVENT_INSERT));
		for (size_t r = 0; r < k; r++) {
			if (r)
				xappend(&sql, &len, &cap, 1024, ",", 1);
			xappend(&sql, &len, &cap, 1024, EVENT_ROW, strlen(EVENT_ROW));
		}
		rc = db_exec(d, sql, batch.rows + done * EVENT_COLS, (int)(k * EVENT_COLS), NULL);
		free(sql);
	}
	batch_rows_free();
	return rc;
}

/* Keep an event's row (its texts copied; text, the data, is taken) for batch_send. */
static void batch_keep(db *d, const db_arg *args, char *text)
{
	for (int i = 0; i < EVENT_COLS; i++) {
		batch.rows = xgrow(batch.rows, batch.nargs, &batch.rows_cap, 16 * EVENT_COLS, sizeof *batch.rows);
		db_arg a = args[i];
		if (a.type == DB_T_TEXT)
			a.s = a.s == text ? text : xstrdup(a.s);
		batch.rows[batch.nargs++] = a;
	}
	db_hold(d, batch_send);
}

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
	if (flush)
		rc = db_release(d);
	else
		db_hold(d, NULL);
	batch_rows_free();
	for (size_t i = 0; flush && rc == DB_OK && i < batch.n; i++)
		rc = db_exec(d, "UPDATE org_heads SET last_link = ?, last_seq = ?, last_hash = ? WHERE org_id = ?",
			     DB_ARGS(DB_INT(batch.heads[i].link), DB_INT(batch.heads[i].seq), DB_TXT(batch.heads[i].hash),
				     DB_TXT(batch.heads[i].org_id)),
			     NULL);
	for (size_t i = 0; i < batch.n; i++)
		free(batch.heads[i].seqs);
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

#define BATCH_BLOCK_MAX 256

/* The batch's next seq for h: SQLite counts on; PostgreSQL draws blocks of 8, 16, ... 256 numbers
 * (those a pass does not use are gaps). */
static int batch_seq(db *d, struct batch_head *h, int64_t *seq)
{
	if (db_dialect(d) != DB_POSTGRES) {
		*seq = h->next_seq++;
		return DB_OK;
	}
	if (h->used == h->nseqs) {
		db_res *r;
		h->block = h->block ? (h->block * 2 > BATCH_BLOCK_MAX ? BATCH_BLOCK_MAX : h->block * 2) : 8;
		int rc = db_query(d, "SELECT fl_event_seqs(?, ?)", DB_ARGS(DB_TXT(h->org_id), DB_INT((int64_t)h->block)), &r);
		if (rc != DB_OK)
			return rc;
		h->nseqs = h->used = 0;
		while ((rc = db_next(r)) == 1) {
			h->seqs = xgrow(h->seqs, h->nseqs, &h->cap, 8, sizeof *h->seqs);
			h->seqs[h->nseqs++] = db_int(r, 0);
		}
		if ((rc = db_res_close(r)) != DB_OK)
			return rc;
		if (h->nseqs == 0)
			return DB_ERROR;
	}
	*seq = h->seqs[h->used++];
	return DB_OK;
}

/* --- appending --- */

/* Where the next event goes: its link and seq, and the hash before it. */
struct link {
	int64_t link, seq;
	char prev[EVENT_HASH_HEX];
};

/* The statements that advance a head by one link and return (last_link, last_hash, the next
 * seq): the head's row stays locked until the transaction ends, and the seq is drawn under that
 * lock, so seq increases with link within a chain.  The seq expression takes the organization as
 * its argument: PostgreSQL's sequence (fl_event_seq, migrations 0039 and 0041), SQLite's next after the
 * highest (one writer). */
#define SEQ_PG	      "fl_event_seq(?)"
#define SEQ_SQLITE    "(SELECT COALESCE(MAX(seq), 0) + 1 FROM events WHERE org_id = ?)"
#define ORG_NEXT(seq) "UPDATE org_heads SET last_link = last_link + 1 WHERE org_id = ? RETURNING last_link, last_hash, " seq
#define CASE_NEXT(seq)                                                                                        \
	"INSERT INTO case_heads (org_id, case_id, last_link, last_hash, sealed_link) VALUES (?, ?, 1, ?, 0) " \
	"ON CONFLICT (org_id, case_id) DO UPDATE SET last_link = case_heads.last_link + 1 "                   \
	"RETURNING last_link, last_hash, " seq

/* Run a head's statement and read its one row into l. */
static int head_row(db *d, const char *sql, const db_arg *args, int n, struct link *l)
{
	db_res *r;
	int rc = db_query(d, sql, args, n, &r);
	if (rc != DB_OK)
		return rc;
	rc = db_next(r);
	if (rc != 1) {
		db_res_discard(r);
		return rc < 0 ? rc : DB_ERROR; /* no head: an organization without its chain */
	}
	l->link = db_int(r, 0);
	l->seq = db_is_null(r, 2) ? 0 : db_int(r, 2);
	if (str_copy(l->prev, EVENT_HASH_HEX, db_text(r, 1))) {
		db_res_discard(r);
		return DB_ERROR; /* not a hash this program stored */
	}
	while ((rc = db_next(r)) == 1) /* drain so the statement completes before the next write */
		;
	db_res_discard(r);
	return rc < 0 ? rc : DB_OK;
}

/* The next place on the organization's chain inside a batch: the kept head, else the head read
 * (and locked) once and kept. */
static int batch_link(db *d, const char *org_id, struct link *l)
{
	struct batch_head *h = batch_head(d, org_id);
	if (!h) {
		struct link first;
		/* the seq: PostgreSQL draws it in blocks (batch_seq), SQLite counts on from this one */
		int rc = db_dialect(d) == DB_POSTGRES
				 ? head_row(d, ORG_NEXT("NULL"), DB_ARGS(DB_TXT(org_id)), &first)
				 : head_row(d, ORG_NEXT(SEQ_SQLITE), DB_ARGS(DB_TXT(org_id), DB_TXT(org_id)), &first);
		if (rc != DB_OK)
			return rc;
		if (strlen(org_id) >= sizeof h->org_id)
			return DB_ERROR;
		batch.heads = xgrow(batch.heads, batch.n, &batch.cap, 8, sizeof *batch.heads);
		h = &batch.heads[batch.n++];
		memset(h, 0, sizeof *h);
		memcpy(h->org_id, org_id, strlen(org_id) + 1);
		h->link = first.link - 1; /* org_heads holds first.link now; event_batch_end writes the last */
		h->next_seq = first.seq;
		memcpy(h->hash, first.prev, EVENT_HASH_HEX);
	}
	l->link = h->link + 1;
	memcpy(l->prev, h->hash, EVENT_HASH_HEX);
	return batch_seq(d, h, &l->seq);
}

static int next_link(db *d, const char *org_id, const char *chain, struct link *l)
{
	int pg = db_dialect(d) == DB_POSTGRES;
	if (batch.d == d)
		return batch_link(d, org_id, l);
	if (!chain)
		return head_row(d, pg ? ORG_NEXT(SEQ_PG) : ORG_NEXT(SEQ_SQLITE), DB_ARGS(DB_TXT(org_id), DB_TXT(org_id)), l);
	return head_row(d, pg ? CASE_NEXT(SEQ_PG) : CASE_NEXT(SEQ_SQLITE),
			DB_ARGS(DB_TXT(org_id), DB_TXT(chain), DB_TXT(ZERO_HASH), DB_TXT(org_id)), l);
}

/* Write the chain's head after the event l with hash was inserted. */
static int head_write(db *d, const char *org_id, const char *chain, const struct link *l, const char *hash)
{
	struct batch_head *h = batch_head(d, org_id);
	if (h) { /* written back by event_batch_end */
		h->link = l->link;
		h->seq = l->seq;
		memcpy(h->hash, hash, EVENT_HASH_HEX);
		return DB_OK;
	}
	if (!chain)
		return db_exec(d, "UPDATE org_heads SET last_seq = ?, last_hash = ? WHERE org_id = ?",
			       DB_ARGS(DB_INT(l->seq), DB_TXT(hash), DB_TXT(org_id)), NULL);
	return db_exec(d, "UPDATE case_heads SET last_hash = ? WHERE org_id = ? AND case_id = ?",
		       DB_ARGS(DB_TXT(hash), DB_TXT(org_id), DB_TXT(chain)), NULL);
}

/* Append; *seq_out (may be NULL) = the event's seq. */
static int append(db *d, const char *chain, const char *org_id, int64_t at, const char *actor_id, const char *kind,
		  const char *entity_type, const char *entity_id, const char *case_id, json_t *data, const char *request_id,
		  int64_t *seq_out)
{
	struct link l;
	if (batch.d == d)
		chain = NULL; /* a pass's events go on the organization's chain (event_batch_begin) */
	int rc = next_link(d, org_id, chain, &l);
	if (rc != DB_OK)
		return rc;
	char *text = data ? json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII) : xstrdup("{}");
	if (!text)
		return DB_ERROR; /* not renderable: refuse the write, never end the process */
	char hash[EVENT_HASH_HEX];
	event_hash(l.prev, l.link, l.seq, at, actor_id, kind, entity_type, entity_id, case_id, text, hash);
	db_arg args[EVENT_COLS] = {DB_TXT(org_id), DB_INT(l.seq),	DB_INT(at),    DB_TXT(actor_id),	 DB_TXT(kind),
				   DB_TXT(entity_type), DB_TXT(entity_id), DB_TXT(case_id), DB_TXT(text),	 DB_TXT(l.prev),
				   DB_TXT(hash),	DB_TXT(request_id), DB_INT(l.link), DB_TXT(chain)};
	if (batch.d == d) { /* kept, and sent with the batch's other events before the next statement */
		batch_keep(d, args, text);
	} else {
		rc = db_exec(d, EVENT_INSERT EVENT_ROW, args, EVENT_COLS, NULL);
		free(text);
		if (rc != DB_OK)
			return rc;
	}
	if (seq_out)
		*seq_out = l.seq;
	return head_write(d, org_id, chain, &l, hash);
}

int event_append_on(db *d, const char *chain, const char *org_id, int64_t at, const char *actor_id, const char *kind,
		    const char *entity_type, const char *entity_id, const char *case_id, json_t *data, const char *request_id)
{
	return append(d, chain && *chain ? chain : NULL, org_id, at, actor_id, kind, entity_type, entity_id, case_id, data,
		      request_id, NULL);
}

/* --- seals --- */

static int line_cmp(const void *a, const void *b)
{
	return strcmp(((const struct event_seal_line *)a)->case_id, ((const struct event_seal_line *)b)->case_id);
}

void event_seal_digest(struct event_seal_line *lines, size_t n, char out[EVENT_HASH_HEX])
{
	crypto_generichash_state st;
	unsigned char h[32];
	qsort(lines, n, sizeof *lines, line_cmp);
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	for (size_t i = 0; i < n; i++) {
		char *line = xasprintf("%s %" PRId64 " %s\n", lines[i].case_id, lines[i].link, lines[i].hash);
		crypto_generichash_update(&st, (const unsigned char *)line, strlen(line));
		free(line);
	}
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(out, EVENT_HASH_HEX, h, sizeof h);
}

void event_seal_lines_free(struct event_seal_line *lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(lines[i].case_id);
	free(lines);
}

#define SEAL_ROWS_PER_INSERT 40 /* 5 arguments each: 200, the most a statement takes */

static int seal_lines_insert(db *d, const char *org_id, int64_t seal_seq, const struct event_seal_line *lines, size_t n)
{
	int rc = DB_OK;
	for (size_t i = 0; rc == DB_OK && i < n; i += SEAL_ROWS_PER_INSERT) {
		size_t k = n - i < SEAL_ROWS_PER_INSERT ? n - i : SEAL_ROWS_PER_INSERT;
		db_arg args[SEAL_ROWS_PER_INSERT * 5];
		char *sql = xstrdup("INSERT INTO chain_seals (org_id, seal_seq, case_id, link, hash) VALUES ");
		for (size_t j = 0; j < k; j++) {
			char *more = xasprintf("%s%s(?,?,?,?,?)", sql, j ? "," : "");
			free(sql);
			sql = more;
			const struct event_seal_line *s = &lines[i + j];
			args[j * 5] = DB_TXT(org_id);
			args[j * 5 + 1] = DB_INT(seal_seq);
			args[j * 5 + 2] = DB_TXT(s->case_id);
			args[j * 5 + 3] = DB_INT(s->link);
			args[j * 5 + 4] = DB_TXT(s->hash);
		}
		rc = db_exec(d, sql, args, (int)(k * 5), NULL);
		free(sql);
	}
	return rc;
}

int event_seal(db *d, const char *org_id, int64_t at, int64_t *cases)
{
	struct event_seal_line *lines = NULL;
	size_t n = 0, cap = 0;
	db_res *r;
	if (cases)
		*cases = 0;
	/* takes each changed head's row and marks it sealed; on PostgreSQL a head a writer holds is left
	 * for the next seal (SKIP LOCKED), so a pass never waits for one organization's writers */
	int rc =
		db_query(d,
			 db_dialect(d) == DB_POSTGRES
				 ? "UPDATE case_heads SET sealed_link = last_link WHERE org_id = ? AND case_id IN (SELECT case_id "
				   "FROM case_heads WHERE org_id = ? AND last_link > sealed_link FOR UPDATE SKIP LOCKED) "
				   "RETURNING case_id, last_link, last_hash"
				 : "UPDATE case_heads SET sealed_link = last_link WHERE org_id = ? AND ? IS NOT NULL AND "
				   "last_link > sealed_link RETURNING case_id, last_link, last_hash",
			 DB_ARGS(DB_TXT(org_id), DB_TXT(org_id)), &r);
	if (rc != DB_OK)
		return rc;
	while ((rc = db_next(r)) == 1) {
		lines = xgrow(lines, n, &cap, 64, sizeof *lines);
		lines[n].case_id = xstrdup(db_text(r, 0));
		lines[n].link = db_int(r, 1);
		if (str_copy(lines[n++].hash, EVENT_HASH_HEX, db_text(r, 2)))
			rc = -1;
	}
	int closed = db_res_close(r);
	rc = rc < 0 ? DB_ERROR : closed;
	if (rc == DB_OK && n > 0) {
		char digest[EVENT_HASH_HEX];
		int64_t seq = 0;
		event_seal_digest(lines, n, digest);
		json_t *data = json_pack("{s:I,s:s}", "cases", (json_int_t)n, "digest", digest);
		rc = append(d, NULL, org_id, at, "system", "audit.sealed", "org", org_id, NULL, data, NULL, &seq);
		json_decref(data);
		if (rc == DB_OK)
			rc = seal_lines_insert(d, org_id, seq, lines, n);
	}
	if (rc == DB_OK && cases)
		*cases = (int64_t)n;
	event_seal_lines_free(lines, n);
	return rc;
}

int event_seal_all(db *d, int64_t at)
{
	db_res *r;
	json_t *orgs = json_array();
	int rc = db_query(d, "SELECT DISTINCT org_id FROM case_heads WHERE last_link > sealed_link", DB_NOARGS, &r);
	if (rc != DB_OK) {
		json_decref(orgs);
		return rc;
	}
	while (db_next(r) == 1)
		json_array_append_new(orgs, json_string(db_text(r, 0)));
	rc = db_res_close(r);
	size_t i;
	json_t *o;
	json_array_foreach(orgs, i, o)
	{
		if (rc == DB_OK)
			rc = event_seal(d, json_string_value(o), at, NULL);
	}
	json_decref(orgs);
	return rc;
}

/* --- readers that follow seq --- */

int event_ready(db *d, const char *org_id, int64_t *upto)
{
	if (db_dialect(d) != DB_POSTGRES) {
		*upto = INT64_MAX;
		return DB_OK;
	}
	return event_ready_head(d, org_id, upto);
}

int event_ready_head(db *d, const char *org_id, int64_t *head)
{
	int found = 0;
	int rc = db_scalar_int(d,
			       db_dialect(d) == DB_POSTGRES ? "SELECT fl_events_ready(?)"
							    : "SELECT COALESCE(MAX(seq), 0) FROM events WHERE org_id = ?",
			       DB_ARGS(DB_TXT(org_id)), head, &found);
	return rc == DB_OK && !found ? DB_ERROR : rc;
}

int event_sync_counters(db *d)
{
	if (db_dialect(d) == DB_POSTGRES) {
		db_res *r;
		int rc = db_query(d, "SELECT fl_org_sequences(id) FROM orgs", DB_NOARGS, &r);
		if (rc != DB_OK)
			return rc;
		while (db_next(r) == 1)
			;
		return db_res_close(r);
	}
	return db_exec(d,
		       "UPDATE case_counters SET last_number = (SELECT MAX(number) FROM cases c WHERE c.org_id = case_counters.org_id) "
		       "WHERE last_number < (SELECT COALESCE(MAX(number), 0) FROM cases c WHERE c.org_id = case_counters.org_id)",
		       DB_NOARGS, NULL);
}
