/* Failure reviews: opened on every breach and every complaint (hooks) or by hand; owned by the
 * case owner's supervisor; pre-filled with what the case already knows; causes from a systemic
 * taxonomy with evidence; actions tracked like requests; the root-cause report. */
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "core/review_rules.h"
#include "svc/case.h"
#include "svc/learning.h"
#include "svc/promise.h"
#include "svc/resources.h"
#include "svc/settings.h"
#include "svc/tick.h"

#define DAY_MS (24LL * 3600 * 1000)
#define MAX_PATH 32
#define LEARN_TICK_BATCH 500

void learning_count(json_t *summary, const char *key, long long n)
{
	if (!summary || n == 0)
		return;
	json_t *v = json_object_get(summary, key);
	json_object_set_new(summary, key, json_integer((v ? json_integer_value(v) : 0) + n));
}

void learning_manager_of(svc_ctx *c, const char *person_id, char id[ID_SIZE])
{
	db_res *r;
	id[0] = '\0';
	if (db_query(c->db, "SELECT manager_id FROM people WHERE org_id = ? AND id = ?",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(person_id)), &r) == DB_OK) {
		if (db_next(r) == 1 && !db_is_null(r, 0))
			str_copy(id, ID_SIZE, db_text(r, 0));
		db_res_free(r);
	}
	if (!*id) {
		char *contact = setting_str(c, "request.escalation_contact");
		if (contact && strcmp(contact, person_id) != 0)
			str_copy(id, ID_SIZE, contact);
		free(contact);
	}
}

int64_t learning_day(int64_t t)
{
	return (t >= 0 ? t / DAY_MS : (t - DAY_MS + 1) / DAY_MS) * DAY_MS;
}

int learning_bump(svc_ctx *c, int64_t at, const char *kind, const char *label, const char *team_id, int64_t delta)
{
	int rc = db_exec(c->db,
			 "INSERT INTO learning_daily (org_id, day, kind, label, team_id, n) VALUES (?,?,?,?,?,?) "
			 "ON CONFLICT (org_id, kind, day, label, team_id) DO UPDATE SET n = learning_daily.n + excluded.n",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_INT(learning_day(at)), DB_TXT(kind), DB_TXT(label ? label : ""),
				 DB_TXT(team_id ? team_id : ""), DB_INT(delta)),
			 NULL);
	return rc == DB_OK ? 0 : svc_db_err(c, rc);
}

/* --- pre-filled facts --- */

/* Collect every string in j that is a policy id ("pol_...") into set (an object used as a set). */
static void collect_policies(json_t *j, json_t *set)
{
	size_t i;
	const char *k;
	json_t *v;
	if (json_is_string(j) && strncmp(json_string_value(j), "pol_", 4) == 0)
		json_object_set_new(set, json_string_value(j), json_true());
	else if (json_is_array(j))
		json_array_foreach(j, i, v) collect_policies(v, set);
	else if (json_is_object(j))
		json_object_foreach(j, k, v) collect_policies(v, set);
}

/* The first string value of key anywhere in j (depth first), or NULL. */
static const char *find_key(json_t *j, const char *key)
{
	size_t i;
	const char *k;
	json_t *v;
	if (json_is_object(j)) {
		v = json_object_get(j, key);
		if (json_is_string(v) && *json_string_value(v))
			return json_string_value(v);
		json_object_foreach(j, k, v)
		{
			const char *s = find_key(v, key);
			if (s)
				return s;
		}
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
		{
			const char *s = find_key(v, key);
			if (s)
				return s;
		}
	}
	return NULL;
}

static int str_in(const char *s, const char *const *set)
{
	for (; s && *set; set++)
		if (strcmp(s, *set) == 0)
			return 1;
	return 0;
}

/* A request from the case page that held things up: late, overdue, declined or deferred, or
 * done after its due time. */
static int request_late(json_t *rq, int64_t now)
{
	static const char *const BAD[] = {"overdue", "declined", "deferred", "late", NULL};
	static const char *const FINISHED[] = {"done", "completed", "cancelled", "canceled", "withdrawn", NULL};
	if (json_is_true(json_object_get(rq, "late")) || json_is_true(json_object_get(rq, "overdue")))
		return 1;
	const char *status = json_string_value(json_object_get(rq, "status"));
	if (str_in(status, BAD))
		return 1;
	const char *due = json_string_value(json_object_get(rq, "due_at"));
	const char *done = json_string_value(json_object_get(rq, "done_at"));
	if (!done)
		done = json_string_value(json_object_get(rq, "completed_at"));
	if (due && done)
		return strcmp(done, due) > 0; /* same RFC 3339 UTC format: text order is time order */
	int64_t due_ms;
	if (due && !str_in(status, FINISHED) && time_parse(due, &due_ms) == 0 && due_ms <= now)
		return 1;
	return 0;
}

static json_t *facts_of(svc_ctx *c, json_t *view, const char *promise_id, json_t *attribution, json_t *boundaries,
			json_t *policy_labels)
{
	json_t *facts = json_object(), *v;
	size_t i;
	json_object_set_new(facts, "case",
			    json_pack("{s:O,s:O,s:O,s:O}", "id", json_object_get(view, "id"), "number",
				      json_object_get(view, "number"), "subject", json_object_get(view, "subject"), "owner",
				      json_object_get(view, "owner")));
	json_t *promise = json_null();
	json_array_foreach(json_object_get(view, "promises"), i, v)
	{
		if (promise_id && json_is_string(json_object_get(v, "id")) &&
		    strcmp(json_string_value(json_object_get(v, "id")), promise_id) == 0) {
			json_decref(promise);
			promise = json_deep_copy(v);
		}
	}
	json_object_set_new(facts, "promise", promise);
	json_object_set_new(facts, "attribution", attribution ? json_deep_copy(attribution) : json_null());
	json_t *late = json_array();
	json_array_foreach(json_object_get(view, "requests"), i, v) if (request_late(v, c->now))
		json_array_append_new(late, json_deep_copy(v));
	json_object_set_new(facts, "late_requests", late);
	json_t *pc = json_object_get(view, "policy_conflicts");
	json_object_set_new(facts, "policy_conflicts", json_is_array(pc) ? json_deep_copy(pc) : json_array());
	json_t *breaches = json_object_get(view, "breaches");
	json_object_set_new(facts, "breaches", json_is_array(breaches) ? json_deep_copy(breaches) : json_array());

	/* channels crossed: the case's first channel, each touchpoint's and each promise's (where it
	 * was made), in time order */
	json_t *steps = json_array();
	json_array_append_new(steps, json_pack("[O,O]", json_object_get(view, "created_at"), json_object_get(view, "channel")));
	json_array_foreach(json_object_get(view, "touchpoints"), i, v)
		json_array_append_new(steps, json_pack("[O,O]", json_object_get(v, "at"), json_object_get(v, "channel")));
	json_array_foreach(json_object_get(view, "promises"), i, v)
		json_array_append_new(steps, json_pack("[O,O]", json_object_get(v, "created_at"), json_object_get(v, "channel")));
	size_t n = json_array_size(steps);
	size_t *order = xmalloc((n + 1) * sizeof *order);
	for (size_t a = 0; a < n; a++) { /* stable insertion sort by time text (RFC 3339 UTC sorts as time) */
		const char *ta = json_string_value(json_array_get(json_array_get(steps, a), 0));
		size_t b = a;
		for (; b > 0; b--) {
			const char *tb = json_string_value(json_array_get(json_array_get(steps, order[b - 1]), 0));
			if (strcmp(tb ? tb : "", ta ? ta : "") <= 0)
				break;
			order[b] = order[b - 1];
		}
		order[b] = a;
	}
	const char **chs = xmalloc((n + 1) * sizeof *chs);
	const char *path[MAX_PATH];
	for (size_t a = 0; a < n; a++)
		chs[a] = json_string_value(json_array_get(json_array_get(steps, order[a]), 1));
	size_t k = review_channel_path(chs, n, path, MAX_PATH);
	json_t *channels = json_array();
	for (size_t j = 0; j < k; j++) {
		json_array_append_new(channels, json_string(path[j]));
		if (j > 0) {
			char *b = xasprintf("%s->%s", path[j - 1], path[j]);
			if (!json_object_get(boundaries, b))
				json_object_set_new(boundaries, b, json_true());
			free(b);
		}
	}
	free(chs);
	free(order);
	json_decref(steps);
	json_object_set_new(facts, "channels", channels);
	json_t *bl = json_array();
	const char *key;
	json_object_foreach(boundaries, key, v) json_array_append_new(bl, json_string(key));
	json_object_set_new(facts, "boundaries", bl);

	/* policies: each conflict gives a pair (sorted ids joined by '+'); a policy named only by the
	 * attribution stands alone */
	json_t *in_pairs = json_object();
	json_array_foreach(json_object_get(facts, "policy_conflicts"), i, v)
	{
		json_t *set = json_object();
		collect_policies(v, set);
		const char *ids[8];
		size_t m = 0;
		json_t *x;
		json_object_foreach(set, key, x) if (m < 8) ids[m++] = key;
		for (size_t a = 0; a < m; a++) /* insertion sort: a handful of ids */
			for (size_t b = a; b > 0 && strcmp(ids[b - 1], ids[b]) > 0; b--) {
				const char *t = ids[b];
				ids[b] = ids[b - 1];
				ids[b - 1] = t;
			}
		if (m >= 2) {
			char *label = xasprintf("%s+%s", ids[0], ids[1]);
			json_object_set_new(policy_labels, label, json_true());
			json_object_set_new(in_pairs, ids[0], json_true());
			json_object_set_new(in_pairs, ids[1], json_true());
			free(label);
		} else if (m == 1) {
			json_object_set_new(policy_labels, ids[0], json_true());
			json_object_set_new(in_pairs, ids[0], json_true());
		}
		json_decref(set);
	}
	json_t *aset = json_object();
	collect_policies(attribution, aset);
	json_object_foreach(aset, key, v) if (!json_object_get(in_pairs, key)) json_object_set_new(policy_labels, key, json_true());
	json_decref(aset);
	json_decref(in_pairs);
	return facts;
}

/* What a review knows about its case: facts, boundaries and policies (objects used as sets) and
 * the team (filled, "" when none).  All new references. */
struct review_facts {
	json_t *facts, *boundaries, *policies;
	char team[ID_SIZE];
};

static void review_facts_release(struct review_facts *f)
{
	json_decref(f->facts);
	json_decref(f->boundaries);
	json_decref(f->policies);
	memset(f, 0, sizeof *f);
}

static int review_compute(svc_ctx *c, const struct case_row *row, const char *promise_id, json_t *attribution,
			  struct review_facts *f)
{
	json_t *view;
	memset(f, 0, sizeof *f);
	if (case_view(c, row->id, &view))
		return -1;
	f->boundaries = json_object();
	f->policies = json_object();
	/* the team for the report: where the attribution's causes point (the first holder's team),
	 * else the case's team */
	const char *ateam = find_key(json_object_get(attribution, "causes"), "team_id");
	str_copy(f->team, sizeof f->team, ateam ? ateam : row->team_id);
	f->facts = facts_of(c, view, promise_id, attribution, f->boundaries, f->policies);
	json_decref(view);
	return 0;
}

static int facets_write(svc_ctx *c, const char *review_id, const char *case_id, int64_t opened_at, const struct review_facts *f)
{
	const char *key;
	json_t *v;
	const char *kinds[2] = {"boundary", "policy"};
	json_t *sets[2] = {f->boundaries, f->policies};
	for (int s = 0; s < 2; s++) {
		json_object_foreach(sets[s], key, v)
		{
			int rc = db_exec(c->db,
					 "INSERT INTO review_facets (org_id, review_id, kind, label, case_id, opened_at) VALUES (?,?,?,?,?,?)",
					 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(review_id), DB_TXT(kinds[s]), DB_TXT(key), DB_TXT(case_id),
						 DB_INT(opened_at)),
					 NULL);
			if (rc != DB_OK)
				return svc_db_err(c, rc);
			if (learning_bump(c, opened_at, kinds[s], key, "", 1))
				return -1;
		}
	}
	return 0;
}

int review_open(svc_ctx *c, const char *case_id, const char *trigger, const char *breach_id, const char *promise_id,
		json_t *attribution, char id[ID_SIZE], int *created)
{
	struct case_row row;
	char owner[ID_SIZE];
	struct review_facts f = {0};
	char *facts_text = NULL;
	int ret = -1;
	*created = 0;
	if (case_load(c, case_id, &row) || review_compute(c, &row, promise_id, attribution, &f))
		goto cleanup;
	learning_manager_of(c, row.owner_id, owner);
	if (!*owner)
		str_copy(owner, sizeof owner, row.owner_id);
	facts_text = json_dumps(f.facts, JSON_COMPACT);
	int64_t due = c->now + setting_int(c, "review.due_days") * DAY_MS;
	id_new(id, "rev", c->now);
	int64_t n = 0;
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
	if (n == 0) { /* this breach already has its review */
		db_res *r;
		if (db_query(c->db, "SELECT id FROM reviews WHERE org_id = ? AND breach_id = ?",
			     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(breach_id)), &r) == DB_OK) {
			if (db_next(r) == 1)
				str_copy(id, ID_SIZE, db_text(r, 0));
			db_res_free(r);
		}
		ret = 0;
		goto cleanup;
	}
	if (facets_write(c, id, row.id, c->now, &f) || learning_bump(c, c->now, "review", "", f.team, 1))
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
	review_facts_release(&f);
	free(facts_text);
	return ret;
}

int review_on_breach(svc_ctx *c, const char *case_id, const char *promise_id, const char *breach_id, json_t *attribution)
{
	char id[ID_SIZE];
	int created;
	return review_open(c, case_id, "breach", breach_id, promise_id, attribution, id, &created);
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

static int review_may_read(svc_ctx *c, const struct review_row *rv)
{
	return c->actor.role == ROLE_SYSTEM || c->actor.role == ROLE_SUPERVISOR || c->actor.role == ROLE_LEADER ||
	       c->actor.role == ROLE_ADMIN || strcmp(c->actor.person_id, rv->owner_id) == 0 ||
	       strcmp(c->actor.person_id, rv->case_owner_id) == 0;
}

static int review_may_edit(svc_ctx *c, const struct review_row *rv)
{
	if (c->actor.role == ROLE_SYSTEM || c->actor.role == ROLE_LEADER || c->actor.role == ROLE_ADMIN ||
	    strcmp(c->actor.person_id, rv->owner_id) == 0)
		return 0;
	return err_set(&c->err, ERR_FORBIDDEN, "not_review_owner", NULL,
		       "only the review's owner, a leader or an admin can change a review");
}

/* Load a review the actor may read; otherwise (absent, another organization's, not readable) 404. */
static int review_load(svc_ctx *c, const char *id, struct review_row *rv)
{
	db_res *r;
	memset(rv, 0, sizeof *rv);
	if (!id_valid(id, "rev"))
		return err_set(&c->err, ERR_NOT_FOUND, "review_not_found", "id", "no such review");
	if (db_query(c->db,
		     "SELECT id, case_id, owner_id, case_owner_id, COALESCE(team_id, ''), status, opened_at FROM reviews "
		     "WHERE org_id = ? AND id = ?",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id)), &r) != DB_OK)
		return svc_db_err(c, DB_ERROR);
	int rc = db_next(r);
	if (rc == 1) {
		str_copy(rv->id, sizeof rv->id, db_text(r, 0));
		str_copy(rv->case_id, sizeof rv->case_id, db_text(r, 1));
		str_copy(rv->owner_id, sizeof rv->owner_id, db_text(r, 2));
		str_copy(rv->case_owner_id, sizeof rv->case_owner_id, db_text(r, 3));
		str_copy(rv->team_id, sizeof rv->team_id, db_text(r, 4));
		rv->open = strcmp(db_text(r, 5), "open") == 0;
		rv->opened_at = db_int(r, 6);
	}
	db_res_free(r);
	if (rc != 1 || !review_may_read(c, rv))
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

static int review_json(svc_ctx *c, const char *id, json_t **out)
{
	db_res *r;
	if (db_query(c->db,
		     "SELECT " REVIEW_COLS " FROM reviews rv JOIN cases ca ON ca.org_id = rv.org_id AND ca.id = rv.case_id "
		     "WHERE rv.org_id = ? AND rv.id = ?",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id)), &r) != DB_OK)
		return svc_db_err(c, DB_ERROR);
	if (db_next(r) != 1) {
		db_res_free(r);
		return err_set(&c->err, ERR_NOT_FOUND, "review_not_found", "id", "no such review");
	}
	json_t *o = review_brief_row(c, r);
	json_t *facts = json_loads(db_text(r, 15), 0, NULL);
	json_object_set_new(o, "facts", facts ? facts : json_object());
	json_object_set_new(o, "closed_by", db_is_null(r, 16) ? json_null() : svc_person_brief(c, db_text(r, 16)));
	db_res_free(r);
	json_t *causes = json_array(), *actions = json_array();
	if (db_query(c->db,
		     "SELECT category, evidence, reason, added_by, added_at FROM review_causes WHERE org_id = ? AND review_id = ? "
		     "ORDER BY added_at, category",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id)), &r) == DB_OK) {
		while (db_next(r) == 1)
			json_array_append_new(causes, json_pack("{s:s,s:s,s:s,s:o,s:o}", "category", db_text(r, 0), "evidence",
								db_text(r, 1), "reason", db_text(r, 2), "added_by",
								svc_person_brief(c, db_text(r, 3)), "added_at", svc_col_time(r, 4)));
		db_res_free(r);
	}
	if (db_query(c->db, "SELECT " ACTION_COLS " FROM review_actions WHERE org_id = ? AND review_id = ? ORDER BY created_at, id",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id)), &r) == DB_OK) {
		while (db_next(r) == 1)
			json_array_append_new(actions, action_row(c, r));
		db_res_free(r);
	}
	json_object_set_new(o, "causes", causes);
	json_object_set_new(o, "actions", actions);
	*out = o;
	return 0;
}

/* Case view part "reviews": the case's failure reviews (brief), for those who may read them
 * (supervisors, leaders, admins, the case owner, a review's owner); others get an empty list. */
int review_view_part(svc_ctx *c, const char *case_id, json_t *view)
{
	db_res *r;
	json_t *items = json_array();
	int all = c->actor.role == ROLE_SYSTEM || c->actor.role == ROLE_SUPERVISOR || c->actor.role == ROLE_LEADER ||
		  c->actor.role == ROLE_ADMIN;
	if (db_query(c->db,
		     "SELECT id, trigger_kind, status, owner_id, due_at, opened_at FROM reviews WHERE org_id = ? AND case_id = ? "
		     "AND (? = 1 OR owner_id = ? OR case_owner_id = ?) ORDER BY opened_at, id",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id), DB_INT(all), DB_TXT(c->actor.person_id),
			     DB_TXT(c->actor.person_id)),
		     &r) != DB_OK) {
		json_decref(items);
		return svc_db_err(c, DB_ERROR);
	}
	while (db_next(r) == 1) {
		char link[128];
		snprintf(link, sizeof link, "/api/v1/reviews/%s", db_text(r, 0));
		json_array_append_new(items, json_pack("{s:s,s:s,s:s,s:o,s:o,s:o,s:s}", "id", db_text(r, 0), "trigger", db_text(r, 1),
						       "status", db_text(r, 2), "owner", svc_person_brief(c, db_text(r, 3)), "due_at",
						       svc_col_time(r, 4), "opened_at", svc_col_time(r, 5), "link", link));
	}
	db_res_free(r);
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
	if (in_str(in, "summary") &&
	    db_exec(c->db, "UPDATE reviews SET summary = ? WHERE org_id = ? AND id = ?",
		    DB_ARGS(DB_TXT(in_str(in, "summary")), DB_TXT(c->actor.org_id), DB_TXT(id)), NULL) != DB_OK)
		return svc_db_err(c, DB_ERROR);
	return review_json(c, id, out);
}

static int rv_show(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct review_row rv;
	if (review_load(c, p[0], &rv))
		return -1;
	return review_json(c, rv.id, out);
}

static int rv_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char owner[ID_SIZE] = "";
	if (in_bool(in, "mine", 0))
		str_copy(owner, sizeof owner, c->actor.person_id);
	else if (in_str(in, "owner") && svc_person_ref(c, in_str(in, "owner"), "owner", owner))
		return -1;
	/* frontline and support see the reviews of their own cases (and any they own) */
	int all = c->actor.role == ROLE_SUPERVISOR || c->actor.role == ROLE_LEADER || c->actor.role == ROLE_ADMIN;
	const char *status = in_str(in, "status"), *case_id = in_str(in, "case_id");
	db_res *r;
	int rc = db_query(c->db,
			  "SELECT " REVIEW_COLS " FROM reviews rv JOIN cases ca ON ca.org_id = rv.org_id AND ca.id = rv.case_id "
			  "WHERE rv.org_id = ? AND (? = '' OR rv.owner_id = ?) AND (? IS NULL OR rv.status = ?) "
			  "AND (? IS NULL OR rv.case_id = ?) AND (? = 1 OR rv.owner_id = ? OR rv.case_owner_id = ?) "
			  "ORDER BY rv.opened_at DESC, rv.id DESC LIMIT ?",
			  DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(owner), DB_TXT(owner), DB_TXT(status), DB_TXT(status),
				  DB_TXT(case_id), DB_TXT(case_id), DB_INT(all), DB_TXT(c->actor.person_id),
				  DB_TXT(c->actor.person_id), DB_INT(svc_limit(in))),
			  &r);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	json_t *items = json_array();
	while (db_next(r) == 1)
		json_array_append_new(items, review_brief_row(c, r));
	db_res_free(r);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

/* Recompute the facts from the case page as it is now (contacts and requests after the review
 * opened), keeping the attribution the review opened with. */
static int rv_refresh(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct review_row rv;
	struct case_row row;
	struct review_facts f = {0};
	db_res *r;
	char promise[ID_SIZE] = "";
	json_t *old = NULL;
	int ret = -1;
	if (review_load(c, p[0], &rv) || review_may_edit(c, &rv))
		return -1;
	if (!rv.open)
		return err_set(&c->err, ERR_CONFLICT, "review_closed", NULL, "the review is closed");
	if (db_query(c->db, "SELECT COALESCE(promise_id, ''), facts FROM reviews WHERE org_id = ? AND id = ?",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(rv.id)), &r) != DB_OK)
		return svc_db_err(c, DB_ERROR);
	if (db_next(r) == 1) {
		str_copy(promise, sizeof promise, db_text(r, 0));
		old = json_loads(db_text(r, 1), 0, NULL);
	}
	db_res_free(r);
	json_t *att = json_object_get(old, "attribution");
	if (case_load(c, rv.case_id, &row) || review_compute(c, &row, *promise ? promise : NULL, json_is_null(att) ? NULL : att, &f))
		goto cleanup;
	/* move the daily counts: the old facets and team out, the new in */
	json_t *undo = json_array();
	if (db_query(c->db, "SELECT kind, label FROM review_facets WHERE org_id = ? AND review_id = ?",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(rv.id)), &r) == DB_OK) {
		while (db_next(r) == 1)
			json_array_append_new(undo, json_pack("[s,s,s]", db_text(r, 0), db_text(r, 1), ""));
		db_res_free(r);
	}
	if (db_query(c->db, "SELECT category FROM review_causes WHERE org_id = ? AND review_id = ?",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(rv.id)), &r) == DB_OK) {
		while (db_next(r) == 1)
			json_array_append_new(undo, json_pack("[s,s,s]", "cause", db_text(r, 0), rv.team_id));
		db_res_free(r);
	}
	json_array_append_new(undo, json_pack("[s,s,s]", "review", "", rv.team_id));
	size_t ui;
	json_t *u;
	int bad = 0;
	json_array_foreach(undo, ui, u)
	{
		const char *kind = json_string_value(json_array_get(u, 0)), *label = json_string_value(json_array_get(u, 1));
		bad = bad || learning_bump(c, rv.opened_at, kind, label, json_string_value(json_array_get(u, 2)), -1);
		if (!bad && (strcmp(kind, "cause") == 0 || strcmp(kind, "review") == 0))
			bad = learning_bump(c, rv.opened_at, kind, label, f.team, 1);
	}
	json_decref(undo);
	if (bad)
		goto cleanup;
	char *text = json_dumps(f.facts, JSON_COMPACT);
	int rc = db_exec(c->db, "UPDATE reviews SET facts = ?, team_id = ? WHERE org_id = ? AND id = ?",
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
	if (facets_write(c, rv.id, rv.case_id, rv.opened_at, &f) ||
	    svc_event(c, "review.refreshed", "review", rv.id, rv.case_id,
		      json_pack("{s:O,s:O}", "channels", json_object_get(f.facts, "channels"), "boundaries",
				json_object_get(f.facts, "boundaries"))))
		goto cleanup;
	ret = review_json(c, rv.id, out);
cleanup:
	review_facts_release(&f);
	json_decref(old);
	return ret;
}

static int rv_cause(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct review_row rv;
	const char *cat = in_str(in, "category"), *evidence = in_str(in, "evidence"), *reason = in_str(in, "reason");
	if (review_load(c, p[0], &rv) || review_may_edit(c, &rv))
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
	if (rc == DB_CONSTRAINT)
		return err_set(&c->err, ERR_CONFLICT, "cause_exists", "category", "the review already names this cause");
	if (rc != DB_OK)
		return svc_db_err(c, rc);
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
	if (review_load(c, p[0], &rv) || review_may_edit(c, &rv))
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
	struct review_row rv;
	int64_t n = 0;
	if (review_load(c, p[0], &rv) || review_may_edit(c, &rv))
		return -1;
	if (db_scalar_int(c->db, "SELECT COUNT(*) FROM review_causes WHERE org_id = ? AND review_id = ?",
			  DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(rv.id)), &n, NULL) != DB_OK)
		return svc_db_err(c, DB_ERROR);
	if (review_may_close(rv.open, (int)n, &c->err))
		return -1;
	int64_t changed = 0;
	int rc = db_exec(c->db,
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
	db_res *r;
	char review_id[ID_SIZE] = "", owner[ID_SIZE] = "", case_id[ID_SIZE] = "";
	if (!id_valid(p[0], "ract"))
		return err_set(&c->err, ERR_NOT_FOUND, "action_not_found", "id", "no such action");
	if (db_query(c->db, "SELECT review_id, owner_id, case_id FROM review_actions WHERE org_id = ? AND id = ?",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(p[0])), &r) != DB_OK)
		return svc_db_err(c, DB_ERROR);
	if (db_next(r) == 1) {
		str_copy(review_id, sizeof review_id, db_text(r, 0));
		str_copy(owner, sizeof owner, db_text(r, 1));
		str_copy(case_id, sizeof case_id, db_text(r, 2));
	}
	db_res_free(r);
	struct review_row rv;
	int is_owner = *owner && strcmp(owner, c->actor.person_id) == 0;
	if (!*review_id)
		return err_set(&c->err, ERR_NOT_FOUND, "action_not_found", "id", "no such action");
	if (!is_owner) {
		if (review_load(c, review_id, &rv)) {
			err_clear(&c->err);
			return err_set(&c->err, ERR_NOT_FOUND, "action_not_found", "id", "no such action");
		}
		if (review_may_edit(c, &rv))
			return -1;
	}
	int64_t n = 0;
	int rc = db_exec(c->db,
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
	if (db_query(c->db, "SELECT " ACTION_COLS " FROM review_actions WHERE org_id = ? AND id = ?",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(p[0])), &r) != DB_OK)
		return svc_db_err(c, DB_ERROR);
	if (db_next(r) == 1)
		*out = action_row(c, r);
	db_res_free(r);
	return 0;
}

static int act_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char owner[ID_SIZE];
	str_copy(owner, sizeof owner, c->actor.person_id);
	if (in_str(in, "owner") && svc_person_ref(c, in_str(in, "owner"), "owner", owner))
		return -1;
	if (strcmp(owner, c->actor.person_id) != 0 && svc_require_role(c, ROLEBIT(ROLE_SUPERVISOR) | ROLEBIT(ROLE_LEADER) | ROLEBIT(ROLE_ADMIN)))
		return -1;
	const char *status = in_str(in, "status");
	db_res *r;
	if (db_query(c->db,
		     "SELECT " ACTION_COLS " FROM review_actions WHERE org_id = ? AND owner_id = ? AND (? IS NULL OR status = ?) "
		     "ORDER BY due_at, id LIMIT ?",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(owner), DB_TXT(status), DB_TXT(status), DB_INT(svc_limit(in))),
		     &r) != DB_OK)
		return svc_db_err(c, DB_ERROR);
	json_t *items = json_array();
	while (db_next(r) == 1)
		json_array_append_new(items, action_row(c, r));
	db_res_free(r);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

/* --- the scheduler part: reminders, overdue, escalation (each exactly once) --- */

/* Run `select_sql` (due rows: org_id, id, owner_id, case_id, review_id) and for each apply
 * `update_sql` (args: now, [escalated_to,] org, id) guarded so only one pass wins; then the event. */
static int tick_step(svc_ctx *c, json_t *summary, const char *select_sql, const char *update_sql, const char *kind,
		     const char *counter, int escalate)
{
	db_res *r;
	json_t *due = json_array();
	int ret = -1;
	if (db_query(c->db, select_sql, DB_ARGS(DB_INT(c->now), DB_INT(LEARN_TICK_BATCH)), &r) != DB_OK) {
		json_decref(due);
		return svc_db_err(c, DB_ERROR);
	}
	while (db_next(r) == 1)
		json_array_append_new(due, json_pack("[s,s,s,s,s]", db_text(r, 0), db_text(r, 1), db_text(r, 2), db_text(r, 3),
						     db_text(r, 4)));
	db_res_free(r);
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
		int rc;
		if (escalate) {
			learning_manager_of(c, owner, to);
			rc = db_exec(c->db, update_sql,
				     DB_ARGS(DB_INT(c->now), DB_TXT(*to ? to : NULL), DB_TXT(org), DB_TXT(id)), &n);
		} else {
			rc = db_exec(c->db, update_sql, DB_ARGS(DB_INT(c->now), DB_TXT(org), DB_TXT(id)), &n);
		}
		if (rc != DB_OK) {
			svc_db_err(c, rc);
			goto cleanup;
		}
		if (n != 1)
			continue; /* another pass (or server) got it first */
		if (svc_event(c, kind, "review_action", id, case_id,
			      json_pack("{s:s,s:s,s:s?}", "review_id", json_string_value(json_array_get(row, 4)), "owner_id", owner,
					"escalated_to", *to ? to : NULL)) ||
		    alert_add(c, escalate ? to : owner, kind + strlen("review."), case_id, "review_action", id, "%s",
			      escalate ? "A review action of someone who reports to you is overdue"
				       : strcmp(counter, "review_action_reminders") == 0 ? "A review action of yours is due soon"
											  : "A review action of yours is overdue"))
			goto cleanup;
		count++;
	}
	learning_count(summary, counter, count);
	ret = 0;
cleanup:
	json_decref(due);
	return ret;
}

int review_tick(svc_ctx *c, json_t *summary)
{
	if (tick_step(c, summary,
		      "SELECT org_id, id, owner_id, case_id, review_id FROM review_actions "
		      "WHERE status = 'open' AND reminded_at IS NULL AND remind_at <= ? ORDER BY remind_at LIMIT ?",
		      "UPDATE review_actions SET reminded_at = ? WHERE org_id = ? AND id = ? AND status = 'open' AND reminded_at IS NULL",
		      "review.action_reminded", "review_action_reminders", 0))
		return -1;
	if (tick_step(c, summary,
		      "SELECT org_id, id, owner_id, case_id, review_id FROM review_actions "
		      "WHERE status = 'open' AND overdue_at IS NULL AND due_at <= ? ORDER BY due_at LIMIT ?",
		      "UPDATE review_actions SET overdue_at = ? WHERE org_id = ? AND id = ? AND status = 'open' AND overdue_at IS NULL",
		      "review.action_overdue", "review_actions_overdue", 0))
		return -1;
	return tick_step(c, summary,
			 "SELECT org_id, id, owner_id, case_id, review_id FROM review_actions "
			 "WHERE status = 'open' AND escalated_at IS NULL AND escalate_at <= ? ORDER BY escalate_at LIMIT ?",
			 "UPDATE review_actions SET escalated_at = ?, escalated_to = ? WHERE org_id = ? AND id = ? "
			 "AND status = 'open' AND escalated_at IS NULL",
			 "review.action_escalated", "review_action_escalations", 1);
}

/* --- the root-cause report --- */

static const char *const VIEWS[] = {"pareto", "over_time", "team", "boundary", "policy", NULL};

static json_t *case_links(svc_ctx *c, const char *sql, const db_arg *args, int nargs)
{
	db_res *r;
	json_t *a = json_array(), *seen = json_object();
	if (db_query(c->db, sql, args, nargs, &r) == DB_OK) {
		while (db_next(r) == 1) {
			if (json_object_get(seen, db_text(r, 0)))
				continue;
			json_object_set_new(seen, db_text(r, 0), json_true());
			char link[128];
			snprintf(link, sizeof link, "/api/v1/cases/%s", db_text(r, 0));
			json_array_append_new(a, json_pack("{s:s,s:s}", "id", db_text(r, 0), "link", link));
		}
		db_res_free(r);
	}
	json_decref(seen);
	return a;
}

static char *ids_text(json_t *cases)
{
	size_t i, len = 1;
	json_t *v;
	json_array_foreach(cases, i, v) len += strlen(json_string_value(json_object_get(v, "id"))) + 1;
	char *s = xmalloc(len), *w = s;
	*w = '\0';
	json_array_foreach(cases, i, v)
	{
		const char *id = json_string_value(json_object_get(v, "id"));
		size_t l = strlen(id);
		if (w != s)
			*w++ = ' ';
		memcpy(w, id, l + 1);
		w += l;
	}
	return s;
}

static int cmp_count_desc(const void *a, const void *b)
{
	json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "count"));
	json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "count"));
	if (x != y)
		return x < y ? 1 : -1;
	const char *ka = json_string_value(json_object_get(*(json_t *const *)a, "key"));
	const char *kb = json_string_value(json_object_get(*(json_t *const *)b, "key"));
	return strcmp(ka ? ka : "", kb ? kb : "");
}

/* Sort an array of {count, key...} objects by count descending, then key. */
static void sort_groups(json_t *arr)
{
	size_t n = json_array_size(arr);
	json_t **v = xmalloc((n + 1) * sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(arr, i));
	qsort(v, n, sizeof *v, cmp_count_desc);
	json_array_clear(arr);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, v[i]);
	free(v);
}

static json_t *policy_names(svc_ctx *c, const char *label)
{
	json_t *a = json_array();
	char buf[2 * ID_SIZE + 2];
	str_copy(buf, sizeof buf, label);
	char *save = buf;
	for (char *tok = buf; tok; tok = save) {
		char *plus = strchr(tok, '+');
		save = plus ? plus + 1 : NULL;
		if (plus)
			*plus = '\0';
		db_res *r;
		const char *name = tok;
		json_t *o = NULL;
		if (db_query(c->db, "SELECT name FROM policies WHERE org_id = ? AND id = ?",
			     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(tok)), &r) == DB_OK) {
			if (db_next(r) == 1)
				o = json_pack("{s:s,s:s}", "id", tok, "name", db_text(r, 0));
			db_res_free(r);
		}
		json_array_append_new(a, o ? o : json_pack("{s:s,s:s}", "id", tok, "name", name));
	}
	return a;
}

/* Counts of one kind over [from, to): whole UTC days from learning_daily, the partial days at the
 * edges from the rows themselves, so the result is exact and the cost does not grow with the
 * number of reviews.  Adds into by_label {label: n}, by_bucket {"%012lld" period: {label: n}} (periods
 * of `bucket` ms from `origin`, a day start) and by_team {team_id: {label: n}} (any may be NULL). */
struct agg {
	json_t *by_label, *by_bucket, *by_team;
	long long total;
};

static void agg_add(json_t *o, const char *k1, const char *k2, long long n)
{
	if (!o)
		return;
	if (k2) {
		json_t *in = json_object_get(o, k1);
		if (!in) {
			in = json_object();
			json_object_set_new(o, k1, in);
		}
		o = in;
		k1 = k2;
	}
	json_t *v = json_object_get(o, k1);
	json_object_set_new(o, k1, json_integer((v ? json_integer_value(v) : 0) + n));
}

static int agg_query(svc_ctx *c, struct agg *a, const char *sql, const db_arg *args, int nargs, int64_t origin, int64_t bucket)
{
	db_res *r;
	if (db_query(c->db, sql, args, nargs, &r) != DB_OK)
		return svc_db_err(c, DB_ERROR);
	int rc;
	while ((rc = db_next(r)) == 1) {
		int64_t at = db_int(r, 0), n = db_int(r, 3);
		const char *label = db_text(r, 1), *team = db_text(r, 2);
		if (n == 0)
			continue;
		char key[24];
		snprintf(key, sizeof key, "%012lld", (long long)((at - origin) / bucket));
		agg_add(a->by_label, label, NULL, n);
		agg_add(a->by_bucket, key, label, n);
		agg_add(a->by_team, team, label, n);
		a->total += n;
	}
	db_res_free(r);
	return rc < 0 ? svc_db_err(c, rc) : 0;
}

static int agg_counts(svc_ctx *c, const char *kind, int64_t from, int64_t to, int64_t origin, int64_t bucket, struct agg *a)
{
	int64_t d0 = learning_day(from) == from ? from : learning_day(from) + DAY_MS; /* first whole day */
	int64_t d1 = learning_day(to);                                             /* end of the whole days */
	const char *org = c->actor.org_id;
	if (d0 >= d1) {
		d0 = to;
		d1 = to;
	} else if (agg_query(c, a,
			     "SELECT day, label, team_id, n FROM learning_daily WHERE org_id = ? AND kind = ? AND day >= ? AND day < ?",
			     DB_ARGS(DB_TXT(org), DB_TXT(kind), DB_INT(d0), DB_INT(d1)), origin, bucket)) {
		return -1;
	}
	int64_t edges[2][2] = {{from, d0 < to ? d0 : to}, {d1 > from ? d1 : from, to}};
	for (int e = 0; e < 2; e++) {
		int64_t lo = edges[e][0], hi = edges[e][1];
		if (lo >= hi || (e == 1 && d0 == to))
			continue;
		int rc;
		if (strcmp(kind, "cause") == 0)
			rc = agg_query(c, a,
				       "SELECT opened_at, category, COALESCE(team_id, ''), 1 FROM review_causes "
				       "WHERE org_id = ? AND opened_at >= ? AND opened_at < ?",
				       DB_ARGS(DB_TXT(org), DB_INT(lo), DB_INT(hi)), origin, bucket);
		else if (strcmp(kind, "review") == 0)
			rc = agg_query(c, a,
				       "SELECT opened_at, '', COALESCE(team_id, ''), 1 FROM reviews WHERE org_id = ? AND opened_at >= ? "
				       "AND opened_at < ?",
				       DB_ARGS(DB_TXT(org), DB_INT(lo), DB_INT(hi)), origin, bucket);
		else
			rc = agg_query(c, a,
				       "SELECT opened_at, label, '', 1 FROM review_facets WHERE org_id = ? AND kind = ? AND opened_at >= ? "
				       "AND opened_at < ?",
				       DB_ARGS(DB_TXT(org), DB_TXT(kind), DB_INT(lo), DB_INT(hi)), origin, bucket);
		if (rc)
			return -1;
	}
	return 0;
}

static void agg_release(struct agg *a)
{
	json_decref(a->by_label);
	json_decref(a->by_bucket);
	json_decref(a->by_team);
}

/* {label: n} as [{key, count}] sorted by count, most first. */
static json_t *groups_of(json_t *by_label)
{
	json_t *arr = json_array(), *v;
	const char *k;
	json_object_foreach(by_label, k, v) if (json_integer_value(v) > 0)
		json_array_append_new(arr, json_pack("{s:s,s:O}", "key", k, "count", v));
	sort_groups(arr);
	return arr;
}

static int facet_groups(svc_ctx *c, const char *kind, int64_t from, int64_t to, int64_t per, json_t **out)
{
	struct agg a = {json_object(), NULL, NULL, 0};
	if (agg_counts(c, kind, from, to, from, DAY_MS, &a)) {
		agg_release(&a);
		return -1;
	}
	json_t *groups = groups_of(a.by_label);
	agg_release(&a);
	size_t i;
	json_t *g;
	json_array_foreach(groups, i, g)
	{
		const char *label = json_string_value(json_object_get(g, "key"));
		json_object_set_new(g, "cases",
				    case_links(c,
					       "SELECT case_id FROM review_facets WHERE org_id = ? AND kind = ? AND label = ? "
					       "AND opened_at >= ? AND opened_at < ? ORDER BY opened_at DESC LIMIT ?",
					       DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(kind), DB_TXT(label), DB_INT(from), DB_INT(to),
						       DB_INT(per))));
		if (strcmp(kind, "policy") == 0)
			json_object_set_new(g, "policies", policy_names(c, label));
	}
	*out = groups;
	return 0;
}

static int rc_report(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	long long from = 0, to = c->now + 1;
	if (svc_require_role(c, ROLEBIT(ROLE_SUPERVISOR) | ROLEBIT(ROLE_LEADER) | ROLEBIT(ROLE_ADMIN)))
		return -1;
	in_time(in, "from", &from);
	in_time(in, "to", &to);
	if (to <= from)
		return err_set(&c->err, ERR_INVALID, "bad_range", "to", "to must be after from");
	int64_t bucket = in_int(in, "bucket_days", 7) * DAY_MS;
	int64_t per = in_int(in, "cases_per_group", 10);
	const char *view = in_str(in, "view") ? in_str(in, "view") : "pareto";
	int64_t origin = learning_day(from); /* periods start at the UTC day of `from` */
	struct agg rev = {NULL, NULL, NULL, 0}, cz = {json_object(), json_object(), json_object(), 0};
	if (agg_counts(c, "review", from, to, origin, bucket, &rev) || agg_counts(c, "cause", from, to, origin, bucket, &cz)) {
		agg_release(&cz);
		return -1;
	}
	long long total_reviews = rev.total, total_causes = cz.total;
	db_res *r;

	/* Pareto of causes */
	json_t *pareto = groups_of(cz.by_label);
	size_t i;
	json_t *g;
	long long cum = 0;
	json_array_foreach(pareto, i, g)
	{
		long long n = json_integer_value(json_object_get(g, "count"));
		cum += n;
		json_object_set(g, "category", json_object_get(g, "key"));
		json_object_set_new(g, "share", json_real(total_causes ? (double)n / total_causes : 0));
		json_object_set_new(g, "cumulative_share", json_real(total_causes ? (double)cum / total_causes : 0));
		json_object_set_new(g, "share_of_reviews", json_real(total_reviews ? (double)n / total_reviews : 0));
		json_object_set_new(g, "cases",
				    case_links(c,
					       "SELECT case_id FROM review_causes WHERE org_id = ? AND category = ? AND opened_at >= ? "
					       "AND opened_at < ? ORDER BY opened_at DESC LIMIT ?",
					       DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(json_string_value(json_object_get(g, "category"))),
						       DB_INT(from), DB_INT(to), DB_INT(per))));
		json_object_del(g, "key");
	}

	/* over time: one row per period (in order) with its count per category */
	json_t *over = json_array(), *v;
	const char *key;
	json_t *keys = json_array();
	json_object_foreach(cz.by_bucket, key, v) json_array_append_new(keys, json_string(key));
	size_t nk = json_array_size(keys);
	const char **ks = xmalloc((nk + 1) * sizeof *ks);
	for (size_t j = 0; j < nk; j++)
		ks[j] = json_string_value(json_array_get(keys, j));
	for (size_t j = 1; j < nk; j++) /* zero-padded keys: text order is period order */
		for (size_t m = j; m > 0 && strcmp(ks[m - 1], ks[m]) > 0; m--) {
			const char *t = ks[m];
			ks[m] = ks[m - 1];
			ks[m - 1] = t;
		}
	for (size_t j = 0; j < nk; j++) {
		json_t *counts = json_object_get(cz.by_bucket, ks[j]), *x;
		long long total = 0;
		const char *cat;
		json_object_foreach(counts, cat, x) total += json_integer_value(x);
		if (total == 0)
			continue;
		json_array_append_new(over, json_pack("{s:o,s:I,s:O}", "period_start", svc_time(origin + atoll(ks[j]) * bucket), "total",
						      (json_int_t)total, "counts", counts));
	}
	free(ks);
	json_decref(keys);

	/* by team (the team the attribution pointed to, else the case's team) */
	json_t *teams = json_array();
	json_object_foreach(cz.by_team, key, v)
	{
		long long total = 0;
		const char *cat;
		json_t *x;
		json_object_foreach(v, cat, x) total += json_integer_value(x);
		if (total == 0)
			continue;
		json_t *name = json_null();
		if (*key && db_query(c->db, "SELECT name FROM teams WHERE org_id = ? AND id = ?",
				     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(key)), &r) == DB_OK) {
			if (db_next(r) == 1) {
				json_decref(name);
				name = json_string(db_text(r, 0));
			}
			db_res_free(r);
		}
		json_array_append_new(teams, json_pack("{s:s,s:o,s:o,s:I,s:O}", "key", key, "team_id", *key ? json_string(key) : json_null(),
						       "team", name, "count", (json_int_t)total, "counts", v));
	}
	agg_release(&cz);
	sort_groups(teams);
	json_array_foreach(teams, i, g) json_object_del(g, "key");

	json_t *boundaries = NULL, *policies = NULL;
	if (facet_groups(c, "boundary", from, to, per, &boundaries) || facet_groups(c, "policy", from, to, per, &policies)) {
		json_decref(over);
		json_decref(pareto);
		json_decref(teams);
		json_decref(boundaries);
		return -1;
	}
	json_array_foreach(boundaries, i, g)
	{
		json_object_set(g, "boundary", json_object_get(g, "key"));
		json_object_del(g, "key");
	}
	json_array_foreach(policies, i, g)
	{
		json_object_set(g, "label", json_object_get(g, "key"));
		json_object_del(g, "key");
	}

	/* items: the chosen view as flat rows (for CSV) */
	json_t *items = json_array();
	if (strcmp(view, "pareto") == 0) {
		json_array_foreach(pareto, i, g)
		{
			char *ids = ids_text(json_object_get(g, "cases"));
			json_array_append_new(items, json_pack("{s:O,s:O,s:O,s:O,s:s}", "category", json_object_get(g, "category"),
							       "count", json_object_get(g, "count"), "share", json_object_get(g, "share"),
							       "cumulative_share", json_object_get(g, "cumulative_share"), "cases", ids));
			free(ids);
		}
	} else if (strcmp(view, "over_time") == 0) {
		json_t *x;
		json_array_foreach(over, i, g)
		{
			const char *cat;
			json_object_foreach(json_object_get(g, "counts"), cat, x)
				json_array_append_new(items, json_pack("{s:O,s:s,s:O}", "period_start", json_object_get(g, "period_start"),
								       "category", cat, "count", x));
		}
	} else if (strcmp(view, "team") == 0) {
		json_t *x;
		json_array_foreach(teams, i, g)
		{
			const char *cat;
			json_object_foreach(json_object_get(g, "counts"), cat, x)
				json_array_append_new(items, json_pack("{s:O,s:O,s:s,s:O}", "team_id", json_object_get(g, "team_id"), "team",
								       json_object_get(g, "team"), "category", cat, "count", x));
		}
	} else {
		json_t *src = strcmp(view, "boundary") == 0 ? boundaries : policies;
		json_array_foreach(src, i, g)
		{
			char *ids = ids_text(json_object_get(g, "cases"));
			json_t *row = strcmp(view, "boundary") == 0
					      ? json_pack("{s:O}", "boundary", json_object_get(g, "boundary"))
					      : json_pack("{s:O}", "policies", json_object_get(g, "label"));
			if (strcmp(view, "policy") == 0) {
				size_t j;
				json_t *pv;
				char *names = xstrdup("");
				json_array_foreach(json_object_get(g, "policies"), j, pv)
				{
					char *nn = xasprintf("%s%s%s", names, *names ? " vs " : "", json_string_value(json_object_get(pv, "name")));
					free(names);
					names = nn;
				}
				json_object_set_new(row, "names", json_string(names));
				free(names);
			}
			json_object_set(row, "count", json_object_get(g, "count"));
			json_object_set_new(row, "cases", json_string(ids));
			free(ids);
			json_array_append_new(items, row);
		}
	}
	*out = json_pack("{s:o,s:o,s:s,s:I,s:I,s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "from", svc_time(from), "to", svc_time(to),
			 "view", view, "bucket_days", (json_int_t)(bucket / DAY_MS), "total_reviews", (json_int_t)total_reviews,
			 "total_causes", (json_int_t)total_causes, "categories", json_array(), "pareto", pareto, "over_time", over,
			 "by_team", teams, "by_boundary", boundaries, "by_policy", policies, "items", items);
	for (const char *const *cat = REVIEW_CATEGORIES; *cat; cat++)
		json_array_append_new(json_object_get(*out, "categories"), json_string(*cat));
	return 0;
}

static const char *const REVIEW_STATUSES[] = {"open", "closed", NULL};
static const char *const ACTION_STATUSES[] = {"open", "done", NULL};

static const struct in_field RV_CREATE[] = {
	{"case_id", IN_STR, 1, 1, FL_MAX_ID, NULL, "the case to review"},
	{"summary", IN_STR, 0, 0, FL_MAX_TEXT, NULL, "why this review is opened"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
static const struct in_field RV_LIST[] = {
	{"status", IN_ENUM, 0, 0, 0, REVIEW_STATUSES, "open or closed"},
	{"owner", IN_STR, 0, 1, FL_MAX_EMAIL, NULL, "reviewer's id or email"},
	{"mine", IN_BOOL, 0, 0, 0, NULL, "only reviews I own"},
	{"case_id", IN_STR, 0, 1, FL_MAX_ID, NULL, "one case's reviews"},
	{"limit", IN_INT, 0, 1, FL_MAX_LIST, NULL, "page size"},
	IN_FORMAT_FIELD,
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
static const struct in_field RV_CAUSE[] = {
	{"category", IN_ENUM, 1, 0, 0, REVIEW_CATEGORIES, "systemic category (individual last)"},
	{"evidence", IN_STR, 1, 1, FL_MAX_TEXT, NULL, "what shows this cause"},
	{"reason", IN_STR, 0, 0, FL_MAX_TEXT, NULL, "for individual: why the system causes do not explain it"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
static const struct in_field RV_ACTION[] = {
	{"title", IN_STR, 1, 1, FL_MAX_SUBJECT, NULL, "what will be done"},
	{"owner", IN_STR, 1, 1, FL_MAX_EMAIL, NULL, "who does it (id or email)"},
	{"due_at", IN_TIME, 1, 0, 0, NULL, "by when"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
static const struct in_field RV_CLOSE[] = {
	{"summary", IN_STR, 1, 1, FL_MAX_TEXT, NULL, "what was learned"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
static const struct in_field ACT_DONE[] = {
	{"note", IN_STR, 0, 0, FL_MAX_TEXT, NULL, "what was done"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
static const struct in_field ACT_LIST[] = {
	{"owner", IN_STR, 0, 1, FL_MAX_EMAIL, NULL, "whose actions (default: mine; others' need supervisor, leader or admin)"},
	{"status", IN_ENUM, 0, 0, 0, ACTION_STATUSES, "open or done"},
	{"limit", IN_INT, 0, 1, FL_MAX_LIST, NULL, "page size"},
	IN_FORMAT_FIELD,
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
static const struct in_field RC_REPORT[] = {
	{"from", IN_TIME, 0, 0, 0, NULL, "reviews opened at or after (default: all)"},
	{"to", IN_TIME, 0, 0, 0, NULL, "reviews opened before (default: now)"},
	{"bucket_days", IN_INT, 0, 1, 366, NULL, "period length of over_time (default 7)"},
	{"cases_per_group", IN_INT, 0, 0, 50, NULL, "links to cases per group (default 10)"},
	{"view", IN_ENUM, 0, 0, 0, VIEWS, "which section is `items` (and the CSV): pareto (default), over_time, team, boundary, policy"},
	IN_FORMAT_FIELD,
	{NULL, 0, 0, 0, 0, NULL, NULL},
};

const struct route review_routes[] = {
	{"POST", "/api/v1/reviews", rv_create, RV_CREATE, 201, "Open a failure review of a case by hand", "Review", "review open", 0},
	{"GET", "/api/v1/reviews", rv_list, RV_LIST, 200, "Failure reviews", "ReviewList", "review list", 0},
	{"GET", "/api/v1/reviews/{id}", rv_show, NULL, 200, "A failure review with its facts, causes and actions", "Review",
	 "review show", 0},
	{"POST", "/api/v1/reviews/{id}/causes", rv_cause, RV_CAUSE, 201, "Name a cause with evidence (review owner, leader, admin)",
	 "Review", "review cause", 0},
	{"POST", "/api/v1/reviews/{id}/actions", rv_action, RV_ACTION, 201,
	 "Add an action with an owner and a due time (review owner, leader, admin)", "Review", "review action", 0},
	{"POST", "/api/v1/reviews/{id}/refresh", rv_refresh, NULL, 200,
	 "Recompute the facts from the case as it is now (review owner, leader, admin)", "Review", "review refresh", 0},
	{"POST", "/api/v1/reviews/{id}/close", rv_close, RV_CLOSE, 200, "Close a review (needs at least one cause)", "Review",
	 "review close", 0},
	{"GET", "/api/v1/review-actions", act_list, ACT_LIST, 200, "Review actions (mine by default)", "ReviewActionList",
	 "review actions", 0},
	{"POST", "/api/v1/review-actions/{id}/done", act_done, ACT_DONE, 200, "Mark a review action done", "ReviewAction",
	 "review action-done", 0},
	{"GET", "/api/v1/reports/root-causes", rc_report, RC_REPORT, 200,
	 "Root causes: Pareto, over time, by team, by channel boundary, by policy, with links to the cases (supervisor, leader, admin)",
	 "RootCauseReport", "report root-causes", 0},
	{NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, 0},
};
