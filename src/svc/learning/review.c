/* Failure reviews: opened on every breach and every complaint (hooks) or by hand; owned by the
 * case owner's supervisor; causes from a systemic taxonomy with evidence; actions tracked like
 * requests. */
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "core/review_rules.h"
#include "svc/directory/people.h"
#include "svc/hooks.h"
#include "svc/learning/counters.h"
#include "svc/learning/facts.h"
#include "svc/learning/review.h"
#include "svc/ledger/case.h"
#include "svc/org/alert.h"
#include "svc/org/settings.h"
#include "svc/page.h"
#include "svc/tick.h"

/* review_open of the case row (its id, owner_id, team_id and number are read); fresh: breach_id is
 * new (a breach hook), so no review of it exists and the insert is not asked what it did. */
static int review_open_row(svc_ctx *c, const struct case_row *rowp, const char *trigger, const char *breach_id,
			   const char *promise_id, json_t *attribution, int fresh, char id[ID_SIZE], int *created)
{
	const struct case_row row = *rowp;
	char owner[ID_SIZE];
	struct review_facts f = {0};
	char *facts_text = NULL;
	int ret = -1;
	*created = 0;
	if (facts_compute(c, &row, breach_id, promise_id, attribution, &f))
		goto cleanup;
	learning_manager_of(c, row.owner_id, owner);
	if (!*owner)
		STR_COPY(owner, row.owner_id);
	facts_text = json_dumps(f.facts, JSON_COMPACT);
	int64_t due = c->now + setting_int(c, "review.due_days") * FL_DAY_MS;
	id_new(id, "rev", c->now);
	int64_t n = 1;
	if (fresh) { /* nothing can be in its way: in a scheduler pass, written with the others (tick_insert) */
		static const char head[] = "INSERT INTO reviews (org_id, id, case_id, trigger_kind, breach_id, promise_id, owner_id, "
					   "case_owner_id, team_id, status, facts, opened_by, opened_at, due_at)";
		if (tick_insert(c, head,
				DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(row.id), DB_TXT(trigger), DB_TXT(breach_id),
					DB_TXT(promise_id), DB_TXT(owner), DB_TXT(row.owner_id), DB_TXT(*f.team ? f.team : NULL),
					DB_TXT("open"), DB_TXT(facts_text), DB_TXT(c->actor.person_id), DB_INT(c->now), DB_INT(due))))
			goto cleanup;
	} else {
		int rc = db_exec(c->db,
				 "INSERT INTO reviews (org_id, id, case_id, trigger_kind, breach_id, promise_id, owner_id, case_owner_id, "
				 "team_id, status, facts, opened_by, opened_at, due_at) VALUES (?,?,?,?,?,?,?,?,?,'open',?,?,?,?) "
				 "ON CONFLICT DO NOTHING",
				 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(row.id), DB_TXT(trigger), DB_TXT(breach_id),
					 DB_TXT(promise_id), DB_TXT(owner), DB_TXT(row.owner_id), DB_TXT(*f.team ? f.team : NULL),
					 DB_TXT(facts_text), DB_TXT(c->actor.person_id), DB_INT(c->now), DB_INT(due)),
				 &n);
		if (rc != DB_OK) {
			svc_db_err(c, rc);
			goto cleanup;
		}
	}
	if (n == 0) { /* this breach already has its review */
		if (svc_text(c, id, ID_SIZE, "SELECT id FROM reviews WHERE org_id = ? AND breach_id = ?",
			     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(breach_id))) == 0)
			ret = 0;
		goto cleanup;
	}
	if (facts_write_facets(c, id, row.id, c->now, &f) || learning_bump(c, c->now, "review", "", f.team, 1))
		goto cleanup;
	if (svc_event(c, "review.opened", "review", id, row.id,
		      json_pack("{s:s,s:s,s:s?,s:s?,s:I}", "trigger", trigger, "owner_id", owner, "breach_id", breach_id,
				"promise_id", promise_id, "due_at", (json_int_t)due)) ||
	    alert_add(c, owner, "review_opened", row.id, "review", id, "Failure review to do for case %lld (%s): look for the system causes",
		      row.number, trigger))
		goto cleanup;
	*created = 1;
	ret = 0;
cleanup:
	facts_release(&f);
	free(facts_text);
	return ret;
}

int review_open(svc_ctx *c, const char *case_id, const char *trigger, const char *breach_id, const char *promise_id,
		json_t *attribution, char id[ID_SIZE], int *created)
{
	struct case_row row;
	*created = 0;
	if (case_load(c, case_id, &row))
		return -1;
	return review_open_row(c, &row, trigger, breach_id, promise_id, attribution, 0, id, created);
}

int review_on_breach(svc_ctx *c, const struct breach_case *ca, const char *promise_id, const char *breach_id, json_t *attribution)
{
	char id[ID_SIZE];
	int created;
	struct case_row row = {.number = ca->number};
	svc_copy(c, row.id, sizeof row.id, ca->id);
	svc_copy(c, row.owner_id, sizeof row.owner_id, ca->owner_id);
	svc_copy(c, row.team_id, sizeof row.team_id, ca->team_id);
	if (svc_db_outcome(c, 0))
		return -1;
	return review_open_row(c, &row, "breach", breach_id, promise_id, attribution, 1, id, &created);
}

int review_breach_batch(svc_ctx *c, const struct breach_item *items, size_t n)
{
	return facts_prefetch(c, items, n);
}

int review_on_resolve(svc_ctx *c, const char *case_id, json_t *in)
{
	char id[ID_SIZE];
	int created;
	if (!in_bool(in, "complaint", 0))
		return 0;
	return review_open(c, case_id, "complaint", NULL, NULL, NULL, id, &created);
}

/* --- loading and showing --- */

struct review_row {
	char id[ID_SIZE], case_id[ID_SIZE], owner_id[ID_SIZE], case_owner_id[ID_SIZE], team_id[ID_SIZE];
	int open;
	int64_t opened_at;
};

/* The rules of core/review_rules.h for the actor. */
static int may_read(svc_ctx *c, const struct review_row *rv)
{
	return review_may_read(c->actor.role, c->actor.person_id, rv->owner_id, rv->case_owner_id);
}

static int may_edit(svc_ctx *c, const struct review_row *rv)
{
	return review_may_edit(c->actor.role, c->actor.person_id, rv->owner_id, &c->err);
}

/* Load a review the actor may read; otherwise (absent, another organization's, not readable) 404. */
static int review_load(svc_ctx *c, const char *id, struct review_row *rv)
{
	db_res *r;
	memset(rv, 0, sizeof *rv);
	if (svc_load_id(c, "rev", id, "review_not_found", "no such review", &r,
			"SELECT id, case_id, owner_id, case_owner_id, COALESCE(team_id, ''), status, opened_at FROM reviews "
			"WHERE org_id = ? AND id = ?"))
		return -1;
	SVC_COPY_COLS(c, r, 0, SVC_BUF(rv->id), SVC_BUF(rv->case_id), SVC_BUF(rv->owner_id), SVC_BUF(rv->case_owner_id),
		      SVC_BUF(rv->team_id));
	rv->open = strcmp(db_text(r, 5), "open") == 0;
	rv->opened_at = db_int(r, 6);
	db_res_discard(r);
	/* to a reader who may not see it, it does not exist */
	if (!may_read(c, rv))
		return err_set(&c->err, ERR_NOT_FOUND, "review_not_found", "id", "no such review");
	return 0;
}

#define REVIEW_COLS                                                                                                   \
	"rv.id, rv.case_id, rv.trigger_kind, rv.breach_id, rv.promise_id, rv.owner_id, rv.case_owner_id, rv.team_id, " \
	"rv.status, rv.summary, rv.opened_at, rv.due_at, rv.closed_at, ca.number, ca.subject, rv.facts, rv.closed_by"

static json_t *review_brief_row(svc_ctx *c, db_res *r)
{
	int open = strcmp(db_text(r, 8), "open") == 0;
	char link[128];
	snprintf(link, sizeof link, "/api/v1/cases/%s", db_text(r, 1));
	return json_pack("{s:s,s:s,s:{s:s,s:I,s:s,s:s},s:s,s:o,s:o,s:o,s:o,s:o,s:s,s:s,s:o,s:o,s:o,s:b}", "id", db_text(r, 0),
			 "case_id", db_text(r, 1), "case", "id", db_text(r, 1), "number", (json_int_t)db_int(r, 13), "subject",
			 db_text(r, 14), "link", link, "trigger", db_text(r, 2), "breach_id", svc_col_str(r, 3), "promise_id",
			 svc_col_str(r, 4), "owner", svc_person_brief(c, db_text(r, 5)), "case_owner",
			 svc_person_brief(c, db_text(r, 6)), "team_id", svc_col_str(r, 7), "status", db_text(r, 8), "summary",
			 db_text(r, 9), "opened_at", svc_col_time(r, 10), "due_at", svc_col_time(r, 11), "closed_at",
			 svc_col_time(r, 12), "overdue", open && db_int(r, 11) <= c->now);
}

static json_t *action_row(svc_ctx *c, db_res *r)
{
	int open = strcmp(db_text(r, 4), "open") == 0;
	return json_pack("{s:s,s:s,s:s,s:s,s:o,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:s,s:b}", "id", db_text(r, 0), "review_id",
			 db_text(r, 1), "case_id", db_text(r, 2), "title", db_text(r, 3), "owner",
			 svc_person_brief(c, db_text(r, 5)), "status", db_text(r, 4), "due_at", svc_col_time(r, 6),
			 "reminded_at", svc_col_time(r, 7), "overdue_at", svc_col_time(r, 8), "escalated_at",
			 svc_col_time(r, 9), "escalated_to", db_is_null(r, 10) ? json_null() : svc_person_brief(c, db_text(r, 10)),
			 "created_at", svc_col_time(r, 11), "done_at", svc_col_time(r, 12), "created_by",
			 svc_person_brief(c, db_text(r, 13)), "note", db_text(r, 14), "overdue", open && db_int(r, 6) <= c->now);
}

#define ACTION_COLS                                                                                                  \
	"id, review_id, case_id, title, status, owner_id, due_at, reminded_at, overdue_at, escalated_at, escalated_to, " \
	"created_at, done_at, created_by, note"

static json_t *cause_row(svc_ctx *c, db_res *r)
{
	return json_pack("{s:s,s:s,s:s,s:o,s:o}", "category", db_text(r, 0), "evidence", db_text(r, 1), "reason", db_text(r, 2),
			 "added_by", svc_person_brief(c, db_text(r, 3)), "added_at", svc_col_time(r, 4));
}

static int review_json(svc_ctx *c, const char *id, json_t **out)
{
	db_res *r;
	if (svc_load_one(c, "review_not_found", "id", "no such review", &r,
			 "SELECT " REVIEW_COLS " FROM reviews rv JOIN cases ca ON ca.org_id = rv.org_id AND ca.id = rv.case_id "
			 "WHERE rv.org_id = ? AND rv.id = ?",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id))))
		return -1;
	json_t *o = review_brief_row(c, r);
	json_t *facts = json_loads(db_text(r, 15), 0, NULL);
	json_object_set_new(o, "facts", facts ? facts : json_object());
	json_object_set_new(o, "closed_by", db_is_null(r, 16) ? json_null() : svc_person_brief(c, db_text(r, 16)));
	db_res_discard(r);
	json_object_set_new(o, "causes",
			    svc_rows(c,
				     "SELECT category, evidence, reason, added_by, added_at FROM review_causes WHERE org_id = ? AND "
				     "review_id = ? ORDER BY added_at, category",
				     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id)), cause_row));
	json_object_set_new(o, "actions",
			    svc_rows(c, "SELECT " ACTION_COLS " FROM review_actions WHERE org_id = ? AND review_id = ? ORDER BY created_at, id",
				     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id)), action_row));
	*out = o;
	return 0;
}

/* Case view part "reviews": the case's failure reviews (brief), for those who may read them
 * (supervisors, leaders, admins, the case owner, a review's owner); others get an empty list. */
int review_view_part(svc_ctx *c, const char *case_id, json_t *view)
{
	int rc;
	db_res *r;
	json_t *items = json_array();
	int all = role_may(c->actor.role, PERM_READ_ANY_REVIEW);
	if ((rc = db_query(c->db,
			   "SELECT id, trigger_kind, status, owner_id, due_at, opened_at FROM reviews WHERE org_id = ? AND case_id = ? "
			   "AND (? = 1 OR owner_id = ? OR case_owner_id = ?) ORDER BY opened_at, id",
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id), DB_INT(all), DB_TXT(c->actor.person_id),
				   DB_TXT(c->actor.person_id)),
			   &r)) != DB_OK) {
		json_decref(items);
		return svc_db_err(c, rc);
	}
	while (db_next(r) == 1) {
		char link[128];
		snprintf(link, sizeof link, "/api/v1/reviews/%s", db_text(r, 0));
		json_array_append_new(items, json_pack("{s:s,s:s,s:s,s:o,s:o,s:o,s:s}", "id", db_text(r, 0), "trigger", db_text(r, 1),
						       "status", db_text(r, 2), "owner", svc_person_brief(c, db_text(r, 3)), "due_at",
						       svc_col_time(r, 4), "opened_at", svc_col_time(r, 5), "link", link));
	}
	if ((rc = db_res_close(r)) != DB_OK) {
		json_decref(items);
		return svc_db_err(c, rc);
	}
	json_object_set_new(view, "reviews", items);
	return 0;
}

/* --- routes --- */

static int rv_create(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char id[ID_SIZE];
	int created;
	if (review_open(c, in_str(in, "case_id"), "manual", NULL, NULL, NULL, id, &created))
		return -1;
	int rc = DB_OK;
	if (in_str(in, "summary"))
		rc = db_exec(c->db, "UPDATE reviews SET summary = ? WHERE org_id = ? AND id = ?",
			     DB_ARGS(DB_TXT(in_str(in, "summary")), DB_TXT(c->actor.org_id), DB_TXT(id)), NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	return review_json(c, id, out);
}

static int rv_show(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct review_row rv;
	if (review_load(c, p[0], &rv))
		return -1;
	return review_json(c, rv.id, out);
}

static const struct page_list REVIEWS; /* in review.api.json */

static int rv_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char owner[ID_SIZE] = "";
	if (in_bool(in, "mine", 0))
		STR_COPY(owner, c->actor.person_id);
	else if (in_str(in, "owner") && svc_person_ref(c, in_str(in, "owner"), "owner", owner))
		return -1;
	/* frontline and support see the reviews of their own cases (and any they own) */
	int all = role_may(c->actor.role, PERM_READ_ANY_REVIEW);
	const char *status = in_str(in, "status"), *case_id = in_str(in, "case_id");
	return page_run(c, &REVIEWS, in,
			"rv.org_id = ? AND (? = '' OR rv.owner_id = ?) AND (? IS NULL OR rv.status = ?) "
			"AND (? IS NULL OR rv.case_id = ?) AND (? = 1 OR rv.owner_id = ? OR rv.case_owner_id = ?)",
			DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(owner), DB_TXT(owner), DB_TXT(status), DB_TXT(status),
				DB_TXT(case_id), DB_TXT(case_id), DB_INT(all), DB_TXT(c->actor.person_id),
				DB_TXT(c->actor.person_id)),
			out);
}

/* Move the daily counts of a refreshed review: its old facets and team out, the new team in. */
static int move_counts(svc_ctx *c, const struct review_row *rv, const char *team)
{
	int rc;
	db_res *r;
	json_t *undo = json_array();
	if ((rc = db_query(c->db, "SELECT kind, label FROM review_facets WHERE org_id = ? AND review_id = ?",
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(rv->id)), &r)) == DB_OK) {
		while (db_next(r) == 1)
			json_array_append_new(undo, json_pack("[s,s,s]", db_text(r, 0), db_text(r, 1), ""));
		rc = db_res_close(r);
	}
	if (rc != DB_OK)
		svc_db_err(c, rc);
	if ((rc = db_query(c->db, "SELECT category FROM review_causes WHERE org_id = ? AND review_id = ?",
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(rv->id)), &r)) == DB_OK) {
		while (db_next(r) == 1)
			json_array_append_new(undo, json_pack("[s,s,s]", "cause", db_text(r, 0), rv->team_id));
		rc = db_res_close(r);
	}
	if (rc != DB_OK)
		svc_db_err(c, rc);
	json_array_append_new(undo, json_pack("[s,s,s]", "review", "", rv->team_id));
	size_t ui;
	json_t *u;
	int bad = 0;
	json_array_foreach(undo, ui, u)
	{
		const char *kind = json_string_value(json_array_get(u, 0)), *label = json_string_value(json_array_get(u, 1));
		bad = bad || learning_bump(c, rv->opened_at, kind, label, json_string_value(json_array_get(u, 2)), -1);
		if (!bad && (strcmp(kind, "cause") == 0 || strcmp(kind, "review") == 0))
			bad = learning_bump(c, rv->opened_at, kind, label, team, 1);
	}
	json_decref(undo);
	return bad;
}

/* Recompute the facts from the case page as it is now (contacts and requests after the review
 * opened), keeping the attribution the review opened with. */
static int rv_refresh(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	int rc;
	struct review_row rv;
	struct case_row row;
	struct review_facts f = {0};
	db_res *r;
	char promise[ID_SIZE] = "";
	json_t *old = NULL;
	int ret = -1;
	if (review_load(c, p[0], &rv) || may_edit(c, &rv))
		return -1;
	if (!rv.open)
		return err_set(&c->err, ERR_CONFLICT, "review_closed", NULL, "the review is closed");
	if ((rc = db_query(c->db, "SELECT COALESCE(promise_id, ''), facts FROM reviews WHERE org_id = ? AND id = ?",
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(rv.id)), &r)) != DB_OK)
		return svc_db_err(c, rc);
	if (db_next(r) == 1) {
		svc_copy(c, promise, sizeof promise, db_text(r, 0));
		old = json_loads(db_text(r, 1), 0, NULL);
	}
	if ((rc = db_res_close(r)) != DB_OK)
		svc_db_err(c, rc);
	json_t *att = json_object_get(old, "attribution");
	if (case_load(c, rv.case_id, &row) || facts_compute(c, &row, NULL, *promise ? promise : NULL, json_is_null(att) ? NULL : att, &f))
		goto cleanup;
	if (move_counts(c, &rv, f.team))
		goto cleanup;
	char *text = json_dumps(f.facts, JSON_COMPACT);
	rc = db_exec(c->db, "UPDATE reviews SET facts = ?, team_id = ? WHERE org_id = ? AND id = ?",
		     DB_ARGS(DB_TXT(text), DB_TXT(*f.team ? f.team : NULL), DB_TXT(c->actor.org_id), DB_TXT(rv.id)), NULL);
	free(text);
	if (rc == DB_OK)
		rc = db_exec(c->db, "UPDATE review_causes SET team_id = ? WHERE org_id = ? AND review_id = ?",
			     DB_ARGS(DB_TXT(*f.team ? f.team : NULL), DB_TXT(c->actor.org_id), DB_TXT(rv.id)), NULL);
	if (rc == DB_OK)
		rc = db_exec(c->db, "DELETE FROM review_facets WHERE org_id = ? AND review_id = ?",
			     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(rv.id)), NULL);
	if (rc != DB_OK) {
		svc_db_err(c, rc);
		goto cleanup;
	}
	if (facts_write_facets(c, rv.id, rv.case_id, rv.opened_at, &f) ||
	    svc_event(c, "review.refreshed", "review", rv.id, rv.case_id,
		      json_pack("{s:O,s:O}", "channels", json_object_get(f.facts, "channels"), "boundaries",
				json_object_get(f.facts, "boundaries"))))
		goto cleanup;
	ret = review_json(c, rv.id, out);
cleanup:
	facts_release(&f);
	json_decref(old);
	return ret;
}

static int rv_cause(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct review_row rv;
	const char *cat = in_str(in, "category"), *evidence = in_str(in, "evidence"), *reason = in_str(in, "reason");
	if (review_load(c, p[0], &rv) || may_edit(c, &rv))
		return -1;
	if (!rv.open)
		return err_set(&c->err, ERR_CONFLICT, "review_closed", NULL, "the review is closed");
	if (review_check_cause(cat, evidence, reason, &c->err))
		return -1;
	int rc = db_exec(c->db,
			 "INSERT INTO review_causes (org_id, review_id, category, evidence, reason, case_id, team_id, opened_at, "
			 "added_by, added_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(rv.id), DB_TXT(cat), DB_TXT(evidence), DB_TXT(reason ? reason : ""),
				 DB_TXT(rv.case_id), DB_TXT(*rv.team_id ? rv.team_id : NULL), DB_INT(rv.opened_at),
				 DB_TXT(c->actor.person_id), DB_INT(c->now)),
			 NULL);
	if (rc != DB_OK)
		return svc_db_conflict(c, rc, "cause_exists", "category", "the review already names this cause");
	if (learning_bump(c, rv.opened_at, "cause", cat, rv.team_id, 1))
		return -1;
	if (svc_event(c, "review.cause_added", "review", rv.id, rv.case_id,
		      json_pack("{s:s,s:s,s:s}", "category", cat, "evidence", evidence, "reason", reason ? reason : "")))
		return -1;
	return review_json(c, rv.id, out);
}

static int rv_action(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct review_row rv;
	char owner[ID_SIZE], id[ID_SIZE];
	long long due;
	enum role role;
	int active;
	if (review_load(c, p[0], &rv) || may_edit(c, &rv))
		return -1;
	if (!rv.open)
		return err_set(&c->err, ERR_CONFLICT, "review_closed", NULL, "the review is closed");
	if (svc_person_ref(c, in_str(in, "owner"), "owner", owner) || people_role(c, owner, &role, NULL, &active))
		return -1;
	if (!active)
		return err_set(&c->err, ERR_RULE, "person_inactive", "owner", "that person is not active");
	in_time(in, "due_at", &due);
	if (due <= c->now)
		return err_set(&c->err, ERR_INVALID, "due_in_past", "due_at", "an action is due in the future");
	int64_t remind_at, escalate_at;
	review_action_times(c->now, due, setting_int(c, "request.remind_before_minutes") * 60000,
			    setting_int(c, "request.escalate_after_minutes") * 60000, &remind_at, &escalate_at);
	id_new(id, "ract", c->now);
	int rc = db_exec(c->db,
			 "INSERT INTO review_actions (org_id, id, review_id, case_id, title, owner_id, status, due_at, remind_at, "
			 "escalate_at, created_by, created_at) VALUES (?,?,?,?,?,?,'open',?,?,?,?,?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(rv.id), DB_TXT(rv.case_id), DB_TXT(in_str(in, "title")),
				 DB_TXT(owner), DB_INT(due), DB_INT(remind_at), DB_INT(escalate_at), DB_TXT(c->actor.person_id),
				 DB_INT(c->now)),
			 NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (svc_event(c, "review.action_added", "review_action", id, rv.case_id,
		      json_pack("{s:s,s:s,s:s,s:I}", "review_id", rv.id, "title", in_str(in, "title"), "owner_id", owner, "due_at",
				(json_int_t)due)))
		return -1;
	return review_json(c, rv.id, out);
}

static int rv_close(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	int rc;
	struct review_row rv;
	int64_t n = 0;
	if (review_load(c, p[0], &rv) || may_edit(c, &rv))
		return -1;
	if ((rc = db_scalar_int(c->db, "SELECT COUNT(*) FROM review_causes WHERE org_id = ? AND review_id = ?",
				DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(rv.id)), &n, NULL)) != DB_OK)
		return svc_db_err(c, rc);
	if (review_may_close(rv.open, (int)n, &c->err))
		return -1;
	int64_t changed = 0;
	rc = db_exec(c->db,
		     "UPDATE reviews SET status = 'closed', summary = ?, closed_at = ?, closed_by = ? "
		     "WHERE org_id = ? AND id = ? AND status = 'open'",
		     DB_ARGS(DB_TXT(in_str(in, "summary")), DB_INT(c->now), DB_TXT(c->actor.person_id), DB_TXT(c->actor.org_id),
			     DB_TXT(rv.id)),
		     &changed);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (changed != 1)
		return err_set(&c->err, ERR_CONFLICT, "review_closed", NULL, "the review was closed meanwhile");
	if (svc_event(c, "review.closed", "review", rv.id, rv.case_id, json_pack("{s:s}", "summary", in_str(in, "summary"))))
		return -1;
	return review_json(c, rv.id, out);
}

static int act_done(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	int rc;
	db_res *r;
	char review_id[ID_SIZE] = "", owner[ID_SIZE] = "", case_id[ID_SIZE] = "";
	if (svc_load_id(c, "ract", p[0], "action_not_found", "no such action", &r,
			"SELECT review_id, owner_id, case_id FROM review_actions WHERE org_id = ? AND id = ?"))
		return -1;
	SVC_COPY_COLS(c, r, 0, SVC_BUF(review_id), SVC_BUF(owner), SVC_BUF(case_id));
	db_res_discard(r);
	struct review_row rv;
	int is_owner = *owner && strcmp(owner, c->actor.person_id) == 0;
	if (!is_owner) {
		if (review_load(c, review_id, &rv)) {
			err_clear(&c->err);
			return err_set(&c->err, ERR_NOT_FOUND, "action_not_found", "id", "no such action");
		}
		if (may_edit(c, &rv))
			return -1;
	}
	int64_t n = 0;
	rc = db_exec(c->db,
		     "UPDATE review_actions SET status = 'done', done_at = ?, note = ? WHERE org_id = ? AND id = ? AND status = 'open'",
		     DB_ARGS(DB_INT(c->now), DB_TXT(in_str(in, "note") ? in_str(in, "note") : ""), DB_TXT(c->actor.org_id),
			     DB_TXT(p[0])),
		     &n);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (n != 1)
		return err_set(&c->err, ERR_CONFLICT, "action_done", NULL, "the action is already done");
	if (svc_event(c, "review.action_done", "review_action", p[0], case_id,
		      json_pack("{s:s,s:s}", "review_id", review_id, "note", in_str(in, "note") ? in_str(in, "note") : "")))
		return -1;
	if ((rc = db_query(c->db, "SELECT " ACTION_COLS " FROM review_actions WHERE org_id = ? AND id = ?",
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(p[0])), &r)) != DB_OK)
		return svc_db_err(c, rc);
	if (db_next(r) == 1)
		*out = action_row(c, r);
	if ((rc = db_res_close(r)) != DB_OK)
		svc_db_err(c, rc);
	return 0;
}

static const struct page_list ACTIONS; /* in review.api.json */

static int act_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char owner[ID_SIZE];
	STR_COPY(owner, c->actor.person_id);
	if (in_str(in, "owner") && svc_person_ref(c, in_str(in, "owner"), "owner", owner))
		return -1;
	if (strcmp(owner, c->actor.person_id) != 0 && svc_require(c, PERM_READ_ANY_REVIEW))
		return -1;
	const char *status = in_str(in, "status");
	return page_run(c, &ACTIONS, in, "org_id = ? AND owner_id = ? AND (? IS NULL OR status = ?)",
			DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(owner), DB_TXT(status), DB_TXT(status)), out);
}

#include "svc/learning/review.api.inc"
