/* The root-cause report: failure reviews' causes as a Pareto, over time, by team, by boundary
 * and by policy, from the daily counts (learning_daily) and the review facets. */
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "core/review_rules.h"
#include "svc/learning/counters.h"
#include "svc/reports/reports.h"

/* --- the root-cause report --- */

static const char *const VIEWS[] = {"pareto", "over_time", "team", "boundary", "policy", NULL};

static json_t *case_links(svc_ctx *c, const char *sql, const db_arg *args, int nargs)
{
	int rc;
	db_res *r;
	json_t *a = json_array(), *seen = json_object();
	if ((rc = db_query(c->db, sql, args, nargs, &r)) == DB_OK) {
		while (db_next(r) == 1) {
			if (json_object_get(seen, db_text(r, 0)))
				continue;
			json_object_set_new(seen, db_text(r, 0), json_true());
			char link[128];
			snprintf(link, sizeof link, "/api/v1/cases/%s", db_text(r, 0));
			json_array_append_new(a, json_pack("{s:s,s:s}", "id", db_text(r, 0), "link", link));
		}
		rc = db_res_close(r);
	}
	if (rc != DB_OK)
		svc_db_err(c, rc);
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
	int rc;
	json_t *a = json_array();
	char buf[2 * ID_SIZE + 2];
	svc_copy(c, buf, sizeof buf, label);
	char *save = buf;
	for (char *tok = buf; tok; tok = save) {
		char *plus = strchr(tok, '+');
		save = plus ? plus + 1 : NULL;
		if (plus)
			*plus = '\0';
		db_res *r;
		const char *name = tok;
		json_t *o = NULL;
		if (svc_query(c, "SELECT name FROM policies WHERE org_id = ? AND id = ?",
			      DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(tok)), &r)) {
			if (db_next(r) == 1)
				o = json_pack("{s:s,s:s}", "id", tok, "name", db_text(r, 0));
			if ((rc = db_res_close(r)) != DB_OK)
				svc_db_err(c, rc);
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
	int rc;
	db_res *r;
	if ((rc = db_query(c->db, sql, args, nargs, &r)) != DB_OK)
		return svc_db_err(c, rc);
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
	db_res_discard(r);
	return rc < 0 ? svc_db_err(c, rc) : 0;
}

static int agg_counts(svc_ctx *c, const char *kind, int64_t from, int64_t to, int64_t origin, int64_t bucket, struct agg *a)
{
	int64_t d0 = learning_day(from) == from ? from : learning_day(from) + FL_DAY_MS; /* first whole day */
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
	if (agg_counts(c, kind, from, to, from, FL_DAY_MS, &a)) {
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
	int rc;
	long long from = 0, to = c->now + 1;
	if (svc_require(c, PERM_READ_PEOPLE_REPORTS))
		return -1;
	in_time(in, "from", &from);
	in_time(in, "to", &to);
	if (to <= from)
		return err_set(&c->err, ERR_INVALID, "bad_range", "to", "to must be after from");
	int64_t bucket = in_int(in, "bucket_days", 7) * FL_DAY_MS;
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
		if (*key && svc_query(c, "SELECT name FROM teams WHERE org_id = ? AND id = ?",
				      DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(key)), &r)) {
			if (db_next(r) == 1) {
				json_decref(name);
				name = json_string(db_text(r, 0));
			}
			if ((rc = db_res_close(r)) != DB_OK)
				svc_db_err(c, rc);
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
			 "view", view, "bucket_days", (json_int_t)(bucket / FL_DAY_MS), "total_reviews", (json_int_t)total_reviews,
			 "total_causes", (json_int_t)total_causes, "categories", json_array(), "pareto", pareto, "over_time", over,
			 "by_team", teams, "by_boundary", boundaries, "by_policy", policies, "items", items);
	for (const char *const *cat = REVIEW_CATEGORIES; *cat; cat++)
		json_array_append_new(json_object_get(*out, "categories"), json_string(*cat));
	return 0;
}


static const struct in_field RC_REPORT[] = {
	{"from", IN_TIME, 0, 0, 0, NULL, "reviews opened at or after (default: all)"},
	{"to", IN_TIME, 0, 0, 0, NULL, "reviews opened before (default: now)"},
	{"bucket_days", IN_INT, 0, 1, 366, NULL, "period length of over_time (default 7)"},
	{"cases_per_group", IN_INT, 0, 0, 50, NULL, "links to cases per group (default 10)"},
	{"view", IN_ENUM, 0, 0, 0, VIEWS, "which section is `items` (and the CSV): pareto (default), over_time, team, boundary, policy"},
	IN_FORMAT_FIELD,
	{NULL, 0, 0, 0, 0, NULL, NULL},
};

const struct route report_root_cause_routes[] = {
	{"GET", "/api/v1/reports/root-causes", rc_report, RC_REPORT, 200,
	 "Root causes: Pareto, over time, by team, by channel boundary, by policy, with links to the cases (supervisor, leader, admin)",
	 "RootCauseReport", "report root-causes", 0},
	{NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, 0},
};
