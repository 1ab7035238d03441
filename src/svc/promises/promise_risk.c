/* Promises at risk (svc/promises/promise_risk.h). */
#include <string.h>

#include "svc/ledger/case.h"
#include "svc/org/alert.h"
#include "svc/promises/duty.h"
#include "svc/promises/promise.h"
#include "svc/promises/promise_risk.h"

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
	case_owner(c, case_id, owner);
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
	if (strcmp(st, "declined") == 0)
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
	/* the request's state against each pending promise it blocks */
	if (svc_rows_of(c, &hits, risk_row,
			"SELECT p.id, p.case_id, p.what, p.due_at, q.status, q.due_at, q.overdue_at, q.what FROM request_promises rp "
			"JOIN promises p ON p.org_id = rp.org_id AND p.id = rp.promise_id "
			"JOIN requests q ON q.org_id = rp.org_id AND q.id = rp.request_id "
			"WHERE rp.org_id = ? AND rp.request_id = ? AND p.status = 'pending' AND p.at_risk_at IS NULL",
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
