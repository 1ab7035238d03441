/* Out-of-policy exceptions, changed: propose, co-sign (approved and applied at the last required
 * signature, in the same transaction), withdraw, edit before anyone signs.  The decisions are
 * core/exception_rules.c; reading is exception_read.c; expiry is exception_tick.c. */
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "svc/exceptions/action.h"
#include "svc/exceptions/exception.h"
#include "svc/exceptions/exception_read.h"
#include "svc/exceptions/policy.h"
#include "svc/hooks.h"
#include "svc/ledger/case.h"
#include "svc/org/settings.h"

static int exc_propose(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct case_row row;
	struct policy_row pol;
	struct resolution res;
	struct exc_breach b;
	char id[ID_SIZE];
	if (exc_may_propose(c->actor.role, &c->err))
		return -1;
	int breach = action_judge_input(c, p[0], in, &row, &pol, &res, &b);
	const char *limit = in_str(in, "limit");
	int known = breach >= 0 && limit && (strcmp(limit, "text") == 0 || json_object_get(pol.limits, limit));
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
	return exc_reply(c, id, out);
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
	if (rc != DB_OK)
		return svc_db_conflict(c, rc, "already_signed", NULL, "you already co-signed this exception");
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
		    apply_approved(c, row.id) || svc_exception_outcome(c, row.case_id, row.id, "approved"))
			return -1;
	}
	return exc_reply(c, row.id, out);
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
	if (svc_event(c, "exception.withdrawn", "exception", row.id, row.case_id, json_pack("{s:s}", "reason", reason)) ||
	    svc_exception_outcome(c, row.case_id, row.id, "withdrawn"))
		return -1;
	return exc_reply(c, row.id, out);
}

static int exc_edit(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct exc_row row;
	int has = 0;
	int64_t cents = 0;
	if (exc_load(c, p[0], &row))
		return -1;
	struct exc_state e = exc_state_of(&row);
	if (exc_may_edit(&e, c->actor.person_id, c->now, &c->err) || action_amount_of(c, in, NULL, &has, &cents))
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
	return exc_reply(c, row.id, out);
}

/* --- routes --- */

#include "svc/exceptions/exception.api.inc"
