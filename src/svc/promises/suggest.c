/* Suggested words for the customer (GET /api/v1/cases/{id}/suggested-words), built from the
 * case's record by core/words.c, and the organization's editable templates. */
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "core/words.h"
#include "svc/ledger/case.h"
#include "svc/promises/suggest.h"

/* The organization's template for key (new string): its own, or the default. */
static char *template_for(svc_ctx *c, const char *key, int *custom)
{
	int rc;
	db_res *r;
	char *s = NULL;
	*custom = 0;
	if (svc_query(c, "SELECT text FROM word_templates WHERE org_id = ? AND key = ?",
		      DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(key)), &r)) {
		if (db_next(r) == 1) {
			s = xstrdup(db_text(r, 0));
			*custom = 1;
		}
		if ((rc = db_res_close(r)) != DB_OK)
			svc_db_err(c, rc);
	}
	return s ? s : xstrdup(words_default(key));
}

struct facts {
	char customer[256], promise[512], promise_due[64], waiting_on[300], waiting_for[512], new_time[64], policy[256];
	char next_time[64], senior[256], likely_by[64];
	struct words_situation sit;
};

/* A pending promise made against an estimate's warning: the time it was 80% likely by. */
static int gather_estimate(svc_ctx *c, const char *tz, struct facts *f, const char *promise_id)
{
	int rc;
	db_res *r;
	if (!f->sit.has_promise || f->sit.promise_broken)
		return 0;
	if (!svc_query(c, "SELECT by80 FROM estimates WHERE org_id = ? AND subject_id = ? AND warned <> 0 AND by80 IS NOT NULL",
		       DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(promise_id)), &r))
		return 0;
	if (db_next(r) == 1) {
		words_time_in(db_int(r, 0), tz, f->likely_by, sizeof f->likely_by);
		f->sit.unlikely = 1;
	}
	if ((rc = db_res_close(r)) != DB_OK)
		svc_db_err(c, rc);
	return 0;
}

/* A pending promise of the case (soonest first), else the latest broken one; its id into
 * promise_id. */
static int gather_promise(svc_ctx *c, const struct case_row *row, const char *tz, struct facts *f, char promise_id[ID_SIZE])
{
	int rc;
	db_res *r;
	/* a pending promise (soonest first), else the latest broken one */
	if ((rc = db_query(
		     c->db,
		     "SELECT id, what, due_at, status FROM promises WHERE org_id = ? AND case_id = ? AND status IN ('pending','broken') "
		     "ORDER BY CASE status WHEN 'pending' THEN 0 ELSE 1 END, CASE status WHEN 'pending' THEN due_at ELSE -due_at END LIMIT 1",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(row->id)), &r)) != DB_OK)
		return svc_db_err(c, rc);
	if (db_next(r) == 1) {
		svc_copy(c, promise_id, ID_SIZE, db_text(r, 0));
		words_quotable(db_text(r, 1), f->promise, sizeof f->promise); /* it stands in quotation marks */
		words_time_in(db_int(r, 2), tz, f->promise_due, sizeof f->promise_due);
		f->sit.has_promise = 1;
		f->sit.promise_broken = strcmp(db_text(r, 3), "broken") == 0;
	}
	if ((rc = db_res_close(r)) != DB_OK)
		svc_db_err(c, rc);
	return gather_estimate(c, tz, f, promise_id);
}

/* The request the promise waits on (any of the case's when promise_id is ""), the most serious
 * first: declined, deferred, overdue, open. */
static int gather_request(svc_ctx *c, const struct case_row *row, const char *tz, struct facts *f, const char *promise_id)
{
	int rc;
	db_res *r;
	if ((rc = db_query(
		     c->db,
		     "SELECT q.id, q.what, q.status, q.due_at, q.holder_person_id, hp.role, hp.name, t.name, pol.name, po.role, po.name, "
		     "(SELECT COUNT(*) FROM policy_conflicts pc WHERE pc.org_id = q.org_id AND pc.request_id = q.id), "
		     "CASE WHEN q.overdue_at IS NOT NULL OR q.status = 'declined' THEN 1 ELSE 0 END "
		     "FROM requests q LEFT JOIN people hp ON hp.org_id = q.org_id AND hp.id = q.holder_person_id "
		     "LEFT JOIN teams t ON t.org_id = q.org_id AND t.id = COALESCE(q.holder_team_id, hp.team_id) "
		     "LEFT JOIN policies pol ON pol.org_id = q.org_id AND pol.id = q.policy_id "
		     "LEFT JOIN people po ON po.org_id = pol.org_id AND po.id = pol.owner_id "
		     "WHERE q.org_id = ? AND q.case_id = ? AND q.status <> 'done' "
		     "AND (? = '' OR q.id IN (SELECT request_id FROM request_promises rp WHERE rp.org_id = q.org_id AND rp.promise_id = ?)) "
		     "ORDER BY CASE WHEN q.status = 'declined' THEN 0 WHEN q.status = 'deferred' THEN 1 "
		     "WHEN q.overdue_at IS NOT NULL THEN 2 ELSE 3 END, q.due_at LIMIT 1",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(row->id), DB_TXT(promise_id), DB_TXT(promise_id)), &r)) != DB_OK)
		return svc_db_err(c, rc);
	if (db_next(r) == 1) {
		f->sit.waiting = 1;
		f->sit.late = db_int(r, 12) != 0; /* a request asked minutes ago is owed no apology */
		svc_copy(c, f->waiting_for, sizeof f->waiting_for, db_text(r, 1));
		/* a team or a role, never a colleague's name */
		if (*db_text(r, 7))
			snprintf(f->waiting_on, sizeof f->waiting_on, "our %s team", db_text(r, 7));
		else
			STR_COPY(f->waiting_on, "a colleague");
		if (strcmp(db_text(r, 2), "deferred") == 0) {
			f->sit.deferred = 1;
			words_time_in(db_int(r, 3), tz, f->new_time, sizeof f->new_time);
		}
		if (*db_text(r, 8) && db_int(r, 11) > 0) {
			f->sit.policy = 1;
			svc_copy(c, f->policy, sizeof f->policy, db_text(r, 8));
		}
		/* the senior person responsible: a leader holding the request, or the leader owning the policy */
		if (strcmp(db_text(r, 5), "leader") == 0)
			svc_copy(c, f->senior, sizeof f->senior, db_text(r, 6));
		else if (f->sit.policy && strcmp(db_text(r, 9), "leader") == 0)
			svc_copy(c, f->senior, sizeof f->senior, db_text(r, 10));
		f->sit.senior = *f->senior != '\0';
	}
	if ((rc = db_res_close(r)) != DB_OK)
		svc_db_err(c, rc);
	return 0;
}

/* The next time the customer will hear from us: the earliest pending update duty. */
static int gather_next_time(svc_ctx *c, const struct case_row *row, const char *tz, struct facts *f)
{
	int rc;
	db_res *r;
	if ((rc = db_query(
		     c->db,
		     "SELECT MIN(due_at) FROM update_duties WHERE org_id = ? AND case_id = ? AND status = 'pending' AND due_at >= ?",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(row->id), DB_INT(c->now)), &r)) != DB_OK)
		return svc_db_err(c, rc);
	if (db_next(r) == 1 && !db_is_null(r, 0)) {
		words_time_in(db_int(r, 0), tz, f->next_time, sizeof f->next_time);
		f->sit.next_time = 1;
	}
	if ((rc = db_res_close(r)) != DB_OK)
		svc_db_err(c, rc);
	return 0;
}

/* Pick the promise the customer cares about now and the request it waits on; fill f. */
static int gather(svc_ctx *c, const struct case_row *row, struct facts *f)
{
	char promise_id[ID_SIZE] = "";
	memset(f, 0, sizeof *f);
	/* times are told in the time zone of the place the case was taken in (the customer's side) */
	char tz[64] = "";
	if (svc_text(c, tz, sizeof tz,
		     "SELECT l.tz FROM cases ca JOIN locations l ON l.org_id = ca.org_id AND l.id = ca.intake_location_id "
		     "WHERE ca.org_id = ? AND ca.id = ?",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(row->id))) ||
	    svc_text(c, f->customer, sizeof f->customer, "SELECT name FROM customers WHERE org_id = ? AND id = ?",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(row->customer_id))))
		return -1;
	f->sit.resolved = !row->open;
	if (gather_promise(c, row, tz, f, promise_id) || gather_request(c, row, tz, f, promise_id) ||
	    gather_next_time(c, row, tz, f))
		return -1;
	return 0;
}

static int sw_case(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct case_row row;
	struct facts f;
	if (case_load(c, p[0], &row) || gather(c, &row, &f))
		return -1;
	const struct words_fact facts[] = {
		{"customer", f.customer},     {"promise", f.promise},	      {"promise_due", f.promise_due},
		{"waiting_on", f.waiting_on}, {"waiting_for", f.waiting_for}, {"new_time", f.new_time},
		{"policy", f.policy},	      {"next_time", f.next_time},     {"senior", f.senior},
		{"likely_by", f.likely_by},
	};
	size_t nf = sizeof facts / sizeof facts[0];
	const char *keys[16];
	size_t nk = words_select(&f.sit, keys, 16);
	json_t *msgs = json_array(), *all = json_object();
	for (size_t i = 0; i < nf; i++)
		json_object_set_new(all, facts[i].name, *facts[i].value ? json_string(facts[i].value) : json_null());
	for (size_t i = 0; i < nk; i++) {
		int custom;
		const char *used[WORDS_MAX_USED];
		size_t nused;
		char *tmpl = template_for(c, keys[i], &custom);
		char *text = words_render(tmpl, facts, nf, used, &nused);
		free(tmpl);
		if (!text)
			continue; /* the record does not show everything this message would say */
		json_t *uf = json_object();
		for (size_t k = 0; k < nused; k++)
			json_object_set(uf, used[k], json_object_get(all, used[k]));
		json_array_append_new(msgs, json_pack("{s:s,s:s,s:o}", "key", keys[i], "text", text, "facts", uf));
		free(text);
	}
	*out = json_pack("{s:s,s:b,s:o,s:o,s:{s:b,s:b,s:b,s:b,s:b,s:b,s:b}}", "case_id", row.id, "open", row.open, "messages",
			 msgs, "facts", all, "situation", "promise", f.sit.has_promise, "broken", f.sit.promise_broken, "waiting",
			 f.sit.waiting, "deferred", f.sit.deferred, "policy_conflict", f.sit.policy, "leader_holds", f.sit.senior,
			 "unlikely", f.sit.unlikely);
	return 0;
}

static json_t *template_json(svc_ctx *c, const char *key)
{
	int custom;
	char *t = template_for(c, key, &custom);
	json_t *o = json_pack("{s:s,s:s,s:s,s:b}", "key", key, "text", t, "default", words_default(key), "customized", custom);
	free(t);
	return o;
}

static int tpl_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	json_t *items = json_array(), *ph = json_array();
	for (const char *const *k = WORDS_KEYS; *k; k++)
		json_array_append_new(items, template_json(c, *k));
	for (const char *const *k = WORDS_PLACEHOLDERS; *k; k++)
		json_array_append_new(ph, json_string(*k));
	*out = json_pack("{s:o,s:o}", "items", items, "placeholders", ph);
	return 0;
}

static int tpl_put(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	const char *bad, *text = in_str(in, "text");
	int rc;
	if (svc_require(c, PERM_EDIT_TEMPLATES))
		return -1;
	if (!words_default(p[0]))
		return err_set(&c->err, ERR_NOT_FOUND, "template_not_found", "key", "no such template");
	if (in_bool(in, "reset", 0)) {
		rc = db_exec(c->db, "DELETE FROM word_templates WHERE org_id = ? AND key = ?",
			     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(p[0])), NULL);
	} else {
		if (!text)
			return err_set(&c->err, ERR_INVALID, "required", "text", "give text, or reset: true");
		if (words_check(text, &bad)) {
			if (bad)
				return err_set(&c->err, ERR_INVALID, "unknown_placeholder", "text", "unknown placeholder at \"%.*s\"", (int)utf8_cut(bad, 40), bad);
			return err_set(&c->err, ERR_INVALID, "bad_template", "text", "unbalanced braces in the template");
		}
		rc = db_exec(c->db,
			     "INSERT INTO word_templates (org_id, key, text, updated_by, updated_at) VALUES (?,?,?,?,?) "
			     "ON CONFLICT (org_id, key) DO UPDATE SET text = excluded.text, updated_by = excluded.updated_by, "
			     "updated_at = excluded.updated_at",
			     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(p[0]), DB_TXT(text), DB_TXT(c->actor.person_id), DB_INT(c->now)), NULL);
	}
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (svc_event(c, "words.template_changed", "word_template", p[0], NULL,
		      json_pack("{s:s?,s:b}", "text", text, "reset", in_bool(in, "reset", 0))))
		return -1;
	*out = template_json(c, p[0]);
	return 0;
}

#include "svc/promises/suggest.api.inc"
