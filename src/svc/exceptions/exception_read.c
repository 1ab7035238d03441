/* Reading exceptions: one with its signatures, action and review; a case's; the list with its
 * filters.  A proposed exception past its window reads as expired even before the scheduler
 * (exception_tick.c) marks it. */
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "svc/exceptions/action.h"
#include "svc/exceptions/exception_read.h"
#include "svc/exceptions/policy.h"
#include "svc/ledger/case.h"
#include "svc/org/settings.h"
#include "svc/page.h"

static const char *const EXC_STATUSES[] = {"proposed", "approved", "expired", "withdrawn", NULL};
static const char *const REVIEW_STATUSES[] = {"pending", "reviewed", NULL};

#define EXC_COLS                                                                                                  \
	"id, case_id, policy_id, policy_version, limit_key, kind, amount_cents, value, channel, description, reasoning, " \
	"proposer_id, team_id, status, needed, signatures, created_at, updated_at, expires_at, approved_at, closed_at, "  \
	"close_reason, action_id, review_status, verdict, review_reasoning, coach_note, reviewed_by, reviewed_at, proposal_id"

int exc_load(svc_ctx *c, const char *id, struct exc_row *out)
{
	int rc;
	db_res *r;
	memset(out, 0, sizeof *out);
	if (svc_load_id(c, "exc", id, "exception_not_found", "no such exception", &r,
			"SELECT id, case_id, policy_id, policy_version, kind, proposer_id, status, review_status, needed, signatures, "
			"expires_at FROM exceptions WHERE org_id = ? AND id = ?"))
		return -1;
	SVC_COPY_COLS(c, r, 0, SVC_BUF(out->id), SVC_BUF(out->case_id), SVC_BUF(out->policy_id));
	out->policy_version = db_int(r, 3);
	SVC_COPY_COLS(c, r, 4, SVC_BUF(out->kind), SVC_BUF(out->proposer_id), SVC_BUF(out->status), SVC_BUF(out->review_status));
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

static json_t *signature_row(svc_ctx *c, db_res *r)
{
	return json_pack("{s:o,s:s,s:s,s:o}", "person", svc_person_brief(c, db_text(r, 0)), "role", db_text(r, 1), "note",
			 db_text(r, 2), "at", svc_col_time(r, 3));
}

static json_t *signatures_of(svc_ctx *c, const char *id)
{
	return svc_rows(c, "SELECT person_id, role, note, at FROM exception_signatures WHERE org_id = ? AND exception_id = ? ORDER BY at",
			DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id)), signature_row);
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
			      case_brief(c, db_text(r, 1)), "policy", policy_brief(c, db_text(r, 2), db_int(r, 3)), "limit",
			      db_text(r, 4), "limit_value", limit_value(c, db_text(r, 2), db_int(r, 3), db_text(r, 4)), "kind",
			      db_text(r, 5), "amount", action_amount_json(r, 6), "amount_cents", action_cents_json(r, 6), "value",
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

int exc_reply(svc_ctx *c, const char *id, json_t **out)
{
	*out = exc_json(c, id);
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return err_set(&c->err, ERR_INTERNAL, "storage_error", NULL, "the exception could not be read back");
	}
	return 0;
}

static int exc_show(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct exc_row row;
	if (exc_load(c, p[0], &row))
		return -1;
	return exc_reply(c, row.id, out);
}

static json_t *exc_full_row(svc_ctx *c, db_res *r) { return exc_row_json(c, r, 1); }

static json_t *exceptions_of_case(svc_ctx *c, const char *case_id)
{
	return svc_rows(c, "SELECT " EXC_COLS " FROM exceptions WHERE org_id = ? AND case_id = ? ORDER BY created_at, id",
			DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id)), exc_full_row);
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

static const struct page_list EXCEPTIONS; /* in exception_read.api.json */

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
	return page_run(
		c, &EXCEPTIONS, in,
		"org_id = ? AND (? IS NULL OR status = ? OR (? = 'expired' AND status = 'proposed' AND expires_at <= ?)) "
		"AND (? = '' OR policy_id = ?) "
		"AND (? IS NULL OR kind = ?) AND (? IS NULL OR review_status = ?) AND (? = 0 OR proposer_id = ?) "
		"AND (? = 0 OR (status = 'proposed' AND expires_at > ? AND proposer_id <> ? AND NOT EXISTS (SELECT 1 FROM "
		"exception_signatures s WHERE s.org_id = e.org_id AND s.exception_id = e.id AND s.person_id = ?))) "
		"AND (? IS NULL OR ? <> 'proposed' OR expires_at > ?)",
		DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(status), DB_TXT(status), DB_TXT(status), DB_INT(c->now), DB_TXT(pol),
			DB_TXT(pol), DB_TXT(kind), DB_TXT(kind), DB_TXT(review), DB_TXT(review), DB_INT(mine),
			DB_TXT(c->actor.person_id), DB_INT(waiting), DB_INT(c->now), DB_TXT(c->actor.person_id),
			DB_TXT(c->actor.person_id), DB_TXT(status), DB_TXT(status), DB_INT(c->now)),
		out);
}

int exception_case_view(svc_ctx *c, const char *case_id, json_t *view)
{
	json_object_set_new(view, "actions", action_list_of_case(c, case_id));
	json_object_set_new(view, "exceptions", exceptions_of_case(c, case_id));
	return 0;
}

/* --- routes --- */

#include "svc/exceptions/exception_read.api.inc"
