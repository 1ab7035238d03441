/* The scheduler's request timers: reminders, follow-ups, overdue marks and escalations of internal
 * requests (svc/promises/request.h), each part one read of the due requests and batched writes. */
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "svc/batch.h"
#include "svc/org/alert.h"
#include "svc/org/settings.h"
#include "svc/promises/promise.h"
#include "svc/promises/request.h"
#include "svc/tick.h"

/* One due request as a timer part acts on it: its state, the case's owner, and whether it blocks a
 * pending promise not yet at risk (only such a request can put one at risk). */
struct timer_item {
	struct req_state s;
	char org_id[ID_SIZE], owner[ID_SIZE];
	int blocks, taken;
};

/* What a part's items share, read once per team in the pass. */
struct timer_memo {
	json_t *teams; /* team id -> its active members' ids */
};

/* The requests whose timer column is due (at most TICK_BATCH, soonest first), read in one
 * statement: *items (new) and *n.  The blocked promises are looked up through the request's links
 * (nested EXISTS: SQLite's planner would otherwise walk the organization's pending promises for
 * each request, promise_check_risk); the case's owner by its key (a scalar subquery: as a join,
 * PostgreSQL hashed every case of the database to find 500, 15-22 ms at 11,001 cases). */
static int due_items(svc_ctx *c, const char *column, struct timer_item **items, size_t *n)
{
	db_res *r;
	size_t cap = 0;
	*items = NULL;
	*n = 0;
	char *sql = xasprintf(
		"SELECT q.org_id, q.id, q.case_id, q.status, q.holder_person_id, q.holder_team_id, q.asked_by, q.what, q.due_at, "
		"q.created_at, (SELECT ca.owner_id FROM cases ca WHERE ca.org_id = q.org_id AND ca.id = q.case_id), "
		"CASE WHEN EXISTS (SELECT 1 FROM request_promises rp WHERE rp.org_id = q.org_id AND "
		"rp.request_id = q.id AND EXISTS (SELECT 1 FROM promises p WHERE p.org_id = rp.org_id AND p.id = rp.promise_id AND "
		"p.status = 'pending' AND p.at_risk_at IS NULL)) THEN 1 ELSE 0 END FROM requests q "
		"WHERE q.%s <= ? ORDER BY q.%s, q.org_id, q.id LIMIT ?",
		column, column);
	int ok = svc_query(c, sql, DB_ARGS(DB_INT(c->now), DB_INT(TICK_BATCH)), &r);
	free(sql);
	if (!ok)
		return -1;
	while (db_next(r) == 1) {
		*items = xgrow(*items, *n, &cap, 64, sizeof **items);
		struct timer_item *it = &(*items)[(*n)++];
		memset(it, 0, sizeof *it);
		SVC_COPY_COLS(c, r, 0, SVC_BUF(it->org_id), SVC_BUF(it->s.id), SVC_BUF(it->s.case_id), SVC_BUF(it->s.status),
			      SVC_BUF(it->s.person), SVC_BUF(it->s.team), SVC_BUF(it->s.asked_by), SVC_BUF(it->s.what));
		it->s.due_at = db_int(r, 8);
		it->s.created_at = db_int(r, 9);
		svc_copy(c, it->owner, sizeof it->owner, db_text(r, 10));
		it->blocks = (int)db_int(r, 11);
	}
	int rc = db_res_close(r);
	return rc == DB_OK ? 0 : svc_db_err(c, rc);
}

/* The overdue part's marks, set by the statement that takes its timers (each row acted on is
 * marked overdue at c->now, escalating after its organization's delay). */
static const char OVERDUE_SET[] = ", overdue_at = ?, escalate_at = ?";

/* Take the timers of the k requests ids (of the organization org, k <= BATCH_TAKE_IDS) whose column is
 * still due, in one UPDATE by their keys; with mark (the overdue part) the same statement marks
 * them overdue (args: now, escalate_at).  The ids it changed go to taken. */
static int take_chunk(svc_ctx *c, const char *column, const db_arg *mark, const char *org, const char *const *ids, size_t k,
		      json_t *taken)
{
	db_res *r;
	size_t marks = batch_padded(k), a = 0;
	db_arg *args = xcalloc(marks + 4, sizeof *args);
	if (mark) {
		args[a++] = mark[0];
		args[a++] = mark[1];
	}
	args[a++] = DB_TXT(org);
	for (size_t i = 0; i < marks; i++)
		args[a++] = DB_TXT(ids[i < k ? i : k - 1]);
	args[a++] = DB_INT(c->now);
	char *head = xasprintf("UPDATE requests SET %s = NULL%s WHERE org_id = ? AND id IN (%%s) AND %s <= ? RETURNING id",
			       column, mark ? OVERDUE_SET : "", column);
	char *sql = batch_sql(head, marks);
	int ok = svc_query(c, sql, args, (int)a, &r);
	free(sql);
	free(head);
	free(args);
	if (!ok)
		return -1;
	while (db_next(r) == 1)
		json_object_set_new(taken, db_text(r, 0), json_true());
	return svc_close(c, r);
}

/* Take the timers of the items (read by due_items) in UPDATEs by their keys, one per organization
 * and BATCH_TAKE_IDS ids: an item is taken when this pass's update changed its row (its column still
 * due: another pass may have taken it first).  With mark (the overdue part), the items it acts on
 * are marked overdue by the same statement, escalating after their organization's
 * request.escalate_after_minutes (promise_check_risk then reads each one overdue); those it will
 * not act on (done or declined) only have their timer taken. */
static int take_timers(svc_ctx *c, const char *column, int mark, struct timer_item *items, size_t n)
{
	char *seen = xcalloc(n ? n : 1, 1);
	const char **ids = xcalloc(n ? n : 1, sizeof *ids);
	json_t *taken = json_object();
	int ret = 0;
	for (size_t i = 0; ret == 0 && i < n; i++) {
		if (seen[i])
			continue;
		const char *org = items[i].org_id;
		db_arg set[2];
		if (mark) {
			tick_as_system(c, org);
			set[0] = DB_INT(c->now);
			set[1] = DB_INT(c->now + setting_int(c, "request.escalate_after_minutes") * FL_MIN_MS);
		}
		for (int acts = 1; ret == 0 && acts >= 0; acts--) { /* with mark: those it acts on, then the others */
			size_t k = 0;
			for (size_t j = i; j < n; j++) {
				if (seen[j] || strcmp(items[j].org_id, org) != 0)
					continue;
				int done = strcmp(items[j].s.status, "done") == 0 || strcmp(items[j].s.status, "declined") == 0;
				if (mark && done == acts)
					continue;
				seen[j] = 1;
				ids[k++] = items[j].s.id;
			}
			for (size_t at = 0; ret == 0 && at < k; at += BATCH_TAKE_IDS)
				ret = take_chunk(c, column, mark && acts ? set : NULL, org, ids + at,
						 k - at < BATCH_TAKE_IDS ? k - at : BATCH_TAKE_IDS, taken);
			if (!mark)
				break;
		}
	}
	for (size_t i = 0; i < n; i++)
		items[i].taken = json_object_get(taken, items[i].s.id) != NULL;
	json_decref(taken);
	free(ids);
	free(seen);
	return ret;
}

/* Does the part act on it: taken by this pass, and neither done nor declined. */
static int timer_acts(const struct timer_item *it)
{
	return it->taken && strcmp(it->s.status, "done") != 0 && strcmp(it->s.status, "declined") != 0;
}

typedef int (*timer_fn)(svc_ctx *c, const struct timer_item *it, struct timer_memo *m);

/* A timer part: the due requests read in one statement and their timers taken by their keys (with
 * mark, the overdue part: marked overdue by the same statements), then each outstanding one acted
 * on (its history, its alerts) in order. */
static int run_timer(svc_ctx *c, json_t *summary, const char *column, const char *key, int mark, timer_fn act)
{
	struct timer_item *items;
	struct timer_memo m = {.teams = json_object()};
	size_t n = 0;
	long long done = 0;
	int ret = due_items(c, column, &items, &n) || take_timers(c, column, mark, items, n) ? -1 : 0;
	for (size_t i = 0; ret == 0 && i < n; i++) {
		const struct timer_item *it = &items[i];
		if (!timer_acts(it))
			continue;
		tick_as_system(c, it->org_id);
		ret = act(c, it, &m);
		done++;
	}
	free(items);
	json_decref(m.teams);
	tick_count(summary, key, ret ? 0 : done);
	return ret;
}

static int holder_alert(svc_ctx *c, struct timer_memo *m, const struct req_state *s, const char *kind, const char *msg)
{
	if (*s->person)
		return alert_add(c, s->person, kind, s->case_id, "request", s->id, "%s", msg);
	json_t *ids = json_object_get(m->teams, s->team);
	if (!ids) {
		if (alert_team_members(c, s->team, &ids))
			return -1;
		json_object_set_new(m->teams, s->team, ids);
	}
	return alert_people(c, ids, kind, s->case_id, "request", s->id, msg);
}

static int act_remind(svc_ctx *c, const struct timer_item *it, struct timer_memo *m)
{
	char msg[700], t[64];
	const struct req_state *s = &it->s;
	snprintf(msg, sizeof msg, "Reminder: \"%s\" is due %s", s->what, time_format(s->due_at, t, sizeof t));
	return svc_event(c, "request.reminded", "request", s->id, s->case_id, json_object()) ||
	       holder_alert(c, m, s, "request_reminder", msg);
}

static int act_followup(svc_ctx *c, const struct timer_item *it, struct timer_memo *m)
{
	char t[64];
	const struct req_state *s = &it->s;
	(void)m;
	return svc_event(c, "request.follow_up_due", "request", s->id, s->case_id, json_pack("{s:s}", "owner_id", it->owner)) ||
	       alert_add(c, it->owner, "follow_up", s->case_id, "request", s->id, "Check on progress: \"%s\" is due %s", s->what,
			 time_format(s->due_at, t, sizeof t));
}

static int act_overdue(svc_ctx *c, const struct timer_item *it, struct timer_memo *m)
{
	char msg[700];
	const struct req_state *s = &it->s;
	snprintf(msg, sizeof msg, "Overdue: \"%s\"", s->what);
	return svc_event(c, "request.overdue", "request", s->id, s->case_id, json_object()) ||
	       holder_alert(c, m, s, "request_overdue", msg) ||
	       alert_add(c, it->owner, "request_overdue", s->case_id, "request", s->id, "A request your case needs is overdue: \"%s\"",
			 s->what) ||
	       (it->blocks && promise_check_risk(c, s->id));
}

/* The person an overdue request escalates to: the holder's manager; for a team, its supervisor or
 * leader; else the organization's escalation contact. */
static void escalation_target(svc_ctx *c, const struct req_state *s, char out[ID_SIZE])
{
	int rc;
	db_res *r;
	out[0] = '\0';
	if (*s->person) {
		if (svc_query(c, "SELECT manager_id FROM people WHERE org_id = ? AND id = ?",
			      DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(s->person)), &r)) {
			if (db_next(r) == 1)
				svc_copy(c, out, ID_SIZE, db_text(r, 0));
			if ((rc = db_res_close(r)) != DB_OK)
				svc_db_err(c, rc);
		}
	} else if (svc_query(c,
			     "SELECT id FROM people WHERE org_id = ? AND team_id = ? AND active = 1 AND role IN ('supervisor','leader') "
			     "ORDER BY CASE role WHEN 'supervisor' THEN 0 ELSE 1 END, id LIMIT 1",
			     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(s->team)), &r)) {
		if (db_next(r) == 1)
			svc_copy(c, out, ID_SIZE, db_text(r, 0));
		if ((rc = db_res_close(r)) != DB_OK)
			svc_db_err(c, rc);
	}
	if (!*out) {
		char *contact = setting_str(c, "request.escalation_contact");
		if (contact)
			svc_copy(c, out, ID_SIZE, contact);
		free(contact);
	}
}

static int act_escalate(svc_ctx *c, const struct timer_item *it, struct timer_memo *m)
{
	const struct req_state *s = &it->s;
	(void)m;
	int rc;
	char to[ID_SIZE];
	escalation_target(c, s, to);
	if (*to && (rc = db_exec(c->db, "UPDATE requests SET escalated_to = ? WHERE org_id = ? AND id = ?",
				 DB_ARGS(DB_TXT(to), DB_TXT(c->actor.org_id), DB_TXT(s->id)), NULL)) != DB_OK)
		return svc_db_err(c, rc);
	return svc_event(c, "request.escalated", "request", s->id, s->case_id, json_pack("{s:s?}", "to", *to ? to : NULL)) ||
	       alert_add(c, to, "escalation", s->case_id, "request", s->id, "Escalated to you: \"%s\" is overdue", s->what);
}

int request_tick_due(svc_ctx *c, int64_t until, int64_t *next)
{
	return tick_due_min(c, "SELECT MIN(remind_at) FROM requests WHERE remind_at <= ?", until, next) ||
	       tick_due_min(c, "SELECT MIN(followup_at) FROM requests WHERE followup_at <= ?", until, next) ||
	       tick_due_min(c, "SELECT MIN(overdue_check_at) FROM requests WHERE overdue_check_at <= ?", until, next) ||
	       tick_due_min(c, "SELECT MIN(escalate_at) FROM requests WHERE escalate_at <= ?", until, next) ? -1 : 0;
}

int request_tick_remind(svc_ctx *c, json_t *summary)
{
	return run_timer(c, summary, "remind_at", "reminders", 0, act_remind);
}

int request_tick_followup(svc_ctx *c, json_t *summary)
{
	return run_timer(c, summary, "followup_at", "follow_ups", 0, act_followup);
}

int request_tick_overdue(svc_ctx *c, json_t *summary)
{
	return run_timer(c, summary, "overdue_check_at", "overdue", 1, act_overdue);
}

int request_tick_escalate(svc_ctx *c, json_t *summary)
{
	return run_timer(c, summary, "escalate_at", "escalations", 0, act_escalate);
}
