/* The root-cause report: failure reviews' causes as a Pareto, over time, by team, by boundary
 * and by policy, from the daily counts (learning_daily) and the review facets; and, next to the
 * policy conflicts, the promise standards that exceed the holders' capacity (from the estimates
 * recorded with the promises). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "core/review_rules.h"
#include "core/estimate.h"
#include "svc/learning/counters.h"
#include "svc/org/org.h"
#include "svc/org/settings.h"
#include "svc/reports/reports.h"

/* --- the root-cause report --- */

static const char *const VIEWS[] = {"pareto", "over_time", "team", "boundary", "policy", "capacity", NULL};

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

/* Pareto of causes, with shares and links to the cases. */
static json_t *rc_pareto(svc_ctx *c, const struct agg *cz, long long total_reviews, int64_t from, int64_t to, int64_t per)
{
	json_t *pareto = groups_of(cz->by_label), *g;
	size_t i;
	long long cum = 0;
	json_array_foreach(pareto, i, g)
	{
		long long n = json_integer_value(json_object_get(g, "count"));
		cum += n;
		json_object_set(g, "category", json_object_get(g, "key"));
		json_object_set_new(g, "share", json_real(cz->total ? (double)n / cz->total : 0));
		json_object_set_new(g, "cumulative_share", json_real(cz->total ? (double)cum / cz->total : 0));
		json_object_set_new(g, "share_of_reviews", json_real(total_reviews ? (double)n / total_reviews : 0));
		json_object_set_new(g, "cases",
				    case_links(c,
					       "SELECT case_id FROM review_causes WHERE org_id = ? AND category = ? AND opened_at >= ? "
					       "AND opened_at < ? ORDER BY opened_at DESC LIMIT ?",
					       DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(json_string_value(json_object_get(g, "category"))),
						       DB_INT(from), DB_INT(to), DB_INT(per))));
		json_object_del(g, "key");
	}
	return pareto;
}

static int cmp_text(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* One row per period (in order) with its count per category. */
static json_t *rc_over_time(const struct agg *cz, int64_t origin, int64_t bucket)
{
	json_t *over = json_array(), *v;
	const char *key;
	size_t nk = json_object_size(cz->by_bucket), j = 0;
	const char **ks = xmalloc((nk + 1) * sizeof *ks);
	json_object_foreach(cz->by_bucket, key, v) ks[j++] = key;
	qsort(ks, nk, sizeof *ks, cmp_text); /* zero-padded keys: text order is period order */
	for (j = 0; j < nk; j++) {
		json_t *counts = json_object_get(cz->by_bucket, ks[j]), *x;
		long long total = 0;
		const char *cat;
		json_object_foreach(counts, cat, x) total += json_integer_value(x);
		if (total == 0)
			continue;
		json_array_append_new(over, json_pack("{s:o,s:I,s:O}", "period_start", svc_time(origin + atoll(ks[j]) * bucket), "total",
						      (json_int_t)total, "counts", counts));
	}
	free(ks);
	return over;
}

/* By team (the team the attribution pointed to, else the case's team). */
static json_t *rc_teams(svc_ctx *c, const struct agg *cz)
{
	json_t *teams = json_array(), *v, *g;
	const char *key;
	size_t i;
	json_object_foreach(cz->by_team, key, v)
	{
		long long total = 0;
		const char *cat;
		json_t *x;
		char name[FL_MAX_NAME + 1] = "";
		json_object_foreach(v, cat, x) total += json_integer_value(x);
		if (total == 0)
			continue;
		if (*key)
			org_team_name(c, key, name, sizeof name);
		json_array_append_new(teams, json_pack("{s:s,s:o,s:o,s:I,s:O}", "key", key, "team_id", *key ? json_string(key) : json_null(),
						       "team", *name ? json_string(name) : json_null(), "count", (json_int_t)total,
						       "counts", v));
	}
	sort_groups(teams);
	json_array_foreach(teams, i, g) json_object_del(g, "key");
	return teams;
}

/* "A vs B" of a policy group's names. */
static json_t *policy_label(json_t *g)
{
	size_t j;
	json_t *pv;
	char *names = xstrdup("");
	json_array_foreach(json_object_get(g, "policies"), j, pv)
	{
		char *nn = xasprintf("%s%s%s", names, *names ? " vs " : "", json_string_value(json_object_get(pv, "name")));
		free(names);
		names = nn;
	}
	json_t *s = json_string(names);
	free(names);
	return s;
}

/* The boundary or policy groups as flat rows. */
static void items_facet(json_t *items, json_t *src, int policy)
{
	size_t i;
	json_t *g;
	json_array_foreach(src, i, g)
	{
		char *ids = ids_text(json_object_get(g, "cases"));
		json_t *row = policy ? json_pack("{s:O,s:o}", "policies", json_object_get(g, "label"), "names", policy_label(g))
				     : json_pack("{s:O}", "boundary", json_object_get(g, "boundary"));
		json_object_set(row, "count", json_object_get(g, "count"));
		json_object_set_new(row, "cases", json_string(ids));
		free(ids);
		json_array_append_new(items, row);
	}
}

/* Rows of {prefix fields..., category, count} from groups with a "counts" object. */
static void items_counts(json_t *items, json_t *src, const char *k1, const char *k2)
{
	size_t i;
	json_t *g, *x;
	json_array_foreach(src, i, g)
	{
		const char *cat;
		json_object_foreach(json_object_get(g, "counts"), cat, x)
		{
			json_t *row = json_pack("{s:O}", k1, json_object_get(g, k1));
			if (k2)
				json_object_set(row, k2, json_object_get(g, k2));
			json_object_set_new(row, "category", json_string(cat));
			json_object_set(row, "count", x);
			json_array_append_new(items, row);
		}
	}
}

/* --- promise standard exceeds capacity --- */

/* Promises made under a policy (a guarantee such as "pickup within 3 hours") whose recorded
 * estimates say the holding team, at that time of the week, was on average less likely than the
 * organization's threshold to keep them: a standard set at the top that the holders cannot meet.
 * Grouped by policy, team and time bucket (weekday x part of the day, the team's local time). */
static json_t *capacity_group(svc_ctx *c, db_res *r, int64_t from, int64_t to, int64_t per)
{
	int64_t n = db_int(r, 5), settled = db_int(r, 8), n80 = db_int(r, 11);
	int bucket = (int)db_int(r, 4);
	json_t *g = json_pack("{s:{s:s,s:s},s:{s:s,s:s},s:s,s:s,s:I,s:f,s:I,s:I,s:o,s:I,s:o}", "policy", "id", db_text(r, 0), "name",
			      db_text(r, 1), "team", "id", db_text(r, 2), "name", db_text(r, 3), "weekday", est_bucket_day(bucket), "part",
			      est_bucket_part(bucket), "promises", (json_int_t)n, "mean_probability",
			      round((double)db_int(r, 6) / (double)n) / 1000.0, "settled", (json_int_t)settled, "kept",
			      (json_int_t)db_int(r, 7), "kept_share", settled ? json_real((double)db_int(r, 7) / (double)settled) : json_null(),
			      "promised_minutes", (json_int_t)(db_int(r, 9) / n / 60000), "p80_minutes",
			      n80 ? json_integer(db_int(r, 10) / n80 / 60000) : json_null());
	json_object_set_new(g, "cause", json_string("promise standard exceeds capacity"));
	json_object_set_new(g, "cases",
			    case_links(c,
				       "SELECT e.case_id FROM estimates e JOIN promises p ON p.org_id = e.org_id AND p.id = e.subject_id "
				       "WHERE e.org_id = ? AND e.made_at >= ? AND e.made_at < ? AND p.policy_id = ? AND e.team_id = ? "
				       "AND e.bucket = ? ORDER BY e.made_at DESC LIMIT ?",
				       DB_ARGS(DB_TXT(c->actor.org_id), DB_INT(from), DB_INT(to), DB_TXT(db_text(r, 0)),
					       DB_TXT(db_text(r, 2)), DB_INT(bucket), DB_INT(per))));
	return g;
}

static int rc_capacity(svc_ctx *c, int64_t from, int64_t to, int64_t per, json_t **out)
{
	int rc;
	db_res *r;
	*out = json_array();
	long long threshold = setting_int(c, "estimate.threshold_percent") * 10; /* per mille */
	if (!svc_query(c,
		       "SELECT p.policy_id, pol.name, e.team_id, COALESCE(t.name, ''), e.bucket, COUNT(*), SUM(e.probability_pm), "
		       "SUM(CASE WHEN p.status = 'kept' THEN 1 ELSE 0 END), SUM(CASE WHEN p.status = 'pending' THEN 0 ELSE 1 END), "
		       "SUM(e.due_at - e.made_at), SUM(CASE WHEN e.by80 IS NULL THEN 0 ELSE e.by80 - e.made_at END), "
		       "SUM(CASE WHEN e.by80 IS NULL THEN 0 ELSE 1 END) "
		       "FROM estimates e JOIN promises p ON p.org_id = e.org_id AND p.id = e.subject_id "
		       "JOIN policies pol ON pol.org_id = p.org_id AND pol.id = p.policy_id "
		       "LEFT JOIN teams t ON t.org_id = e.org_id AND t.id = e.team_id "
		       "WHERE e.org_id = ? AND e.made_at >= ? AND e.made_at < ? AND e.probability_pm IS NOT NULL "
		       "GROUP BY p.policy_id, pol.name, e.team_id, t.name, e.bucket ORDER BY COUNT(*) DESC, p.policy_id, e.team_id, e.bucket",
		       DB_ARGS(DB_TXT(c->actor.org_id), DB_INT(from), DB_INT(to)), &r))
		return -1;
	json_t *rows = json_array();
	while (db_next(r) == 1)
		if (db_int(r, 6) < threshold * db_int(r, 5))
			json_array_append_new(rows, capacity_group(c, r, from, to, per));
	if ((rc = db_res_close(r)) != DB_OK) {
		json_decref(rows);
		return svc_db_err(c, rc);
	}
	json_decref(*out);
	*out = rows;
	return 0;
}

static json_t *capacity_row(json_t *g)
{
	char *ids = ids_text(json_object_get(g, "cases"));
	json_t *row = json_pack("{s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:s}", "policy",
				json_object_get(json_object_get(g, "policy"), "name"), "team",
				json_object_get(json_object_get(g, "team"), "name"), "weekday", json_object_get(g, "weekday"), "part",
				json_object_get(g, "part"), "promises", json_object_get(g, "promises"), "mean_probability",
				json_object_get(g, "mean_probability"), "kept", json_object_get(g, "kept"), "settled",
				json_object_get(g, "settled"), "promised_minutes", json_object_get(g, "promised_minutes"), "p80_minutes",
				json_object_get(g, "p80_minutes"), "cases", ids);
	free(ids);
	return row;
}

/* items: the chosen view as flat rows (for CSV). */
static json_t *rc_items(const char *view, json_t *report)
{
	json_t *items = json_array(), *g;
	size_t i;
	if (strcmp(view, "pareto") == 0) {
		json_array_foreach(json_object_get(report, "pareto"), i, g)
		{
			char *ids = ids_text(json_object_get(g, "cases"));
			json_array_append_new(items, json_pack("{s:O,s:O,s:O,s:O,s:s}", "category", json_object_get(g, "category"),
							       "count", json_object_get(g, "count"), "share", json_object_get(g, "share"),
							       "cumulative_share", json_object_get(g, "cumulative_share"), "cases", ids));
			free(ids);
		}
	} else if (strcmp(view, "over_time") == 0) {
		items_counts(items, json_object_get(report, "over_time"), "period_start", NULL);
	} else if (strcmp(view, "team") == 0) {
		items_counts(items, json_object_get(report, "by_team"), "team_id", "team");
	} else if (strcmp(view, "capacity") == 0) {
		json_array_foreach(json_object_get(report, "by_capacity"), i, g) json_array_append_new(items, capacity_row(g));
	} else {
		int policy = strcmp(view, "policy") == 0;
		items_facet(items, json_object_get(report, policy ? "by_policy" : "by_boundary"), policy);
	}
	return items;
}

static int rc_report(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	long long from, to;
	if (svc_require(c, PERM_READ_PEOPLE_REPORTS) || in_period(in, c->now, &from, &to, &c->err))
		return -1;
	int64_t bucket = in_int(in, "bucket_days", 7) * FL_DAY_MS;
	int64_t per = in_int(in, "cases_per_group", 10);
	const char *view = in_str(in, "view") ? in_str(in, "view") : "pareto";
	int64_t origin = learning_day(from); /* periods start at the UTC day of `from` */
	struct agg rev = {NULL, NULL, NULL, 0}, cz = {json_object(), json_object(), json_object(), 0};
	json_t *boundaries = NULL, *policies = NULL, *capacity = NULL, *g;
	size_t i;
	if (agg_counts(c, "review", from, to, origin, bucket, &rev) || agg_counts(c, "cause", from, to, origin, bucket, &cz) ||
	    facet_groups(c, "boundary", from, to, per, &boundaries) || facet_groups(c, "policy", from, to, per, &policies) ||
	    rc_capacity(c, from, to, per, &capacity)) {
		agg_release(&cz);
		json_decref(boundaries);
		json_decref(policies);
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
	*out = json_pack("{s:o,s:o,s:s,s:I,s:I,s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "from", svc_time(from), "to", svc_time(to),
			 "view", view, "bucket_days", (json_int_t)(bucket / FL_DAY_MS), "total_reviews", (json_int_t)rev.total,
			 "total_causes", (json_int_t)cz.total, "categories", json_array(), "pareto",
			 rc_pareto(c, &cz, rev.total, from, to, per), "over_time", rc_over_time(&cz, origin, bucket), "by_team",
			 rc_teams(c, &cz), "by_boundary", boundaries, "by_policy", policies, "by_capacity", capacity);
	agg_release(&cz);
	for (const char *const *cat = REVIEW_CATEGORIES; *cat; cat++)
		json_array_append_new(json_object_get(*out, "categories"), json_string(*cat));
	json_object_set_new(*out, "items", rc_items(view, *out));
	return 0;
}

#include "svc/reports/root_causes.api.inc"
