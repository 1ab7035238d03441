/* Case actions judged by policy: a resolution within the policy's limits is applied and recorded on
 * the case; one that departs from them is refused with 422 exception_required (propose an exception,
 * svc/exceptions/exception.c).  The limits are core/exception_rules.c. */
#include <math.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "svc/exceptions/action.h"
#include "svc/ledger/case.h"

const char *const ACTION_KINDS[] = {"refund", "credit", "fee_waiver", "replacement", "other", NULL};

/* --- amounts --- */

json_t *action_amount_json(db_res *r, int col)
{
	return db_is_null(r, col) ? json_null() : json_real((double)db_int(r, col) / 100.0);
}

json_t *action_cents_json(db_res *r, int col)
{
	return db_is_null(r, col) ? json_null() : json_integer(db_int(r, col));
}

int action_amount_of(svc_ctx *c, json_t *in, const char *kind, int *has, int64_t *cents)
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

#define ACTION_COLS "id, case_id, kind, amount_cents, value, channel, description, policy_id, policy_version, exception_id, by_id, at"

static json_t *action_row(svc_ctx *c, db_res *r)
{
	return json_pack("{s:s,s:s,s:s,s:o,s:o,s:s,s:o,s:s,s:o,s:o,s:o,s:o}", "id", db_text(r, 0), "case_id", db_text(r, 1),
			 "kind", db_text(r, 2), "amount", action_amount_json(r, 3), "amount_cents", action_cents_json(r, 3), "value",
			 db_text(r, 4), "channel", svc_col_str(r, 5), "description", db_text(r, 6), "policy",
			 policy_brief(c, db_text(r, 7), db_int(r, 8)), "exception_id", svc_col_str(r, 9), "by",
			 svc_person_brief(c, db_text(r, 10)), "at", svc_col_time(r, 11));
}

json_t *action_json(svc_ctx *c, const char *id)
{
	json_t *o = id ? svc_one_row(c, "SELECT " ACTION_COLS " FROM case_actions WHERE org_id = ? AND id = ?", id, action_row) : NULL;
	return o ? o : json_null();
}

json_t *action_list_of_case(svc_ctx *c, const char *case_id)
{
	return svc_rows(c, "SELECT " ACTION_COLS " FROM case_actions WHERE org_id = ? AND case_id = ? ORDER BY at, id",
			DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id)), action_row);
}


int action_insert(svc_ctx *c, const char *case_id, const struct resolution *res, const char *policy_id,
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

int action_judge(svc_ctx *c, const char *case_id, const struct policy_row *pol, const struct resolution *res,
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

int action_judge_input(svc_ctx *c, const char *case_ref, json_t *in, struct case_row *row, struct policy_row *pol,
		       struct resolution *res, struct exc_breach *b)
{
	*res = (struct resolution){.kind = in_str(in, "kind"),
				   .value = in_str(in, "value"),
				   .channel = in_str(in, "channel"),
				   .description = in_str(in, "description")};
	pol->limits = NULL;
	if (case_load(c, case_ref, row) || action_amount_of(c, in, res->kind, &res->has_amount, &res->cents))
		return -1;
	if (!row->open)
		return err_set(&c->err, ERR_RULE, "case_closed", NULL, "the case is resolved; reopen it first");
	if (policy_ref(c, in_str(in, "policy"), "policy", pol))
		return -1;
	return action_judge(c, row->id, pol, res, b);
}

static int act_create(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct case_row row;
	struct policy_row pol;
	struct resolution res;
	struct exc_breach b;
	char id[ID_SIZE];
	int breach = action_judge_input(c, p[0], in, &row, &pol, &res, &b);
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
	*out = json_pack("{s:o}", "items", action_list_of_case(c, row.id));
	return 0;
}

/* --- routes --- */

#include "svc/exceptions/action.api.inc"
