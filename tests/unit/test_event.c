/* The hash-chained history on a real temporary SQLite file through the storage interface:
 * append and verify; then tamper through a raw SQLite connection (as an attacker with file access
 * would) and check that verify names the first tampered event.  The triggers refuse UPDATE and
 * DELETE through any ordinary connection.  The stored row is the canonical form event.h documents;
 * an organization without a chain head cannot append; an unreadable history is an error (-1), not
 * a verdict. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "harness.h"
#include "store/db.h"
#include "store/event.h"
#include "store/migrate.h"

static char dir[] = "/tmp/fl-test-event-XXXXXX";
static char path[256];

/* A fresh migrated database with organization "org_a" holding n events on its own chain (half of
 * them naming a case) and "org_b" with 2 on the chain of its case_b. */
static db *fresh(int n)
{
	static int k;
	char err[256];
	db *d = NULL;
	snprintf(path, sizeof path, "%s/ev%d.db", dir, k++);
	if (db_open(path, &d, err, sizeof err) != DB_OK) {
		fprintf(stderr, "open: %s\n", err);
		exit(1);
	}
	if (migrate_up(d, NULL, NULL, err, sizeof err) != 0) {
		fprintf(stderr, "migrate: %s\n", err);
		exit(1);
	}
	CHECK(db_begin(d, 1) == DB_OK);
	const char *orgs[] = {"org_a", "org_b"};
	for (int o = 0; o < 2; o++) {
		CHECK(db_exec(d, "INSERT INTO orgs (id, slug, name, created_at) VALUES (?, ?, ?, 0)",
			      DB_ARGS(DB_TXT(orgs[o]), DB_TXT(orgs[o]), DB_TXT(orgs[o])), NULL) == DB_OK);
		CHECK(event_chain_init(d, orgs[o]) == DB_OK);
	}
	for (int i = 0; i < n; i++) {
		json_t *data = json_pack("{s:i, s:s}", "i", i, "note", "caf\xc3\xa9");
		CHECK(event_append_on(d, NULL, "org_a", 1000 + i, "per_chris", "case.noted", "case", "case_1",
				      i % 2 ? "case_1" : NULL, data, NULL) == DB_OK);
		json_decref(data);
	}
	CHECK(event_append(d, "org_b", 5, "per_x", "case.opened", "case", "case_b", "case_b", NULL) == DB_OK);
	CHECK(event_append(d, "org_b", 6, "per_x", "case.noted", "case", "case_b", "case_b", NULL) == DB_OK);
	CHECK(db_commit(d) == DB_OK);
	return d;
}

static int verify(db *d, const char *org, int64_t *bad, int64_t *count, char *msg)
{
	struct event_verdict v;
	int rc = event_verify(d, org, NULL, &v);
	*bad = v.bad_seq;
	*count = v.events;
	memcpy(msg, v.msg, sizeof v.msg);
	return rc;
}

/* Run SQL through a separate raw connection. */
static int raw(const char *sql)
{
	sqlite3 *h;
	CHECK(sqlite3_open(path, &h) == SQLITE_OK);
	char *msg = NULL;
	int rc = sqlite3_exec(h, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK && getenv("VERBOSE"))
		fprintf(stderr, "  raw: %s\n", msg);
	sqlite3_free(msg);
	sqlite3_close(h);
	return rc;
}

TEST(intact_chain)
{
	db *d = fresh(10);
	int64_t bad, count;
	char msg[256];
	CHECK(verify(d, "org_a", &bad, &count, msg) == 0);
	CHECK(count == 10);
	CHECK(verify(d, "org_b", &bad, &count, msg) == 0);
	CHECK(count == 2);
	/* seq numbers per organization, consecutive from 1; the head holds the last hash */
	int64_t v;
	int found;
	CHECK(db_scalar_int(d, "SELECT MAX(seq) FROM events WHERE org_id = 'org_a'", DB_NOARGS, &v, &found) == DB_OK &&
	      v == 10);
	CHECK(db_scalar_int(d,
			    "SELECT COUNT(*) FROM events e JOIN org_heads h ON h.org_id = e.org_id AND "
			    "h.last_hash = e.hash AND h.last_seq = e.seq AND h.last_link = e.link",
			    DB_NOARGS, &v, &found) == DB_OK &&
	      v == 1);
	/* org_b's events are on its case's chain, links 1 and 2, with the case's head */
	CHECK(db_scalar_int(d,
			    "SELECT COUNT(*) FROM events e JOIN case_heads h ON h.org_id = e.org_id AND "
			    "h.case_id = e.chain AND h.last_hash = e.hash AND h.last_link = e.link AND e.link = 2",
			    DB_NOARGS, &v, &found) == DB_OK &&
	      v == 1);
	db_close(d);
}

TEST(hash_depends_on_every_field)
{
	char a[EVENT_HASH_HEX], b[EVENT_HASH_HEX];
	const char *prev = "0000000000000000000000000000000000000000000000000000000000000000";
	event_hash(prev, 5, 1, 2, "p", "k", "t", "e", "c", "{}", a);
	CHECK(strlen(a) == 64);
	event_hash(prev, 5, 1, 2, "p", "k", "t", "e", "c", "{}", b);
	CHECK_STR(a, b);
	event_hash("1000000000000000000000000000000000000000000000000000000000000000", 5, 1, 2, "p", "k", "t", "e", "c", "{}", b);
	CHECK(strcmp(a, b) != 0);
	event_hash(prev, 5, 2, 2, "p", "k", "t", "e", "c", "{}", b);
	CHECK(strcmp(a, b) != 0);
	event_hash(prev, 5, 1, 3, "p", "k", "t", "e", "c", "{}", b);
	CHECK(strcmp(a, b) != 0);
	event_hash(prev, 5, 1, 2, "q", "k", "t", "e", "c", "{}", b);
	CHECK(strcmp(a, b) != 0);
	event_hash(prev, 5, 1, 2, "p", "K", "t", "e", "c", "{}", b);
	CHECK(strcmp(a, b) != 0);
	event_hash(prev, 5, 1, 2, "p", "k", "T", "e", "c", "{}", b);
	CHECK(strcmp(a, b) != 0);
	event_hash(prev, 5, 1, 2, "p", "k", "t", "E", "c", "{}", b);
	CHECK(strcmp(a, b) != 0);
	event_hash(prev, 5, 1, 2, "p", "k", "t", "e", NULL, "{}", b);
	CHECK(strcmp(a, b) != 0);
	event_hash(prev, 5, 1, 2, "p", "k", "t", "e", "c", "{ }", b);
	CHECK(strcmp(a, b) != 0);
	/* field boundaries count: moving a character from one field to the next changes the hash */
	event_hash(prev, 5, 1, 2, "pk", "", "t", "e", "c", "{}", b);
	CHECK(strcmp(a, b) != 0);
	/* the link, and the form written before migration 0039 (no link) */
	event_hash(prev, 6, 1, 2, "p", "k", "t", "e", "c", "{}", b);
	CHECK(strcmp(a, b) != 0);
	event_hash_v1(prev, 1, 2, "p", "k", "t", "e", "c", "{}", b);
	CHECK(strcmp(a, b) != 0 && strlen(b) == 64);
}

TEST(triggers_refuse_update_and_delete)
{
	db *d = fresh(3);
	CHECK(db_begin(d, 1) == DB_OK);
	CHECK(db_exec(d, "UPDATE events SET data = '{}' WHERE org_id = 'org_a' AND seq = 2", DB_NOARGS, NULL) != DB_OK);
	CHECK(db_exec(d, "DELETE FROM events WHERE org_id = 'org_a' AND seq = 3", DB_NOARGS, NULL) != DB_OK);
	db_rollback(d);
	CHECK(raw("UPDATE events SET kind = 'x' WHERE seq = 1") != SQLITE_OK);
	CHECK(raw("DELETE FROM events") != SQLITE_OK);
	int64_t bad, count;
	char msg[256];
	CHECK(verify(d, "org_a", &bad, &count, msg) == 0 && count == 3);
	db_close(d);
}

TEST(modified_row)
{
	db *d = fresh(6);
	CHECK(raw("DROP TRIGGER events_no_update; "
		  "UPDATE events SET data = '{\"i\":99,\"note\":\"changed\"}' WHERE org_id = 'org_a' AND seq = 4") ==
	      SQLITE_OK);
	int64_t bad, count;
	char msg[256];
	CHECK(verify(d, "org_a", &bad, &count, msg) == 1);
	CHECK(bad == 4);
	CHECK(strstr(msg, "4") != NULL);
	CHECK(verify(d, "org_b", &bad, &count, msg) == 0); /* the other organization's chain is intact */
	db_close(d);
}

TEST(modified_row_with_rehash)
{
	/* An attacker who recomputes the hash of the row they changed still breaks the next link. */
	db *d = fresh(6);
	char h[EVENT_HASH_HEX], sql[512];
	db_res *r;
	CHECK(db_query(d, "SELECT prev_hash, at, data FROM events WHERE org_id = 'org_a' AND seq = 3", DB_NOARGS, &r) ==
	      DB_OK);
	CHECK(db_next(r) == 1);
	event_hash(db_text(r, 0), 3, 3, db_int(r, 1), "per_mallory", "case.noted", "case", "case_1", NULL, db_text(r, 2), h);
	db_res_discard(r);
	snprintf(sql, sizeof sql,
		 "DROP TRIGGER events_no_update; UPDATE events SET actor_id = 'per_mallory', hash = '%s' "
		 "WHERE org_id = 'org_a' AND seq = 3",
		 h);
	CHECK(raw(sql) == SQLITE_OK);
	int64_t bad, count;
	char msg[256];
	CHECK(verify(d, "org_a", &bad, &count, msg) == 1);
	CHECK(bad == 4); /* event 4's prev_hash no longer matches */
	db_close(d);
}

TEST(deleted_middle_row)
{
	db *d = fresh(6);
	CHECK(raw("DROP TRIGGER events_no_delete; DELETE FROM events WHERE org_id = 'org_a' AND seq = 3") == SQLITE_OK);
	int64_t bad, count;
	char msg[256];
	CHECK(verify(d, "org_a", &bad, &count, msg) == 1);
	CHECK(bad == 3);
	CHECK(strstr(msg, "missing") != NULL);
	db_close(d);
}

TEST(deleted_last_row)
{
	db *d = fresh(6);
	CHECK(raw("DROP TRIGGER events_no_delete; DELETE FROM events WHERE org_id = 'org_a' AND seq = 6") == SQLITE_OK);
	int64_t bad, count;
	char msg[256];
	CHECK(verify(d, "org_a", &bad, &count, msg) == 1);
	CHECK(bad == 6);
	CHECK(strstr(msg, "deleted") != NULL);
	db_close(d);
}

TEST(deleted_first_row)
{
	db *d = fresh(4);
	CHECK(raw("DROP TRIGGER events_no_delete; DELETE FROM events WHERE org_id = 'org_a' AND seq = 1") == SQLITE_OK);
	int64_t bad, count;
	char msg[256];
	CHECK(verify(d, "org_a", &bad, &count, msg) == 1);
	CHECK(bad == 1);
	db_close(d);
}

TEST(appends_continue_after_reopen)
{
	db *d = fresh(2);
	db_close(d);
	char err[256];
	CHECK(db_open(path, &d, err, sizeof err) == DB_OK);
	CHECK(db_begin(d, 1) == DB_OK);
	CHECK(event_append(d, "org_a", 99, "per_pat", "case.accepted", "offer", "off_1", "case_1", NULL) == DB_OK);
	CHECK(db_commit(d) == DB_OK);
	/* a rolled-back append leaves no trace in the chain */
	CHECK(db_begin(d, 1) == DB_OK);
	CHECK(event_append(d, "org_a", 100, "per_pat", "case.noted", "case", "case_1", "case_1", NULL) == DB_OK);
	CHECK(db_rollback(d) == DB_OK);
	int64_t bad, count;
	char msg[256];
	CHECK(verify(d, "org_a", &bad, &count, msg) == 0);
	CHECK(count == 3);
	db_close(d);
}

/* The stored row is exactly what event.h documents: data as compact JSON with sorted keys and
 * ASCII escapes ("{}" for none), and a hash recomputable from the stored fields alone. */
TEST(stored_row_is_canonical)
{
	db *d = fresh(0);
	json_t *data = json_pack("{s:i, s:s}", "b", 1, "a", "caf\xc3\xa9");
	CHECK(db_begin(d, 1) == DB_OK);
	CHECK(event_append(d, "org_a", 7, "per_chris", "case.noted", "case", "case_1", NULL, data) == DB_OK);
	CHECK(event_append(d, "org_a", 8, "per_chris", "case.opened", "case", "case_2", "case_2", NULL) == DB_OK);
	CHECK(db_commit(d) == DB_OK);
	json_decref(data);
	db_res *r;
	/* the first on the organization's chain, the second first on case_2's: each link 1 after zeros */
	CHECK(db_query(d,
		       "SELECT seq, at, actor_id, kind, entity_type, entity_id, case_id, data, prev_hash, hash, link, chain "
		       "FROM events WHERE org_id = 'org_a' ORDER BY seq",
		       DB_NOARGS, &r) == DB_OK);
	const char *want_data[] = {"{\"a\":\"caf\\u00E9\",\"b\":1}", "{}"};
	char prev[EVENT_HASH_HEX] = "0000000000000000000000000000000000000000000000000000000000000000";
	int rows = 0;
	while (db_next(r) == 1 && rows < 2) {
		char h[EVENT_HASH_HEX];
		CHECK(db_int(r, 0) == rows + 1);
		CHECK_STR(db_text(r, 7), want_data[rows]);
		CHECK(rows == 0 ? db_is_null(r, 6) : strcmp(db_text(r, 6), "case_2") == 0);
		CHECK(rows == 0 ? db_is_null(r, 11) : strcmp(db_text(r, 11), "case_2") == 0);
		CHECK(db_int(r, 10) == 1);
		CHECK_STR(db_text(r, 8), prev);
		event_hash(prev, 1, db_int(r, 0), db_int(r, 1), db_text(r, 2), db_text(r, 3), db_text(r, 4), db_text(r, 5),
			   db_is_null(r, 6) ? NULL : db_text(r, 6), db_text(r, 7), h);
		CHECK_STR(db_text(r, 9), h);
		rows++;
	}
	db_res_discard(r);
	CHECK(rows == 2);
	db_close(d);
}

TEST(append_without_a_chain_head_fails_and_writes_nothing)
{
	db *d = fresh(1);
	CHECK(db_begin(d, 1) == DB_OK);
	CHECK(event_append(d, "org_unknown", 1, "per_x", "case.noted", "case", "case_1", NULL, NULL) != DB_OK);
	CHECK(db_commit(d) == DB_OK);
	int64_t n;
	int found;
	CHECK(db_scalar_int(d, "SELECT COUNT(*) FROM events WHERE org_id = 'org_unknown'", DB_NOARGS, &n, &found) ==
		      DB_OK &&
	      n == 0);
	db_close(d);
}

TEST(empty_chain_verifies)
{
	db *d = fresh(0);
	int64_t bad, count = -1;
	char msg[256];
	CHECK(verify(d, "org_a", &bad, &count, msg) == 0);
	CHECK(count == 0);
	CHECK(strstr(msg, "0 events") != NULL);
	db_close(d);
}

TEST(tampered_head)
{
	/* the head must name the last event's hash: a head rewritten to another value is caught */
	db *d = fresh(3);
	CHECK(raw("UPDATE org_heads SET last_hash = '1111111111111111111111111111111111111111111111111111111111111111' "
		  "WHERE org_id = 'org_a'") == SQLITE_OK);
	int64_t bad, count;
	char msg[256];
	CHECK(verify(d, "org_a", &bad, &count, msg) == 1);
	CHECK(bad == 4);
	CHECK(verify(d, "org_b", &bad, &count, msg) == 0);
	db_close(d);
}

TEST(storage_error_is_not_a_verdict)
{
	/* a history that cannot be read is neither intact nor tampered: -1 */
	db *d = fresh(2);
	CHECK(raw("DROP TRIGGER events_no_delete; DROP TRIGGER events_no_update; DROP TABLE events") == SQLITE_OK);
	int64_t bad, count;
	char msg[256];
	CHECK(verify(d, "org_a", &bad, &count, msg) == -1);
	db_close(d);
}

static struct event_head head_of(db *d, const char *org)
{
	struct event_verdict v;
	CHECK(event_verify(d, org, NULL, &v) == 0);
	return v.head;
}

/* The attack of issue 13 item 12: rewrite event `seq`, recompute the chain up to `keep` and the
 * head, delete everything after `keep` (triggers dropped, through a raw connection). */
static void rewrite(db *d, int seq, int keep)
{
	db_res *r;
	char prev[EVENT_HASH_HEX], h[EVENT_HASH_HEX];
	char *sql = xasprintf("DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete; "
			      "DELETE FROM events WHERE org_id = 'org_a' AND seq > %d;",
			      keep);
	CHECK(db_query(d, "SELECT seq, at, actor_id, kind, entity_type, entity_id, case_id, data, prev_hash FROM events "
			  "WHERE org_id = 'org_a' AND seq >= ? AND seq <= ? ORDER BY seq",
		       DB_ARGS(DB_INT(seq), DB_INT(keep)), &r) == DB_OK);
	for (int first = 1; db_next(r) == 1; first = 0) {
		const char *data = first ? "{\"forged\":true}" : db_text(r, 7);
		if (first)
			CHECK(str_copy(prev, sizeof prev, db_text(r, 8)) == 0);
		event_hash(prev, db_int(r, 0), db_int(r, 0), db_int(r, 1), db_text(r, 2), db_text(r, 3), db_text(r, 4),
			   db_text(r, 5), db_is_null(r, 6) ? NULL : db_text(r, 6), data, h); /* link = seq: one chain */
		char *next = xasprintf("%s UPDATE events SET data = '%s', prev_hash = '%s', hash = '%s' "
				       "WHERE org_id = 'org_a' AND seq = %lld;",
				       sql, data, prev, h, (long long)db_int(r, 0));
		free(sql);
		sql = next;
		memcpy(prev, h, sizeof prev);
	}
	CHECK(db_res_close(r) == DB_OK);
	char *all = xasprintf("%s UPDATE org_heads SET last_seq = %d, last_link = %d, last_hash = '%s' WHERE org_id = 'org_a';",
			      sql, keep, keep, prev);
	CHECK(raw(all) == SQLITE_OK);
	free(all);
	free(sql);
}

TEST(anchor_of_an_intact_chain)
{
	db *d = fresh(6);
	struct event_head anchor = head_of(d, "org_a");
	struct event_verdict v;
	CHECK(anchor.seq == 6);
	CHECK(event_verify(d, "org_a", &anchor, &v) == 0 && strstr(v.msg, "matches the checkpoint"));
	/* the history goes on after the checkpoint */
	CHECK(db_begin(d, 1) == DB_OK);
	CHECK(event_append_on(d, NULL, "org_a", 99, "per_pat", "case.noted", "case", "case_1", "case_1", NULL, NULL) == DB_OK);
	CHECK(db_commit(d) == DB_OK);
	CHECK(event_verify(d, "org_a", &anchor, &v) == 0 && v.events == 7 && v.head.seq == 7);
	/* an anchor at the start: 0 and the zero hash */
	struct event_head zero = {0, "0000000000000000000000000000000000000000000000000000000000000000"};
	CHECK(event_verify(d, "org_a", &zero, &v) == 0);
	zero.hash[0] = '1';
	CHECK(event_verify(d, "org_a", &zero, &v) == 1 && v.bad_seq == 0);
	db_close(d);
}

TEST(anchor_catches_a_recomputed_chain)
{
	db *d = fresh(8);
	struct event_head anchor = head_of(d, "org_a");
	rewrite(d, 3, 8);
	struct event_verdict v;
	CHECK(event_verify(d, "org_a", NULL, &v) == 0); /* alone, the recomputed chain looks intact */
	CHECK(event_verify(d, "org_a", &anchor, &v) == 1);
	CHECK(v.bad_seq == 8 && strstr(v.msg, "rewritten") != NULL);
	db_close(d);
}

TEST(anchor_catches_a_recomputed_and_cut_chain)
{
	db *d = fresh(8);
	struct event_head anchor = head_of(d, "org_a");
	rewrite(d, 3, 5);
	struct event_verdict v;
	CHECK(event_verify(d, "org_a", NULL, &v) == 0 && v.events == 5);
	CHECK(event_verify(d, "org_a", &anchor, &v) == 1);
	CHECK(v.bad_seq == 6 && strstr(v.msg, "deleted") != NULL);
	db_close(d);
}

TEST(missing_head_is_tampering)
{
	db *d = fresh(3);
	CHECK(raw("DELETE FROM org_heads WHERE org_id = 'org_a'") == SQLITE_OK);
	struct event_verdict v;
	CHECK(event_verify(d, "org_a", NULL, &v) == 1 && strstr(v.msg, "head is missing") != NULL);
	CHECK(event_verify(d, "org_b", NULL, &v) == 0);
	db_close(d);
}

/* Every event's seq, hash and each head, as one text. */
static char *chain_text(db *d)
{
	db_res *r;
	char *out = xstrdup("");
	CHECK(db_query(d,
		       "SELECT org_id, seq, hash FROM events UNION ALL SELECT org_id, last_seq, last_hash FROM org_heads "
		       "UNION ALL SELECT org_id, last_link, last_hash FROM org_heads ORDER BY 1, 2, 3",
		       DB_NOARGS, &r) == DB_OK);
	while (db_next(r) == 1) {
		char *next = xasprintf("%s%s %lld %s\n", out, db_text(r, 0), (long long)db_int(r, 1), db_text(r, 2));
		free(out);
		out = next;
	}
	CHECK(db_res_close(r) == DB_OK);
	return out;
}

/* Appends in a batch (a scheduler pass) give the chain and heads of one append at a time, for two
 * organizations interleaved, though the batch writes them in a few multi-row INSERTs (kept back
 * until the next statement, which sees them); a batch ended without flushing and rolled back
 * leaves nothing. */
#define BATCH_EVENTS 300
static void batch_is_the_same_chain(void)
{
	db *one = fresh(3), *batched = fresh(3);
	int64_t bad, count, seen = 0, statements = 0;
	char msg[256];
	for (int pass = 0; pass < 2; pass++) {
		db *d = pass ? batched : one;
		CHECK(db_begin(d, 1) == DB_OK);
		if (pass)
			event_batch_begin(d);
		int64_t s0 = db_thread_statements();
		for (int i = 0; i < BATCH_EVENTS; i++) {
			json_t *data = json_pack("{s:i,s:s}", "i", i, "note", i % 7 ? "plain" : "caf\xc3\xa9 \"quoted\"");
			/* a batch puts every event on its organization's chain: so do the single appends here */
			CHECK(event_append_on(d, NULL, i % 3 ? "org_a" : "org_b", 2000 + i, "system", "request.overdue",
					      "request", "req_1", i % 5 ? "case_1" : NULL, data, i % 2 ? "req-id" : NULL) == DB_OK);
			json_decref(data);
		}
		if (pass) {
			statements = db_thread_statements() - s0;
			CHECK(db_scalar_int(d, "SELECT COUNT(*) FROM events", DB_NOARGS, &seen, NULL) == DB_OK);
			CHECK(event_batch_end(d, 1) == DB_OK);
		}
		CHECK(db_commit(d) == DB_OK);
	}
	/* each organization's head read once (the second's sends the first's event), the rest kept */
	CHECK(statements == 3);
	CHECK(seen == 3 + 2 + BATCH_EVENTS); /* fresh(3)'s 3 and 2, and the batch's: all seen */
	char *a = chain_text(one), *b = chain_text(batched);
	CHECK(strcmp(a, b) == 0);
	CHECK(verify(batched, "org_a", &bad, &count, msg) == 0 && count == 3 + BATCH_EVENTS * 2 / 3);
	CHECK(verify(batched, "org_b", &bad, &count, msg) == 0 && count == 2 + BATCH_EVENTS / 3);
	CHECK(db_begin(batched, 1) == DB_OK);
	event_batch_begin(batched);
	CHECK(event_append(batched, "org_a", 3000, "system", "request.overdue", "request", "req_2", NULL, NULL) == DB_OK);
	CHECK(event_batch_end(batched, 0) == DB_OK);
	CHECK(db_rollback(batched) == DB_OK);
	char *c = chain_text(batched);
	CHECK(strcmp(b, c) == 0);
	free(a);
	free(b);
	free(c);
	db_close(one);
	db_close(batched);
}

/* One case's chain of n events in org_a (after fresh(0)), sealed: returns the seal's seq. */
static int64_t sealed_case(db *d, int n)
{
	int64_t cases = 0, seal = 0;
	int found;
	CHECK(db_begin(d, 1) == DB_OK);
	for (int i = 0; i < n; i++)
		CHECK(event_append(d, "org_a", 10 + i, "per_chris", "case.noted", "case", "case_1", "case_1", NULL) == DB_OK);
	CHECK(event_append(d, "org_a", 50, "per_chris", "case.opened", "case", "case_2", "case_2", NULL) == DB_OK);
	CHECK(event_seal(d, "org_a", 60, &cases) == DB_OK && cases == 2);
	CHECK(event_seal(d, "org_a", 61, &cases) == DB_OK && cases == 0); /* nothing changed since */
	CHECK(db_commit(d) == DB_OK);
	CHECK(db_scalar_int(d, "SELECT seq FROM events WHERE org_id = 'org_a' AND kind = 'audit.sealed'", DB_NOARGS, &seal,
			    &found) == DB_OK &&
	      found);
	return seal;
}

/* Recompute case_1's chain from link `from` (its data forged there) and its head: what someone
 * with write access and the source does to one case.  keep: links kept (the rest deleted). */
static void recompute_case(db *d, int from, int keep)
{
	db_res *r;
	char prev[EVENT_HASH_HEX] = "", h[EVENT_HASH_HEX];
	char *sql = xasprintf("DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete; "
			      "DELETE FROM events WHERE org_id = 'org_a' AND chain = 'case_1' AND link > %d;",
			      keep);
	CHECK(db_query(d,
		       "SELECT seq, at, actor_id, kind, entity_type, entity_id, case_id, data, prev_hash, link FROM events "
		       "WHERE org_id = 'org_a' AND chain = 'case_1' AND link >= ? AND link <= ? ORDER BY link",
		       DB_ARGS(DB_INT(from), DB_INT(keep)), &r) == DB_OK);
	for (int first = 1; db_next(r) == 1; first = 0) {
		const char *data = first ? "{\"forged\":true}" : db_text(r, 7);
		if (first)
			CHECK(str_copy(prev, sizeof prev, db_text(r, 8)) == 0);
		event_hash(prev, db_int(r, 9), db_int(r, 0), db_int(r, 1), db_text(r, 2), db_text(r, 3), db_text(r, 4),
			   db_text(r, 5), db_text(r, 6), data, h);
		char *next = xasprintf("%s UPDATE events SET data = '%s', prev_hash = '%s', hash = '%s' "
				       "WHERE org_id = 'org_a' AND seq = %lld;",
				       sql, data, prev, h, (long long)db_int(r, 0));
		free(sql);
		sql = next;
		memcpy(prev, h, sizeof prev);
	}
	CHECK(db_res_close(r) == DB_OK);
	if (from > keep) { /* only cut: the head goes back to the last kept event */
		char *next = xasprintf("%s UPDATE case_heads SET last_link = %d, last_hash = (SELECT hash FROM events WHERE "
				       "org_id = 'org_a' AND chain = 'case_1' AND link = %d) WHERE case_id = 'case_1';",
				       sql, keep, keep);
		CHECK(raw(next) == SQLITE_OK);
		free(next);
	} else {
		char *all = xasprintf("%s UPDATE case_heads SET last_link = %d, last_hash = '%s' WHERE case_id = 'case_1';", sql,
				      keep, prev);
		CHECK(raw(all) == SQLITE_OK);
		free(all);
	}
	free(sql);
}

TEST(case_chains_and_seals_verify)
{
	db *d = fresh(0);
	int64_t seal = sealed_case(d, 4);
	struct event_verdict v;
	CHECK(event_verify(d, "org_a", NULL, &v) == 0 && v.events == 6);
	CHECK(v.head.seq == seal); /* the seal is the organization's head: a checkpoint signs it */
	int64_t n;
	int found;
	CHECK(db_scalar_int(d, "SELECT COUNT(*) FROM chain_seals WHERE org_id = 'org_a' AND seal_seq = ?", DB_ARGS(DB_INT(seal)),
			    &n, &found) == DB_OK &&
	      n == 2);
	/* a case edited and recomputed with its head BEFORE any seal looks intact (what checkpoints are for) */
	db *e = fresh(0);
	CHECK(db_begin(e, 1) == DB_OK);
	for (int i = 0; i < 3; i++)
		CHECK(event_append(e, "org_a", 10 + i, "per_chris", "case.noted", "case", "case_1", "case_1", NULL) == DB_OK);
	CHECK(db_commit(e) == DB_OK);
	recompute_case(e, 2, 3);
	CHECK(event_verify(e, "org_a", NULL, &v) == 0);
	db_close(e);
	db_close(d);
}

TEST(a_sealed_case_edited_and_recomputed_is_caught)
{
	db *d = fresh(0);
	int64_t seal = sealed_case(d, 4);
	recompute_case(d, 2, 4);
	struct event_verdict v;
	CHECK(event_verify(d, "org_a", NULL, &v) == 1);
	CHECK(v.bad_seq == seal && strstr(v.msg, "case_1") && strstr(v.msg, "sealed"));
	db_close(d);
}

TEST(a_sealed_case_cut_at_the_end_is_caught)
{
	db *d = fresh(0);
	int64_t seal = sealed_case(d, 4);
	recompute_case(d, 5, 2); /* links 3 and 4 deleted, the head moved back to 2 */
	struct event_verdict v;
	CHECK(event_verify(d, "org_a", NULL, &v) == 1);
	CHECK(v.bad_seq == seal && strstr(v.msg, "gone"));
	db_close(d);
}

TEST(a_sealed_case_removed_with_its_head_is_caught)
{
	db *d = fresh(0);
	int64_t seal = sealed_case(d, 3);
	CHECK(raw("DROP TRIGGER events_no_delete; DELETE FROM events WHERE chain = 'case_1'; "
		  "DELETE FROM case_heads WHERE case_id = 'case_1'") == SQLITE_OK);
	struct event_verdict v;
	CHECK(event_verify(d, "org_a", NULL, &v) == 1);
	CHECK(v.bad_seq == seal && strstr(v.msg, "gone"));
	/* and without the head but with the events: the chain has no head */
	db *e = fresh(0);
	sealed_case(e, 3);
	CHECK(raw("DELETE FROM case_heads WHERE case_id = 'case_2'") == SQLITE_OK);
	CHECK(event_verify(e, "org_a", NULL, &v) == 1 && strstr(v.msg, "no head"));
	db_close(e);
	db_close(d);
}

TEST(a_seal_with_its_lines_edited_is_caught)
{
	db *d = fresh(0);
	int64_t seal = sealed_case(d, 3);
	/* the line made to name another (genuine) event of the case */
	CHECK(raw("UPDATE chain_seals SET link = 2, hash = (SELECT hash FROM events WHERE chain = 'case_1' AND link = 2) "
		  "WHERE case_id = 'case_1'") == SQLITE_OK);
	struct event_verdict v;
	CHECK(event_verify(d, "org_a", NULL, &v) == 1);
	CHECK(v.bad_seq == seal && strstr(v.msg, "does not match its lines"));
	db *e = fresh(0);
	seal = sealed_case(e, 3);
	CHECK(raw("DELETE FROM chain_seals") == SQLITE_OK);
	CHECK(event_verify(e, "org_a", NULL, &v) == 1 && v.bad_seq == seal && strstr(v.msg, "lost its lines"));
	db_close(e);
	db_close(d);
}

TEST(a_case_event_deleted_in_the_middle_is_named)
{
	db *d = fresh(0);
	sealed_case(d, 4); /* case_1: seq 1..4, case_2: 5, the seal 6 */
	CHECK(raw("DROP TRIGGER events_no_delete; DELETE FROM events WHERE org_id = 'org_a' AND seq = 2") == SQLITE_OK);
	struct event_verdict v;
	CHECK(event_verify(d, "org_a", NULL, &v) == 1);
	CHECK(v.bad_seq == 2 && strstr(v.msg, "missing"));
	db_close(d);
}

/* A history written before migration 0039 (link NULL, hashed without it) keeps verifying, and the
 * organization's chain goes on from it. */
TEST(rows_before_the_case_chains_keep_verifying)
{
	db *d = fresh(0);
	char prev[EVENT_HASH_HEX] = "0000000000000000000000000000000000000000000000000000000000000000", h[EVENT_HASH_HEX];
	char *sql = xstrdup("BEGIN;");
	for (int seq = 1; seq <= 3; seq++) {
		event_hash_v1(prev, seq, 100 + seq, "per_old", "case.noted", "case", "case_1", "case_1", "{}", h);
		char *next = xasprintf("%s INSERT INTO events (org_id, seq, at, actor_id, kind, entity_type, entity_id, case_id, "
				       "data, prev_hash, hash) VALUES ('org_a', %d, %d, 'per_old', 'case.noted', 'case', "
				       "'case_1', 'case_1', '{}', '%s', '%s');",
				       sql, seq, 100 + seq, prev, h);
		free(sql);
		sql = next;
		memcpy(prev, h, sizeof prev);
	}
	char *all = xasprintf("%s UPDATE org_heads SET last_seq = 3, last_link = 3, last_hash = '%s' WHERE org_id = "
			      "'org_a'; COMMIT;",
			      sql, prev);
	CHECK(raw(all) == SQLITE_OK);
	free(all);
	free(sql);
	struct event_verdict v;
	CHECK(event_verify(d, "org_a", NULL, &v) == 0 && v.events == 3);
	CHECK(db_begin(d, 1) == DB_OK);
	CHECK(event_append(d, "org_a", 200, "per_new", "org.updated", "org", "org_a", NULL, NULL) == DB_OK);
	CHECK(event_append(d, "org_a", 201, "per_new", "case.noted", "case", "case_1", "case_1", NULL) == DB_OK);
	CHECK(db_commit(d) == DB_OK);
	CHECK(event_verify(d, "org_a", NULL, &v) == 0 && v.events == 5 && v.head.seq == 4);
	int64_t link;
	int found;
	CHECK(db_scalar_int(d, "SELECT link FROM events WHERE org_id = 'org_a' AND seq = 4", DB_NOARGS, &link, &found) == DB_OK &&
	      link == 4);
	/* an old row edited is still caught */
	CHECK(raw("DROP TRIGGER events_no_update; UPDATE events SET data = '{\"x\":1}' WHERE org_id = 'org_a' AND seq = 2") ==
	      SQLITE_OK);
	CHECK(event_verify(d, "org_a", NULL, &v) == 1 && v.bad_seq == 2);
	db_close(d);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(intact_chain);
	RUN(hash_depends_on_every_field);
	RUN(triggers_refuse_update_and_delete);
	RUN(modified_row);
	RUN(modified_row_with_rehash);
	RUN(deleted_middle_row);
	RUN(deleted_last_row);
	RUN(deleted_first_row);
	RUN(appends_continue_after_reopen);
	RUN(stored_row_is_canonical);
	RUN(append_without_a_chain_head_fails_and_writes_nothing);
	RUN(empty_chain_verifies);
	RUN(tampered_head);
	RUN(storage_error_is_not_a_verdict);
	RUN(anchor_of_an_intact_chain);
	RUN(anchor_catches_a_recomputed_chain);
	RUN(anchor_catches_a_recomputed_and_cut_chain);
	RUN(missing_head_is_tampering);
	RUN(batch_is_the_same_chain);
	RUN(case_chains_and_seals_verify);
	RUN(a_sealed_case_edited_and_recomputed_is_caught);
	RUN(a_sealed_case_cut_at_the_end_is_caught);
	RUN(a_sealed_case_removed_with_its_head_is_caught);
	RUN(a_seal_with_its_lines_edited_is_caught);
	RUN(a_case_event_deleted_in_the_middle_is_named);
	RUN(rows_before_the_case_chains_keep_verifying);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	DONE();
}
