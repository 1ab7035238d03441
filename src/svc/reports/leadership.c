/* The leadership report: accountability runs upward too.  Overdue system-issue responses,
 * review actions and reviews, with their owners' levels. */
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "svc/reports/reports.h"

/* --- the leadership report: accountability runs upward too --- */

static void add_row(svc_ctx *c, json_t *list, json_t *items, const char *kind, const char *id, const char *title,
		    const char *owner_id, int64_t due, const char *link)
{
	json_t *owner = svc_person_brief(c, owner_id);
	int level = person_depth(c, owner_id);
	double hours = (double)(c->now - due) / FL_HOUR_MS;
	json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:O,s:i,s:o,s:f,s:s}", "kind", kind, "id", id, "title", title, "owner",
					      owner, "owner_level", level, "due_at", svc_time(due), "overdue_hours", hours, "link", link));
	json_array_append_new(items, json_pack("{s:s,s:s,s:s,s:O,s:O,s:i,s:o,s:f}", "kind", kind, "id", id, "title", title, "owner",
					       owner, "owner_role", json_object_get(owner, "role"), "owner_level", level, "due_at",
					       svc_time(due), "overdue_hours", hours));
	json_decref(owner);
}

/* One section of the leadership report: sql selects (id, title, owner_id, due) of what is overdue;
 * each row links to link_prefix + its column link_col; titles get title_prefix. */
static int overdue_section(svc_ctx *c, const char *sql, int64_t lim, const char *kind, const char *link_prefix, int link_col,
			   const char *title_prefix, json_t *list, json_t *items)
{
	db_res *r;
	int rc = db_query(c->db, sql, DB_ARGS(DB_TXT(c->actor.org_id), DB_INT(c->now), DB_INT(lim)), &r);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	json_t *rows = json_array(), *v;
	while ((rc = db_next(r)) == 1)
		json_array_append_new(rows, json_pack("[s,s,s,I]", db_text(r, 0), db_text(r, 1), db_text(r, 2),
						      (json_int_t)db_int(r, 3)));
	db_res_discard(r);
	size_t i;
	json_array_foreach(rows, i, v)
	{
		char link[160];
		snprintf(link, sizeof link, "%s%s", link_prefix, json_string_value(json_array_get(v, link_col)));
		char *title = xasprintf("%s%s", title_prefix, json_string_value(json_array_get(v, 1)));
		add_row(c, list, items, kind, json_string_value(json_array_get(v, 0)), title, json_string_value(json_array_get(v, 2)),
			json_integer_value(json_array_get(v, 3)), link);
		free(title);
	}
	json_decref(rows);
	return rc < 0 ? svc_db_err(c, rc) : 0;
}

static int leadership_report(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	if (svc_require(c, PERM_READ_PEOPLE_REPORTS))
		return -1;
	json_t *issues = json_array(), *actions = json_array(), *reviews = json_array(), *items = json_array();
	int64_t lim = svc_limit(in);
	if (overdue_section(c,
			    "SELECT id, title, owner_id, response_due_at FROM system_issues WHERE org_id = ? AND status = 'open' "
			    "AND response_due_at <= ? ORDER BY response_due_at, id LIMIT ?",
			    lim, "system_issue_response", "/api/v1/system-issues/", 0, "", issues, items) ||
	    overdue_section(c,
			    "SELECT id, title, owner_id, due_at FROM review_actions WHERE org_id = ? AND status = 'open' AND due_at <= ? "
			    "ORDER BY due_at, id LIMIT ?",
			    lim, "review_action", "/api/v1/review-actions?owner=", 2, "", actions, items) ||
	    overdue_section(c,
			    "SELECT rv.id, ca.subject, rv.owner_id, rv.due_at FROM reviews rv JOIN cases ca ON ca.org_id = rv.org_id "
			    "AND ca.id = rv.case_id WHERE rv.org_id = ? AND rv.status = 'open' AND rv.due_at <= ? "
			    "ORDER BY rv.due_at, rv.id LIMIT ?",
			    lim, "failure_review", "/api/v1/reviews/", 0, "Failure review: ", reviews, items)) {
		json_decref(issues);
		json_decref(actions);
		json_decref(reviews);
		json_decref(items);
		return -1;
	}
	*out = json_pack("{s:o,s:o,s:o,s:o,s:{s:s,s:s},s:o}", "at", svc_time(c->now), "overdue_system_issue_responses", issues,
			 "overdue_review_actions", actions, "overdue_reviews", reviews, "overdue_requests", "report",
			 "/api/v1/reports/overdue-requests", "about",
			 "overdue requests by holder and level are on the requests report (promises capability)", "items", items);
	return 0;
}

#include "svc/reports/leadership.api.inc"
