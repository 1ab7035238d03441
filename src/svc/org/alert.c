/* Alerts: per-person notices from the scheduler and from colleagues' actions (reminders, overdue
 * requests, escalations, promises at risk, breaches, lapsed update duties).  Listed by the API
 * ("my alerts", unread first), ready for the UI and for email later. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "svc/hooks.h"
#include "svc/org/alert.h"
#include "svc/page.h"
#include "svc/tick.h"

static const char ALERT_INSERT[] =
	"INSERT INTO alerts (org_id, id, person_id, kind, case_id, entity_type, entity_id, message, created_at)";

int alert_add(svc_ctx *c, const char *person_id, const char *kind, const char *case_id, const char *entity_type,
	      const char *entity_id, const char *fmt, ...)
{
	char msg[1024], id[ID_SIZE];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (!person_id || !*person_id || strcmp(person_id, "system") == 0)
		return 0;
	id_new(id, "alert", c->now);
	/* a scheduler pass writes its alerts together (svc/tick.h) */
	if (tick_insert(c, ALERT_INSERT,
			DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(person_id), DB_TXT(kind), DB_TXT(case_id),
				DB_TXT(entity_type), DB_TXT(entity_id), DB_TXT(msg), DB_INT(c->now))))
		return -1;
	for (const alert_hook_fn *h = svc_alert_hooks(); *h; h++) /* email at once, the digest (svc/notify) */
		if ((*h)(c, id, person_id, kind, case_id, msg))
			return -1;
	return 0;
}

int alert_team_members(svc_ctx *c, const char *team_id, json_t **ids)
{
	if (!team_id || !*team_id) {
		*ids = json_array();
		return 0;
	}
	return svc_strings(c, ids, 1, "SELECT id FROM people WHERE org_id = ? AND team_id = ? AND active = 1 ORDER BY id",
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(team_id)));
}

int alert_people(svc_ctx *c, json_t *ids, const char *kind, const char *case_id, const char *entity_type, const char *entity_id,
		 const char *message)
{
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v) if (alert_add(c, json_string_value(v), kind, case_id, entity_type, entity_id, "%s", message)) return -1;
	return 0;
}

int alert_team(svc_ctx *c, const char *team_id, const char *kind, const char *case_id, const char *entity_type,
	       const char *entity_id, const char *message)
{
	json_t *ids;
	if (alert_team_members(c, team_id, &ids))
		return -1;
	int ret = alert_people(c, ids, kind, case_id, entity_type, entity_id, message);
	json_decref(ids);
	return ret;
}

static json_t *alert_row(db_res *r)
{
	return json_pack("{s:s,s:s,s:o,s:s,s:s,s:s,s:o,s:o,s:b}", "id", db_text(r, 0), "kind", db_text(r, 1), "case_id",
			 svc_col_str(r, 2), "entity_type", db_text(r, 3), "entity_id", db_text(r, 4), "message",
			 db_text(r, 5), "created_at", svc_col_time(r, 6), "read_at", svc_col_time(r, 7), "read",
			 !db_is_null(r, 7));
}

int alert_unread(svc_ctx *c, int64_t *n)
{
	int rc = db_scalar_int(
		c->db,
		"SELECT COUNT(*) FROM alerts WHERE org_id = ? AND person_id = ? AND read_at IS NULL AND dismissed_at IS NULL",
		DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(c->actor.person_id)), n, NULL);
	return rc == DB_OK ? 0 : svc_db_err(c, rc);
}

static json_t *alert_page_row(svc_ctx *c, db_res *r) { return alert_row(r); }

static const struct page_list ALERTS; /* in alert.api.json */

static int al_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	int unread_only = in_bool(in, "unread", 0);
	if (page_run(c, &ALERTS, in, "org_id = ? AND person_id = ? AND dismissed_at IS NULL AND (? = 0 OR read_at IS NULL)",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(c->actor.person_id), DB_INT(unread_only)), out))
		return -1;
	int64_t unread = 0;
	if (alert_unread(c, &unread)) {
		json_decref(*out);
		*out = NULL;
		return -1;
	}
	json_object_set_new(*out, "unread", json_integer(unread));
	return 0;
}

static int al_read(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	db_res *r;
	if (!id_valid(p[0], "alert"))
		return err_set(&c->err, ERR_NOT_FOUND, "alert_not_found", "id", "no such alert");
	/* someone else's alert looks exactly like an unknown one */
	int64_t changed = 0;
	int rc = db_exec(c->db, "UPDATE alerts SET read_at = ? WHERE org_id = ? AND id = ? AND person_id = ? AND read_at IS NULL",
			 DB_ARGS(DB_INT(c->now), DB_TXT(c->actor.org_id), DB_TXT(p[0]), DB_TXT(c->actor.person_id)), &changed);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (changed == 1 && svc_event(c, "alert.read", "alert", p[0], NULL, json_object()))
		return -1;
	if (svc_load_one(c, "alert_not_found", "id", "no such alert", &r,
			 "SELECT id, kind, case_id, entity_type, entity_id, message, created_at, read_at FROM alerts "
			 "WHERE org_id = ? AND id = ? AND person_id = ?",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(p[0]), DB_TXT(c->actor.person_id))))
		return -1;
	*out = alert_row(r);
	db_res_discard(r);
	return 0;
}

/* Dismiss one of my alerts (p[0]), or with p == NULL mark all read (column read_at) or dismiss all
 * (dismissed_at): one event per call, with how many changed, and the unread count left. */
static int al_change(svc_ctx *c, const char *one, const char *column, const char *kind, json_t **out)
{
	char sql[256];
	int64_t changed = 0, unread = 0;
	if (one && !id_valid(one, "alert"))
		return err_set(&c->err, ERR_NOT_FOUND, "alert_not_found", "id", "no such alert");
	snprintf(sql, sizeof sql,
		 "UPDATE alerts SET %s = ? WHERE org_id = ? AND person_id = ? AND (? IS NULL OR id = ?) AND %s IS NULL "
		 "AND dismissed_at IS NULL",
		 column, column);
	int rc = db_exec(c->db, sql,
			 DB_ARGS(DB_INT(c->now), DB_TXT(c->actor.org_id), DB_TXT(c->actor.person_id), DB_TXT(one), DB_TXT(one)),
			 &changed);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (alert_unread(c, &unread))
		return -1;
	if (one && changed == 0) /* someone else's, unknown, or already dismissed: all look alike */
		return err_set(&c->err, ERR_NOT_FOUND, "alert_not_found", "id", "no such alert");
	if (changed && svc_event(c, kind, one ? "alert" : "person", one ? one : c->actor.person_id, NULL,
				 json_pack("{s:I}", "alerts", (json_int_t)changed)))
		return -1;
	*out = json_pack("{s:I,s:I}", "changed", (json_int_t)changed, "unread", (json_int_t)unread);
	return 0;
}

static int al_dismiss(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	return al_change(c, p[0], "dismissed_at", "alert.dismissed", out);
}

static int al_read_all(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	return al_change(c, NULL, "read_at", "alert.read_all", out);
}

static int al_dismiss_all(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	return al_change(c, NULL, "dismissed_at", "alert.dismissed_all", out);
}

#include "svc/org/alert.api.inc"
