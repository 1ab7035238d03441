/* The Cases page (issue 15): views of the organization's cases with their counts, filters and
 * sorts, a person's saved views, and bulk actions on selected cases.  Every view and sort reads an
 * index of migration 0015 (or 0001) in its order, so a page costs its rows, not the organization's
 * size; counts stop at QUEUE_COUNT_CAP. */
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "store/search.h"
#include "svc/ledger/case.h"
#include "svc/ledger/customer.h"
#include "svc/ledger/queue.h"
#include "svc/org/org.h"
#include "svc/page.h"
#include "svc/router.h"

#define QUEUE_COUNT_CAP 1000
#define QUEUE_RECENT_MS (7LL * 24 * 3600 * 1000) /* "resolved recently": the last seven days */
#define QUEUE_MAX_ARGS	(SEARCH_MAX_ARGS + 24)
#define NEVER_SQL	"9007199254740991" /* due_at / risk_at of a case with nothing due (migration 0015) */
#define NEVER		9007199254740991LL

static const char *const VIEWS[] = {"mine", "team", "offered", "unassigned", "open", "at_risk", "resolved", NULL};
static const char *const VIEW_LABELS[] = {"Mine",     "My team's",	    "Offered to me or my team", "Unassigned",
					  "All open", "At risk or overdue", "Resolved recently",	NULL};
static const char *const SORTS[] = {"due", "updated", "created", NULL};
static const char *const STATUSES[] = {"open", "resolved", NULL};

/* A query being built: WHERE conditions joined by AND, and their arguments in order. */
struct qb {
	char *where;
	db_arg args[QUEUE_MAX_ARGS];
	int n;
	char text[4][ID_SIZE]; /* ids resolved from references, which args point to */
	int n_text;
};

static void qb_and(struct qb *q, const char *cond)
{
	char *w = xasprintf("%s AND %s", q->where, cond);
	free(q->where);
	q->where = w;
}

static void qb_arg(struct qb *q, db_arg a)
{
	if (q->n < QUEUE_MAX_ARGS)
		q->args[q->n++] = a;
}

static const char *qb_keep(svc_ctx *c, struct qb *q, const char *id)
{
	char *t = q->text[q->n_text++]; /* at most four: owner, team, location, cursor */
	svc_copy(c, t, ID_SIZE, id);
	return t;
}

/* The view's condition.  Views other than "resolved" show open cases unless a status is given.
 * A condition written "col || ''" or "col + 0" is one no index may serve (on either dialect): the
 * planner then reads the index that fits the view or the sort instead.
 * own_index: read at_risk and resolved through their own index (a count, or at_risk sorted by due);
 * otherwise they are filtered in the order of the sort's index. */
static void view_where(svc_ctx *c, struct qb *q, int view, const char *status, int own_index)
{
	const char *org = c->actor.org_id;
	switch (view) {
	case 0: /* mine */
		qb_and(q, "ca.owner_id = ?");
		qb_arg(q, DB_TXT(c->actor.person_id));
		break;
	case 1: /* my team's (nobody's team when I have none) */
		qb_and(q, "ca.team_id = ?");
		qb_arg(q, DB_TXT(*c->actor.team_id ? c->actor.team_id : "-"));
		break;
	case 2: /* offered to me or to someone of my team, still waiting; a row value, and the organization
		 * condition (the first in q->where) made no index's, so SQLite looks each case up by its key
		 * instead of scanning an index of the organization */
		free(q->where);
		q->where = xstrdup("ca.org_id || '' = ?");
		qb_and(q,
		       "(ca.org_id, ca.id) IN (SELECT o.org_id, o.case_id FROM offers o WHERE o.org_id = ? AND o.status = 'pending' "
		       "AND o.to_id IN (SELECT p.id FROM people p WHERE p.org_id = ? AND (p.id = ? OR p.team_id = ?)))");
		qb_arg(q, DB_TXT(org));
		qb_arg(q, DB_TXT(org));
		qb_arg(q, DB_TXT(c->actor.person_id));
		qb_arg(q, DB_TXT(*c->actor.team_id ? c->actor.team_id : "-"));
		break;
	case 3: /* nobody has taken it: its owner has left, or it is still with the mailbox's queue holder
		 * who took it in (a mailbox's owner holds the cases its mail opens until someone takes them) */
		qb_and(q,
		       "ca.owner_id IN (SELECT p.id FROM people p WHERE p.org_id = ? AND p.active = 0 "
		       "UNION SELECT m.owner_id FROM mailboxes m WHERE m.org_id = ?) AND (ca.channel = 'email' AND "
		       "ca.intake_by = ca.owner_id OR ca.owner_id IN (SELECT p.id FROM people p WHERE p.org_id = ? AND p.active = 0))");
		qb_arg(q, DB_TXT(org));
		qb_arg(q, DB_TXT(org));
		qb_arg(q, DB_TXT(org));
		break;
	case 5: /* at risk or overdue: read through cases_risk when sorted by it, else filtered in the sort's order
		 * (cases_risk holds only cases with something due: migration 0042's condition, named) */
		qb_and(q, own_index ? "ca.risk_at <= ? AND ca.risk_at < " NEVER_SQL : "ca.risk_at + 0 <= ?");
		qb_arg(q, DB_INT(c->now));
		break;
	case 6: /* resolved in the last week (in a list, recent changes come first in the sort's order); the
		 * literal status = 'resolved' is cases_resolved's condition (migration 0042) */
		qb_and(q, own_index ? "ca.status = 'resolved' AND ca.resolved_at >= ?"
				    : "ca.status = 'resolved' AND ca.resolved_at + 0 >= ?");
		qb_arg(q, DB_INT(c->now - QUEUE_RECENT_MS));
		return;
	}
	/* offered and unassigned are driven by their few ids, never by the status index */
	qb_and(q, view == 2 || view == 3 ? "ca.status || '' = ?" : "ca.status = ?");
	qb_arg(q, DB_TXT(view == 5 || !status ? "open" : status));
}

static int view_index(const char *name)
{
	for (int i = 0; VIEWS[i]; i++)
		if (strcmp(VIEWS[i], name) == 0)
			return i;
	return -1;
}

/* The filter field of in, when given, as the condition cond on the id resolve() finds for it. */
static int filter_ref(svc_ctx *c, struct qb *q, json_t *in, const char *field, const char *cond,
		      int (*resolve)(svc_ctx *, const char *, const char *, char[ID_SIZE]))
{
	char id[ID_SIZE];
	if (!in_str(in, field))
		return 0;
	if (resolve(c, in_str(in, field), field, id))
		return -1;
	qb_and(q, cond);
	qb_arg(q, DB_TXT(qb_keep(c, q, id)));
	return 0;
}

/* The filters of in (owner, team, channel, location, from, to) as conditions. */
static int filters_where(svc_ctx *c, struct qb *q, json_t *in)
{
	long long t;
	if (filter_ref(c, q, in, "owner", "ca.owner_id = ?", svc_person_ref) ||
	    filter_ref(c, q, in, "team", "ca.team_id = ?", org_team_ref) ||
	    filter_ref(c, q, in, "location", "ca.intake_location_id = ?", org_location_ref))
		return -1;
	if (in_str(in, "channel")) {
		qb_and(q, "ca.channel = ?");
		qb_arg(q, DB_TXT(in_str(in, "channel")));
	}
	if (in_time(in, "from", &t)) {
		qb_and(q, "ca.created_at >= ?");
		qb_arg(q, DB_INT(t));
	}
	if (in_time(in, "to", &t)) {
		qb_and(q, "ca.created_at < ?");
		qb_arg(q, DB_INT(t));
	}
	return 0;
}

/* A saved view's settings under the request's own: in gains the saved view, sort and filters it
 * does not give itself.  Returns 0 or -1 (404 when the view is not the actor's). */
static int merge_saved(svc_ctx *c, json_t *in)
{
	db_res *r;
	if (svc_load_one(c, "saved_view_not_found", "saved", "no such saved view", &r,
			 "SELECT view, sort, filters FROM saved_views WHERE org_id = ? AND person_id = ? AND id = ?",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(c->actor.person_id), DB_TXT(in_str(in, "saved")))))
		return -1;
	json_t *f = json_loads(db_text(r, 2), 0, NULL);
	if (!json_object_get(in, "view"))
		json_object_set_new(in, "view", json_string(db_text(r, 0)));
	if (!json_object_get(in, "sort"))
		json_object_set_new(in, "sort", json_string(db_text(r, 1)));
	db_res_discard(r);
	const char *k;
	json_t *v;
	json_object_foreach(f, k, v) if (!json_object_get(in, k)) json_object_set(in, k, v);
	json_decref(f);
	return 0;
}

#define QUEUE_NCOLS CASE_ALL_NCOLS /* the columns of CASE_COLS (the case and its customer): due_at and risk_at follow */

static json_t *queue_row(svc_ctx *c, db_res *r, json_t *memo)
{
	json_t *o = case_brief_json(c, r, memo);
	long long due = db_int(r, QUEUE_NCOLS), risk = db_int(r, QUEUE_NCOLS + 1);
	json_object_set_new(o, "due_at", due >= NEVER ? json_null() : svc_time(due));
	json_object_set_new(o, "at_risk", json_boolean(risk <= c->now && strcmp(db_text(r, 4), "open") == 0));
	return o;
}

/* The page of a view in each order (svc/page.h: keyset on the sort key and the case id); the
 * search box's ranking pages too.  A cursor is good only for the order that gave it. */
#define QUEUE_COLS CASE_COLS ", ca.due_at, ca.risk_at"
static const struct page_list BY_DUE;	  /* in queue.api.json */
static const struct page_list BY_RISK;	  /* in queue.api.json */
static const struct page_list BY_CREATED; /* in queue.api.json */
static const struct page_list BY_UPDATED; /* in queue.api.json */
static const struct page_list BY_RANK;	  /* in queue.api.json */

static const struct page_list *sort_of(const char *sort, int view)
{
	if (strcmp(sort, "due") == 0)
		return view == 5 ? &BY_RISK : &BY_DUE;
	return strcmp(sort, "created") == 0 ? &BY_CREATED : &BY_UPDATED;
}

/* The query of a view page: the search subquery's arguments first (it is joined before WHERE). */
static int build_page(svc_ctx *c, json_t *req, struct qb *q, search_sql *found, char **join, int *ranked)
{
	const char *qs = in_str(req, "q");
	*join = xstrdup("");
	/* words to search for (q of blanks or a lone '#' has none: the view unfiltered) */
	if (qs && *qs && search_cases(c->db, c->actor.org_id, qs, found) == 0) {
		*ranked = !in_str(req, "sort");
		for (int i = 0; i < found->n; i++)
			qb_arg(q, found->args[i]);
		free(*join);
		*join = xasprintf(" JOIN %s s ON s.case_id = ca.id", found->sql);
	}
	qb_arg(q, DB_TXT(c->actor.org_id));
	int view = view_index(in_str(req, "view") ? in_str(req, "view") : "mine");
	if (view < 0)
		return err_set(&c->err, ERR_INVALID, "invalid_view", "view", "no such view");
	const char *sort = in_str(req, "sort");
	view_where(c, q, view, in_str(req, "status"), view == 5 && (!sort || strcmp(sort, "due") == 0));
	return filters_where(c, q, req);
}

static int qu_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	int ret = -1, ranked = 0;
	json_t *req = json_deep_copy(in);
	struct qb q = {.where = xstrdup("ca.org_id = ?")};
	search_sql found = {0};
	char *join = NULL, *from = NULL;
	if (in_str(req, "saved") && merge_saved(c, req))
		goto done;
	const char *view = in_str(req, "view") ? in_str(req, "view") : "mine";
	const char *sort = in_str(req, "sort") ? in_str(req, "sort") : strcmp(view, "at_risk") == 0 ? "due" : "updated";
	if (build_page(c, req, &q, &found, &join, &ranked))
		goto done;
	struct page_list L = ranked ? BY_RANK : *sort_of(sort, view_index(view));
	L.from = from = xasprintf("cases ca%s" CASE_CUSTOMER, join);
	if (page_run(c, &L, req, q.where, q.args, q.n, out))
		goto done;
	json_object_set_new(*out, "view", json_string(view));
	json_object_set_new(*out, "sort", json_string(ranked ? "relevance" : sort));
	ret = 0;
done:
	free(q.where);
	free(join);
	free(from);
	search_sql_free(&found);
	json_decref(req);
	return ret;
}

/* How many cases a view holds, up to QUEUE_COUNT_CAP + 1 (reading no more index entries). */
static int count_view(svc_ctx *c, int view, int64_t *n)
{
	struct qb q = {.where = xstrdup("ca.org_id = ?")};
	qb_arg(&q, DB_TXT(c->actor.org_id));
	view_where(c, &q, view, NULL, 1);
	qb_arg(&q, DB_INT(QUEUE_COUNT_CAP + 1));
	char *sql = xasprintf("SELECT COUNT(*) FROM (SELECT 1 FROM cases ca WHERE %s LIMIT ?) v", q.where);
	int found = 0, rc = db_scalar_int(c->db, sql, q.args, q.n, n, &found);
	free(sql);
	free(q.where);
	return rc == DB_OK ? 0 : svc_db_err(c, rc);
}

static int qu_counts(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	json_t *items = json_array();
	for (int v = 0; VIEWS[v]; v++) {
		int64_t n = 0;
		if (count_view(c, v, &n)) {
			json_decref(items);
			return -1;
		}
		json_array_append_new(items, json_pack("{s:s,s:s,s:I,s:b}", "view", VIEWS[v], "label", VIEW_LABELS[v], "count",
						       (json_int_t)(n > QUEUE_COUNT_CAP ? QUEUE_COUNT_CAP : n), "more",
						       n > QUEUE_COUNT_CAP));
	}
	*out = json_pack("{s:o,s:i}", "items", items, "cap", QUEUE_COUNT_CAP);
	return 0;
}

static json_t *saved_row(svc_ctx *c, db_res *r)
{
	json_t *f = json_loads(db_text(r, 4), 0, NULL);
	return json_pack("{s:s,s:s,s:s,s:s,s:o,s:o}", "id", db_text(r, 0), "name", db_text(r, 1), "view", db_text(r, 2), "sort",
			 db_text(r, 3), "filters", f ? f : json_object(), "created_at", svc_col_time(r, 5));
}

#define SAVED_COLS "id, name, view, sort, filters, created_at"

static int sv_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	return svc_items(c, out, saved_row,
			 "SELECT " SAVED_COLS " FROM saved_views WHERE org_id = ? AND person_id = ? ORDER BY name, id",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(c->actor.person_id)));
}

static int sv_save(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	json_t *f = json_object_get(in, "filters");
	struct qb scratch = {.where = xstrdup("1 = 1")};
	int bad = f && filters_where(c, &scratch, f); /* references must name someone / something now */
	free(scratch.where);
	if (bad)
		return -1;
	if (!role_may(c->actor.role, PERM_AUTHOR))
		return err_set(&c->err, ERR_FORBIDDEN, "person_required", NULL, "saved views belong to a person");
	int64_t n = 0;
	int found = 0,
	    rc = db_scalar_int(c->db, "SELECT COUNT(*) FROM saved_views WHERE org_id = ? AND person_id = ? AND name = ?",
			       DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(c->actor.person_id), DB_TXT(in_str(in, "name"))), &n,
			       &found);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (n > 0)
		return err_set(&c->err, ERR_CONFLICT, "saved_view_name_taken", "name", "you already have a view with that name");
	char id[ID_SIZE], *filters = json_dumps(f ? f : json_object(), JSON_COMPACT | JSON_SORT_KEYS);
	const char *view = in_str(in, "view"), *sort = in_str(in, "sort") ? in_str(in, "sort") : "updated";
	id_new(id, "view", c->now);
	rc = db_exec(c->db,
		     "INSERT INTO saved_views (org_id, id, person_id, name, view, filters, sort, created_at) VALUES (?,?,?,?,?,?,?,?)",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(c->actor.person_id), DB_TXT(in_str(in, "name")),
			     DB_TXT(view), DB_TXT(filters), DB_TXT(sort), DB_INT(c->now)),
		     NULL);
	free(filters);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (svc_event(c, "saved_view.created", "saved_view", id, NULL,
		      json_pack("{s:s,s:s,s:s,s:o}", "name", in_str(in, "name"), "view", view, "sort", sort, "filters",
				f ? json_incref(f) : json_object())))
		return -1;
	*out = svc_one_row(c, "SELECT " SAVED_COLS " FROM saved_views WHERE org_id = ? AND id = ?", id, saved_row);
	return *out ? 0 : -1;
}

static int sv_delete(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	int64_t changes = 0;
	int rc = db_exec(c->db, "DELETE FROM saved_views WHERE org_id = ? AND person_id = ? AND id = ?",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(c->actor.person_id), DB_TXT(p[0])), &changes);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (changes == 0) /* another person's view looks like none */
		return err_set(&c->err, ERR_NOT_FOUND, "saved_view_not_found", "id", "no such saved view");
	if (svc_event(c, "saved_view.deleted", "saved_view", p[0], NULL, json_object()))
		return -1;
	*out = json_pack("{s:s,s:b}", "id", p[0], "deleted", 1);
	return 0;
}

/* Bulk actions: each selected case goes through the same route as one at a time, in its own
 * savepoint, so a case that can't be changed (not yours, already resolved) is reported and rolled
 * back alone while the others commit.  A storage error fails the whole request. */
static const char *const BULK_ACTIONS[] = {"offer", "assign", "resolve", "note", NULL};
static const char *const BULK_PATHS[] = {"offers", "assign", "resolve", "notes", NULL};

/* The one-case request of an action, or NULL with err (a field the action needs is missing). */
static json_t *bulk_input(svc_ctx *c, json_t *in, int action)
{
	static const char *const NEEDS[] = {"to", "to", "resolution", "body"};
	if (!in_str(in, NEEDS[action])) {
		err_set(&c->err, ERR_INVALID, "required", NEEDS[action], "%s needs %s", BULK_ACTIONS[action], NEEDS[action]);
		return NULL;
	}
	const char *note = in_str(in, "note");
	switch (action) {
	case 0: return json_pack("{s:s,s:s?}", "to", in_str(in, "to"), "note", note);
	case 1: return json_pack("{s:s,s:s?}", "to", in_str(in, "to"), "reason", note);
	case 2: return json_pack("{s:s,s:b}", "resolution", in_str(in, "resolution"), "complaint", in_bool(in, "complaint", 0));
	default: return json_pack("{s:s,s:s?}", "body", in_str(in, "body"), "visibility", in_str(in, "visibility"));
	}
}

/* A selected case: its id, or its number (12, "12" or "#12") -> id; "" when there is none. */
static int bulk_case_id(svc_ctx *c, json_t *v, char id[ID_SIZE])
{
	const char *s = json_string_value(v);
	long long number = json_is_integer(v) ? (long long)json_integer_value(v) : -1;
	id[0] = '\0';
	if (s && id_valid(s, "case")) {
		svc_copy(c, id, ID_SIZE, s);
		return 0;
	}
	if (s) {
		char *end;
		number = strtoll(s + (*s == '#'), &end, 10);
		if (end == s + (*s == '#') || *end)
			number = -1;
	}
	if (number < 0)
		return 0;
	db_res *r;
	if (!svc_query(c, "SELECT id FROM cases WHERE org_id = ? AND number = ?",
		       DB_ARGS(DB_TXT(c->actor.org_id), DB_INT(number)), &r))
		return -1;
	if (db_next(r) == 1)
		svc_copy(c, id, ID_SIZE, db_text(r, 0));
	return svc_close(c, r);
}

/* One case: the action in a savepoint; the item's result. */
static int bulk_one(svc_ctx *c, int action, json_t *in1, json_t *sel, json_t *results)
{
	char id[ID_SIZE];
	json_t *res = NULL;
	if (bulk_case_id(c, sel, id))
		return -1;
	if (!*id) {
		json_array_append_new(results, json_pack("{s:O,s:b,s:{s:s,s:s,s:s}}", "case", sel, "ok", 0, "error", "code",
							 "case_not_found", "message", "no such case", "field", "cases"));
		return 0;
	}
	int rc = db_exec(c->db, "SAVEPOINT fl_bulk_item", DB_NOARGS, NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	char *path = xasprintf("/api/v1/cases/%s/%s", id, BULK_PATHS[action]);
	memset(&c->err, 0, sizeof c->err);
	int failed = router_call(c, "POST", path, in1, &res);
	free(path);
	if (c->db_err.code[0]) /* the database failed, not the case: the whole request fails */
		return -1;
	json_t *item = json_pack("{s:s,s:b}", "case", id, "ok", !failed);
	if (failed) {
		json_t *e = json_pack("{s:s,s:s}", "code", c->err.code, "message", c->err.message);
		if (c->err.field[0])
			json_object_set_new(e, "field", json_string(c->err.field));
		json_object_set_new(item, "error", e);
		memset(&c->err, 0, sizeof c->err);
		rc = db_exec(c->db, "ROLLBACK TO SAVEPOINT fl_bulk_item", DB_NOARGS, NULL);
	}
	json_array_append_new(results, item);
	json_decref(res);
	if (rc == DB_OK)
		rc = db_exec(c->db, "RELEASE SAVEPOINT fl_bulk_item", DB_NOARGS, NULL);
	return rc == DB_OK ? 0 : svc_db_err(c, rc);
}

static int qu_bulk(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	int action = 0;
	while (BULK_ACTIONS[action] && strcmp(BULK_ACTIONS[action], in_str(in, "action")) != 0)
		action++;
	json_t *sel = json_object_get(in, "cases"), *v;
	size_t i;
	if (json_array_size(sel) == 0)
		return err_set(&c->err, ERR_INVALID, "required", "cases", "select at least one case");
	json_array_foreach(sel, i, v) if (!json_is_string(v) &&
					  !json_is_integer(v)) return err_set(&c->err, ERR_INVALID, "wrong_type", "cases",
									      "cases holds case ids or numbers");
	json_t *in1 = bulk_input(c, in, action);
	if (!in1)
		return -1;
	json_t *results = json_array();
	int ok = 0;
	json_array_foreach(sel, i, v)
	{
		if (bulk_one(c, action, in1, v, results)) {
			json_decref(in1);
			json_decref(results);
			return -1;
		}
		ok += json_is_true(json_object_get(json_array_get(results, i), "ok"));
	}
	json_decref(in1);
	*out = json_pack("{s:s,s:o,s:i,s:i}", "action", BULK_ACTIONS[action], "items", results, "succeeded", ok, "failed",
			 (int)json_array_size(results) - ok);
	return 0;
}

#include "svc/ledger/queue.api.inc"
