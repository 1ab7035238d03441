/* Case actions judged by policy, and out-of-policy exceptions: propose, co-sign (approved and
 * applied at the last required signature, in the same transaction), withdraw, edit before anyone
 * signs, expire when the window passes (scheduler).  The decisions are core/exception_rules.c. */
#include <math.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "svc/exceptions/exception.h"
#include "svc/exceptions/policy.h"
#include "svc/ledger/case.h"
#include "svc/org/settings.h"
#include "svc/page.h"
#include "svc/tick.h"

static const char *const KINDS[] = {"refund", "credit", "fee_waiver", "replacement", "other", NULL};
static const char *const EXC_STATUSES[] = {"proposed", "approved", "expired", "withdrawn", NULL};
static const char *const REVIEW_STATUSES[] = {"pending", "reviewed", NULL};

#define AMOUNT_MAX 1000000000LL /* in currency units */

/* --- amounts --- */

static json_t *amount_json(db_res *r, int col)
{
	return db_is_null(r, col) ? json_null() : json_real((double)db_int(r, col) / 100.0);
}

static json_t *cents_json(db_res *r, int col)
{
	return db_is_null(r, col) ? json_null() : json_integer(db_int(r, col));
}

/* amount (currency units) or amount_cents, not both.  Kinds with a money value need one. */
static int amount_of(svc_ctx *c, json_t *in, const char *kind, int *has, int64_t *cents)
{
	json_t *a = json_object_get(in, "amount"), *ac = json_object_get(in, "amount_cents");
	int ha = a && !json_is_null(a), hc = ac && !json_is_null(ac);
	*has = 0;
	*cents = 0;
	if (ha && hc)
		return err_set(&c->err, ERR_INVALID, "amount_twice", "amount_cents", "give amount or amount_cents, not both");
	if (ha) {
		double v = json_number_value(a) * 100.0;
		if (fabs(v - round(v)) > 1e-6)
			return err_set(&c->err, ERR_INVALID, "amount_precision", "amount", "amount has more than two decimals");
		*cents = (int64_t)llround(v);
		*has = 1;
	} else if (hc) {
		*cents = json_integer_value(ac);
		*has = 1;
	}
	if (!*has && kind && exc_limit_key(kind) && strcmp(kind, "replacement") != 0)
		return err_set(&c->err, ERR_INVALID, "required", "amount", "a %s needs an amount", kind);
	return 0;
}

static void money(int64_t cents, char *buf, size_t n)
{
	snprintf(buf, n, "$%lld.%02lld", (long long)(cents / 100), (long long)(cents % 100));
}

/* --- policy and case --- */

json_t *exc_policy_brief(svc_ctx *c, const char *policy_id, long long version)
{
	int rc;
	db_res *r;
	json_t *o = json_pack("{s:s,s:s,s:I}", "id", policy_id, "name", "", "version", (json_int_t)version);
	if (svc_query(c, "SELECT name FROM policies WHERE org_id = ? AND id = ?",
		      DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(policy_id)), &r)) {
		if (db_next(r) == 1)
			json_object_set_new(o, "name", json_string(db_text(r, 0)));
		if ((rc = db_res_close(r)) != DB_OK)
			svc_db_err(c, rc);
	}
	return o;
}

/* 0 and *active (1 when the policy is active or gone), or -1 (err set). */
static int policy_active(svc_ctx *c, const char *policy_id, int *active)
{
	int64_t a = 1;
	int rc = db_scalar_int(c->db, "SELECT active FROM policies WHERE org_id = ? AND id = ?",
			       DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(policy_id)), &a, NULL);
	*active = a != 0;
	return rc == DB_OK ? 0 : svc_db_err(c, rc);
}

static json_t *case_brief(svc_ctx *c, const char *case_id)
{
	int rc;
	db_res *r;
	json_t *o = json_null();
	if (svc_query(c, "SELECT id, number, subject, status FROM cases WHERE org_id = ? AND id = ?",
		      DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id)), &r)) {
		if (db_next(r) == 1)
			o = json_pack("{s:s,s:I,s:s,s:s}", "id", db_text(r, 0), "number", (json_int_t)db_int(r, 1), "subject",
				      db_text(r, 2), "status", db_text(r, 3));
		if ((rc = db_res_close(r)) != DB_OK)
			svc_db_err(c, rc);
	}
	return o;
}

/* --- case actions --- */

#define ACTION_COLS "id, case_id, kind, amount_cents, value, channel, description, policy_id, policy_version, exception_id, by_id, at"

static json_t *action_row(svc_ctx *c, db_res *r)
{
	return json_pack("{s:s,s:s,s:s,s:o,s:o,s:s,s:o,s:s,s:o,s:o,s:o,s:o}", "id", db_text(r, 0), "case_id", db_text(r, 1),
			 "kind", db_text(r, 2), "amount", amount_json(r, 3), "amount_cents", cents_json(r, 3), "value",
			 db_text(r, 4), "channel", svc_col_str(r, 5), "description", db_text(r, 6), "policy",
			 exc_policy_brief(c, db_text(r, 7), db_int(r, 8)), "exception_id", svc_col_str(r, 9), "by",
			 svc_person_brief(c, db_text(r, 10)), "at", svc_col_time(r, 11));
}

static json_t *action_json(svc_ctx *c, const char *id)
{
	json_t *o = id ? svc_one_row(c, "SELECT " ACTION_COLS " FROM case_actions WHERE org_id = ? AND id = ?", id, action_row) : NULL;
	return o ? o : json_null();
}

static json_t *actions_of_case(svc_ctx *c, const char *case_id)
{
	int rc;
	db_res *r;
	json_t *a = json_array();
	if ((rc = db_query(c->db, "SELECT " ACTION_COLS " FROM case_actions WHERE org_id = ? AND case_id = ? ORDER BY at, id",
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id)), &r)) == DB_OK) {
		while (db_next(r) == 1)
			json_array_append_new(a, action_row(c, r));
		rc = db_res_close(r);
	}
	if (rc != DB_OK)
		svc_db_err(c, rc);
	return a;
}

struct resolution {
	const char *kind;
	int has_amount;
	int64_t cents;
	const char *value, *channel, *description;
};

/* Record a case action (inside the caller's transaction) and its event. */
static int action_insert(svc_ctx *c, const char *case_id, const struct resolution *res, const char *policy_id,
			 long long version, const char *exception_id, const char *by_id, char id[ID_SIZE])
{
	id_new(id, "act", c->now);
	int rc = db_exec(c->db,
			 "INSERT INTO case_actions (org_id, id, case_id, kind, amount_cents, value, channel, description, policy_id, "
			 "policy_version, exception_id, by_id, at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(case_id), DB_TXT(res->kind),
				 res->has_amount ? DB_INT(res->cents) : DB_NULL, DB_TXT(res->value ? res->value : ""),
				 DB_TXT(res->channel), DB_TXT(res->description), DB_TXT(policy_id), DB_INT(version),
				 DB_TXT(exception_id), DB_TXT(by_id), DB_INT(c->now)),
			 NULL);
	if (rc == DB_CONSTRAINT && exception_id)
		return err_set(&c->err, ERR_CONFLICT, "exception_applied", NULL, "this exception was already applied");
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	json_t *data = json_pack("{s:s,s:s,s:I,s:s?}", "kind", res->kind, "policy_id", policy_id, "policy_version",
				 (json_int_t)version, "exception_id", exception_id);
	if (res->has_amount)
		json_object_set_new(data, "amount_cents", json_integer(res->cents));
	if (svc_event(c, "case.action_applied", "case_action", id, case_id, data))
		return -1;
	return case_touch(c, case_id);
}

/* Judge res against the policy's limits, counting what the case already received under that policy
 * (money caps are per case and cumulative).  Returns 1 with b filled when it departs, 0 when
 * within, -1 on a storage error. */
static int judge(svc_ctx *c, const char *case_id, const struct policy_row *pol, const struct resolution *res,
		 struct exc_breach *b)
{
	db_res *r;
	struct exc_resolution er = {res->kind, res->has_amount, res->cents, res->channel, 0, 0};
	int rc = db_query(c->db,
			  "SELECT COALESCE(SUM(CASE WHEN kind = ? THEN amount_cents ELSE 0 END), 0), COALESCE(SUM(amount_cents), 0) "
			  "FROM case_actions WHERE org_id = ? AND case_id = ? AND policy_id = ? AND amount_cents IS NOT NULL",
			  DB_ARGS(DB_TXT(res->kind), DB_TXT(c->actor.org_id), DB_TXT(case_id), DB_TXT(pol->id)), &r);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	rc = db_next(r);
	if (rc == 1) {
		er.case_kind_cents = db_int(r, 0);
		er.case_amount_cents = db_int(r, 1);
	}
	db_res_discard(r);
	if (rc != 1)
		return svc_db_err(c, rc < 0 ? rc : DB_ERROR);
	return exc_check_limits(pol->limits, &er, b);
}

static int act_create(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct case_row row;
	struct policy_row pol;
	struct resolution res = {in_str(in, "kind"), 0, 0, in_str(in, "value"), in_str(in, "channel"), in_str(in, "description")};
	struct exc_breach b;
	char id[ID_SIZE];
	if (case_load(c, p[0], &row) || amount_of(c, in, res.kind, &res.has_amount, &res.cents))
		return -1;
	if (!row.open)
		return err_set(&c->err, ERR_RULE, "case_closed", NULL, "the case is resolved; reopen it first");
	if (policy_ref(c, in_str(in, "policy"), "policy", &pol))
		return -1;
	int breach = judge(c, row.id, &pol, &res, &b);
	json_decref(pol.limits);
	if (breach < 0)
		return -1;
	int active;
	if (policy_active(c, pol.id, &active))
		return -1;
	if (!active)
		return err_set(&c->err, ERR_RULE, "policy_retired", "policy", "policy \"%s\" is retired", pol.name);
	if (breach) {
		char amt[32] = "", cap[32] = "", total[32] = "";
		money(res.cents, amt, sizeof amt);
		money(b.cap_cents, cap, sizeof cap);
		money(b.total_cents, total, sizeof total);
		if (strncmp(b.limit, "max_", 4) == 0 && b.total_cents > res.cents)
			return err_set(&c->err, ERR_RULE, "exception_required", b.limit,
				       "%s of %s brings this case to %s under policy \"%s\" (%s %s per case): propose an exception",
				       res.kind, amt, total, pol.name, b.limit, cap);
		if (strncmp(b.limit, "max_", 4) == 0)
			return err_set(&c->err, ERR_RULE, "exception_required", b.limit,
				       "%s of %s exceeds policy \"%s\" (%s %s): propose an exception", res.kind, amt, pol.name,
				       b.limit, cap);
		return err_set(&c->err, ERR_RULE, "exception_required", b.limit,
			       "policy \"%s\" does not allow this %s (limit %s): propose an exception", pol.name, res.kind, b.limit);
	}
	if (action_insert(c, row.id, &res, pol.id, pol.version, NULL, c->actor.person_id, id))
		return -1;
	*out = action_json(c, id);
	return 0;
}

static int act_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct case_row row;
	if (case_load(c, p[0], &row))
		return -1;
	*out = json_pack("{s:o}", "items", actions_of_case(c, row.id));
	return 0;
}

/* --- exceptions --- */

#define EXC_COLS                                                                                                  \
	"id, case_id, policy_id, policy_version, limit_key, kind, amount_cents, value, channel, description, reasoning, " \
	"proposer_id, team_id, status, needed, signatures, created_at, updated_at, expires_at, approved_at, closed_at, "  \
	"close_reason, action_id, review_status, verdict, review_reasoning, coach_note, reviewed_by, reviewed_at, proposal_id"

int exc_load(svc_ctx *c, const char *id, struct exc_row *out)
{
	int rc;
	db_res *r;
	memset(out, 0, sizeof *out);
	if (!id_valid(id, "exc"))
		return err_set(&c->err, ERR_NOT_FOUND, "exception_not_found", "id", "no such exception");
	if (svc_load_one(c, "exception_not_found", "id", "no such exception", &r,
			 "SELECT id, case_id, policy_id, policy_version, kind, proposer_id, status, review_status, needed, signatures, "
			 "expires_at FROM exceptions WHERE org_id = ? AND id = ?",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id))))
		return -1;
	svc_copy(c, out->id, sizeof out->id, db_text(r, 0));
	svc_copy(c, out->case_id, sizeof out->case_id, db_text(r, 1));
	svc_copy(c, out->policy_id, sizeof out->policy_id, db_text(r, 2));
	out->policy_version = db_int(r, 3);
	svc_copy(c, out->kind, sizeof out->kind, db_text(r, 4));
	svc_copy(c, out->proposer_id, sizeof out->proposer_id, db_text(r, 5));
	svc_copy(c, out->status, sizeof out->status, db_text(r, 6));
	svc_copy(c, out->review_status, sizeof out->review_status, db_text(r, 7));
	out->needed = (int)db_int(r, 8);
	out->signatures = (int)db_int(r, 9);
	out->expires_at = db_int(r, 10);
	db_res_discard(r);
	if ((rc = db_query(c->db, "SELECT person_id FROM exception_signatures WHERE org_id = ? AND exception_id = ? ORDER BY at",
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(out->id)), &r)) != DB_OK)
		return svc_db_err(c, rc);
	while (db_next(r) == 1 && out->nsigners < EXC_MAX_SIGNERS) {
		svc_copy(c, out->signer_ids[out->nsigners], ID_SIZE, db_text(r, 0));
		out->signers[out->nsigners] = out->signer_ids[out->nsigners];
		out->nsigners++;
	}
	if ((rc = db_res_close(r)) != DB_OK)
		return svc_db_err(c, rc);
	return 0;
}

struct exc_state exc_state_of(const struct exc_row *row)
{
	struct exc_state e = {row->proposer_id, row->status, row->signatures, row->needed, row->expires_at,
			      row->signers, row->nsigners};
	return e;
}

static json_t *signatures_of(svc_ctx *c, const char *id)
{
	int rc;
	db_res *r;
	json_t *a = json_array();
	if ((rc = db_query(
		     c->db,
		     "SELECT person_id, role, note, at FROM exception_signatures WHERE org_id = ? AND exception_id = ? ORDER BY at",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id)), &r)) == DB_OK) {
		while (db_next(r) == 1)
			json_array_append_new(a, json_pack("{s:o,s:s,s:s,s:o}", "person", svc_person_brief(c, db_text(r, 0)), "role",
							   db_text(r, 1), "note", db_text(r, 2), "at", svc_col_time(r, 3)));
		rc = db_res_close(r);
	}
	if (rc != DB_OK)
		svc_db_err(c, rc);
	return a;
}

/* The limit's value in the policy version the exception departs from. */
static json_t *limit_value(svc_ctx *c, const char *policy_id, long long version, const char *key)
{
	int rc;
	db_res *r;
	json_t *v = json_null();
	if (svc_query(c, "SELECT limits FROM policy_versions WHERE org_id = ? AND policy_id = ? AND version = ?",
		      DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(policy_id), DB_INT(version)), &r)) {
		if (db_next(r) == 1) {
			json_t *lim = json_loads(db_text(r, 0), 0, NULL);
			json_t *x = json_object_get(lim, key);
			if (x)
				v = json_incref(x);
			json_decref(lim);
		}
		if ((rc = db_res_close(r)) != DB_OK)
			svc_db_err(c, rc);
	}
	return v;
}

static json_t *exc_row_json(svc_ctx *c, db_res *r, int full)
{
	const char *id = db_text(r, 0), *status = db_text(r, 13);
	/* a proposed exception past its window is expired even before the scheduler marks it */
	if (strcmp(status, "proposed") == 0 && c->now >= db_int(r, 18))
		status = "expired";
	json_t *o = json_pack("{s:s,s:o,s:o,s:s,s:o,s:s,s:o,s:o,s:s,s:o,s:s,s:s,s:o,s:o,s:s,s:i,s:i}", "id", id, "case",
			      case_brief(c, db_text(r, 1)), "policy", exc_policy_brief(c, db_text(r, 2), db_int(r, 3)), "limit",
			      db_text(r, 4), "limit_value", limit_value(c, db_text(r, 2), db_int(r, 3), db_text(r, 4)), "kind",
			      db_text(r, 5), "amount", amount_json(r, 6), "amount_cents", cents_json(r, 6), "value",
			      db_text(r, 7), "channel", svc_col_str(r, 8), "description", db_text(r, 9), "reasoning",
			      db_text(r, 10), "proposer", svc_person_brief(c, db_text(r, 11)), "team_id", svc_col_str(r, 12),
			      "status", status, "needed", (int)db_int(r, 14), "signature_count", (int)db_int(r, 15));
	json_object_set_new(o, "created_at", svc_col_time(r, 16));
	json_object_set_new(o, "updated_at", svc_col_time(r, 17));
	json_object_set_new(o, "expires_at", svc_col_time(r, 18));
	json_object_set_new(o, "approved_at", svc_col_time(r, 19));
	json_object_set_new(o, "closed_at", svc_col_time(r, 20));
	json_object_set_new(o, "close_reason", json_string(db_text(r, 21)));
	json_object_set_new(o, "review_status", json_string(db_text(r, 23)));
	if (full) {
		json_object_set_new(o, "signatures", signatures_of(c, id));
		json_object_set_new(o, "action", action_json(c, db_is_null(r, 22) ? NULL : db_text(r, 22)));
		json_object_set_new(o, "review",
				    json_pack("{s:s,s:o,s:s,s:s,s:o,s:o,s:o}", "status", db_text(r, 23), "verdict", svc_col_str(r, 24),
					      "reasoning", db_text(r, 25), "coach_note", db_text(r, 26), "by",
					      svc_person_brief(c, db_is_null(r, 27) ? NULL : db_text(r, 27)), "at",
					      svc_col_time(r, 28), "proposal_id", svc_col_str(r, 29)));
	} else {
		json_object_set_new(o, "action_id", svc_col_str(r, 22));
		json_object_set_new(o, "verdict", svc_col_str(r, 24));
	}
	return o;
}

json_t *exc_json(svc_ctx *c, const char *id)
{
	int rc;
	db_res *r;
	json_t *o = json_null();
	if (svc_query(c, "SELECT " EXC_COLS " FROM exceptions WHERE org_id = ? AND id = ?",
		      DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id)), &r)) {
		if (db_next(r) == 1)
			o = exc_row_json(c, r, 1);
		if ((rc = db_res_close(r)) != DB_OK)
			svc_db_err(c, rc);
	}
	return o;
}

static int reply(svc_ctx *c, const char *id, json_t **out)
{
	*out = exc_json(c, id);
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return err_set(&c->err, ERR_INTERNAL, "storage_error", NULL, "the exception could not be read back");
	}
	return 0;
}

static int exc_propose(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct case_row row;
	struct policy_row pol;
	struct resolution res = {in_str(in, "kind"), 0, 0, in_str(in, "value"), in_str(in, "channel"), in_str(in, "description")};
	struct exc_breach b;
	char id[ID_SIZE];
	if (exc_may_propose(c->actor.role, &c->err) || case_load(c, p[0], &row) ||
	    amount_of(c, in, res.kind, &res.has_amount, &res.cents))
		return -1;
	if (!row.open)
		return err_set(&c->err, ERR_RULE, "case_closed", NULL, "the case is resolved; reopen it first");
	if (policy_ref(c, in_str(in, "policy"), "policy", &pol))
		return -1;
	int breach = judge(c, row.id, &pol, &res, &b);
	const char *limit = in_str(in, "limit");
	int known = limit && (strcmp(limit, "text") == 0 || json_object_get(pol.limits, limit));
	json_decref(pol.limits);
	if (breach < 0)
		return -1;
	if (limit && !known)
		return err_set(&c->err, ERR_RULE, "unknown_limit", "limit",
			       "policy \"%s\" has no limit \"%s\" (name one of its limits, or \"text\")", pol.name, limit);
	if (!limit && !breach)
		return err_set(&c->err, ERR_RULE, "within_policy", NULL,
			       "this resolution is within policy \"%s\": apply it as a case action, or name the limit it departs from",
			       pol.name);
	if (!limit)
		limit = b.limit;
	long long hours = setting_int(c, "exception.window_hours");
	int needed = (int)setting_int(c, "exception.cosigners");
	id_new(id, "exc", c->now);
	int rc = db_exec(c->db,
			 "INSERT INTO exceptions (org_id, id, case_id, policy_id, policy_version, limit_key, kind, amount_cents, value, "
			 "channel, description, reasoning, proposer_id, team_id, status, needed, signatures, created_at, updated_at, "
			 "expires_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,'proposed',?,0,?,?,?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(row.id), DB_TXT(pol.id), DB_INT(pol.version),
				 DB_TXT(limit), DB_TXT(res.kind), res.has_amount ? DB_INT(res.cents) : DB_NULL,
				 DB_TXT(res.value ? res.value : ""), DB_TXT(res.channel), DB_TXT(res.description),
				 DB_TXT(in_str(in, "reasoning")), DB_TXT(c->actor.person_id),
				 DB_TXT(*c->actor.team_id ? c->actor.team_id : NULL), DB_INT(needed), DB_INT(c->now),
				 DB_INT(c->now), DB_INT(c->now + hours * 3600000LL)),
			 NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	json_t *data = json_pack("{s:s,s:I,s:s,s:s,s:s,s:s,s:i}", "policy_id", pol.id, "policy_version", (json_int_t)pol.version,
				 "limit", limit, "kind", res.kind, "description", res.description, "reasoning",
				 in_str(in, "reasoning"), "needed", needed);
	if (res.has_amount)
		json_object_set_new(data, "amount_cents", json_integer(res.cents));
	if (svc_event(c, "exception.proposed", "exception", id, row.id, data) || case_touch(c, row.id))
		return -1;
	return reply(c, id, out);
}

static int exc_show(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct exc_row row;
	if (exc_load(c, p[0], &row))
		return -1;
	return reply(c, row.id, out);
}

/* Apply an approved exception: the case action, linked both ways; review becomes pending. */
static int apply_approved(svc_ctx *c, const char *id)
{
	int rc;
	db_res *r;
	struct resolution res = {0};
	char case_id[ID_SIZE] = "", policy_id[ID_SIZE] = "", proposer[ID_SIZE] = "", kind[16] = "", act[ID_SIZE];
	char *value = NULL, *channel = NULL, *desc = NULL;
	long long version = 0;
	if ((rc = db_query(c->db,
			   "SELECT case_id, policy_id, policy_version, kind, amount_cents, value, channel, description, proposer_id "
			   "FROM exceptions WHERE org_id = ? AND id = ?",
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id)), &r)) != DB_OK)
		return svc_db_err(c, rc);
	if (db_next(r) == 1) {
		svc_copy(c, case_id, sizeof case_id, db_text(r, 0));
		svc_copy(c, policy_id, sizeof policy_id, db_text(r, 1));
		version = db_int(r, 2);
		svc_copy(c, kind, sizeof kind, db_text(r, 3));
		res.has_amount = !db_is_null(r, 4);
		res.cents = db_int(r, 4);
		value = xstrdup(db_text(r, 5));
		channel = db_is_null(r, 6) ? NULL : xstrdup(db_text(r, 6));
		desc = xstrdup(db_text(r, 7));
		svc_copy(c, proposer, sizeof proposer, db_text(r, 8));
	}
	if ((rc = db_res_close(r)) != DB_OK)
		svc_db_err(c, rc);
	int ret = -1;
	if (!desc) {
		err_set(&c->err, ERR_INTERNAL, "storage_error", NULL, "the exception vanished");
		goto cleanup;
	}
	res.kind = kind;
	res.value = value;
	res.channel = channel;
	res.description = desc;
	if (action_insert(c, case_id, &res, policy_id, version, id, proposer, act))
		goto cleanup;
	rc = db_exec(c->db, "UPDATE exceptions SET action_id = ?, review_status = 'pending' WHERE org_id = ? AND id = ?",
		     DB_ARGS(DB_TXT(act), DB_TXT(c->actor.org_id), DB_TXT(id)), NULL);
	if (rc != DB_OK) {
		svc_db_err(c, rc);
		goto cleanup;
	}
	ret = 0;
cleanup:
	free(value);
	free(channel);
	free(desc);
	return ret;
}

static int exc_cosign(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct exc_row row;
	if (exc_load(c, p[0], &row))
		return -1;
	struct exc_state e = exc_state_of(&row);
	struct exc_person who = {c->actor.person_id, c->actor.role};
	struct exc_rules rules = {row.needed, (int)setting_int(c, "exception.supervisors_count")};
	if (exc_may_cosign(&e, &who, &rules, c->now, &c->err))
		return -1;
	int count = row.signatures + 1;
	int approved = exc_approved_with(count, row.needed);
	int rc = db_exec(c->db,
			 "INSERT INTO exception_signatures (org_id, exception_id, person_id, role, note, at) VALUES (?,?,?,?,?,?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(row.id), DB_TXT(c->actor.person_id),
				 DB_TXT(role_name(c->actor.role)), DB_TXT(in_str(in, "note") ? in_str(in, "note") : ""),
				 DB_INT(c->now)),
			 NULL);
	if (rc == DB_CONSTRAINT)
		return err_set(&c->err, ERR_CONFLICT, "already_signed", NULL, "you already co-signed this exception");
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	/* The guard: only the signature that moves the count from what we read wins.  Two co-signers at
	 * the same moment can't both approve; the loser changes nothing (its transaction rolls back). */
	int64_t n = 0;
	rc = db_exec(c->db,
		     "UPDATE exceptions SET signatures = ?, status = ?, approved_at = ?, updated_at = ? "
		     "WHERE org_id = ? AND id = ? AND status = 'proposed' AND signatures = ? AND expires_at > ?",
		     DB_ARGS(DB_INT(count), DB_TXT(approved ? "approved" : "proposed"), approved ? DB_INT(c->now) : DB_NULL,
			     DB_INT(c->now), DB_TXT(c->actor.org_id), DB_TXT(row.id), DB_INT(row.signatures), DB_INT(c->now)),
		     &n);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (n != 1)
		return err_set(&c->err, ERR_CONFLICT, "exception_changed", NULL,
			       "the exception changed meanwhile (another co-signature, withdrawal or expiry); reload it");
	if (svc_event(c, "exception.cosigned", "exception", row.id, row.case_id,
		      json_pack("{s:s,s:i,s:i}", "role", role_name(c->actor.role), "signatures", count, "needed", row.needed)))
		return -1;
	if (approved) {
		if (svc_event(c, "exception.approved", "exception", row.id, row.case_id,
			      json_pack("{s:s,s:I,s:s}", "policy_id", row.policy_id, "policy_version", (json_int_t)row.policy_version,
					"kind", row.kind)) ||
		    apply_approved(c, row.id))
			return -1;
	}
	return reply(c, row.id, out);
}

static int exc_withdraw(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct exc_row row;
	if (exc_load(c, p[0], &row))
		return -1;
	struct exc_state e = exc_state_of(&row);
	if (exc_may_withdraw(&e, c->actor.person_id, c->now, &c->err))
		return -1;
	const char *reason = in_str(in, "reason") ? in_str(in, "reason") : "";
	int64_t n = 0;
	int rc = db_exec(c->db,
			 "UPDATE exceptions SET status = 'withdrawn', closed_at = ?, close_reason = ?, updated_at = ? "
			 "WHERE org_id = ? AND id = ? AND status = 'proposed' AND expires_at > ?",
			 DB_ARGS(DB_INT(c->now), DB_TXT(reason), DB_INT(c->now), DB_TXT(c->actor.org_id), DB_TXT(row.id),
				 DB_INT(c->now)),
			 &n);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (n != 1)
		return err_set(&c->err, ERR_CONFLICT, "exception_changed", NULL, "the exception changed meanwhile; reload it");
	if (svc_event(c, "exception.withdrawn", "exception", row.id, row.case_id, json_pack("{s:s}", "reason", reason)))
		return -1;
	return reply(c, row.id, out);
}

static int exc_edit(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct exc_row row;
	int has = 0;
	int64_t cents = 0;
	if (exc_load(c, p[0], &row))
		return -1;
	struct exc_state e = exc_state_of(&row);
	if (exc_may_edit(&e, c->actor.person_id, c->now, &c->err) || amount_of(c, in, NULL, &has, &cents))
		return -1;
	if (json_object_size(in) == 0)
		return err_set(&c->err, ERR_INVALID, "nothing_to_change", NULL, "give at least one field to change");
	int64_t n = 0;
	int rc = db_exec(c->db,
			 "UPDATE exceptions SET description = COALESCE(?, description), reasoning = COALESCE(?, reasoning), "
			 "value = COALESCE(?, value), amount_cents = CASE WHEN ? = 1 THEN ? ELSE amount_cents END, updated_at = ? "
			 "WHERE org_id = ? AND id = ? AND status = 'proposed' AND signatures = 0 AND expires_at > ?",
			 DB_ARGS(DB_TXT(in_str(in, "description")), DB_TXT(in_str(in, "reasoning")), DB_TXT(in_str(in, "value")),
				 DB_INT(has), DB_INT(cents), DB_INT(c->now), DB_TXT(c->actor.org_id), DB_TXT(row.id), DB_INT(c->now)),
			 &n);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (n != 1)
		return err_set(&c->err, ERR_CONFLICT, "exception_changed", NULL, "the exception changed meanwhile; reload it");
	if (svc_event(c, "exception.edited", "exception", row.id, row.case_id, json_deep_copy(in)))
		return -1;
	return reply(c, row.id, out);
}

static json_t *exc_rows(svc_ctx *c, const char *sql, const db_arg *args, int nargs, int full)
{
	int rc;
	db_res *r;
	json_t *a = json_array();
	if ((rc = db_query(c->db, sql, args, nargs, &r)) == DB_OK) {
		while (db_next(r) == 1)
			json_array_append_new(a, exc_row_json(c, r, full));
		rc = db_res_close(r);
	}
	if (rc != DB_OK)
		svc_db_err(c, rc);
	return a;
}

static json_t *exceptions_of_case(svc_ctx *c, const char *case_id)
{
	return exc_rows(c, "SELECT " EXC_COLS " FROM exceptions WHERE org_id = ? AND case_id = ? ORDER BY created_at, id",
			DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id)), 1);
}

static int exc_case_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct case_row row;
	if (case_load(c, p[0], &row))
		return -1;
	*out = json_pack("{s:o}", "items", exceptions_of_case(c, row.id));
	return 0;
}

static json_t *exc_brief_row(svc_ctx *c, db_res *r) { return exc_row_json(c, r, 0); }

static const struct page_list EXCEPTIONS = {.name = "exceptions",
					    .cols = EXC_COLS,
					    .from = "exceptions e",
					    .keys = {{"created_at", DB_T_INT, 1}, {"id", DB_T_TEXT, 1}},
					    .row = exc_brief_row};

static int exc_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char pol[ID_SIZE] = "";
	const char *status = in_str(in, "status"), *kind = in_str(in, "kind"), *review = in_str(in, "review");
	int waiting = in_bool(in, "waiting_for_me", 0), mine = in_bool(in, "mine", 0);
	if (in_str(in, "policy")) {
		struct policy_row pr;
		if (policy_ref(c, in_str(in, "policy"), "policy", &pr))
			return -1;
		json_decref(pr.limits);
		STR_COPY(pol, pr.id);
	}
	if (waiting) {
		/* my day: proposed, in its window, not mine, not signed by me, and my role co-signs here */
		if (!exc_role_may_cosign(c->actor.role, (int)setting_int(c, "exception.supervisors_count"))) {
			*out = json_pack("{s:[],s:n}", "items", "next");
			return 0;
		}
	}
	/* "expired" includes proposed exceptions past their window that the scheduler has not marked yet */
	return page_run(c, &EXCEPTIONS, in,
			"org_id = ? AND (? IS NULL OR status = ? OR (? = 'expired' AND status = 'proposed' AND expires_at <= ?)) "
			"AND (? = '' OR policy_id = ?) "
			"AND (? IS NULL OR kind = ?) AND (? IS NULL OR review_status = ?) AND (? = 0 OR proposer_id = ?) "
			"AND (? = 0 OR (status = 'proposed' AND expires_at > ? AND proposer_id <> ? AND NOT EXISTS (SELECT 1 FROM "
			"exception_signatures s WHERE s.org_id = e.org_id AND s.exception_id = e.id AND s.person_id = ?))) "
			"AND (? IS NULL OR ? <> 'proposed' OR expires_at > ?)",
			DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(status), DB_TXT(status), DB_TXT(status), DB_INT(c->now),
				DB_TXT(pol), DB_TXT(pol), DB_TXT(kind), DB_TXT(kind), DB_TXT(review), DB_TXT(review),
				DB_INT(mine), DB_TXT(c->actor.person_id), DB_INT(waiting), DB_INT(c->now),
				DB_TXT(c->actor.person_id), DB_TXT(c->actor.person_id), DB_TXT(status), DB_TXT(status),
				DB_INT(c->now)),
			out);
}

/* --- registered parts --- */

int exception_case_view(svc_ctx *c, const char *case_id, json_t *view)
{
	json_object_set_new(view, "actions", actions_of_case(c, case_id));
	json_object_set_new(view, "exceptions", exceptions_of_case(c, case_id));
	return 0;
}

/* Money is never applied to a resolved case: resolving withdraws the exceptions still waiting for
 * co-signatures, each with its reason and event, so a later co-signature finds them withdrawn. */
int exception_resolve_hook(svc_ctx *c, const char *case_id, json_t *in)
{
	static const char REASON[] = "the case was resolved before the exception was approved";
	db_res *r;
	int rc = db_query(c->db,
			  "SELECT id FROM exceptions WHERE org_id = ? AND case_id = ? AND status = 'proposed' AND expires_at > ? "
			  "ORDER BY created_at, id",
			  DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id), DB_INT(c->now)), &r);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	json_t *ids = json_array(), *v;
	while ((rc = db_next(r)) == 1)
		json_array_append_new(ids, json_string(db_text(r, 0)));
	db_res_discard(r);
	size_t i;
	int ret = rc < 0 ? svc_db_err(c, rc) : 0;
	json_array_foreach(ids, i, v)
	{
		if (ret)
			break;
		const char *id = json_string_value(v);
		if ((rc = db_exec(c->db,
				  "UPDATE exceptions SET status = 'withdrawn', closed_at = ?, close_reason = ?, updated_at = ? "
				  "WHERE org_id = ? AND id = ? AND status = 'proposed'",
				  DB_ARGS(DB_INT(c->now), DB_TXT(REASON), DB_INT(c->now), DB_TXT(c->actor.org_id), DB_TXT(id)),
				  NULL)) != DB_OK)
			ret = svc_db_err(c, rc);
		else
			ret = svc_event(c, "exception.withdrawn", "exception", id, case_id,
					json_pack("{s:s,s:s}", "reason", REASON, "by", "case_resolved"));
	}
	json_decref(ids);
	return ret;
}


int exception_tick_due(svc_ctx *c, int64_t until, int64_t *next)
{
	return tick_due_min(c, "SELECT MIN(expires_at) FROM exceptions WHERE status = 'proposed' AND expires_at <= ?", until, next);
}

int exception_tick(svc_ctx *c, json_t *summary)
{
	json_t *due;
	if (tick_due_rows(c,
			  "SELECT org_id, id, case_id FROM exceptions WHERE status = 'proposed' AND expires_at <= ? "
			  "ORDER BY expires_at LIMIT ?",
			  &due))
		return -1;
	size_t i;
	json_t *v;
	long long expired = 0;
	int ret = 0;
	json_array_foreach(due, i, v)
	{
		const char *org = json_string_value(json_array_get(v, 0)), *id = json_string_value(json_array_get(v, 1));
		const char *case_id = json_string_value(json_array_get(v, 2));
		tick_as_system(c, org);
		int64_t n = 0;
		/* exactly once: only the pass whose UPDATE changes the row records the expiry */
		int rc = db_exec(c->db,
			     "UPDATE exceptions SET status = 'expired', closed_at = expires_at, updated_at = ? "
			     "WHERE org_id = ? AND id = ? AND status = 'proposed' AND expires_at <= ?",
			     DB_ARGS(DB_INT(c->now), DB_TXT(org), DB_TXT(id), DB_INT(c->now)), &n);
		if (rc != DB_OK) {
			ret = svc_db_err(c, rc);
			break;
		}
		if (n != 1)
			continue;
		if (svc_event(c, "exception.expired", "exception", id, case_id, json_object())) {
			ret = -1;
			break;
		}
		expired++;
	}
	json_decref(due);
	if (ret == 0 && expired) {
		json_t *old = json_object_get(summary, "exceptions_expired");
		json_object_set_new(summary, "exceptions_expired",
				    json_integer(expired + (json_is_integer(old) ? json_integer_value(old) : 0)));
	}
	return ret;
}

/* --- routes --- */

static const struct in_field ACTION[] = {
	{"kind", IN_ENUM, 1, 0, 0, KINDS, "refund, credit, fee_waiver, replacement or other"},
	{"amount", IN_NUM, 0, 0, AMOUNT_MAX, NULL, "money, in currency units (120 = $120.00)"},
	{"amount_cents", IN_INT, 0, 0, AMOUNT_MAX * 100, NULL, "money, in cents (instead of amount)"},
	{"value", IN_STR, 0, 0, FL_MAX_NAME, NULL, "what is given when it is not money (\"new phone\")"},
	{"channel", IN_ENUM, 0, 0, 0, CASE_CHANNELS, "where it is given (judged against a policy's channels)"},
	{"policy", IN_STR, 1, 1, FL_MAX_NAME, NULL, "the policy it is judged under (id or name)"},
	{"description", IN_STR, 1, 1, FL_MAX_TEXT, NULL, "what is done for the customer"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
static const struct in_field PROPOSE[] = {
	{"policy", IN_STR, 1, 1, FL_MAX_NAME, NULL, "the policy it departs from (id or name)"},
	{"limit", IN_STR, 0, 1, FL_MAX_SHORT, NULL, "the limit it departs from (a key of the policy's limits, or \"text\"); "
						    "default: the limit the resolution breaks"},
	{"kind", IN_ENUM, 1, 0, 0, KINDS, "refund, credit, fee_waiver, replacement or other"},
	{"amount", IN_NUM, 0, 0, AMOUNT_MAX, NULL, "money, in currency units"},
	{"amount_cents", IN_INT, 0, 0, AMOUNT_MAX * 100, NULL, "money, in cents (instead of amount)"},
	{"value", IN_STR, 0, 0, FL_MAX_NAME, NULL, "what is given when it is not money"},
	{"channel", IN_ENUM, 0, 0, 0, CASE_CHANNELS, "where it is given"},
	{"description", IN_STR, 1, 1, FL_MAX_TEXT, NULL, "the resolution"},
	{"reasoning", IN_STR, 1, 1, FL_MAX_TEXT, NULL, "why it is right for the customer"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
static const struct in_field EDIT[] = {
	{"description", IN_STR, 0, 1, FL_MAX_TEXT, NULL, "the resolution"},
	{"reasoning", IN_STR, 0, 1, FL_MAX_TEXT, NULL, "why"},
	{"value", IN_STR, 0, 0, FL_MAX_NAME, NULL, "what is given when it is not money"},
	{"amount", IN_NUM, 0, 0, AMOUNT_MAX, NULL, "money, in currency units"},
	{"amount_cents", IN_INT, 0, 0, AMOUNT_MAX * 100, NULL, "money, in cents"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
static const struct in_field COSIGN[] = {
	{"note", IN_STR, 0, 0, FL_MAX_TEXT, NULL, "why you agree"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
static const struct in_field WITHDRAW[] = {
	{"reason", IN_STR, 0, 0, FL_MAX_TEXT, NULL, "why"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
static const struct in_field LIST[] = {
	{"status", IN_ENUM, 0, 0, 0, EXC_STATUSES, "proposed, approved, expired or withdrawn"},
	{"waiting_for_me", IN_BOOL, 0, 0, 0, NULL, "only exceptions I may co-sign now (my day)"},
	{"mine", IN_BOOL, 0, 0, 0, NULL, "only exceptions I proposed"},
	{"policy", IN_STR, 0, 1, FL_MAX_NAME, NULL, "one policy (id or name)"},
	{"kind", IN_ENUM, 0, 0, 0, KINDS, "one resolution kind"},
	{"review", IN_ENUM, 0, 0, 0, REVIEW_STATUSES, "pending (waiting for review) or reviewed"},
	PAGE_FIELDS,
	IN_FORMAT_FIELD,
	{NULL, 0, 0, 0, 0, NULL, NULL},
};

const struct route exception_routes[] = {
	{"POST", "/api/v1/cases/{id}/actions", act_create, ACTION, 201,
	 "Apply a resolution judged by a policy; over a limit -> 422 exception_required", "CaseAction", "case act", 0},
	{"GET", "/api/v1/cases/{id}/actions", act_list, NULL, 200, "A case's actions, each with the policy version it was judged under",
	 "CaseActionList", "case actions", 0},
	{"POST", "/api/v1/cases/{id}/exceptions", exc_propose, PROPOSE, 201,
	 "Propose an out-of-policy resolution (customer-facing employees)", "Exception", "exception propose", 0},
	{"GET", "/api/v1/cases/{id}/exceptions", exc_case_list, NULL, 200, "Exceptions on a case", "ExceptionList",
	 "case exceptions", 0},
	{"GET", "/api/v1/exceptions", exc_list, LIST, 200, "Find exceptions (waiting_for_me: those I may co-sign)",
	 "ExceptionList", "exception list", 0},
	{"GET", "/api/v1/exceptions/{id}", exc_show, NULL, 200, "An exception with its signatures, action and review",
	 "Exception", "exception show", 0},
	{"PATCH", "/api/v1/exceptions/{id}", exc_edit, EDIT, 200,
	 "Edit a proposal before anyone co-signs (proposer); approved exceptions are immutable", "Exception", "exception edit", 0},
	{"POST", "/api/v1/exceptions/{id}/cosign", exc_cosign, COSIGN, 200,
	 "Co-sign: at the last required signature the exception is approved and applied", "Exception", "exception cosign", 0},
	{"POST", "/api/v1/exceptions/{id}/withdraw", exc_withdraw, WITHDRAW, 200, "Withdraw a proposal (proposer, before approval)",
	 "Exception", "exception withdraw", 0},
	{NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, 0},
};
