/* Promises to customers: record, keep, renegotiate (only with the customer's recorded consent);
 * at-risk marking; the breach when one passes its due time unkept, with its attribution
 * (core/attribution.c), policy conflicts; and the promise parts of the case page. */
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "core/attribution.h"
#include "core/ownership.h"
#include "svc/directory/people.h"
#include "svc/batch.h"
#include "svc/exceptions/policy.h"
#include "svc/hooks.h"
#include "svc/ledger/case.h"
#include "svc/org/alert.h"
#include "svc/org/org.h"
#include "svc/promises/duty.h"
#include "svc/promises/estimate.h"
#include "svc/promises/promise.h"
#include "svc/tick.h"

static const char *const STATUSES[] = {"pending", "kept", "broken", "renegotiated", NULL};

#define PROMISE_COLS                                                                                         \
	"p.id, p.case_id, p.what, p.due_at, p.made_by, p.channel, p.deliver_person_id, p.deliver_team_id, p.policy_id, " \
	"p.status, p.at_risk_at, p.replaces_id, p.consent, p.consent_channel, p.created_at, p.closed_at, t.name, pol.name, " \
	"p.renegotiated_by"
#define PROMISE_FROM                                                                 \
	" FROM promises p LEFT JOIN teams t ON t.org_id = p.org_id AND t.id = p.deliver_team_id " \
	"LEFT JOIN policies pol ON pol.org_id = p.org_id AND pol.id = p.policy_id "

static json_t *ref_obj(db_res *r, int id_col, int name_col)
{
	if (db_is_null(r, id_col))
		return json_null();
	return json_pack("{s:s,s:s}", "id", db_text(r, id_col), "name", db_text(r, name_col));
}

static json_t *id_list(svc_ctx *c, const char *sql, const char *id)
{
	int rc;
	db_res *r;
	json_t *a = json_array();
	if (!svc_query(c, sql, DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id)), &r))
		return a;
	while (db_next(r) == 1)
		json_array_append_new(a, json_string(db_text(r, 0)));
	if ((rc = db_res_close(r)) != DB_OK)
		svc_db_err(c, rc);
	return a;
}

/* A promise as the case page shows it, with what it is blocked by and its estimate (both stolen). */
static json_t *promise_row_with(svc_ctx *c, db_res *r, json_t *blocked_by, json_t *estimate)
{
	json_t *o = json_pack("{s:s,s:s,s:s,s:o,s:o,s:s,s:o,s:o,s:o,s:s,s:b,s:o,s:o,s:s,s:s,s:o,s:o}", "id", db_text(r, 0),
			      "case_id", db_text(r, 1), "what", db_text(r, 2), "due_at", svc_col_time(r, 3), "made_by",
			      svc_person_brief(c, db_text(r, 4)), "channel", db_text(r, 5), "deliver_person",
			      db_is_null(r, 6) ? json_null() : svc_person_brief(c, db_text(r, 6)), "deliver_team", ref_obj(r, 7, 16),
			      "policy", ref_obj(r, 8, 17), "status", db_text(r, 9), "at_risk", !db_is_null(r, 10), "at_risk_at",
			      svc_col_time(r, 10), "replaces_id", svc_col_str(r, 11), "consent", db_text(r, 12),
			      "consent_channel", db_text(r, 13), "created_at", svc_col_time(r, 14), "closed_at",
			      svc_col_time(r, 15));
	json_object_set_new(o, "renegotiated_by", db_is_null(r, 18) ? json_null() : svc_person_brief(c, db_text(r, 18)));
	json_object_set_new(o, "blocked_by", blocked_by);
	json_object_set_new(o, "estimate", estimate);
	return o;
}

static json_t *promise_row(svc_ctx *c, db_res *r)
{
	return promise_row_with(
		c, r,
		id_list(c, "SELECT request_id FROM request_promises WHERE org_id = ? AND promise_id = ? ORDER BY request_id", db_text(r, 0)),
		estimate_recorded(c, db_text(r, 0)));
}

json_t *promise_json(svc_ctx *c, const char *promise_id)
{
	json_t *o = svc_one_row(c, "SELECT " PROMISE_COLS PROMISE_FROM "WHERE p.org_id = ? AND p.id = ?", promise_id, promise_row);
	return o ? o : json_null();
}

int promise_load(svc_ctx *c, const char *id, struct promise_state *s)
{
	db_res *r;
	if (svc_load_id(c, "prom", id, "promise_not_found", "no such promise", &r,
			"SELECT id, case_id, status, due_at, what FROM promises WHERE org_id = ? AND id = ?"))
		return -1;
	SVC_COPY_COLS(c, r, 0, SVC_BUF(s->id), SVC_BUF(s->case_id), SVC_BUF(s->status));
	s->due_at = db_int(r, 3);
	svc_copy(c, s->what, sizeof s->what, db_text(r, 4));
	db_res_discard(r);
	return svc_db_outcome(c, 0);
}

static int due_ok(svc_ctx *c, json_t *in, const char *field, long long *due)
{
	if (!in_time(in, field, due))
		return err_set(&c->err, ERR_INVALID, "required", field, "%s is required", field);
	if (*due <= c->now)
		return err_set(&c->err, ERR_INVALID, "due_in_past", field, "%s must be in the future", field);
	return 0;
}

/* who: made_by, and for a renegotiation the promise it replaces and who renegotiated it (else NULL). */
struct promise_origin {
	const char *made_by, *replaces, *renegotiated_by;
};

static int insert_promise(svc_ctx *c, const char *case_id, json_t *in, long long due, const char *deliver_person,
			  const char *deliver_team, const char *policy_id, const struct promise_origin *o, char id[ID_SIZE])
{
	id_new(id, "prom", c->now);
	int rc = db_exec(c->db,
			 "INSERT INTO promises (org_id, id, case_id, what, due_at, made_by, channel, deliver_person_id, deliver_team_id, "
			 "policy_id, status, replaces_id, consent, consent_channel, created_at, renegotiated_by) "
			 "VALUES (?,?,?,?,?,?,?,?,?,?,'pending',?,?,?,?,?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(case_id), DB_TXT(in_str(in, "what")), DB_INT(due),
				 DB_TXT(o->made_by), DB_TXT(in_str(in, "channel")), DB_TXT(deliver_person), DB_TXT(deliver_team),
				 DB_TXT(policy_id), DB_TXT(o->replaces), DB_TXT(in_str(in, "consent") ? in_str(in, "consent") : ""),
				 DB_TXT(in_str(in, "consent_channel") ? in_str(in, "consent_channel") : ""), DB_INT(c->now),
				 DB_TXT(o->renegotiated_by)),
			 NULL);
	return rc == DB_OK ? 0 : svc_db_err(c, rc);
}

static int promise_hooks(svc_ctx *c, const char *case_id, const char *promise_id, const char *kind)
{
	for (const promise_hook_fn *h = svc_promise_hooks(); *h; h++)
		if ((*h)(c, case_id, promise_id, kind))
			return -1;
	return 0;
}

/* The answer to a promise made: the promise as it stands. */
static int promise_answer(svc_ctx *c, const char *id, const char *unused, json_t **out)
{
	(void)unused;
	*out = promise_json(c, id);
	return 0;
}

static int pr_create(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct case_row row;
	struct policy_row pol = {0};
	char id[ID_SIZE], dp[ID_SIZE] = "", dt[ID_SIZE] = "";
	long long due;
	if (case_load(c, p[0], &row))
		return -1;
	if (!row.open)
		return err_set(&c->err, ERR_RULE, "case_closed", NULL, "the case is resolved; reopen it first");
	if (!role_may(c->actor.role, PERM_AUTHOR))
		return err_set(&c->err, ERR_FORBIDDEN, "person_required", NULL, "a promise is made by a person");
	if (due_ok(c, in, "due_at", &due))
		return -1;
	if (in_str(in, "deliver_person")) {
		enum role role;
		if (svc_person_ref(c, in_str(in, "deliver_person"), "deliver_person", dp) || people_role(c, dp, &role, dt, NULL))
			return -1;
	}
	if (in_str(in, "deliver_team") && org_team_ref(c, in_str(in, "deliver_team"), "deliver_team", dt))
		return -1;
	if (!*dp && !*dt)
		STR_COPY(dt, row.team_id);
	if (in_str(in, "policy")) {
		if (policy_ref(c, in_str(in, "policy"), "policy", &pol))
			return -1;
		json_decref(pol.limits);
	}
	struct promise_origin origin = {c->actor.person_id, NULL, NULL};
	if (insert_promise(c, row.id, in, due, *dp ? dp : NULL, *dt ? dt : NULL, *pol.id ? pol.id : NULL, &origin, id))
		return -1;
	if (svc_event(c, "promise.made", "promise", id, row.id,
		      json_pack("{s:s,s:s,s:o,s:s?,s:s?,s:s?}", "what", in_str(in, "what"), "channel", in_str(in, "channel"), "due_at",
				svc_time(due), "deliver_person_id", *dp ? dp : NULL, "deliver_team_id", *dt ? dt : NULL,
				"policy_id", *pol.id ? pol.id : NULL)) ||
	    case_touch(c, row.id) || duty_ensure_cadence(c, row.id) || promise_hooks(c, row.id, id, "made"))
		return -1;
	if (estimate_on_promise(c, row.id, id, dp, dt, in_str(in, "kind"), due, NULL)) /* promise_json shows it */
		return -1;
	return svc_answer_after(c, promise_answer, id, NULL, out);
}

static int pr_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct case_row row;
	if (case_load(c, p[0], &row))
		return -1;
	const char *status = in_str(in, "status");
	return svc_items(c, out, promise_row,
			 "SELECT " PROMISE_COLS PROMISE_FROM
			 "WHERE p.org_id = ? AND p.case_id = ? AND (? IS NULL OR p.status = ?) "
			 "ORDER BY p.due_at, p.id",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(row.id), DB_TXT(status), DB_TXT(status)));
}

static int pr_show(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct promise_state s;
	if (promise_load(c, p[0], &s))
		return -1;
	*out = promise_json(c, s.id);
	return 0;
}

/* May the actor settle (keep, renegotiate) promises of this case?  The rule is core/ownership.c. */
int promise_may_settle(svc_ctx *c, const char *case_id)
{
	struct case_row row;
	char chain[PERSON_MAX_DEPTH][ID_SIZE];
	const char *managers[PERSON_MAX_DEPTH];
	if (case_load(c, case_id, &row))
		return -1;
	size_t n = person_managers(c, row.owner_id, chain, PERSON_MAX_DEPTH);
	for (size_t i = 0; i < n; i++)
		managers[i] = chain[i];
	struct own_actor a = {c->actor.person_id, c->actor.role};
	struct own_case oc = {row.owner_id, row.open, row.pending_offers > 0};
	return own_may_settle_promise(&a, &oc, managers, n, &c->err);
}

static int pr_keep(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct promise_state s;
	int64_t n = 0;
	if (promise_load(c, p[0], &s) || promise_may_settle(c, s.case_id))
		return -1;
	if (strcmp(s.status, "pending") != 0)
		return err_set(&c->err, ERR_CONFLICT, "promise_not_pending", NULL, "the promise is already %s", s.status);
	int rc = db_exec(c->db, "UPDATE promises SET status = 'kept', closed_at = ? WHERE org_id = ? AND id = ? AND status = 'pending'",
			 DB_ARGS(DB_INT(c->now), DB_TXT(c->actor.org_id), DB_TXT(s.id)), &n);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (n != 1)
		return err_set(&c->err, ERR_CONFLICT, "promise_not_pending", NULL, "the promise changed meanwhile");
	if (svc_event(c, "promise.kept", "promise", s.id, s.case_id,
		      json_pack("{s:s}", "note", in_str(in, "note") ? in_str(in, "note") : "")) ||
	    case_touch(c, s.case_id))
		return -1;
	*out = promise_json(c, s.id);
	return 0;
}

/* Renegotiation closes the promise as "renegotiated" and makes a new pending one with the new due
 * time, the customer's consent and the same blocking requests. */
int promise_renegotiate(svc_ctx *c, const char *promise_id, json_t *in, const char *renegotiated_by, char id[ID_SIZE])
{
	struct promise_state s;
	long long due;
	int64_t n = 0;
	db_res *r;
	if (promise_load(c, promise_id, &s))
		return -1;
	/* blank consent is no consent */
	int has_consent = !str_blank(in_str(in, "consent"));
	if (!has_consent || !in_str(in, "consent_channel"))
		return err_set(&c->err, ERR_RULE, "consent_required", has_consent ? "consent_channel" : "consent",
			       "a promise is renegotiated only with the customer's consent: record what they agreed to and where");
	if (strcmp(s.status, "pending") != 0)
		return err_set(&c->err, ERR_CONFLICT, "promise_not_pending", NULL, "the promise is already %s", s.status);
	if (due_ok(c, in, "due_at", &due))
		return -1;
	int rc = db_exec(c->db,
			 "UPDATE promises SET status = 'renegotiated', closed_at = ? WHERE org_id = ? AND id = ? AND status = 'pending'",
			 DB_ARGS(DB_INT(c->now), DB_TXT(c->actor.org_id), DB_TXT(s.id)), &n);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (n != 1)
		return err_set(&c->err, ERR_CONFLICT, "promise_not_pending", NULL, "the promise changed meanwhile");
	if (svc_load_one(c, "promise_not_found", "id", "no such promise", &r,
			 "SELECT what, channel, deliver_person_id, deliver_team_id, policy_id, made_by FROM promises WHERE org_id = ? AND id = ?",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(s.id))))
		return -1;
	json_t *copy = json_pack("{s:s,s:s,s:s,s:s}", "what", in_str(in, "what") ? in_str(in, "what") : db_text(r, 0), "channel",
				 db_text(r, 1), "consent", in_str(in, "consent"), "consent_channel", in_str(in, "consent_channel"));
	char dp[ID_SIZE], dt[ID_SIZE], pol[ID_SIZE], maker[ID_SIZE];
	SVC_COPY_COLS(c, r, 2, SVC_BUF(dp), SVC_BUF(dt), SVC_BUF(pol), SVC_BUF(maker));
	db_res_discard(r);
	/* the promise stays the maker's; who moved it is recorded beside */
	struct promise_origin origin = {maker, s.id, renegotiated_by};
	rc = insert_promise(c, s.case_id, copy, due, *dp ? dp : NULL, *dt ? dt : NULL, *pol ? pol : NULL, &origin, id);
	json_decref(copy);
	if (rc)
		return -1;
	if ((rc = db_exec(c->db,
			  "INSERT INTO request_promises (org_id, request_id, promise_id) SELECT org_id, request_id, ? FROM request_promises "
			  "WHERE org_id = ? AND promise_id = ?",
			  DB_ARGS(DB_TXT(id), DB_TXT(c->actor.org_id), DB_TXT(s.id)), NULL)) != DB_OK)
		return svc_db_err(c, rc);
	json_t *data = json_pack("{s:s,s:o,s:o,s:s,s:s}", "new_promise_id", id, "old_due_at", svc_time(s.due_at), "due_at",
				 svc_time(due), "consent", in_str(in, "consent"), "consent_channel", in_str(in, "consent_channel"));
	if (json_object_get(in, "evidence")) /* what the consent was given in (the customer's mail) */
		json_object_set(data, "evidence", json_object_get(in, "evidence"));
	return svc_event(c, "promise.renegotiated", "promise", s.id, s.case_id, data) || case_touch(c, s.case_id) ||
			       promise_hooks(c, s.case_id, id, "renegotiated")
		       ? -1
		       : 0;
}

static int pr_renegotiate(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct promise_state s;
	char id[ID_SIZE];
	if (promise_load(c, p[0], &s) || promise_may_settle(c, s.case_id) ||
	    promise_renegotiate(c, s.id, in, c->actor.person_id, id))
		return -1;
	*out = promise_json(c, id);
	return 0;
}

/* --- at risk --- */

static int mark_at_risk(svc_ctx *c, const char *promise_id, const char *case_id, const char *what, const char *why)
{
	int64_t n = 0;
	int rc = db_exec(c->db,
			 "UPDATE promises SET at_risk_at = ? WHERE org_id = ? AND id = ? AND status = 'pending' AND at_risk_at IS NULL",
			 DB_ARGS(DB_INT(c->now), DB_TXT(c->actor.org_id), DB_TXT(promise_id)), &n);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (n != 1)
		return 0; /* already at risk, or no longer pending */
	char owner[ID_SIZE];
	if (case_owner(c, case_id, owner))
		return -1;
	if (svc_event(c, "promise.at_risk", "promise", promise_id, case_id, json_pack("{s:s}", "why", why)) ||
	    alert_add(c, owner, "promise_at_risk", case_id, "promise", promise_id, "Promise at risk: \"%s\" (%s)", what, why))
		return -1;
	return duty_at_risk(c, case_id, promise_id) || promise_hooks(c, case_id, promise_id, "at_risk") ? -1 : 0;
}

/* A pending promise and the request it depends on: {id, case_id, what, why}, why absent when the
 * request does not put the promise at risk. */
static json_t *risk_row(svc_ctx *c, db_res *r)
{
	(void)c;
	const char *st = db_text(r, 4), *why = NULL;
	if (!db_int(r, 8)) /* not pending, or already at risk */
		why = NULL;
	else if (strcmp(st, "declined") == 0)
		why = "a request it depends on was declined";
	else if (strcmp(st, "deferred") == 0 && db_int(r, 5) > db_int(r, 3))
		why = "a request it depends on was deferred past the promise's due time";
	else if (strcmp(st, "done") != 0 && !db_is_null(r, 6))
		why = "a request it depends on is overdue";
	return json_pack("{s:s,s:s,s:s,s:s*}", "id", db_text(r, 0), "case_id", db_text(r, 1), "what", db_text(r, 2), "why", why);
}

int promise_check_risk(svc_ctx *c, const char *request_id)
{
	json_t *hits, *v;
	/* the request's state against each promise it blocks, read by their keys; the pending ones not
	 * at risk yet are told by the last column (as a condition, SQLite's planner, which keeps no
	 * statistics here, would walk every pending promise of the organization by promises_open and
	 * probe the links: a pass at 100,000 pending took seconds per request) */
	if (svc_rows_of(c, &hits, risk_row,
			"SELECT p.id, p.case_id, p.what, p.due_at, q.status, q.due_at, q.overdue_at, q.what, "
			"CASE WHEN p.status = 'pending' AND p.at_risk_at IS NULL THEN 1 ELSE 0 END FROM requests q "
			"JOIN promises p ON p.org_id = q.org_id AND p.id IN (SELECT rp.promise_id FROM request_promises rp "
			"WHERE rp.org_id = q.org_id AND rp.request_id = q.id) WHERE q.org_id = ? AND q.id = ?",
			DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(request_id))))
		return -1;
	size_t i;
	int ret = 0;
	json_array_foreach(hits, i, v)
	{
		if (ret == 0 && json_object_get(v, "why"))
			ret = mark_at_risk(c, json_string_value(json_object_get(v, "id")),
					   json_string_value(json_object_get(v, "case_id")), json_string_value(json_object_get(v, "what")),
					   json_string_value(json_object_get(v, "why")));
	}
	json_decref(hits);
	return ret;
}

/* --- case page parts, hooks --- */

int promise_view_part(svc_ctx *c, const char *case_id, json_t *view)
{
	return svc_view_rows(c, view, "promises", promise_row,
			     "SELECT " PROMISE_COLS PROMISE_FROM
			     "WHERE p.org_id = ? AND p.case_id = ? ORDER BY p.created_at, p.id",
			     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id)));
}

static json_t *breach_row(svc_ctx *c, db_res *r)
{
	json_t *att = json_loads(db_text(r, 5), 0, NULL);
	return json_pack("{s:s,s:s,s:s,s:o,s:b,s:o}", "id", db_text(r, 0), "case_id", db_text(r, 1), "promise_id", db_text(r, 2),
			 "at", svc_col_time(r, 3), "owner_at_fault", (int)db_int(r, 4), "attribution", att ? att : json_object());
}

int breach_view_part(svc_ctx *c, const char *case_id, json_t *view)
{
	return svc_view_rows(c, view, "breaches", breach_row,
			     "SELECT id, case_id, promise_id, at, owner_at_fault, attribution FROM breaches WHERE org_id = ? AND case_id = ? "
			     "ORDER BY at, id",
			     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id)));
}

static json_t *conflict_row(svc_ctx *c, db_res *r)
{
	return json_pack("{s:s,s:s,s:s,s:o,s:o,s:o,s:o}", "id", db_text(r, 0), "promise_id", db_text(r, 1), "request_id",
			 db_text(r, 2), "policy", ref_obj(r, 3, 4), "promise_policy", ref_obj(r, 5, 6), "at", svc_col_time(r, 7),
			 "by", svc_person_brief(c, db_text(r, 8)));
}

int conflict_view_part(svc_ctx *c, const char *case_id, json_t *view)
{
	return svc_view_rows(c, view, "policy_conflicts", conflict_row,
			     "SELECT pc.id, pc.promise_id, pc.request_id, pc.policy_id, p1.name, pc.promise_policy_id, p2.name, pc.at, "
			     "pc.by_id FROM policy_conflicts pc JOIN policies p1 ON p1.org_id = pc.org_id AND p1.id = pc.policy_id "
			     "LEFT JOIN policies p2 ON p2.org_id = pc.org_id AND p2.id = pc.promise_policy_id "
			     "WHERE pc.org_id = ? AND pc.case_id = ? ORDER BY pc.at, pc.id",
			     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id)));
}

static json_t *id_of_row(svc_ctx *c, db_res *r)
{
	(void)c;
	return json_string(db_text(r, 0));
}

/* --- the same parts for many cases at once (svc/batch.h) --- */

static json_t *second_col(svc_ctx *c, db_res *r)
{
	(void)c;
	return json_string(db_text(r, 1));
}

int promise_rows_of_cases(svc_ctx *c, const char *const *case_ids, size_t n, json_t *by_case)
{
	json_t *blocked = json_object(), *est = json_object();
	int ret = -1;
	if (batch_rows(c,
		       "SELECT rp.promise_id, rp.request_id FROM request_promises rp WHERE rp.org_id = ? AND rp.promise_id IN "
		       "(SELECT p.id FROM promises p WHERE p.org_id = rp.org_id AND p.case_id IN (%s)) ORDER BY rp.promise_id, rp.request_id",
		       case_ids, n, 0, second_col, blocked) ||
	    batch_rows(c,
		       "SELECT " ESTIMATE_RECORDED_COLS ", e.subject_id FROM estimates e JOIN promises p ON p.org_id = e.org_id "
		       "AND p.id = e.subject_id WHERE e.org_id = ? AND p.case_id IN (%s)",
		       case_ids, n, ESTIMATE_RECORDED_NCOLS, estimate_recorded_row, est))
		goto cleanup;
	if (n > 0) {
		char *marks = batch_marks(n);
		char *sql = xasprintf("SELECT " PROMISE_COLS PROMISE_FROM "WHERE p.org_id = ? AND p.case_id IN (%s) "
				      "ORDER BY p.case_id, p.created_at, p.id",
				      marks);
		free(marks);
		db_arg args[BATCH_IDS + 1];
		args[0] = DB_TXT(c->actor.org_id);
		for (size_t i = 0; i < n && i < BATCH_IDS; i++)
			args[i + 1] = DB_TXT(case_ids[i]);
		db_res *r;
		int ok = n <= BATCH_IDS && svc_query(c, sql, args, (int)n + 1, &r);
		free(sql);
		if (!ok)
			goto cleanup;
		while (db_next(r) == 1) {
			json_t *b = json_object_get(blocked, db_text(r, 0)), *e = json_array_get(json_object_get(est, db_text(r, 0)), 0);
			json_t *a = json_object_get(by_case, db_text(r, 1));
			if (!a) {
				a = json_array();
				json_object_set_new(by_case, db_text(r, 1), a);
			}
			json_array_append_new(a, promise_row_with(c, r, b ? json_incref(b) : json_array(), e ? json_incref(e) : json_null()));
		}
		if (svc_close(c, r))
			goto cleanup;
	}
	ret = 0;
cleanup:
	json_decref(blocked);
	json_decref(est);
	return ret;
}

int breach_rows_of_cases(svc_ctx *c, const char *const *case_ids, size_t n, json_t *by_case)
{
	return batch_rows(c,
			  "SELECT id, case_id, promise_id, at, owner_at_fault, attribution FROM breaches WHERE org_id = ? AND case_id IN (%s) "
			  "ORDER BY case_id, at, id",
			  case_ids, n, 1, breach_row, by_case);
}

int conflict_rows_of_cases(svc_ctx *c, const char *const *case_ids, size_t n, json_t *by_case)
{
	return batch_rows(c,
			  "SELECT pc.id, pc.promise_id, pc.request_id, pc.policy_id, p1.name, pc.promise_policy_id, p2.name, pc.at, "
			  "pc.by_id, pc.case_id FROM policy_conflicts pc JOIN policies p1 ON p1.org_id = pc.org_id AND p1.id = pc.policy_id "
			  "LEFT JOIN policies p2 ON p2.org_id = pc.org_id AND p2.id = pc.promise_policy_id "
			  "WHERE pc.org_id = ? AND pc.case_id IN (%s) ORDER BY pc.case_id, pc.at, pc.id",
			  case_ids, n, 9, conflict_row, by_case);
}

/* The owner resolves the case without delivering: every pending promise breaks now, with its
 * breach and attribution as if its time had passed (never a false "kept"). */
static int promises_break_now(svc_ctx *c, const char *case_id)
{
	db_res *r;
	int rc = db_query(c->db, "SELECT id FROM promises WHERE org_id = ? AND case_id = ? AND status = 'pending' ORDER BY id",
			  DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id)), &r);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	json_t *ids = json_array(), *v;
	if (svc_rows_append(c, r, ids, id_of_row)) {
		json_decref(ids);
		return -1;
	}
	size_t i;
	int ret = 0;
	json_array_foreach(ids, i, v)
	{
		if (ret)
			break;
		if ((rc = db_exec(c->db, "UPDATE promises SET status = 'broken', closed_at = ? WHERE org_id = ? AND id = ? AND status = 'pending'",
				  DB_ARGS(DB_INT(c->now), DB_TXT(c->actor.org_id), DB_TXT(json_string_value(v))), NULL)) != DB_OK)
			ret = svc_db_err(c, rc);
		else
			ret = breach_record(c, json_string_value(v));
	}
	json_decref(ids);
	return ret;
}

int promise_resolve_hook(svc_ctx *c, const char *case_id, json_t *in)
{
	int64_t n = 0;
	int rc = db_scalar_int(c->db, "SELECT COUNT(*) FROM promises WHERE org_id = ? AND case_id = ? AND status = 'pending'",
			       DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id)), &n, NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	const char *how = in_str(in, "pending_promises");
	if (n > 0 && !how)
		return err_set(&c->err, ERR_RULE, "promises_pending", "pending_promises",
			       "the case has %lld pending promise(s): mark them kept, renegotiate them with the customer, or "
			       "resolve with pending_promises broken (and tell the customer)",
			       (long long)n);
	if (n > 0 && promises_break_now(c, case_id))
		return -1;
	/* the customer no longer needs updates from a resolved case */
	if ((rc = db_exec(c->db,
			  "UPDATE update_duties SET status = 'void', closed_at = ? WHERE org_id = ? AND case_id = ? AND status = 'pending'",
			  DB_ARGS(DB_INT(c->now), DB_TXT(c->actor.org_id), DB_TXT(case_id)), NULL)) != DB_OK)
		return svc_db_err(c, rc);
	return 0;
}

#include "svc/promises/promise.api.inc"
