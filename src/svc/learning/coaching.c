/* Coaching notes: a supervisor's forward-looking conversation with one employee, linked to cases,
 * visible only to the two of them.  Admins open them only under a legal hold on one of the two,
 * and every such opening is an event. */
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "core/review_rules.h"
#include "svc/directory/people.h"
#include "svc/learning/coaching.h"
#include "svc/ledger/case.h"
#include "svc/page.h"

/* The six questions of seeds/002, with the keys of their answers. */
static const struct {
	const char *key, *text;
} QUESTIONS[] = {
	{"ideal", "In an ideal situation, what could / should you have done?"},
	{"prevented", "What prevented you from acting more assertively in this instance?"},
	{"whose_problem", "Whose problem is this?"},
	{"overcome", "What could you have done to overcome this challenge?"},
	{"help", "What can I / others do to help you?"},
	{"next_time", "How could you act more assertively next time?"},
	{NULL, NULL},
};

/* Is coach above employee in the reporting line? */
static int in_line(svc_ctx *c, const char *coach, const char *employee)
{
	int rc;
	char cur[ID_SIZE];
	svc_copy(c, cur, sizeof cur, employee);
	for (int depth = 0; depth < 64 && *cur; depth++) {
		db_res *r;
		char next[ID_SIZE] = "";
		if (!svc_query(c, "SELECT manager_id FROM people WHERE org_id = ? AND id = ?",
			       DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(cur)), &r))
			return 0;
		if (db_next(r) == 1 && !db_is_null(r, 0))
			svc_copy(c, next, sizeof next, db_text(r, 0));
		if ((rc = db_res_close(r)) != DB_OK)
			svc_db_err(c, rc);
		if (strcmp(next, coach) == 0)
			return 1;
		STR_COPY(cur, next);
	}
	return 0;
}

#define NOTE_COLS "id, supervisor_id, employee_id, answers, summary, cases, created_at"

static json_t *note_row(svc_ctx *c, db_res *r)
{
	json_t *answers = json_loads(db_text(r, 3), 0, NULL), *cases = json_loads(db_text(r, 5), 0, NULL);
	json_t *qs = json_array();
	for (int i = 0; QUESTIONS[i].key; i++) {
		json_t *a = json_object_get(answers, QUESTIONS[i].key);
		json_array_append_new(qs, json_pack("{s:s,s:s,s:O}", "key", QUESTIONS[i].key, "question", QUESTIONS[i].text, "answer",
						    a ? a : json_null()));
	}
	json_decref(answers);
	json_t *links = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(cases, i, v)
	{
		char link[128];
		snprintf(link, sizeof link, "/api/v1/cases/%s", json_string_value(v));
		json_array_append_new(links, json_pack("{s:O,s:s}", "id", v, "link", link));
	}
	json_decref(cases);
	return json_pack("{s:s,s:o,s:o,s:o,s:s,s:o,s:o}", "id", db_text(r, 0), "supervisor", svc_person_brief(c, db_text(r, 1)),
			 "employee", svc_person_brief(c, db_text(r, 2)), "questions", qs, "summary", db_text(r, 4), "cases", links,
			 "created_at", svc_col_time(r, 6));
}

/* The given answers, checked (keys of QUESTIONS, text), without the empty ones, into answers. */
static int note_answers(svc_ctx *c, json_t *given, json_t *answers)
{
	const char *key;
	json_t *v;
	json_object_foreach(given, key, v)
	{
		int known = 0;
		for (int i = 0; QUESTIONS[i].key; i++)
			known |= strcmp(QUESTIONS[i].key, key) == 0;
		if (!known)
			return err_set(&c->err, ERR_INVALID, "unknown_question", key,
				       "answers are keyed ideal, prevented, whose_problem, overcome, help, next_time");
		if (!json_is_string(v))
			return err_set(&c->err, ERR_INVALID, "invalid", key, "an answer is text");
		if (in_text_ok(json_string_value(v), FL_MAX_TEXT, key, &c->err))
			return -1;
		if (*json_string_value(v))
			json_object_set(answers, key, v);
	}
	return 0;
}

/* The given case ids, each a case of the organization, into cases. */
static int note_cases(svc_ctx *c, json_t *given, json_t *cases)
{
	size_t i;
	json_t *v;
	json_array_foreach(given, i, v)
	{
		struct case_row row;
		if (!json_is_string(v))
			return err_set(&c->err, ERR_INVALID, "invalid", "cases", "cases is a list of case ids");
		if (case_load(c, json_string_value(v), &row)) {
			STR_COPY(c->err.field, "cases");
			return -1;
		}
		json_array_append_new(cases, json_string(row.id));
	}
	return 0;
}

static int cn_create(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char emp[ID_SIZE], id[ID_SIZE];
	enum role role;
	int active;
	if (svc_person_ref(c, in_str(in, "employee"), "employee", emp) || people_role(c, emp, &role, NULL, &active))
		return -1;
	if (coaching_may_write(c->actor.role, c->actor.person_id, emp, in_line(c, c->actor.person_id, emp), &c->err))
		return -1;
	json_t *answers = json_object(), *cases = json_array();
	int ret = -1;
	if (note_answers(c, json_object_get(in, "answers"), answers))
		goto cleanup;
	if (json_object_size(answers) == 0 && !in_str(in, "summary")) {
		err_set(&c->err, ERR_INVALID, "empty_note", "answers", "write at least one answer or a summary");
		goto cleanup;
	}
	if (note_cases(c, json_object_get(in, "cases"), cases))
		goto cleanup;
	char *atext = json_dumps(answers, JSON_COMPACT | JSON_SORT_KEYS), *ctext = json_dumps(cases, JSON_COMPACT);
	id_new(id, "coach", c->now);
	int rc = db_exec(c->db,
			 "INSERT INTO coaching_notes (org_id, id, supervisor_id, employee_id, answers, summary, cases, created_at) "
			 "VALUES (?,?,?,?,?,?,?,?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(c->actor.person_id), DB_TXT(emp), DB_TXT(atext),
				 DB_TXT(in_str(in, "summary") ? in_str(in, "summary") : ""), DB_TXT(ctext), DB_INT(c->now)),
			 NULL);
	free(atext);
	free(ctext);
	if (rc != DB_OK) {
		svc_db_err(c, rc);
		goto cleanup;
	}
	/* the event records that a conversation happened, never what was said (case histories are
	 * read by many) - and it is not attached to the cases */
	if (svc_event(c, "coaching.recorded", "coaching_note", id, NULL, json_pack("{s:s}", "employee_id", emp)))
		goto cleanup;
	db_res *r;
	if ((rc = db_query(c->db, "SELECT " NOTE_COLS " FROM coaching_notes WHERE org_id = ? AND id = ?",
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id)), &r)) != DB_OK) {
		svc_db_err(c, rc);
		goto cleanup;
	}
	if (db_next(r) == 1)
		*out = note_row(c, r);
	if ((rc = db_res_close(r)) != DB_OK)
		svc_db_err(c, rc);
	ret = 0;
cleanup:
	json_decref(answers);
	json_decref(cases);
	return ret;
}

static int cn_show(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	int rc;
	db_res *r;
	if (!id_valid(p[0], "coach"))
		return err_set(&c->err, ERR_NOT_FOUND, "note_not_found", "id", "no such coaching note");
	if ((rc = db_query(c->db, "SELECT " NOTE_COLS " FROM coaching_notes WHERE org_id = ? AND id = ?",
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(p[0])), &r)) != DB_OK)
		return svc_db_err(c, rc);
	int found = db_next(r) == 1 && coaching_may_read(c->actor.person_id, db_text(r, 1), db_text(r, 2));
	if (found)
		*out = note_row(c, r);
	if ((rc = db_res_close(r)) != DB_OK)
		svc_db_err(c, rc);
	/* to anyone else - other employees, other supervisors, admins - it does not exist */
	if (!found)
		return err_set(&c->err, ERR_NOT_FOUND, "note_not_found", "id", "no such coaching note");
	return 0;
}

static const struct page_list NOTES; /* in coaching.api.json */

static int cn_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char emp[ID_SIZE] = "";
	if (in_str(in, "employee") && svc_person_ref(c, in_str(in, "employee"), "employee", emp))
		return -1;
	return page_run(c, &NOTES, in, "org_id = ? AND (supervisor_id = ? OR employee_id = ?) AND (? = '' OR employee_id = ?)",
			DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(c->actor.person_id), DB_TXT(c->actor.person_id), DB_TXT(emp),
				DB_TXT(emp)),
			out);
}

/* --- legal holds --- */

static json_t *hold_row(svc_ctx *c, db_res *r)
{
	return json_pack("{s:s,s:o,s:s,s:o,s:o,s:o,s:b}", "id", db_text(r, 0), "person", svc_person_brief(c, db_text(r, 1)), "reason",
			 db_text(r, 2), "placed_by", svc_person_brief(c, db_text(r, 3)), "placed_at", svc_col_time(r, 4),
			 "released_at", svc_col_time(r, 5), "active", db_is_null(r, 5));
}

#define HOLD_COLS "id, person_id, reason, placed_by, placed_at, released_at"

static int hold_json(svc_ctx *c, const char *id, json_t **out)
{
	return svc_load_row(c, "hold", id, "hold_not_found", "no such legal hold",
			    "SELECT " HOLD_COLS " FROM legal_holds WHERE org_id = ? AND id = ?", hold_row, out);
}

static int lh_create(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char person[ID_SIZE], id[ID_SIZE];
	if (svc_require(c, PERM_MANAGE_LEGAL_HOLDS) || svc_person_ref(c, in_str(in, "person"), "person", person))
		return -1;
	id_new(id, "hold", c->now);
	int rc = db_exec(c->db, "INSERT INTO legal_holds (org_id, id, person_id, reason, placed_by, placed_at) VALUES (?,?,?,?,?,?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(person), DB_TXT(in_str(in, "reason")),
				 DB_TXT(c->actor.person_id), DB_INT(c->now)),
			 NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (svc_event(c, "legal_hold.placed", "legal_hold", id, NULL,
		      json_pack("{s:s,s:s}", "person_id", person, "reason", in_str(in, "reason"))))
		return -1;
	return hold_json(c, id, out);
}

static int lh_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	if (svc_require(c, PERM_MANAGE_LEGAL_HOLDS))
		return -1;
	return svc_items(c, out, hold_row,
			 "SELECT " HOLD_COLS " FROM legal_holds WHERE org_id = ? ORDER BY placed_at DESC, id DESC",
			 DB_ARGS(DB_TXT(c->actor.org_id)));
}

static int lh_release(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	json_t *h;
	if (svc_require(c, PERM_MANAGE_LEGAL_HOLDS) || hold_json(c, p[0], &h))
		return -1;
	json_decref(h);
	int64_t n = 0;
	int rc = db_exec(c->db,
			 "UPDATE legal_holds SET released_at = ?, released_by = ? WHERE org_id = ? AND id = ? AND released_at IS NULL",
			 DB_ARGS(DB_INT(c->now), DB_TXT(c->actor.person_id), DB_TXT(c->actor.org_id), DB_TXT(p[0])), &n);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (n != 1)
		return err_set(&c->err, ERR_CONFLICT, "hold_released", NULL, "the hold is already released");
	if (svc_event(c, "legal_hold.released", "legal_hold", p[0], NULL, json_pack("{s:s}", "reason", in_str(in, "reason"))))
		return -1;
	return hold_json(c, p[0], out);
}

/* The coaching notes of the held person (as employee or as supervisor); each opening is an event. */
static int lh_notes(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	int rc;
	db_res *r;
	char person[ID_SIZE] = "";
	int active = 0;
	if (coaching_may_read_under_hold(c->actor.role, 1, &c->err)) /* the role first: no hint whether the hold exists */
		return -1;
	if (svc_load_id(c, "hold", p[0], "hold_not_found", "no such legal hold", &r,
			"SELECT person_id, released_at FROM legal_holds WHERE org_id = ? AND id = ?"))
		return -1;
	svc_copy(c, person, sizeof person, db_text(r, 0));
	active = db_is_null(r, 1);
	db_res_discard(r);
	if (coaching_may_read_under_hold(c->actor.role, active, &c->err))
		return -1;
	if ((rc = db_query(c->db,
			   "SELECT " NOTE_COLS " FROM coaching_notes WHERE org_id = ? AND (supervisor_id = ? OR employee_id = ?) "
			   "ORDER BY created_at, id",
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(person), DB_TXT(person)), &r)) != DB_OK)
		return svc_db_err(c, rc);
	json_t *items = json_array(), *ids = json_array();
	while (db_next(r) == 1) {
		json_array_append_new(items, note_row(c, r));
		json_array_append_new(ids, json_string(db_text(r, 0)));
	}
	if ((rc = db_res_close(r)) != DB_OK) {
		json_decref(items);
		json_decref(ids);
		return svc_db_err(c, rc);
	}
	if (svc_event(c, "coaching.read_under_hold", "legal_hold", p[0], NULL,
		      json_pack("{s:s,s:o,s:s}", "person_id", person, "notes", ids, "reason",
				in_str(in, "reason") ? in_str(in, "reason") : ""))) {
		json_decref(items);
		return -1;
	}
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

#include "svc/learning/coaching.api.inc"
