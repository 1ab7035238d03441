/* The intake report: intake credit for each person who took a customer in, and how many of those
 * cases they passed on to someone else (from the intake_daily rollup, migration 0030). */
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "svc/reports/reports.h"

/* --- intake credit --- */

/* The cases opened in one edge of the range, read from cases_status_created (one range a branch:
 * two ranges in one OR would not use it). */
#define INTAKE_EDGE                                                                                      \
	"SELECT ca.intake_by, 1, CASE WHEN ca.owner_id <> ca.intake_by THEN 1 ELSE 0 END FROM cases ca " \
	"WHERE ca.org_id = ? AND ca.status IN ('open','resolved') AND ca.created_at >= ? AND ca.created_at < ?"

static int intake_report(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	int rc;
	long long from = 0, to = 0;
	if (!in_time(in, "from", &from))
		from = c->now - 30 * FL_DAY_MS;
	if (!in_time(in, "to", &to))
		to = c->now + 1;
	if (to <= from)
		return err_set(&c->err, ERR_INVALID, "invalid_range", "to", "to must be after from");
	db_res *r;
	/* whole UTC days [df, dt) from intake_daily (migration 0030), the edges [from, df) and [dt, to)
	 * from the cases (cases_status_created: a case is open or resolved) */
	int64_t df, dt;
	report_whole_days(from, to, &df, &dt);
	if ((rc = db_query(c->db,
			   "SELECT p.id, p.name, p.role, COALESCE(t.name, ''), SUM(u.cases), SUM(u.handed_on) FROM ("
			   "SELECT intake_by, cases, handed_on FROM intake_daily WHERE org_id = ? AND day >= ? AND day < ? "
			   "UNION ALL " INTAKE_EDGE " UNION ALL " INTAKE_EDGE ") u JOIN people p ON p.org_id = ? AND p.id = u.intake_by LEFT JOIN teams t ON t.org_id = p.org_id AND t.id = p.team_id "
			   "GROUP BY p.id, p.name, p.role, t.name HAVING SUM(u.cases) > 0 ORDER BY SUM(u.cases) DESC, p.name",
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_INT(df), DB_INT(dt), DB_TXT(c->actor.org_id), DB_INT(from), DB_INT(df),
				   DB_TXT(c->actor.org_id), DB_INT(dt), DB_INT(to), DB_TXT(c->actor.org_id)),
			   &r)) != DB_OK)
		return svc_db_err(c, rc);
	json_t *items = json_array(), *roles = json_object();
	while (db_next(r) == 1) {
		json_array_append_new(items, json_pack("{s:s,s:s,s:s,s:s,s:I,s:I}", "person_id", db_text(r, 0), "name", db_text(r, 1),
						       "role", db_text(r, 2), "team", db_text(r, 3), "cases",
						       (json_int_t)db_int(r, 4), "handed_on", (json_int_t)db_int(r, 5)));
		json_t *n = json_object_get(roles, db_text(r, 2));
		json_object_set_new(roles, db_text(r, 2), json_integer((n ? json_integer_value(n) : 0) + db_int(r, 4)));
	}
	if ((rc = db_res_close(r)) != DB_OK) {
		json_decref(items);
		json_decref(roles);
		return svc_db_err(c, rc);
	}
	json_t *by_role = json_array();
	const char *k;
	json_t *v;
	json_object_foreach(roles, k, v) json_array_append_new(by_role, json_pack("{s:s,s:O}", "role", k, "cases", v));
	json_decref(roles);
	*out = json_pack("{s:o,s:o,s:o,s:o}", "from", svc_time(from), "to", svc_time(to), "items", items, "by_role", by_role);
	return 0;
}

#include "svc/reports/intake.api.inc"
