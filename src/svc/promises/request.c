/* Internal requests: the case owner (or a supervisor) asks a person or a team for something by a
 * due time, linked to the promises it blocks.  The holder accepts, completes, declines or defers
 * (with a reason, optionally citing a policy).  The scheduler reminds the holder before the due
 * time, reminds the owner to follow up at half time, marks overdue requests and escalates them up
 * the holder's reporting line. */
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "svc/batch.h"
#include "svc/directory/people.h"
#include "svc/exceptions/policy.h"
#include "svc/ledger/case.h"
#include "svc/org/alert.h"
#include "svc/org/org.h"
#include "svc/org/settings.h"
#include "svc/page.h"
#include "svc/promises/duty.h"
#include "svc/promises/estimate.h"
#include "svc/promises/promise.h"
#include "svc/promises/request.h"
#include "svc/tick.h"

#define REQ_COLS                                                                                                               \
	"q.id, q.case_id, q.what, q.due_at, q.asked_by, q.holder_person_id, q.holder_team_id, t.name, q.holder_role, "         \
	"q.holder_level, q.status, q.reason, q.policy_id, pol.name, q.decided_by, q.created_at, q.accepted_at, q.decided_at, " \
	"q.done_at, q.overdue_at, q.escalated_to, q.cancelled_at, q.kind"
#define REQ_FROM_PAGE                                                                      \
	"requests q LEFT JOIN teams t ON t.org_id = q.org_id AND t.id = q.holder_team_id " \
	"LEFT JOIN policies pol ON pol.org_id = q.org_id AND pol.id = q.policy_id "
#define REQ_FROM " FROM " REQ_FROM_PAGE

static json_t *opt_ref(db_res *r, int id_col, int name_col)
{
	if (db_is_null(r, id_col))
		return json_null();
	return json_pack("{s:s,s:s}", "id", db_text(r, id_col), "name", db_text(r, name_col));
}

/* A request as the case page shows it, with the promises it blocks (stolen). */
static json_t *request_row_with(svc_ctx *c, db_res *r, json_t *blocks)
{
	const char *st = db_is_null(r, 21) ? db_text(r, 10) : "cancelled";
	int outstanding = strcmp(st, "done") != 0 && strcmp(st, "declined") != 0 && strcmp(st, "cancelled") != 0;
	json_t *o = json_pack(
		"{s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:s,s:o,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:b,s:o,s:o}", "id", db_text(r, 0), "case_id",
		db_text(r, 1), "what", db_text(r, 2), "due_at", svc_col_time(r, 3), "asked_by", svc_person_brief(c, db_text(r, 4)),
		"holder_person", db_is_null(r, 5) ? json_null() : svc_person_brief(c, db_text(r, 5)), "holder_team", opt_ref(r, 6, 7),
		"holder_role", db_text(r, 8), "holder_level", db_is_null(r, 9) ? json_null() : json_integer(db_int(r, 9)), "status",
		st, "reason", db_text(r, 11), "policy", opt_ref(r, 12, 13), "decided_by",
		db_is_null(r, 14) ? json_null() : svc_person_brief(c, db_text(r, 14)), "created_at", svc_col_time(r, 15),
		"accepted_at", svc_col_time(r, 16), "decided_at", svc_col_time(r, 17), "done_at", svc_col_time(r, 18), "overdue",
		outstanding && !db_is_null(r, 19), "overdue_at", svc_col_time(r, 19), "escalated_to",
		db_is_null(r, 20) ? json_null() : svc_person_brief(c, db_text(r, 20)));
	json_object_set_new(o, "kind", json_string(db_text(r, 22)));
	json_object_set_new(o, "blocks", blocks);
	return o;
}

static json_t *request_row(svc_ctx *c, db_res *r)
{
	int rc;
	db_res *b;
	json_t *blocks = json_array();
	if ((rc = db_query(c->db,
			   "SELECT promise_id FROM request_promises WHERE org_id = ? AND request_id = ? ORDER BY promise_id",
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(db_text(r, 0))), &b)) == DB_OK) {
		while (db_next(b) == 1)
			json_array_append_new(blocks, json_string(db_text(b, 0)));
		rc = db_res_close(b);
	}
	if (rc != DB_OK)
		svc_db_err(c, rc);
	return request_row_with(c, r, blocks);
}

json_t *request_json(svc_ctx *c, const char *request_id)
{
	json_t *o = svc_one_row(c, "SELECT " REQ_COLS REQ_FROM "WHERE q.org_id = ? AND q.id = ?", request_id, request_row);
	return o ? o : json_null();
}

static int req_load(svc_ctx *c, const char *id, struct req_state *s)
{
	db_res *r;
	if (svc_load_id(c, "req", id, "request_not_found", "no such request", &r,
			"SELECT id, case_id, status, holder_person_id, holder_team_id, asked_by, what, due_at, created_at FROM requests "
			"WHERE org_id = ? AND id = ?"))
		return -1;
	SVC_COPY_COLS(c, r, 0, SVC_BUF(s->id), SVC_BUF(s->case_id), SVC_BUF(s->status), SVC_BUF(s->person), SVC_BUF(s->team),
		      SVC_BUF(s->asked_by), SVC_BUF(s->what));
	s->due_at = db_int(r, 7);
	s->created_at = db_int(r, 8);
	db_res_discard(r);
	return 0;
}

/* The timers of a request due at `due` asked at `from`: remind the holder, owner's follow-up at
 * half time, overdue at the due time. */
static void timers(svc_ctx *c, int64_t from, int64_t due, int64_t *remind, int64_t *followup)
{
	int64_t before = setting_int(c, "request.remind_before_minutes") * FL_MIN_MS;
	*remind = before > 0 && due - before > c->now ? due - before : 0;
	*followup = from + (due - from) / 2;
	if (*followup <= c->now)
		*followup = 0;
}

/* Who a new request asks: one person (to_person, active) or one team (to_team). */
struct holder {
	char person[ID_SIZE], team[ID_SIZE];
	const char *role;
	int depth;
};

static int holder_of(svc_ctx *c, json_t *in, struct holder *h)
{
	enum role hr = ROLE_FRONTLINE;
	memset(h, 0, sizeof *h);
	h->role = "";
	h->depth = -1;
	const char *tp = in_str(in, "to_person"), *tt = in_str(in, "to_team");
	if ((tp && tt) || (!tp && !tt))
		return err_set(&c->err, ERR_INVALID, "holder_required", tp ? "to_team" : "to_person",
			       "ask exactly one person (to_person) or one team (to_team)");
	if (!tp)
		return org_team_ref(c, tt, "to_team", h->team);
	int active;
	if (svc_person_ref(c, tp, "to_person", h->person) || people_role(c, h->person, &hr, h->team, &active))
		return -1;
	if (!active)
		return err_set(&c->err, ERR_RULE, "person_inactive", "to_person", "that person is not active");
	h->role = role_name(hr);
	h->depth = person_depth(c, h->person);
	h->team[0] = '\0'; /* a person holds it; their team is shown through the person */
	return 0;
}

/* The promises a request blocks: pending promises of this case. */
static int check_blocks(svc_ctx *c, json_t *blocks, const char *case_id)
{
	size_t i;
	json_t *v;
	json_array_foreach(blocks, i, v)
	{
		int64_t n = 0;
		if (!json_is_string(v))
			return err_set(&c->err, ERR_INVALID, "wrong_type", "blocks", "blocks lists promise ids");
		int rc = db_scalar_int(c->db,
				       "SELECT COUNT(*) FROM promises WHERE org_id = ? AND id = ? AND case_id = ? AND status = 'pending'",
				       DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(json_string_value(v)), DB_TXT(case_id)), &n, NULL);
		if (rc != DB_OK)
			return svc_db_err(c, rc);
		if (n != 1)
			return err_set(&c->err, ERR_NOT_FOUND, "promise_not_found", "blocks",
				       "blocks must list pending promises of this case");
	}
	return 0;
}

static int rq_create(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct case_row row;
	char id[ID_SIZE];
	struct holder h;
	long long due;
	if (case_load(c, p[0], &row))
		return -1;
	if (strcmp(c->actor.person_id, row.owner_id) != 0 && !role_may(c->actor.role, PERM_REQUEST_ON_ANY_CASE))
		return err_set(&c->err, ERR_FORBIDDEN, "not_owner", NULL, "only the case owner or a supervisor can make requests for it");
	if (!row.open)
		return err_set(&c->err, ERR_RULE, "case_closed", NULL, "the case is resolved; reopen it first");
	if (!in_time(in, "due_at", &due))
		return err_set(&c->err, ERR_INVALID, "required", "due_at", "due_at is required");
	if (due <= c->now)
		return err_set(&c->err, ERR_INVALID, "due_in_past", "due_at", "due_at must be in the future");
	json_t *blocks = json_object_get(in, "blocks"), *v;
	size_t i;
	if (holder_of(c, in, &h) || check_blocks(c, blocks, row.id))
		return -1;
	const char *person = h.person, *team = h.team;
	int64_t remind, followup;
	timers(c, c->now, due, &remind, &followup);
	id_new(id, "req", c->now);
	int rc = db_exec(c->db,
			 "INSERT INTO requests (org_id, id, case_id, what, due_at, asked_by, holder_person_id, holder_team_id, holder_role, "
			 "holder_level, status, created_at, remind_at, followup_at, overdue_check_at) VALUES (?,?,?,?,?,?,?,?,?,?,'open',?,?,?,?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(row.id), DB_TXT(in_str(in, "what")), DB_INT(due),
				 DB_TXT(c->actor.person_id), DB_TXT(*person ? person : NULL), DB_TXT(*team ? team : NULL), DB_TXT(h.role),
				 h.depth >= 0 ? DB_INT(h.depth) : DB_NULL, DB_INT(c->now), remind ? DB_INT(remind) : DB_NULL,
				 followup ? DB_INT(followup) : DB_NULL, DB_INT(due)),
			 NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	json_array_foreach(blocks, i, v)
	{
		rc = db_exec(c->db, "INSERT INTO request_promises (org_id, request_id, promise_id) VALUES (?,?,?) ON CONFLICT DO NOTHING",
			     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(json_string_value(v))), NULL);
		if (rc != DB_OK)
			return svc_db_err(c, rc);
	}
	char msg[700];
	snprintf(msg, sizeof msg, "New request for you: \"%s\"", in_str(in, "what"));
	if (svc_event(c, "request.made", "request", id, row.id,
		      json_pack("{s:s,s:o,s:s?,s:s?,s:O?}", "what", in_str(in, "what"), "due_at", svc_time(due), "to_person",
				*person ? person : NULL, "to_team", *team ? team : NULL, "blocks", blocks)) ||
	    (*person ? alert_add(c, person, "request_new", row.id, "request", id, "%s", msg)
		     : alert_team(c, team, "request_new", row.id, "request", id, msg)) ||
	    case_touch(c, row.id) || duty_ensure_cadence(c, row.id))
		return -1;
	json_t *est;
	if (estimate_on_request(c, id, in_str(in, "kind"), &est))
		return -1;
	*out = request_json(c, id);
	json_object_set_new(*out, "estimate", est);
	return 0;
}

/* May the actor act as the holder of s? */
static int may_hold(svc_ctx *c, const struct req_state *s)
{
	if (role_may(c->actor.role, PERM_ANSWER_ANY_REQUEST))
		return 0;
	if (*s->person && strcmp(s->person, c->actor.person_id) == 0)
		return 0;
	if (*s->team && strcmp(s->team, c->actor.team_id) == 0)
		return 0;
	return err_set(&c->err, ERR_FORBIDDEN, "not_holder", NULL,
		       "only the person or a member of the team the request is for can answer it");
}

/* Transition guarded by the status the caller saw; 409 when it changed meanwhile. */
static int guarded(svc_ctx *c, const struct req_state *s, const char *set_sql, const db_arg *args, int nargs)
{
	int64_t n = 0;
	char *sql = xasprintf("UPDATE requests SET %s WHERE org_id = ? AND id = ? AND status = ?", set_sql);
	db_arg all[16];
	memcpy(all, args, (size_t)nargs * sizeof *args);
	all[nargs] = DB_TXT(c->actor.org_id);
	all[nargs + 1] = DB_TXT(s->id);
	all[nargs + 2] = DB_TXT(s->status);
	int rc = db_exec(c->db, sql, all, nargs + 3, &n);
	free(sql);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (n != 1)
		return err_set(&c->err, ERR_CONFLICT, "request_changed", NULL, "the request changed meanwhile");
	return 0;
}

static int answerable(svc_ctx *c, const struct req_state *s, int allow_accepted, int allow_deferred)
{
	if (may_hold(c, s))
		return -1;
	if (strcmp(s->status, "open") == 0 || (allow_accepted && strcmp(s->status, "accepted") == 0) ||
	    (allow_deferred && strcmp(s->status, "deferred") == 0))
		return 0;
	return err_set(&c->err, ERR_CONFLICT, "request_not_open", NULL, "the request is %s", s->status);
}

static int rq_accept(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct req_state s;
	if (req_load(c, p[0], &s) || answerable(c, &s, 0, 0) ||
	    guarded(c, &s, "status = 'accepted', accepted_at = ?", DB_ARGS(DB_INT(c->now))) ||
	    svc_event(c, "request.accepted", "request", s.id, s.case_id, json_object()))
		return -1;
	*out = request_json(c, s.id);
	return 0;
}

static int rq_complete(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct req_state s;
	if (req_load(c, p[0], &s) || answerable(c, &s, 1, 1) ||
	    guarded(c, &s,
		    "status = 'done', done_at = ?, decided_by = ?, remind_at = NULL, followup_at = NULL, overdue_check_at = NULL, "
		    "escalate_at = NULL",
		    DB_ARGS(DB_INT(c->now), DB_TXT(c->actor.person_id))) ||
	    svc_event(c, "request.completed", "request", s.id, s.case_id,
		      json_pack("{s:s}", "note", in_str(in, "note") ? in_str(in, "note") : "")))
		return -1;
	char owner[ID_SIZE];
	if (case_owner(c, s.case_id, owner))
		return -1;
	if (alert_add(c, owner, "request_done", s.case_id, "request", s.id, "Request done: \"%s\"", s.what) || case_touch(c, s.case_id) ||
	    estimate_on_complete(c, s.id))
		return -1;
	*out = request_json(c, s.id);
	return 0;
}

/* A decline or deferral citing a policy while a pending promise depends on the request records a
 * conflict between that policy and the promise's policy, and tells the policy's owner. */
static int record_conflicts(svc_ctx *c, const struct req_state *s, const struct policy_row *pol)
{
	int rc;
	db_res *r;
	if ((rc = db_query(c->db,
			   "SELECT p.id, p.policy_id FROM promises p WHERE p.org_id = ? AND p.id IN (SELECT rp.promise_id FROM "
			   "request_promises rp WHERE rp.org_id = p.org_id AND rp.request_id = ?) AND p.status = 'pending' ORDER BY p.id",
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(s->id)), &r)) != DB_OK)
		return svc_db_err(c, rc);
	json_t *rows = json_array(), *v;
	while (db_next(r) == 1)
		json_array_append_new(rows, json_pack("[s,o]", db_text(r, 0), svc_col_str(r, 1)));
	if ((rc = db_res_close(r)) != DB_OK) {
		json_decref(rows);
		return svc_db_err(c, rc);
	}
	size_t i;
	int ret = 0;
	json_array_foreach(rows, i, v)
	{
		char id[ID_SIZE];
		const char *prom = json_string_value(json_array_get(v, 0)), *ppol = json_string_value(json_array_get(v, 1));
		id_new(id, "conflict", c->now);
		if ((rc = db_exec(c->db,
				  "INSERT INTO policy_conflicts (org_id, id, case_id, promise_id, request_id, policy_id, promise_policy_id, by_id, at) "
				  "VALUES (?,?,?,?,?,?,?,?,?)",
				  DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(s->case_id), DB_TXT(prom), DB_TXT(s->id),
					  DB_TXT(pol->id), DB_TXT(ppol), DB_TXT(c->actor.person_id), DB_INT(c->now)),
				  NULL)) != DB_OK) {
			ret = svc_db_err(c, rc);
			break;
		}
		if (svc_event(c, "policy.conflict", "policy_conflict", id, s->case_id,
			      json_pack("{s:s,s:s,s:s,s:s?}", "policy_id", pol->id, "promise_id", prom, "request_id", s->id,
					"promise_policy_id", ppol)) ||
		    alert_add(c, pol->owner_id, "policy_conflict", s->case_id, "policy_conflict", id,
			      "Your policy \"%s\" held up a promise to a customer", pol->name)) {
			ret = -1;
			break;
		}
	}
	json_decref(rows);
	return ret;
}

static int rq_decline_or_defer(svc_ctx *c, const char *id, json_t *in, int defer, json_t **out)
{
	struct req_state s;
	struct policy_row pol = {0};
	long long until = 0;
	if (req_load(c, id, &s) || answerable(c, &s, 1, defer))
		return -1;
	if (in_str(in, "policy")) {
		if (policy_ref(c, in_str(in, "policy"), "policy", &pol))
			return -1;
		json_decref(pol.limits);
	}
	const char *polid = *pol.id ? pol.id : NULL;
	if (defer) {
		int64_t remind, followup;
		if (!in_time(in, "until", &until))
			return err_set(&c->err, ERR_INVALID, "required", "until", "a deferral needs the new time (until)");
		if (until <= c->now)
			return err_set(&c->err, ERR_INVALID, "due_in_past", "until", "until must be in the future");
		timers(c, c->now, until, &remind, &followup);
		if (guarded(c, &s,
			    "status = 'deferred', reason = ?, policy_id = ?, decided_by = ?, decided_at = ?, due_at = ?, overdue_at = NULL, "
			    "remind_at = ?, followup_at = ?, overdue_check_at = ?, escalate_at = NULL",
			    DB_ARGS(DB_TXT(in_str(in, "reason")), DB_TXT(polid), DB_TXT(c->actor.person_id), DB_INT(c->now), DB_INT(until),
				    remind ? DB_INT(remind) : DB_NULL, followup ? DB_INT(followup) : DB_NULL, DB_INT(until))))
			return -1;
	} else if (guarded(c, &s,
			   "status = 'declined', reason = ?, policy_id = ?, decided_by = ?, decided_at = ?, remind_at = NULL, "
			   "followup_at = NULL, overdue_check_at = NULL, escalate_at = NULL",
			   DB_ARGS(DB_TXT(in_str(in, "reason")), DB_TXT(polid), DB_TXT(c->actor.person_id), DB_INT(c->now)))) {
		return -1;
	}
	char owner[ID_SIZE];
	if (case_owner(c, s.case_id, owner))
		return -1;
	if (svc_event(c, defer ? "request.deferred" : "request.declined", "request", s.id, s.case_id,
		      json_pack("{s:s,s:s?,s:o}", "reason", in_str(in, "reason"), "policy_id", polid, "until",
				defer ? svc_time(until) : json_null())) ||
	    alert_add(c, owner, defer ? "request_deferred" : "request_declined", s.case_id, "request", s.id, "Request %s: \"%s\" (%s)",
		      defer ? "deferred" : "declined", s.what, in_str(in, "reason")) ||
	    (polid && (record_conflicts(c, &s, &pol) || estimate_on_policy(c, s.id, polid))) || promise_check_risk(c, s.id) || case_touch(c, s.case_id))
		return -1;
	*out = request_json(c, s.id);
	return 0;
}

/* A check on the request's progress (S5: "call them, check on progress"), by who asked for it, the
 * case's owner, or anyone who may make requests on any case.  Recognised as an ownership act while
 * the request is not yet due (svc/recognition/acts.c). */
static int rq_follow_up(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct req_state s;
	char owner[ID_SIZE];
	int rc;
	if (req_load(c, p[0], &s))
		return -1;
	if (case_owner(c, s.case_id, owner))
		return -1;
	if (strcmp(c->actor.person_id, s.asked_by) != 0 && strcmp(c->actor.person_id, owner) != 0 &&
	    !role_may(c->actor.role, PERM_REQUEST_ON_ANY_CASE))
		return err_set(&c->err, ERR_FORBIDDEN, "not_requester", NULL,
			       "only who asked for the request, the case's owner or a supervisor follows it up");
	if (strcmp(s.status, "done") == 0 || strcmp(s.status, "declined") == 0)
		return err_set(&c->err, ERR_CONFLICT, "request_not_open", NULL, "the request is %s", s.status);
	if ((rc = db_exec(c->db, "UPDATE requests SET followed_up_at = ? WHERE org_id = ? AND id = ?",
			  DB_ARGS(DB_INT(c->now), DB_TXT(c->actor.org_id), DB_TXT(s.id)), NULL)) != DB_OK)
		return svc_db_err(c, rc);
	if (svc_event(c, "request.followed_up", "request", s.id, s.case_id,
		      json_pack("{s:s}", "note", in_str(in, "note") ? in_str(in, "note") : "")) ||
	    case_touch(c, s.case_id))
		return -1;
	*out = request_json(c, s.id);
	return 0;
}

static int rq_decline(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	return rq_decline_or_defer(c, p[0], in, 0, out);
}

static int rq_defer(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	return rq_decline_or_defer(c, p[0], in, 1, out);
}

static int rq_show(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct req_state s;
	if (req_load(c, p[0], &s))
		return -1;
	*out = request_json(c, s.id);
	return 0;
}

static const struct page_list REQUESTS; /* in request.api.json */

static int rq_mine(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	const char *status = in_str(in, "status");
	return page_run(c, &REQUESTS, in,
			status ? "q.org_id = ? AND (q.holder_person_id = ? OR q.holder_team_id = ?) AND q.status = ?"
			       : "q.org_id = ? AND (q.holder_person_id = ? OR q.holder_team_id = ?) "
				 "AND q.status IN ('open','accepted','deferred') AND ? IS NULL",
			DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(c->actor.person_id), DB_TXT(c->actor.team_id), DB_TXT(status)),
			out);
}

int request_view_part(svc_ctx *c, const char *case_id, json_t *view)
{
	return svc_view_rows(c, view, "requests", request_row,
			     "SELECT " REQ_COLS REQ_FROM "WHERE q.org_id = ? AND q.case_id = ? ORDER BY q.created_at, q.id",
			     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id)));
}

static json_t *promise_of_row(svc_ctx *c, db_res *r)
{
	(void)c;
	return json_string(db_text(r, 1));
}

int request_rows_of_cases(svc_ctx *c, const char *const *case_ids, size_t n, json_t *by_case)
{
	json_t *blocks = json_object();
	int ret = -1;
	db_res *r;
	if (n == 0 || n > BATCH_IDS) {
		json_decref(blocks);
		return n ? err_set(&c->err, ERR_INTERNAL, "internal", NULL, "too many ids in one statement") : 0;
	}
	if (batch_rows(c,
		       "SELECT rp.request_id, rp.promise_id FROM request_promises rp JOIN requests q ON q.org_id = rp.org_id "
		       "AND q.id = rp.request_id WHERE rp.org_id = ? AND q.case_id IN (%s) ORDER BY rp.request_id, rp.promise_id",
		       case_ids, n, 0, promise_of_row, blocks))
		goto cleanup;
	char *sql = batch_sql("SELECT " REQ_COLS REQ_FROM "WHERE q.org_id = ? AND q.case_id IN (%s) ORDER BY q.case_id, q.created_at, q.id", n);
	db_arg args[BATCH_IDS + 1];
	args[0] = DB_TXT(c->actor.org_id);
	for (size_t i = 0; i < n; i++)
		args[i + 1] = DB_TXT(case_ids[i]);
	int ok = svc_query(c, sql, args, (int)n + 1, &r);
	free(sql);
	if (!ok)
		goto cleanup;
	while (db_next(r) == 1) {
		json_t *b = json_object_get(blocks, db_text(r, 0));
		json_t *a = json_object_get(by_case, db_text(r, 1));
		if (!a) {
			a = json_array();
			json_object_set_new(by_case, db_text(r, 1), a);
		}
		json_array_append_new(a, request_row_with(c, r, b ? json_incref(b) : json_array()));
	}
	if (svc_close(c, r))
		goto cleanup;
	ret = 0;
cleanup:
	json_decref(blocks);
	return ret;
}

/* Call off one outstanding request q ([id, what, holder person, holder team]) of case_id. */
static int request_cancel(svc_ctx *c, const char *case_id, json_t *q)
{
	const char *id = json_string_value(json_array_get(q, 0)), *what = json_string_value(json_array_get(q, 1));
	int rc = db_exec(c->db,
			 "UPDATE requests SET status = 'done', cancelled_at = ?, decided_by = ?, decided_at = ?, reason = ?, "
			 "remind_at = NULL, followup_at = NULL, overdue_check_at = NULL, escalate_at = NULL "
			 "WHERE org_id = ? AND id = ?",
			 DB_ARGS(DB_INT(c->now), DB_TXT(c->actor.person_id), DB_INT(c->now), DB_TXT("the case was resolved"),
				 DB_TXT(c->actor.org_id), DB_TXT(id)),
			 NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (svc_event(c, "request.cancelled", "request", id, case_id, json_pack("{s:s}", "reason", "the case was resolved")))
		return -1;
	const char *person = json_string_value(json_array_get(q, 2)), *team = json_string_value(json_array_get(q, 3));
	if (person)
		return alert_add(c, person, "request_cancelled", case_id, "request", id, "Request called off (the case was resolved): \"%s\"", what);
	return alert_team(c, team, "request_cancelled", case_id, "request", id, "A request to your team was called off: the case was resolved");
}

/* [id, what, holder person or null, holder team or null] */
static json_t *open_request_row(svc_ctx *c, db_res *r)
{
	(void)c;
	return json_pack("[s,s,s?,s?]", db_text(r, 0), db_text(r, 1), db_is_null(r, 2) ? NULL : db_text(r, 2),
			 db_is_null(r, 3) ? NULL : db_text(r, 3));
}

/* Resolving a case with outstanding requests: open_requests "keep" leaves them to their holders,
 * "cancel" calls them off (closed without timers, cancelled_at set, the holder told); neither given
 * refuses with 422 requests_open, so nobody loses a colleague's work by accident. */
int request_resolve_hook(svc_ctx *c, const char *case_id, json_t *in)
{
	const char *how = in_str(in, "open_requests");
	json_t *open;
	if (svc_rows_of(c, &open, open_request_row,
			"SELECT id, what, holder_person_id, holder_team_id FROM requests WHERE org_id = ? AND case_id = ? "
			"AND status IN ('open','accepted','deferred') ORDER BY created_at, id",
			DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id))))
		return -1;
	size_t n = json_array_size(open), i;
	int ret = 0;
	json_t *q;
	if (n && !how)
		ret = err_set(&c->err, ERR_RULE, "requests_open", "open_requests",
			      "the case has %zu open request(s): resolve with open_requests keep (their holders carry on) or cancel", n);
	if (n && how && strcmp(how, "cancel") == 0)
		json_array_foreach(open, i, q) if (ret == 0) ret = request_cancel(c, case_id, q);
	json_decref(open);
	return ret;
}

#include "svc/promises/request.api.inc"
