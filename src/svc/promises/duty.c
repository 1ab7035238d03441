/* Update duties: the customer must hear from an open case every update.cadence_hours (from the
 * first promise or request on it), and within update.at_risk_minutes after a promise becomes at
 * risk.  An outbound touchpoint or a customer-visible note meets every pending duty of the case;
 * the scheduler marks the ones past due as lapsed (they count against the case's owner). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/limits.h"
#include "base/tz.h"
#include "base/util.h"
#include "svc/ledger/case.h"
#include "svc/org/alert.h"
#include "svc/org/settings.h"
#include "svc/promises/duty.h"
#include "svc/promises/suggest.h"
#include "svc/tick.h"

const char *words_time(int64_t ms, char *buf, size_t size)
{
	return words_time_in(ms, NULL, buf, size);
}

const char *words_time_in(int64_t ms, const char *zone, char *buf, size_t size)
{
	const tz_zone *z = zone && *zone ? tz_get(zone) : NULL;
	int64_t t = tz_floordiv(ms, 1000);
	time_t lt = (time_t)(z ? t + tz_offset_at(z, t, NULL) : t);
	struct tm tm;
	gmtime_r(&lt, &tm); /* local seconds read as UTC give the wall clock */
	char when[48];
	strftime(when, sizeof when, "%a %-d %b %Y %H:%M", &tm);
	if (z) {
		const char *city = strrchr(zone, '/');
		char place[FL_MAX_SHORT + 1]; /* zone names are capped at FL_MAX_SHORT on input */
		if (str_copy(place, sizeof place, city ? city + 1 : zone))
			place[0] = '\0'; /* then say the time without the city */
		for (char *p = place; *p; p++)
			if (*p == '_')
				*p = ' ';
		snprintf(buf, size, "%s %s time", when, place);
	} else {
		snprintf(buf, size, "%s UTC", when);
	}
	return buf;
}

static int duty_add(svc_ctx *c, const char *case_id, const char *kind, const char *promise_id, int64_t due)
{
	char id[ID_SIZE];
	id_new(id, "duty", c->now);
	int rc = db_exec(c->db,
			 "INSERT INTO update_duties (org_id, id, case_id, kind, promise_id, due_at, status, created_at) "
			 "VALUES (?,?,?,?,?,?,'pending',?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(case_id), DB_TXT(kind), DB_TXT(promise_id), DB_INT(due),
				 DB_INT(c->now)),
			 NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	return svc_event(c, "update_duty.started", "update_duty", id, case_id,
			 json_pack("{s:s,s:o}", "kind", kind, "due_at", svc_time(due)));
}

int duty_ensure_cadence(svc_ctx *c, const char *case_id)
{
	int64_t n = 0;
	int rc = db_scalar_int(c->db,
			       "SELECT COUNT(*) FROM update_duties WHERE org_id = ? AND case_id = ? AND status = 'pending' AND kind = 'cadence'",
			       DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id)), &n, NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (n > 0)
		return 0;
	return duty_add(c, case_id, "cadence", NULL, c->now + setting_int(c, "update.cadence_hours") * FL_HOUR_MS);
}

int duty_at_risk(svc_ctx *c, const char *case_id, const char *promise_id)
{
	return duty_add(c, case_id, "at_risk", promise_id, c->now + setting_int(c, "update.at_risk_minutes") * FL_MIN_MS);
}

int duty_touch_hook(svc_ctx *c, const char *case_id, json_t *in)
{
	const char *dir = in_str(in, "direction");
	if (dir && strcmp(dir, "outbound") != 0)
		return 0; /* the customer spoke to us; that is not an update from us */
	char owner[ID_SIZE];
	int64_t met = 0;
	if (case_owner(c, case_id, owner))
		return -1;
	/* a duty already past due lapsed, even if no scheduler pass has marked it yet */
	int rc = db_exec(c->db,
			 "UPDATE update_duties SET status = CASE WHEN due_at >= ? THEN 'met' ELSE 'lapsed' END, closed_at = ?, owner_id = ? "
			 "WHERE org_id = ? AND case_id = ? AND status = 'pending'",
			 DB_ARGS(DB_INT(c->now), DB_INT(c->now), DB_TXT(owner), DB_TXT(c->actor.org_id), DB_TXT(case_id)), &met);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (met == 0)
		return 0;
	if (svc_event(c, "update_duty.met", "case", case_id, case_id, json_pack("{s:I}", "duties_closed", (json_int_t)met)))
		return -1;
	return duty_ensure_cadence(c, case_id);
}

int duty_tick_due(svc_ctx *c, int64_t until, int64_t *next)
{
	return tick_due_min(c, "SELECT MIN(due_at) FROM update_duties WHERE status = 'pending' AND due_at <= ?", until, next);
}

/* One due duty: lapsed, exactly once, with an alert to the case's owner (a cadence duty gets its
 * next one).  1 when this pass lapsed it, 0 when another did, -1 (err set). */
static int lapse_one(svc_ctx *c, json_t *row, void *arg)
{
	(void)arg;
	const char *id = tick_col(row, 1), *case_id = tick_col(row, 2), *kind = tick_col(row, 3);
	char owner[ID_SIZE], t[64];
	int64_t changed = 0;
	if (case_owner(c, case_id, owner))
		return -1;
	int rc = db_exec(
		c->db,
		"UPDATE update_duties SET status = 'lapsed', closed_at = ?, owner_id = ? WHERE org_id = ? AND id = ? AND status = 'pending'",
		DB_ARGS(DB_INT(c->now), DB_TXT(owner), DB_TXT(c->actor.org_id), DB_TXT(id)), &changed);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (changed != 1)
		return 0;
	if (svc_event(c, "update_duty.lapsed", "update_duty", id, case_id,
		      json_pack("{s:s,s:s}", "kind", kind, "owner_id", owner)) ||
	    alert_add(c, owner, "update_lapsed", case_id, "update_duty", id,
		      "The customer was due an update by %s and did not get one",
		      words_time(strtoll(tick_col(row, 4), NULL, 10), t, sizeof t)))
		return -1;
	return strcmp(kind, "cadence") == 0 && duty_ensure_cadence(c, case_id) ? -1 : 1;
}

int duty_tick_lapse(svc_ctx *c, json_t *summary)
{
	return tick_each(c, summary, "update_duties_lapsed", 5,
			 "SELECT org_id, id, case_id, kind, due_at FROM update_duties WHERE status = 'pending' AND due_at <= ? "
			 "ORDER BY due_at LIMIT ?",
			 lapse_one, NULL);
}

static json_t *duty_row(svc_ctx *c, db_res *r)
{
	(void)c;
	return json_pack("{s:s,s:s,s:o,s:o,s:s,s:o,s:o}", "id", db_text(r, 0), "kind", db_text(r, 1), "promise_id",
			 svc_col_str(r, 2), "due_at", svc_col_time(r, 3), "status", db_text(r, 4), "owner_id", svc_col_str(r, 5),
			 "closed_at", svc_col_time(r, 6));
}

int duty_view_part(svc_ctx *c, const char *case_id, json_t *view)
{
	json_t *items, *d, *next = json_null();
	size_t i;
	if (svc_rows_of(c, &items, duty_row,
			"SELECT id, kind, promise_id, due_at, status, owner_id, closed_at FROM update_duties WHERE org_id = ? AND case_id = ? "
			"ORDER BY due_at, id",
			DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id))))
		return -1;
	json_array_foreach(items, i, d)
	{
		if (strcmp(json_string_value(json_object_get(d, "status")), "pending") == 0) {
			next = json_deep_copy(d);
			break;
		}
	}
	json_object_set_new(view, "update_duty", json_pack("{s:o,s:o}", "next", next, "duties", items));
	return 0;
}
