/* Exceptions without a request: the scheduler expires a proposal when its window passes (exactly
 * once, with its event), and resolving a case withdraws the proposals still waiting on it. */
#include "svc/exceptions/exception_tick.h"
#include "svc/hooks.h"
#include "svc/tick.h"

/* Money is never applied to a resolved case: resolving withdraws the exceptions still waiting for
 * co-signatures, each with its reason and event, so a later co-signature finds them withdrawn. */
int exception_resolve_hook(svc_ctx *c, const char *case_id, json_t *in)
{
	static const char REASON[] = "the case was resolved before the exception was approved";
	json_t *ids, *v;
	if (svc_strings(c, &ids, 1,
			"SELECT id FROM exceptions WHERE org_id = ? AND case_id = ? AND status = 'proposed' AND expires_at > ? "
			"ORDER BY created_at, id",
			DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id), DB_INT(c->now))))
		return -1;
	size_t i;
	int rc, ret = 0;
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
	return tick_due_min(c, "SELECT MIN(expires_at) FROM exceptions WHERE status = 'proposed' AND expires_at <= ?", until,
			    next);
}

/* Expire one due exception ([org, id, case_id], acting as the system in org): exactly once (only the pass whose UPDATE changes
 * the row records the expiry).  1 when this pass expired it, 0 when another did, -1 (err set). */
static int expire_one(svc_ctx *c, json_t *row, void *arg)
{
	(void)arg;
	const char *org = tick_col(row, 0), *id = tick_col(row, 1), *case_id = tick_col(row, 2);
	int64_t n = 0;
	int rc = db_exec(c->db,
			 "UPDATE exceptions SET status = 'expired', closed_at = expires_at, updated_at = ? "
			 "WHERE org_id = ? AND id = ? AND status = 'proposed' AND expires_at <= ?",
			 DB_ARGS(DB_INT(c->now), DB_TXT(org), DB_TXT(id), DB_INT(c->now)), &n);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (n != 1)
		return 0;
	return svc_event(c, "exception.expired", "exception", id, case_id, json_object()) ||
			       svc_exception_outcome(c, case_id, id, "expired")
		       ? -1
		       : 1;
}

int exception_tick(svc_ctx *c, json_t *summary)
{
	return tick_each(c, summary, "exceptions_expired", 3,
			 "SELECT org_id, id, case_id FROM exceptions WHERE status = 'proposed' AND expires_at <= ? "
			 "ORDER BY expires_at LIMIT ?",
			 expire_one, NULL);
}
