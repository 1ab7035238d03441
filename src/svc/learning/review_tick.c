/* The failure reviews' scheduler part: review actions get a reminder, go overdue and are
 * escalated, each exactly once (conditional UPDATEs). */
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "svc/learning/counters.h"
#include "svc/learning/review.h"
#include "svc/org/alert.h"
#include "svc/tick.h"

/* --- the scheduler part: reminders, overdue, escalation (each exactly once) --- */

/* Run `select_sql` (due rows: org_id, id, owner_id, case_id, review_id) and for each apply
 * `update_sql` (args: now, [escalated_to,] org, id) guarded so only one pass wins; then the event. */
static int tick_step(svc_ctx *c, json_t *summary, const char *select_sql, const char *update_sql, const char *kind,
		     const char *counter, int escalate)
{
	int rc;
	json_t *due;
	int ret = -1;
	if (svc_strings(c, &due, 5, select_sql, DB_ARGS(DB_INT(c->now), DB_INT(TICK_BATCH))))
		return -1;
	size_t i;
	json_t *row;
	long long count = 0;
	json_array_foreach(due, i, row)
	{
		const char *org = json_string_value(json_array_get(row, 0)), *id = json_string_value(json_array_get(row, 1));
		const char *owner = json_string_value(json_array_get(row, 2)), *case_id = json_string_value(json_array_get(row, 3));
		tick_as_system(c, org);
		char to[ID_SIZE] = "";
		int64_t n = 0;
		if (escalate) {
			learning_manager_of(c, owner, to);
			rc = db_exec(c->db, update_sql,
				     DB_ARGS(DB_INT(c->now), DB_TXT(*to ? to : NULL), DB_TXT(org), DB_TXT(id)), &n);
		} else {
			rc = db_exec(c->db, update_sql, DB_ARGS(DB_INT(c->now), DB_TXT(org), DB_TXT(id)), &n);
		}
		if (rc != DB_OK) {
			svc_db_err(c, rc);
			goto cleanup;
		}
		if (n != 1)
			continue; /* another pass (or server) got it first */
		if (svc_event(c, kind, "review_action", id, case_id,
			      json_pack("{s:s,s:s,s:s?}", "review_id", json_string_value(json_array_get(row, 4)), "owner_id", owner,
					"escalated_to", *to ? to : NULL)) ||
		    alert_add(c, escalate ? to : owner, kind + strlen("review."), case_id, "review_action", id, "%s",
			      escalate ? "A review action of someone who reports to you is overdue"
				       : strcmp(counter, "review_action_reminders") == 0 ? "A review action of yours is due soon"
											  : "A review action of yours is overdue"))
			goto cleanup;
		count++;
	}
	tick_count(summary, counter, count);
	ret = 0;
cleanup:
	json_decref(due);
	return ret;
}

int review_tick_due(svc_ctx *c, int64_t until, int64_t *next)
{
	return tick_due_min(c, "SELECT MIN(remind_at) FROM review_actions WHERE status = 'open' AND reminded_at IS NULL AND remind_at <= ?",
			    until, next) ||
	       tick_due_min(c, "SELECT MIN(due_at) FROM review_actions WHERE status = 'open' AND overdue_at IS NULL AND due_at <= ?",
			    until, next) ||
	       tick_due_min(c,
			    "SELECT MIN(escalate_at) FROM review_actions WHERE status = 'open' AND escalated_at IS NULL "
			    "AND escalate_at <= ?",
			    until, next)
		       ? -1
		       : 0;
}

int review_tick(svc_ctx *c, json_t *summary)
{
	if (tick_step(c, summary,
		      "SELECT org_id, id, owner_id, case_id, review_id FROM review_actions "
		      "WHERE status = 'open' AND reminded_at IS NULL AND remind_at <= ? ORDER BY remind_at LIMIT ?",
		      "UPDATE review_actions SET reminded_at = ? WHERE org_id = ? AND id = ? AND status = 'open' AND reminded_at IS NULL",
		      "review.action_reminded", "review_action_reminders", 0))
		return -1;
	if (tick_step(c, summary,
		      "SELECT org_id, id, owner_id, case_id, review_id FROM review_actions "
		      "WHERE status = 'open' AND overdue_at IS NULL AND due_at <= ? ORDER BY due_at LIMIT ?",
		      "UPDATE review_actions SET overdue_at = ? WHERE org_id = ? AND id = ? AND status = 'open' AND overdue_at IS NULL",
		      "review.action_overdue", "review_actions_overdue", 0))
		return -1;
	return tick_step(c, summary,
			 "SELECT org_id, id, owner_id, case_id, review_id FROM review_actions "
			 "WHERE status = 'open' AND escalated_at IS NULL AND escalate_at <= ? ORDER BY escalate_at LIMIT ?",
			 "UPDATE review_actions SET escalated_at = ?, escalated_to = ? WHERE org_id = ? AND id = ? "
			 "AND status = 'open' AND escalated_at IS NULL",
			 "review.action_escalated", "review_action_escalations", 1);
}

