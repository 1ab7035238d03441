/* System issues: something in the system keeps letting customers down; a leader owns the issue
 * and owes a response by a due time (overdue responses are escalated by the scheduler). */
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "core/review_rules.h"
#include "svc/directory/people.h"
#include "svc/learning/issue.h"
#include "svc/ledger/case.h"
#include "svc/org/alert.h"
#include "svc/org/settings.h"
#include "svc/page.h"
#include "svc/tick.h"

static const char *const ISSUE_STATUSES[] = {"open", "responded", "closed", NULL};


/* The first leader up person_id's reporting line (id filled, "" when none). */
static void leader_above(svc_ctx *c, const char *person_id, char id[ID_SIZE])
{
	int rc;
	char cur[ID_SIZE];
	id[0] = '\0';
	svc_copy(c, cur, sizeof cur, person_id);
	for (int depth = 0; depth < 64 && *cur; depth++) {
		db_res *r;
		char next[ID_SIZE] = "";
		if (db_query(c->db, "SELECT manager_id FROM people WHERE org_id = ? AND id = ?",
			     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(cur)), &r) != DB_OK)
			return;
		if (db_next(r) == 1 && !db_is_null(r, 0))
			svc_copy(c, next, sizeof next, db_text(r, 0));
		if ((rc = db_res_close(r)) != DB_OK)
			svc_db_err(c, rc);
		if (!*next)
			return;
		enum role role;
		int active;
		if (people_role(c, next, &role, NULL, &active) == 0 && role_may(role, PERM_OWN_SYSTEM_ISSUE) && active) {
			svc_copy(c, id, ID_SIZE, next);
			return;
		}
		err_clear(&c->err);
		STR_COPY(cur, next);
	}
}

static int link_case(svc_ctx *c, const char *issue_id, const char *case_id, int *added)
{
	struct case_row row;
	if (case_load(c, case_id, &row)) {
		STR_COPY(c->err.field, "cases");
		return -1;
	}
	int64_t n = 0;
	int rc = db_exec(c->db,
			 "INSERT INTO system_issue_cases (org_id, issue_id, case_id, added_by, added_at) VALUES (?,?,?,?,?) "
			 "ON CONFLICT DO NOTHING",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(issue_id), DB_TXT(row.id), DB_TXT(c->actor.person_id), DB_INT(c->now)),
			 &n);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	*added = n == 1;
	if (n == 1)
		return svc_event(c, "system_issue.case_linked", "system_issue", issue_id, row.id, json_pack("{s:s}", "case_id", row.id));
	return 0;
}

static int check_owner(svc_ctx *c, const char *ref, char owner[ID_SIZE])
{
	enum role role;
	int active;
	if (svc_person_ref(c, ref, "owner", owner) || people_role(c, owner, &role, NULL, &active))
		return -1;
	return issue_owner_ok(role, active, &c->err);
}

int issue_raise(svc_ctx *c, json_t *spec, const char *survey_id, long long question, char id[ID_SIZE])
{
	char owner[ID_SIZE] = "";
	const char *title = json_string_value(json_object_get(spec, "title"));
	const char *desc = json_string_value(json_object_get(spec, "description"));
	const char *oref = json_string_value(json_object_get(spec, "owner"));
	json_t *cases = json_object_get(spec, "cases");
	if (!title || !*title)
		return err_set(&c->err, ERR_INVALID, "required", "title", "a system issue needs a title");
	if (in_text_ok(title, FL_MAX_SUBJECT, "title", &c->err) || (desc && in_text_ok(desc, FL_MAX_TEXT, "description", &c->err)))
		return -1;
	if (cases && (!json_is_array(cases) || json_array_size(cases) > FL_MAX_FIELDS))
		return err_set(&c->err, ERR_INVALID, "invalid", "cases", "cases is a list of at most %d case ids", FL_MAX_FIELDS);
	if (oref) {
		if (check_owner(c, oref, owner))
			return -1;
	} else {
		leader_above(c, c->actor.person_id, owner);
		if (!*owner)
			return err_set(&c->err, ERR_INVALID, "owner_required", "owner",
				       "nobody above you is a leader: name the leader who should own this issue");
	}
	int64_t due = c->now + setting_int(c, "issue.response_days") * FL_DAY_MS;
	id_new(id, "sis", c->now);
	int rc = db_exec(c->db,
			 "INSERT INTO system_issues (org_id, id, title, description, raised_by, owner_id, status, response_due_at, "
			 "survey_id, question, created_at, updated_at) VALUES (?,?,?,?,?,?,'open',?,?,?,?,?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(title), DB_TXT(desc ? desc : ""), DB_TXT(c->actor.person_id),
				 DB_TXT(owner), DB_INT(due), DB_TXT(survey_id), question ? DB_INT(question) : DB_NULL, DB_INT(c->now),
				 DB_INT(c->now)),
			 NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (svc_event(c, "system_issue.raised", "system_issue", id, NULL,
		      json_pack("{s:s,s:s,s:I,s:s?}", "title", title, "owner_id", owner, "response_due_at", (json_int_t)due,
				"survey_id", survey_id)) ||
	    alert_add(c, owner, "system_issue_raised", NULL, "system_issue", id, "A system issue for you to answer: %s", title))
		return -1;
	size_t i;
	json_t *v;
	json_array_foreach(cases, i, v)
	{
		int added;
		if (!json_is_string(v))
			return err_set(&c->err, ERR_INVALID, "invalid", "cases", "cases is a list of case ids");
		if (link_case(c, id, json_string_value(v), &added))
			return -1;
	}
	return 0;
}

#define ISSUE_COLS                                                                                                    \
	"id, title, description, raised_by, owner_id, status, response, response_due_at, responded_at, overdue_at, " \
	"survey_id, question, created_at, updated_at, fixed"

static json_t *issue_row(svc_ctx *c, db_res *r)
{
	int open = strcmp(db_text(r, 5), "open") == 0;
	json_t *o = json_pack("{s:s,s:s,s:s,s:o,s:o,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:b,s:b}", "id", db_text(r, 0), "title",
			      db_text(r, 1), "description", db_text(r, 2), "raised_by", svc_person_brief(c, db_text(r, 3)), "owner",
			      svc_person_brief(c, db_text(r, 4)), "status", db_text(r, 5), "response", db_text(r, 6),
			      "response_due_at", svc_col_time(r, 7), "responded_at", svc_col_time(r, 8), "overdue_at",
			      svc_col_time(r, 9), "survey_id", svc_col_str(r, 10), "question",
			      db_is_null(r, 11) ? json_null() : json_integer(db_int(r, 11)), "created_at", svc_col_time(r, 12),
			      "updated_at", svc_col_time(r, 13), "overdue", open && db_int(r, 7) <= c->now, "fixed", db_int(r, 14) != 0);
	return o;
}

static int issue_json(svc_ctx *c, const char *id, json_t **out)
{
	int rc;
	db_res *r;
	if (svc_load_row(c, "sis", id, "issue_not_found", "no such system issue",
			 "SELECT " ISSUE_COLS " FROM system_issues WHERE org_id = ? AND id = ?", issue_row, out))
		return -1;
	json_t *cases = json_array();
	if ((rc = db_query(c->db,
			   "SELECT sc.case_id, ca.number, ca.subject FROM system_issue_cases sc JOIN cases ca ON ca.org_id = sc.org_id "
			   "AND ca.id = sc.case_id WHERE sc.org_id = ? AND sc.issue_id = ? ORDER BY sc.added_at, sc.case_id",
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id)), &r)) == DB_OK) {
		while (db_next(r) == 1) {
			char link[128];
			snprintf(link, sizeof link, "/api/v1/cases/%s", db_text(r, 0));
			json_array_append_new(cases, json_pack("{s:s,s:I,s:s,s:s}", "id", db_text(r, 0), "number",
							       (json_int_t)db_int(r, 1), "subject", db_text(r, 2), "link", link));
		}
		rc = db_res_close(r);
	}
	if (rc != DB_OK)
		svc_db_err(c, rc);
	json_object_set_new(*out, "cases", cases);
	return 0;
}

static int is_create(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char id[ID_SIZE];
	if (!role_may(c->actor.role, PERM_AUTHOR))
		return err_set(&c->err, ERR_FORBIDDEN, "person_required", NULL, "a system issue is raised by a person");
	if (issue_raise(c, in, NULL, 0, id))
		return -1;
	return issue_json(c, id, out);
}

static int is_show(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	return issue_json(c, p[0], out);
}

static const struct page_list ISSUES; /* in issue.api.json */

static int is_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char owner[ID_SIZE] = "";
	if (in_bool(in, "mine", 0))
		STR_COPY(owner, c->actor.person_id);
	else if (in_str(in, "owner") && svc_person_ref(c, in_str(in, "owner"), "owner", owner))
		return -1;
	const char *status = in_str(in, "status");
	int overdue = in_bool(in, "overdue", 0);
	return page_run(c, &ISSUES, in,
			"org_id = ? AND (? = '' OR owner_id = ?) "
			"AND (? IS NULL OR status = ?) AND (? = 0 OR (status = 'open' AND response_due_at <= ?))",
			DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(owner), DB_TXT(owner), DB_TXT(status), DB_TXT(status),
				DB_INT(overdue), DB_INT(c->now)),
			out);
}

static int issue_owner_of(svc_ctx *c, const char *id, char owner[ID_SIZE], char status[16])
{
	db_res *r;
	if (svc_load_id(c, "sis", id, "issue_not_found", "no such system issue", &r,
			"SELECT owner_id, status FROM system_issues WHERE org_id = ? AND id = ?"))
		return -1;
	svc_copy(c, owner, ID_SIZE, db_text(r, 0));
	svc_copy(c, status, 16, db_text(r, 1));
	db_res_discard(r);
	return 0;
}

static int is_link(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char owner[ID_SIZE], status[16];
	int added;
	if (issue_owner_of(c, p[0], owner, status) || link_case(c, p[0], in_str(in, "case_id"), &added))
		return -1;
	int rc = DB_OK;
	if (added)
		rc = db_exec(c->db, "UPDATE system_issues SET updated_at = ? WHERE org_id = ? AND id = ?",
			     DB_ARGS(DB_INT(c->now), DB_TXT(c->actor.org_id), DB_TXT(p[0])), NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	return issue_json(c, p[0], out);
}

static int is_respond(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char owner[ID_SIZE], status[16];
	if (issue_owner_of(c, p[0], owner, status))
		return -1;
	if (strcmp(owner, c->actor.person_id) != 0)
		return err_set(&c->err, ERR_FORBIDDEN, "not_issue_owner", NULL, "only the issue's owner responds");
	if (strcmp(status, "open") != 0)
		return err_set(&c->err, ERR_CONFLICT, "already_responded", NULL, "the issue already has its response");
	int64_t n = 0, fixed = in_bool(in, "fixed", 0);
	int rc = db_exec(c->db,
			 "UPDATE system_issues SET status = 'responded', response = ?, fixed = ?, responded_at = ?, updated_at = ? "
			 "WHERE org_id = ? AND id = ? AND status = 'open'",
			 DB_ARGS(DB_TXT(in_str(in, "response")), DB_INT(fixed), DB_INT(c->now), DB_INT(c->now), DB_TXT(c->actor.org_id),
				 DB_TXT(p[0])),
			 &n);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (n != 1)
		return err_set(&c->err, ERR_CONFLICT, "already_responded", NULL, "the issue already has its response");
	if (svc_event(c, "system_issue.responded", "system_issue", p[0], NULL, json_pack("{s:s,s:b}", "response", in_str(in, "response"), "fixed", (int)fixed)))
		return -1;
	return issue_json(c, p[0], out);
}

static int is_update(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char cur[ID_SIZE], status[16], owner[ID_SIZE];
	if (issue_owner_of(c, p[0], cur, status))
		return -1;
	if (svc_require(c, PERM_REASSIGN_SYSTEM_ISSUE))
		return -1;
	if (check_owner(c, in_str(in, "owner"), owner))
		return -1;
	int rc = db_exec(c->db, "UPDATE system_issues SET owner_id = ?, updated_at = ? WHERE org_id = ? AND id = ?",
			 DB_ARGS(DB_TXT(owner), DB_INT(c->now), DB_TXT(c->actor.org_id), DB_TXT(p[0])), NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (svc_event(c, "system_issue.owner_changed", "system_issue", p[0], NULL,
		      json_pack("{s:s,s:s,s:s}", "from", cur, "to", owner, "reason", in_str(in, "reason") ? in_str(in, "reason") : "")))
		return -1;
	return issue_json(c, p[0], out);
}

int issue_tick_due(svc_ctx *c, int64_t until, int64_t *next)
{
	return tick_due_min(c,
			    "SELECT MIN(response_due_at) FROM system_issues WHERE status = 'open' AND overdue_at IS NULL "
			    "AND response_due_at <= ?",
			    until, next);
}

/* One issue whose response is due ([org, id, owner]): overdue, exactly once, with an alert to its
 * owner.  1 when this pass marked it, 0 when another did, -1 (err set). */
static int overdue_one(svc_ctx *c, json_t *row, void *arg)
{
	(void)arg;
	const char *id = tick_col(row, 1), *owner = tick_col(row, 2);
	int64_t n = 0;
	int rc = db_exec(
		c->db,
		"UPDATE system_issues SET overdue_at = ? WHERE org_id = ? AND id = ? AND status = 'open' AND overdue_at IS NULL",
		DB_ARGS(DB_INT(c->now), DB_TXT(tick_col(row, 0)), DB_TXT(id)), &n);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (n != 1)
		return 0;
	return svc_event(c, "system_issue.response_overdue", "system_issue", id, NULL, json_pack("{s:s}", "owner_id", owner)) ||
			       alert_add(c, owner, "system_issue_overdue", NULL, "system_issue", id,
					 "Your response to a system issue is overdue")
		       ? -1
		       : 1;
}

int issue_tick(svc_ctx *c, json_t *summary)
{
	return tick_each(c, summary, "system_issue_responses_overdue", 3,
			 "SELECT org_id, id, owner_id FROM system_issues WHERE status = 'open' AND overdue_at IS NULL "
			 "AND response_due_at <= ? ORDER BY response_due_at LIMIT ?",
			 overdue_one, NULL);
}

#include "svc/learning/issue.api.inc"
