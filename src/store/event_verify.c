/* Checking an organization's history: its chains, heads and seals (store/event.h, event_verify).
 * Every problem found is kept if its seq is the lowest so far, so the verdict names the first event
 * found wrong whatever chain it is on. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "store/event.h"

static const char ZERO_HASH[] = "0000000000000000000000000000000000000000000000000000000000000000";

/* The organization's chain head (org_heads). */
struct org_head {
	int64_t link, seq;
	char hash[EVENT_HASH_HEX];
};

/* A seal met on the organization's chain. */
struct seal_ev {
	int64_t seq, cases;
	int met; /* its lines were read */
	char digest[EVENT_HASH_HEX];
};

struct check {
	db *d;
	const char *org_id;
	struct event_verdict *out;
	int bad;
	struct seal_ev *seals;
	size_t nseals, cap;
};

static void problem(struct check *k, int64_t seq, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Record what is wrong at seq, unless something at a lower seq is already recorded. */
static void problem(struct check *k, int64_t seq, const char *fmt, ...)
{
	if (k->bad && seq >= k->out->bad_seq)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(k->out->msg, sizeof k->out->msg, fmt, ap);
	va_end(ap);
	k->out->bad_seq = seq;
	k->bad = 1;
}

/* The first seq after `after` that no event of the organization has: where a deleted event was
 * (seq is gapless on SQLite; on PostgreSQL only a rolled-back write leaves a gap).  -1 on a
 * storage error. */
static int64_t absent_after(struct check *k, int64_t after)
{
	int64_t seq = -1;
	int found = 0;
	if (db_scalar_int(k->d,
			  "SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM events WHERE org_id = ? AND seq = ? + 1) THEN ? + 1 "
			  "ELSE (SELECT MIN(e.seq) + 1 FROM events e WHERE e.org_id = ? AND e.seq > ? AND NOT EXISTS "
			  "(SELECT 1 FROM events n WHERE n.org_id = e.org_id AND n.seq = e.seq + 1)) END",
			  DB_ARGS(DB_TXT(k->org_id), DB_INT(after), DB_INT(after), DB_TXT(k->org_id), DB_INT(after)), &seq,
			  &found) != DB_OK ||
	    !found)
		return -1;
	return seq;
}

/* The head recorded in org_heads: 1 found, 0 none, -1 storage error. */
static int read_head(db *d, const char *org_id, struct org_head *h)
{
	db_res *r;
	if (db_query(d, "SELECT last_link, last_seq, last_hash FROM org_heads WHERE org_id = ?", DB_ARGS(DB_TXT(org_id)), &r) !=
	    DB_OK)
		return -1;
	int rc = db_next(r);
	if (rc == 1) {
		h->link = db_int(r, 0);
		h->seq = db_int(r, 1);
		if (str_copy(h->hash, sizeof h->hash, db_text(r, 2)))
			rc = -1; /* not a hash this program stored */
	}
	db_res_discard(r);
	return rc;
}

/* An event's columns, in the order of EVENT_COLS. */
#define EVENT_COLS "e.seq, e.at, e.actor_id, e.kind, e.entity_type, e.entity_id, e.case_id, e.data, e.prev_hash, e.hash, e.link"
enum {
	C_SEQ,
	C_AT,
	C_ACTOR,
	C_KIND,
	C_TYPE,
	C_ENTITY,
	C_CASE,
	C_DATA,
	C_PREV,
	C_HASH,
	C_LINK
};

/* Check one event of a chain at place pos after prev (the stored hash before it).  Returns 0 or
 * 1 (recorded). */
static int check_event(struct check *k, db_res *r, int64_t pos, const char *prev, const char *chain_name)
{
	int64_t seq = db_int(r, C_SEQ);
	int v1 = db_is_null(r, C_LINK);
	char h[EVENT_HASH_HEX];
	if (strcmp(db_text(r, C_PREV), prev) != 0) {
		problem(k, seq, "event %" PRId64 ": previous hash does not match %s", seq, chain_name);
		return 1;
	}
	if (v1)
		event_hash_v1(prev, seq, db_int(r, C_AT), db_text(r, C_ACTOR), db_text(r, C_KIND), db_text(r, C_TYPE),
			      db_text(r, C_ENTITY), db_text(r, C_CASE), db_text(r, C_DATA), h);
	else
		event_hash(prev, pos, seq, db_int(r, C_AT), db_text(r, C_ACTOR), db_text(r, C_KIND), db_text(r, C_TYPE),
			   db_text(r, C_ENTITY), db_text(r, C_CASE), db_text(r, C_DATA), h);
	if (strcmp(h, db_text(r, C_HASH)) != 0) {
		problem(k, seq, "event %" PRId64 " (%s) was modified: its hash does not match its content", seq,
			db_text(r, C_KIND));
		return 1;
	}
	return 0;
}

/* Keep a seal met on the organization's chain. */
static void keep_seal(struct check *k, db_res *r)
{
	json_t *data = json_loads(db_text(r, C_DATA), 0, NULL);
	const char *digest = json_string_value(json_object_get(data, "digest"));
	k->seals = xgrow(k->seals, k->nseals, &k->cap, 16, sizeof *k->seals);
	struct seal_ev *s = &k->seals[k->nseals++];
	s->seq = db_int(r, C_SEQ);
	s->cases = json_integer_value(json_object_get(data, "cases"));
	s->met = 0;
	if (!digest || str_copy(s->digest, sizeof s->digest, digest))
		s->digest[0] = 0;
	json_decref(data);
}

/* Walk the organization's chain (rows before 0039 by seq, then by link) up to the head h.  The hash
 * of event anchor_seq goes into at_anchor.  Returns 0, or -1 on a storage error. */
static int walk_org(struct check *k, const struct org_head *h, int64_t anchor_seq, char at_anchor[EVENT_HASH_HEX])
{
	db_res *r;
	char prev[EVENT_HASH_HEX];
	int64_t pos = 0, last_seq = 0;
	memcpy(prev, ZERO_HASH, sizeof prev);
	if (db_query(k->d,
		     "SELECT " EVENT_COLS
		     " FROM events e WHERE e.org_id = ? AND e.chain IS NULL AND COALESCE(e.link, e.seq) <= ? "
		     "ORDER BY COALESCE(e.link, e.seq)",
		     DB_ARGS(DB_TXT(k->org_id), DB_INT(h->link)), &r) != DB_OK)
		return -1;
	int rc;
	while ((rc = db_next(r)) == 1) {
		int64_t seq = db_int(r, C_SEQ), place = db_is_null(r, C_LINK) ? seq : db_int(r, C_LINK);
		if (place != pos + 1 || seq <= last_seq) {
			int64_t gone = db_is_null(r, C_LINK) ? pos + 1 : absent_after(k, last_seq);
			problem(k, gone, "event %" PRId64 " of the organization's chain is missing (next present is %" PRId64 ")",
				gone, seq);
		}
		check_event(k, r, place, prev, "the organization's chain");
		if (seq == anchor_seq)
			memcpy(at_anchor, db_text(r, C_HASH), EVENT_HASH_HEX);
		if (!db_is_null(r, C_LINK) && strcmp(db_text(r, C_KIND), "audit.sealed") == 0)
			keep_seal(k, r);
		if (str_copy(prev, sizeof prev, db_text(r, C_HASH)))
			prev[0] = 0; /* not a hash: the next event's previous hash cannot match it */
		pos = place;
		last_seq = seq;
		k->out->events++;
	}
	db_res_discard(r);
	if (rc < 0)
		return -1;
	if (pos != h->link || strcmp(prev, h->hash) != 0 || last_seq != h->seq) {
		int64_t gone = absent_after(k, last_seq);
		problem(k, gone,
			"the chain ends at event %" PRId64 " but the head records event %" PRId64 ": events were deleted",
			last_seq, h->seq);
	}
	return 0;
}

/* End of one case's chain: it must end where its head says. */
static void case_end(struct check *k, const char *chain, int64_t pos, int64_t last_seq, const char *prev, int has_head,
		     int64_t head_link, const char *head_hash)
{
	if (!has_head)
		problem(k, absent_after(k, 0), "case %s's chain has no head", chain);
	else if (pos != head_link || strcmp(prev, head_hash) != 0)
		problem(k, absent_after(k, last_seq),
			"case %s's chain ends at event %" PRId64 " (link %" PRId64 ") but its head records link %" PRId64
			": events were deleted",
			chain, last_seq, pos, head_link);
}

/* Walk every case's chain with its head.  Returns 0, or -1 on a storage error. */
static int walk_cases(struct check *k)
{
	db_res *r;
	if (db_query(k->d,
		     "SELECT " EVENT_COLS ", e.chain, h.last_link, h.last_hash FROM events e LEFT JOIN case_heads h "
		     "ON h.org_id = e.org_id AND h.case_id = e.chain WHERE e.org_id = ? AND e.chain IS NOT NULL "
		     "ORDER BY e.chain, e.link",
		     DB_ARGS(DB_TXT(k->org_id)), &r) != DB_OK)
		return -1;
	char *chain = NULL, prev[EVENT_HASH_HEX], head_hash[EVENT_HASH_HEX] = "";
	int64_t pos = 0, last_seq = 0, head_link = 0;
	int rc, has_head = 0;
	while ((rc = db_next(r)) == 1) {
		const char *name = db_text(r, C_LINK + 1);
		if (!chain || strcmp(chain, name) != 0) {
			if (chain)
				case_end(k, chain, pos, last_seq, prev, has_head, head_link, head_hash);
			free(chain);
			chain = xstrdup(name);
			memcpy(prev, ZERO_HASH, sizeof prev);
			pos = last_seq = 0;
			has_head = !db_is_null(r, C_LINK + 2);
			head_link = has_head ? db_int(r, C_LINK + 2) : 0;
			if (str_copy(head_hash, sizeof head_hash, has_head ? db_text(r, C_LINK + 3) : ""))
				head_hash[0] = 0;
		}
		int64_t seq = db_int(r, C_SEQ), link = db_is_null(r, C_LINK) ? 0 : db_int(r, C_LINK);
		if (link != pos + 1 || seq <= last_seq) {
			int64_t gone = absent_after(k, last_seq);
			problem(k, gone, "event %" PRId64 " of case %s is missing (next present is %" PRId64 ")", gone, chain,
				seq);
		}
		check_event(k, r, link, prev, "its case's chain");
		if (str_copy(prev, sizeof prev, db_text(r, C_HASH)))
			prev[0] = 0; /* not a hash: the next event's previous hash cannot match it */
		pos = link;
		last_seq = seq;
		k->out->events++;
	}
	db_res_discard(r);
	if (chain)
		case_end(k, chain, pos, last_seq, prev, has_head, head_link, head_hash);
	free(chain);
	return rc < 0 ? -1 : 0;
}

/* Heads whose case has no event left at all (its whole chain deleted). */
static int heads_alone(struct check *k)
{
	db_res *r;
	if (db_query(k->d,
		     "SELECT h.case_id FROM case_heads h LEFT JOIN (SELECT DISTINCT chain FROM events WHERE org_id = ? AND "
		     "chain IS NOT NULL) e ON e.chain = h.case_id WHERE h.org_id = ? AND e.chain IS NULL",
		     DB_ARGS(DB_TXT(k->org_id), DB_TXT(k->org_id)), &r) != DB_OK)
		return -1;
	int rc;
	while ((rc = db_next(r)) == 1)
		problem(k, absent_after(k, 0), "every event of case %s was deleted: its head is left", db_text(r, 0));
	db_res_discard(r);
	return rc < 0 ? -1 : 0;
}

/* One seal's lines, read: check them against the seal met at seq on the organization's chain. */
static void seal_end(struct check *k, int64_t seq, struct event_seal_line *lines, size_t n)
{
	struct seal_ev *s = NULL;
	for (size_t i = 0; i < k->nseals && !s; i++)
		if (k->seals[i].seq == seq)
			s = &k->seals[i];
	if (s)
		s->met = 1;
	char digest[EVENT_HASH_HEX];
	event_seal_digest(lines, n, digest);
	if (!s)
		problem(k, seq, "chain_seals holds lines of a seal at event %" PRId64 ", which is not a seal", seq);
	else if (s->cases != (int64_t)n || strcmp(s->digest, digest) != 0)
		problem(k, seq, "the seal at event %" PRId64 " does not match its lines: the sealed case heads were changed",
			seq);
}

/* Every seal's lines against its digest, and every sealed (case, link, hash) against its chain. */
static int check_seals(struct check *k, int64_t upto)
{
	db_res *r;
	if (db_query(k->d,
		     "SELECT s.seal_seq, s.case_id, s.link, s.hash, e.hash FROM chain_seals s LEFT JOIN events e "
		     "ON e.org_id = s.org_id AND e.chain = s.case_id AND e.link = s.link WHERE s.org_id = ? AND s.seal_seq <= ? "
		     "ORDER BY s.seal_seq",
		     DB_ARGS(DB_TXT(k->org_id), DB_INT(upto)), &r) != DB_OK)
		return -1;
	struct event_seal_line *lines = NULL;
	size_t n = 0, cap = 0;
	int64_t seq = 0;
	int rc;
	while ((rc = db_next(r)) == 1) {
		if (n && db_int(r, 0) != seq) {
			seal_end(k, seq, lines, n);
			event_seal_lines_free(lines, n);
			lines = NULL;
			n = cap = 0;
		}
		seq = db_int(r, 0);
		lines = xgrow(lines, n, &cap, 64, sizeof *lines);
		struct event_seal_line *l = &lines[n++];
		l->case_id = xstrdup(db_text(r, 1));
		l->link = db_int(r, 2);
		if (str_copy(l->hash, sizeof l->hash, db_text(r, 3)))
			l->hash[0] = 0;
		if (db_is_null(r, 4))
			problem(k, seq, "case %s's event at link %" PRId64 ", sealed at event %" PRId64 ", is gone", l->case_id,
				l->link, seq);
		else if (strcmp(db_text(r, 4), l->hash) != 0)
			problem(k, seq, "case %s's event at link %" PRId64 " is not the one sealed at event %" PRId64, l->case_id,
				l->link, seq);
	}
	if (n)
		seal_end(k, seq, lines, n);
	event_seal_lines_free(lines, n);
	db_res_discard(r);
	if (rc < 0)
		return -1;
	for (size_t i = 0; i < k->nseals; i++)
		if (!k->seals[i].met)
			problem(k, k->seals[i].seq,
				"the seal at event %" PRId64 " has lost its lines: the sealed case heads were changed",
				k->seals[i].seq);
	return 0;
}

int event_verify(db *d, const char *org_id, const struct event_head *anchor, struct event_verdict *out)
{
	struct check k = {.d = d, .org_id = org_id, .out = out};
	struct org_head h;
	memset(out, 0, sizeof *out);
	int rc = read_head(d, org_id, &h);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		problem(&k, 1, "the chain's head is missing");
		return 1;
	}
	out->head.seq = h.seq;
	memcpy(out->head.hash, h.hash, sizeof h.hash);
	char at_anchor[EVENT_HASH_HEX];
	memcpy(at_anchor, ZERO_HASH, sizeof at_anchor);
	if (walk_org(&k, &h, anchor ? anchor->seq : 0, at_anchor) || walk_cases(&k) || heads_alone(&k) ||
	    check_seals(&k, h.seq)) {
		free(k.seals);
		return -1;
	}
	free(k.seals);
	if (anchor && anchor->seq > h.seq)
		problem(&k, absent_after(&k, h.seq),
			"the checkpoint holds event %" PRId64 " but the chain ends at event %" PRId64
			": events were deleted and the head rewritten",
			anchor->seq, h.seq);
	else if (anchor && strcmp(at_anchor, anchor->hash) != 0)
		problem(&k, anchor->seq,
			"event %" PRId64 " differs from the checkpoint: the history up to it was rewritten "
			"and the chain recomputed",
			anchor->seq);
	if (k.bad)
		return 1;
	snprintf(out->msg, sizeof out->msg, "%" PRId64 " events, chain intact%s", out->events,
		 anchor ? " and matches the checkpoint" : "");
	return 0;
}
