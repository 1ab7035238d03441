/* The failure reviews' scheduler part: review actions get a reminder, go overdue and are
 * escalated, each exactly once (conditional UPDATEs). */
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "svc/learning/counters.h"
#include "svc/learning/review_tick.h"
#include "svc/org/alert.h"
#include "svc/tick.h"

/* The three steps of an open review action, each once: due when `due_col` <= now, done when
 * `done_col` is set.  An escalation also sets escalated_to (the owner's manager) and alerts them. */
static const struct step {
	const char *due_col, *done_col, *kind, *counter, *alert;
	int escalate;
} STEPS[] = {
	{"remind_at", "reminded_at", "review.action_reminded", "review_action_reminders", "A review action of yours is due soon", 0},
	{"due_at", "overdue_at", "review.action_overdue", "review_actions_overdue", "A review action of yours is overdue", 0},
	{"escalate_at", "escalated_at", "review.action_escalated", "review_action_escalations",
	 "A review action of someone who reports to you is overdue", 1},
};

/* Mark one due action (guarded so only one pass wins: *n = 0 when another got it first). */
static int step_mark(svc_ctx *c, const struct step *s, const char *org, const char *id, const char *to, int64_t *n)
{
	char sql[256];
	snprintf(sql, sizeof sql, "UPDATE review_actions SET %s = ?%s WHERE org_id = ? AND id = ? AND status = 'open' AND %s IS NULL",
		 s->done_col, s->escalate ? ", escalated_to = ?" : "", s->done_col);
	int rc = s->escalate ? db_exec(c->db, sql, DB_ARGS(DB_INT(c->now), DB_TXT(*to ? to : NULL), DB_TXT(org), DB_TXT(id)), n)
			     : db_exec(c->db, sql, DB_ARGS(DB_INT(c->now), DB_TXT(org), DB_TXT(id)), n);
	return rc == DB_OK ? 0 : svc_db_err(c, rc);
}

/* Run step s over the due rows (org_id, id, owner_id, case_id, review_id), then the event and alert. */
static int tick_step(svc_ctx *c, json_t *summary, const struct step *s)
{
	char sql[256];
	json_t *due;
	int ret = -1;
	snprintf(sql, sizeof sql,
		 "SELECT org_id, id, owner_id, case_id, review_id FROM review_actions "
		 "WHERE status = 'open' AND %s IS NULL AND %s <= ? ORDER BY %s LIMIT ?",
		 s->done_col, s->due_col, s->due_col);
	if (svc_strings(c, &due, 5, sql, DB_ARGS(DB_INT(c->now), DB_INT(TICK_BATCH))))
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
		if (s->escalate)
			learning_manager_of(c, owner, to);
		if (step_mark(c, s, org, id, to, &n))
			goto cleanup;
		if (n != 1)
			continue; /* another pass (or server) got it first */
		if (svc_event(c, s->kind, "review_action", id, case_id,
			      json_pack("{s:s,s:s,s:s?}", "review_id", json_string_value(json_array_get(row, 4)), "owner_id", owner,
					"escalated_to", *to ? to : NULL)) ||
		    alert_add(c, s->escalate ? to : owner, s->kind + strlen("review."), case_id, "review_action", id, "%s", s->alert))
			goto cleanup;
		count++;
	}
	tick_count(summary, s->counter, count);
	ret = 0;
cleanup:
	json_decref(due);
	return ret;
}

int review_tick_due(svc_ctx *c, int64_t until, int64_t *next)
{
	char sql[256];
	for (size_t k = 0; k < sizeof STEPS / sizeof STEPS[0]; k++) {
		snprintf(sql, sizeof sql, "SELECT MIN(%s) FROM review_actions WHERE status = 'open' AND %s IS NULL AND %s <= ?",
			 STEPS[k].due_col, STEPS[k].done_col, STEPS[k].due_col);
		if (tick_due_min(c, sql, until, next))
			return -1;
	}
	return 0;
}

int review_tick(svc_ctx *c, json_t *summary)
{
	for (size_t k = 0; k < sizeof STEPS / sizeof STEPS[0]; k++)
		if (tick_step(c, summary, &STEPS[k]))
			return -1;
	return 0;
}
