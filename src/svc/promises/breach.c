/* Breaches: a promise past its time breaks, its attribution is computed from the requests it
 * depended on (core/attribution.c), stored with its causes and told (history, the owner's alert, the
 * breach hooks); the scheduler's breach part does it for every due promise (svc/promises/promise.h). */
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "core/attribution.h"
#include "core/ownership.h"
#include "svc/batch.h"
#include "svc/directory/people.h"
#include "svc/exceptions/policy.h"
#include "svc/hooks.h"
#include "svc/ledger/case.h"
#include "svc/org/alert.h"
#include "svc/org/org.h"
#include "svc/promises/duty.h"
#include "svc/promises/estimate.h"
#include "svc/promises/promise.h"
#include "svc/tick.h"

/* --- the breach --- */

struct loaded_req {
	char id[ID_SIZE], what[512], person[ID_SIZE], name[256], team[ID_SIZE], team_name[256], role[16], status[16];
	char policy[ID_SIZE], policy_name[256];
	int64_t due_at, done_at, decided_at;
	int depth;
};

static json_t *holder_json(const struct att_request *q)
{
	return json_pack("{s:s?,s:s?,s:s?,s:s?,s:s,s:i}", "person_id", q->holder_person_id, "name", q->holder_name, "team_id",
			 q->holder_team_id, "team", q->holder_team, "role", q->holder_role ? q->holder_role : "", "depth",
			 q->holder_depth);
}

static const char *nz(const char *s)
{
	return s && *s ? s : NULL;
}

/* The broken promise: its case (the case's owner, team and number), the policy it was made under,
 * what and when. */
struct breach_promise {
	char case_id[ID_SIZE], owner[ID_SIZE], pol[ID_SIZE], pol_name[256], what[512], team[ID_SIZE];
	int64_t due;
	long long number;
};

static int breach_load_promise(svc_ctx *c, const char *promise_id, struct breach_promise *bp)
{
	db_res *r;
	if (svc_load_one(c, "promise_not_found", "id", "no such promise", &r,
			 "SELECT p.case_id, p.due_at, p.policy_id, pol.name, p.what, ca.owner_id, ca.team_id, ca.number FROM promises p "
			 "JOIN cases ca ON ca.org_id = p.org_id AND ca.id = p.case_id "
			 "LEFT JOIN policies pol ON pol.org_id = p.org_id AND pol.id = p.policy_id WHERE p.org_id = ? AND p.id = ?",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(promise_id))))
		return -1;
	svc_copy(c, bp->case_id, sizeof bp->case_id, db_text(r, 0));
	bp->due = db_int(r, 1);
	SVC_COPY_COLS(c, r, 2, SVC_BUF(bp->pol), SVC_BUF(bp->pol_name), SVC_BUF(bp->what), SVC_BUF(bp->owner), SVC_BUF(bp->team));
	bp->number = db_int(r, 7);
	db_res_discard(r);
	return 0;
}

/* The columns of a request a breach reads, from column k on. */
#define BREACH_REQ_COLS                                                                                                        \
	"q.id, q.what, q.holder_person_id, hp.name, COALESCE(q.holder_team_id, hp.team_id), t.name, q.holder_role, q.status, " \
	"q.due_at, q.done_at, q.decided_at, q.policy_id, pol.name "
#define BREACH_REQ_FROM                                                                                   \
	"FROM request_promises rp JOIN requests q ON q.org_id = rp.org_id AND q.id = rp.request_id "         \
	"LEFT JOIN people hp ON hp.org_id = q.org_id AND hp.id = q.holder_person_id "                       \
	"LEFT JOIN teams t ON t.org_id = q.org_id AND t.id = COALESCE(q.holder_team_id, hp.team_id) "       \
	"LEFT JOIN policies pol ON pol.org_id = q.org_id AND pol.id = q.policy_id "

/* Append the row's request (BREACH_REQ_COLS from column k) to *out (*n of *cap). */
static void read_req(svc_ctx *c, db_res *r, int k, struct loaded_req **out, size_t *n, size_t *cap)
{
	*out = xgrow(*out, *n, cap, 8, sizeof **out);
	struct loaded_req *q = &(*out)[(*n)++];
	memset(q, 0, sizeof *q);
	SVC_COPY_COLS(c, r, k, SVC_BUF(q->id), SVC_BUF(q->what), SVC_BUF(q->person), SVC_BUF(q->name), SVC_BUF(q->team),
		      SVC_BUF(q->team_name), SVC_BUF(q->role), SVC_BUF(q->status));
	q->due_at = db_int(r, k + 8);
	q->done_at = db_is_null(r, k + 9) ? 0 : db_int(r, k + 9);
	q->decided_at = db_is_null(r, k + 10) ? 0 : db_int(r, k + 10);
	svc_copy(c, q->policy, sizeof q->policy, db_text(r, k + 11));
	svc_copy(c, q->policy_name, sizeof q->policy_name, db_text(r, k + 12));
}

/* The holders' depth in the organization (-1 for a team). */
static void req_depths(svc_ctx *c, struct loaded_req *lr, size_t n)
{
	for (size_t i = 0; i < n; i++)
		lr[i].depth = *lr[i].person ? person_depth(c, lr[i].person) : -1;
}

/* The requests the promise depended on, oldest first, with their holders' depth: *out is a new
 * array of *n (the caller frees it, also on failure). */
static int breach_load_requests(svc_ctx *c, const char *promise_id, struct loaded_req **out, size_t *n)
{
	int rc;
	db_res *r;
	size_t cap = 0;
	if ((rc = db_query(c->db,
			   "SELECT " BREACH_REQ_COLS BREACH_REQ_FROM "WHERE rp.org_id = ? AND rp.promise_id = ? ORDER BY q.created_at, q.id",
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(promise_id)), &r)) != DB_OK)
		return svc_db_err(c, rc);
	while (db_next(r) == 1)
		read_req(c, r, 0, out, n, &cap);
	if ((rc = db_res_close(r)) != DB_OK)
		return svc_db_err(c, rc);
	req_depths(c, *out, *n);
	return 0;
}

/* The case's requests (any) and its update duties lapsed by the promise's due time. */
static int breach_counts(svc_ctx *c, const struct breach_promise *bp, int64_t *asked, int64_t *lapsed)
{
	*asked = *lapsed = 0;
	int rc = db_scalar_int(c->db, "SELECT COUNT(*) FROM requests WHERE org_id = ? AND case_id = ?",
			       DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(bp->case_id)), asked, NULL);
	if (rc == DB_OK)
		rc = db_scalar_int(c->db,
				   "SELECT COUNT(*) FROM update_duties WHERE org_id = ? AND case_id = ? AND status = 'lapsed' AND due_at <= ?",
				   DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(bp->case_id), DB_INT(bp->due)), lapsed, NULL);
	return rc == DB_OK ? 0 : svc_db_err(c, rc);
}

/* Run the attribution rule over the promise and its n requests lr (ar[n] gets the rule's view of
 * them, borrowing from lr) into *res. */
static void breach_attribute(svc_ctx *c, const struct breach_promise *bp, const struct loaded_req *lr, size_t n,
			     int64_t asked, int64_t lapsed, struct att_request *ar, struct att_result *res)
{
	for (size_t i = 0; i < n; i++) {
		const struct loaded_req *q = &lr[i];
		ar[i] = (struct att_request){q->id, q->what, nz(q->person), nz(q->name), nz(q->team), nz(q->team_name), q->role,
					     q->depth, q->status, q->due_at, q->done_at, q->decided_at, nz(q->policy),
					     nz(q->policy_name)};
	}
	struct att_input ai = {"broken", bp->due, c->now, nz(bp->pol), nz(bp->pol_name), bp->owner, NULL, ar, n, asked > 0, (int)lapsed};
	attribution_compute(&ai, res);
}

/* The attribution as the breach stores and its event carries it (new). */
static json_t *breach_json(svc_ctx *c, const char *promise_id, const struct breach_promise *bp, const struct att_request *ar,
			   const struct att_result *res)
{
	json_t *causes = json_array();
	for (size_t i = 0; i < res->ncauses; i++) {
		const struct att_cause *k = &res->causes[i];
		const struct att_request *q = k->request >= 0 ? &ar[k->request] : NULL;
		const char *level = q ? attribution_level(q) : "owner";
		json_t *cj = json_pack("{s:s,s:s,s:s?,s:s?}", "cause", attribution_cause_name(k->kind), "level", level, "request_id",
				       q ? q->id : NULL, "what", q ? q->what : NULL);
		json_object_set_new(cj, "holder", q ? holder_json(q) : json_pack("{s:s,s:s}", "person_id", bp->owner, "role", "owner"));
		json_object_set_new(cj, "policy", q && q->policy_id ? json_pack("{s:s,s:s?}", "id", q->policy_id, "name", q->policy_name)
								     : json_null());
		json_object_set_new(cj, "promise_policy",
				    *bp->pol && k->kind == ATT_POLICY_CONFLICT ? json_pack("{s:s,s:s}", "id", bp->pol, "name", bp->pol_name)
									       : json_null());
		json_array_append_new(causes, cj);
	}
	return json_pack("{s:s,s:b,s:i,s:o,s:{s:s,s:s,s:o},s:o}", "rule", "v1", "owner_at_fault", res->owner_at_fault,
			 "lapsed_updates", res->lapsed_updates, "owner", svc_person_brief(c, bp->owner), "promise", "id", promise_id,
			 "what", bp->what, "due_at", svc_time(bp->due), "causes", causes);
}

/* Store the breach (attribution att) and one row per cause; in a scheduler pass they are written
 * by the next tick_flush, with the others (the breach part flushes before anything reads them). */
static const char BREACH_HEAD[] = "INSERT INTO breaches (org_id, id, case_id, promise_id, at, owner_id, owner_at_fault, attribution)";
static const char CAUSE_HEAD[] = "INSERT INTO breach_causes (org_id, breach_id, n, at, cause, request_id, holder_person_id, "
				 "holder_team_id, holder_level, policy_id)";
static int breach_store(svc_ctx *c, const char *breach_id, const char *promise_id, const struct breach_promise *bp,
			const struct att_request *ar, const struct att_result *res, json_t *att)
{
	char *text = json_dumps(att, JSON_COMPACT | JSON_SORT_KEYS);
	int ret = tick_insert(c, BREACH_HEAD,
			      DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(breach_id), DB_TXT(bp->case_id), DB_TXT(promise_id),
				      DB_INT(c->now), DB_TXT(bp->owner), DB_INT(res->owner_at_fault), DB_TXT(text)));
	free(text);
	for (size_t i = 0; ret == 0 && i < res->ncauses; i++) {
		const struct att_cause *k = &res->causes[i];
		const struct att_request *q = k->request >= 0 ? &ar[k->request] : NULL;
		ret = tick_insert(c, CAUSE_HEAD,
				  DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(breach_id), DB_INT(i), DB_INT(c->now),
					  DB_TXT(attribution_cause_name(k->kind)), DB_TXT(q ? q->id : NULL),
					  DB_TXT(q ? q->holder_person_id : bp->owner), DB_TXT(q ? q->holder_team_id : NULL),
					  DB_TXT(q ? attribution_level(q) : "owner"), DB_TXT(q ? q->policy_id : NULL)));
	}
	return ret;
}

/* The events, the owner's alert and the breach hooks. */
static int breach_tell(svc_ctx *c, const char *breach_id, const char *promise_id, const struct breach_promise *bp, json_t *att)
{
	if (svc_event(c, "promise.broken", "promise", promise_id, bp->case_id, json_pack("{s:s}", "breach_id", breach_id)) ||
	    svc_event(c, "breach.recorded", "breach", breach_id, bp->case_id, json_deep_copy(att)) ||
	    alert_add(c, bp->owner, "promise_broken", bp->case_id, "promise", promise_id, "Promise broken: \"%s\"", bp->what))
		return -1;
	const struct breach_case ca = {bp->case_id, bp->owner, bp->team, bp->number};
	for (const breach_hook_fn *h = svc_breach_hooks(); *h; h++)
		if ((*h)(c, &ca, promise_id, breach_id, att))
			return -1;
	return 0;
}

/* Run the rule and store the breach (breach_id, new) and its causes: the promise bp, the n requests
 * lr it depended on, the case's requests asked and update duties lapsed (read by the caller).
 * *att gets the attribution (new; also on failure, or NULL). */
static int breach_store_with(svc_ctx *c, const char *promise_id, const struct breach_promise *bp, const struct loaded_req *lr,
			     size_t n, int64_t asked, int64_t lapsed, char breach_id[ID_SIZE], json_t **att)
{
	struct att_request *ar = xcalloc(n ? n : 1, sizeof *ar);
	struct att_result res;
	breach_attribute(c, bp, lr, n, asked, lapsed, ar, &res);
	id_new(breach_id, "breach", c->now);
	*att = breach_json(c, promise_id, bp, ar, &res);
	int ret = breach_store(c, breach_id, promise_id, bp, ar, &res, *att);
	free(ar);
	return ret;
}

/* The same, and tell everyone (the hooks read the breach: it is written first, also in a pass). */
static int breach_record_with(svc_ctx *c, const char *promise_id, const struct breach_promise *bp, const struct loaded_req *lr,
			      size_t n, int64_t asked, int64_t lapsed)
{
	char breach_id[ID_SIZE];
	json_t *att = NULL;
	int ret = breach_store_with(c, promise_id, bp, lr, n, asked, lapsed, breach_id, &att) || tick_flush(c) ||
			  breach_tell(c, breach_id, promise_id, bp, att)
		  ? -1
		  : 0;
	json_decref(att);
	return ret;
}

/* Build the facts, run the rule, store the breach and its causes, tell everyone. */
int breach_record(svc_ctx *c, const char *promise_id)
{
	struct breach_promise bp;
	struct loaded_req *lr = NULL;
	size_t n = 0;
	int64_t asked, lapsed;
	int ret = breach_load_promise(c, promise_id, &bp) || breach_load_requests(c, promise_id, &lr, &n) ||
			  breach_counts(c, &bp, &asked, &lapsed) || breach_record_with(c, promise_id, &bp, lr, n, asked, lapsed)
		  ? -1
		  : 0;
	free(lr);
	return ret;
}

int promise_tick_due(svc_ctx *c, int64_t until, int64_t *next)
{
	return tick_due_min(c, "SELECT MIN(due_at) FROM promises WHERE status = 'pending' AND due_at <= ?", until, next);
}

/* The promises a pass breaks (at most TICK_BATCH, soonest first): its two `?` are now and TICK_BATCH. */
#define DUE_PROMISES "SELECT org_id, id FROM promises WHERE status = 'pending' AND due_at <= ? ORDER BY due_at, org_id, id LIMIT ?"

/* One promise a pass breaks, read with every other (due_breaches): its facts, and its requests
 * lr[first .. first + nreq). */
struct due_breach {
	char org_id[ID_SIZE], id[ID_SIZE], breach_id[ID_SIZE];
	struct breach_promise bp;
	int64_t asked, lapsed;
	size_t first, nreq;
	int taken;
	json_t *att; /* its attribution, once stored */
};

/* A column of the due promise p's case, read by its key (every promise has its case: a scalar
 * subquery, not a join, which PostgreSQL answered by hashing every case of the database, 15 ms at
 * 11,001 cases for 500 due promises). */
#define CASE_COL(col) "(SELECT ca." col " FROM cases ca WHERE ca.org_id = p.org_id AND ca.id = p.case_id)"

static int due_promises(svc_ctx *c, struct due_breach **out, size_t *n)
{
	db_res *r;
	size_t cap = 0;
	if (!svc_query(c,
		       "SELECT p.org_id, p.id, p.case_id, p.due_at, p.policy_id, pol.name, p.what, " CASE_COL("owner_id") ", "
		       "(SELECT COUNT(*) FROM requests q WHERE q.org_id = p.org_id AND q.case_id = p.case_id), "
		       "(SELECT COUNT(*) FROM update_duties d WHERE d.org_id = p.org_id AND d.case_id = p.case_id AND d.status = 'lapsed' "
		       "AND d.due_at <= p.due_at), " CASE_COL("team_id") ", " CASE_COL("number") " FROM promises p "
		       "LEFT JOIN policies pol ON pol.org_id = p.org_id AND pol.id = p.policy_id "
		       "WHERE p.status = 'pending' AND p.due_at <= ? ORDER BY p.due_at, p.org_id, p.id LIMIT ?",
		       DB_ARGS(DB_INT(c->now), DB_INT(TICK_BATCH)), &r))
		return -1;
	while (db_next(r) == 1) {
		*out = xgrow(*out, *n, &cap, 64, sizeof **out);
		struct due_breach *b = &(*out)[(*n)++];
		memset(b, 0, sizeof *b);
		SVC_COPY_COLS(c, r, 0, SVC_BUF(b->org_id), SVC_BUF(b->id), SVC_BUF(b->bp.case_id));
		b->bp.due = db_int(r, 3);
		SVC_COPY_COLS(c, r, 4, SVC_BUF(b->bp.pol), SVC_BUF(b->bp.pol_name), SVC_BUF(b->bp.what), SVC_BUF(b->bp.owner));
		b->asked = db_int(r, 8);
		b->lapsed = db_int(r, 9);
		svc_copy(c, b->bp.team, sizeof b->bp.team, db_text(r, 10));
		b->bp.number = db_int(r, 11);
	}
	return svc_close(c, r);
}

/* The requests of every due promise, each promise's oldest first, in one statement. */
static int due_requests(svc_ctx *c, struct due_breach *due, size_t n, struct loaded_req **lr, size_t *nlr)
{
	db_res *r;
	size_t cap = 0;
	if (!n)
		return 0;
	if (!svc_query(c,
		       "SELECT rp.org_id, rp.promise_id, " BREACH_REQ_COLS BREACH_REQ_FROM "WHERE (rp.org_id, rp.promise_id) IN (" DUE_PROMISES
		       ") ORDER BY rp.org_id, rp.promise_id, q.created_at, q.id",
		       DB_ARGS(DB_INT(c->now), DB_INT(TICK_BATCH)), &r))
		return -1;
	json_t *at = json_object(); /* org/promise -> [index of its first request, how many] */
	while (db_next(r) == 1) {
		char *key = xasprintf("%s/%s", db_text(r, 0), db_text(r, 1));
		json_t *range = json_object_get(at, key);
		if (!range)
			json_object_set_new(at, key, json_pack("[I,I]", (json_int_t)*nlr, (json_int_t)1));
		else
			json_array_set_new(range, 1, json_integer(json_integer_value(json_array_get(range, 1)) + 1));
		free(key);
		read_req(c, r, 2, lr, nlr, &cap);
	}
	int rc = svc_close(c, r);
	for (size_t i = 0; i < n; i++) {
		char *key = xasprintf("%s/%s", due[i].org_id, due[i].id);
		json_t *range = json_object_get(at, key);
		free(key);
		due[i].first = range ? (size_t)json_integer_value(json_array_get(range, 0)) : 0;
		due[i].nreq = range ? (size_t)json_integer_value(json_array_get(range, 1)) : 0;
	}
	json_decref(at);
	return rc;
}

/* Break the k promises ids of the organization org (k <= BATCH_TAKE_IDS) still pending and due,
 * in one UPDATE by their keys; the keys it changed go to taken ("org/id"). */
static int take_chunk(svc_ctx *c, const char *org, const char *const *ids, size_t k, json_t *taken)
{
	db_res *r;
	size_t marks = batch_padded(k), a = 0;
	db_arg *args = xcalloc(marks + 3, sizeof *args);
	args[a++] = DB_INT(c->now);
	args[a++] = DB_TXT(org);
	for (size_t i = 0; i < marks; i++)
		args[a++] = DB_TXT(ids[i < k ? i : k - 1]);
	args[a++] = DB_INT(c->now);
	char *sql = batch_sql("UPDATE promises SET status = 'broken', closed_at = ? WHERE org_id = ? AND id IN (%s) "
			      "AND status || '' = 'pending' AND due_at <= ? RETURNING org_id, id",
			      marks);
	int ok = svc_query(c, sql, args, (int)a, &r);
	free(sql);
	free(args);
	if (!ok)
		return -1;
	while (db_next(r) == 1) {
		char *key = xasprintf("%s/%s", db_text(r, 0), db_text(r, 1));
		json_object_set_new(taken, key, json_true());
		free(key);
	}
	return svc_close(c, r);
}

/* Break them by their keys, one UPDATE per organization and BATCH_TAKE_IDS promises: a promise is
 * taken when this pass's update changed it (still pending and due: another pass may have broken it
 * first).  Its status is checked as `status || ''` so that SQLite's planner (no statistics) finds
 * each by its key rather than walking the organization's pending promises by promises_open (about
 * 5 rows visited per pending promise a pass: test_statement_counts' pass steps); by their keys,
 * PostgreSQL no longer reads every promise to join them with the due ones (a sequential scan of
 * the table at 100,000 pending). */
static int take_promises(svc_ctx *c, struct due_breach *due, size_t n)
{
	char *seen = xcalloc(n ? n : 1, 1);
	const char **ids = xcalloc(n ? n : 1, sizeof *ids);
	json_t *taken = json_object();
	int ret = 0;
	for (size_t i = 0; ret == 0 && i < n; i++) {
		if (seen[i])
			continue;
		size_t k = 0;
		for (size_t j = i; j < n; j++)
			if (!seen[j] && strcmp(due[j].org_id, due[i].org_id) == 0) {
				seen[j] = 1;
				ids[k++] = due[j].id;
			}
		for (size_t at = 0; ret == 0 && at < k; at += BATCH_TAKE_IDS)
			ret = take_chunk(c, due[i].org_id, ids + at, k - at < BATCH_TAKE_IDS ? k - at : BATCH_TAKE_IDS, taken);
	}
	for (size_t i = 0; i < n; i++) {
		char *key = xasprintf("%s/%s", due[i].org_id, due[i].id);
		due[i].taken = json_object_get(taken, key) != NULL;
		free(key);
	}
	json_decref(taken);
	free(ids);
	free(seen);
	return ret;
}

/* The breach hooks' batch hooks (svc/hooks.h) over the stored breaches (n = 0: the end). */
static int batch_hooks(svc_ctx *c, const struct due_breach *due, size_t n)
{
	struct breach_item *items = xcalloc(n ? n : 1, sizeof *items);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (due[i].att)
			items[k++] = (struct breach_item){due[i].org_id, due[i].bp.case_id, due[i].breach_id};
	int ret = 0;
	for (const breach_batch_fn *h = svc_breach_batches(); ret == 0 && *h; h++)
		ret = (*h)(c, items, k);
	free(items);
	return ret;
}

/* The breach part: the due promises, their requests and counts read, and the promises broken, in
 * three statements for all of them; then each breach stored in order (its rows); then, with what
 * the hooks need read for all of them (batch hooks), each told in order (history, alerts, hooks). */
int promise_tick_breach(svc_ctx *c, json_t *summary)
{
	struct due_breach *due = NULL;
	struct loaded_req *lr = NULL;
	size_t n = 0, nlr = 0;
	long long done = 0;
	int ret = due_promises(c, &due, &n) || due_requests(c, due, n, &lr, &nlr) || take_promises(c, due, n) ? -1 : 0;
	for (size_t i = 0; ret == 0 && i < n; i++) {
		if (!due[i].taken)
			continue;
		tick_as_system(c, due[i].org_id);
		struct loaded_req *its = due[i].nreq ? lr + due[i].first : NULL; /* no arithmetic on a NULL lr */
		req_depths(c, its, due[i].nreq);
		ret = breach_store_with(c, due[i].id, &due[i].bp, its, due[i].nreq, due[i].asked, due[i].lapsed, due[i].breach_id,
					&due[i].att);
	}
	if (ret == 0) /* the breaches and their causes are written: what follows reads them */
		ret = tick_flush(c) || batch_hooks(c, due, n) ? -1 : 0;
	for (size_t i = 0; ret == 0 && i < n; i++) {
		if (!due[i].att)
			continue;
		tick_as_system(c, due[i].org_id);
		ret = breach_tell(c, due[i].breach_id, due[i].id, &due[i].bp, due[i].att);
		done++;
	}
	if (batch_hooks(c, NULL, 0) && ret == 0)
		ret = -1;
	for (size_t i = 0; i < n; i++)
		json_decref(due[i].att);
	free(due);
	free(lr);
	tick_count(summary, "breaches", ret ? 0 : done);
	return ret;
}

