/* What a failure review knows before anyone writes a word: facts pre-filled from the case page
 * and the breach's attribution, and the boundaries and policies involved (review facets). */
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "core/review_rules.h"
#include "svc/batch.h"
#include "svc/hooks.h"
#include "svc/learning/counters.h"
#include "svc/learning/facts.h"
#include "svc/ledger/case.h"
#include "svc/ledger/case_rows.h"
#include "svc/ledger/case_view.h"
#include "svc/promises/promise.h"
#include "svc/promises/request.h"
#include "svc/tick.h"

#define MAX_PATH 32

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

/* The channels the case crossed, in time order: the case's first channel, each touchpoint's and
 * each promise's (where it was made); each crossing "a->b" is added to boundaries.  New array. */
static json_t *channels_crossed(json_t *view, json_t *boundaries)
{
	size_t i;
	json_t *v, *steps = json_array();
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
	return channels;
}

/* The policy labels: each conflict gives a pair (sorted ids joined by '+'); a policy named only by
 * the attribution stands alone. */
static void label_policies(json_t *conflicts, json_t *attribution, json_t *policy_labels)
{
	size_t i;
	const char *key;
	json_t *v, *in_pairs = json_object();
	json_array_foreach(conflicts, i, v)
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
	json_object_set_new(facts, "channels", channels_crossed(view, boundaries));
	json_t *bl = json_array();
	const char *key;
	json_object_foreach(boundaries, key, v) json_array_append_new(bl, json_string(key));
	json_object_set_new(facts, "boundaries", bl);
	label_policies(json_object_get(facts, "policy_conflicts"), attribution, policy_labels);
	return facts;
}

/* --- a batch's pages read at once (facts_prefetch) --- */

/* "org/case" -> the parts of the case's page the facts read; breach id -> its place in the batch.
 * NULL outside a batch. */
static _Thread_local json_t *pre_views, *pre_order;

void facts_forget(void)
{
	json_decref(pre_views);
	json_decref(pre_order);
	pre_views = pre_order = NULL;
}

static json_t *touch_row(svc_ctx *c, db_res *r)
{
	(void)c;
	return json_pack("{s:s,s:o}", "channel", db_text(r, 2), "at", svc_col_time(r, 1));
}

static json_t *list_of(json_t *by_case, const char *case_id)
{
	json_t *a = json_object_get(by_case, case_id);
	return a ? json_incref(a) : json_array();
}

/* The pages of n cases of the actor's organization into pre_views. */
static int prefetch_cases(svc_ctx *c, const char *const *ids, size_t n, void *arg)
{
	(void)arg;
	enum { ROWS, TOUCH, PROMISES, REQUESTS, CONFLICTS, BREACHES, NPARTS };
	json_t *by[NPARTS];
	for (int i = 0; i < NPARTS; i++)
		by[i] = json_object();
	int ret = batch_rows(c, "SELECT " CASE_COLS CASE_FROM " WHERE ca.org_id = ? AND ca.id IN (%s)", ids, n, 0, case_brief_row,
			     by[ROWS]) ||
			  batch_rows(c, "SELECT case_id, at, channel FROM touchpoints WHERE org_id = ? AND case_id IN (%s) ORDER BY case_id, at, id",
				     ids, n, 0, touch_row, by[TOUCH]) ||
			  promise_rows_of_cases(c, ids, n, by[PROMISES]) || request_rows_of_cases(c, ids, n, by[REQUESTS]) ||
			  conflict_rows_of_cases(c, ids, n, by[CONFLICTS]) || breach_rows_of_cases(c, ids, n, by[BREACHES])
		  ? -1
		  : 0;
	for (size_t i = 0; ret == 0 && i < n; i++) {
		json_t *view = json_array_get(json_object_get(by[ROWS], ids[i]), 0);
		if (!view)
			continue; /* no such case: facts_compute reads the page and says so */
		view = json_copy(view);
		json_object_set_new(view, "touchpoints", list_of(by[TOUCH], ids[i]));
		json_object_set_new(view, "promises", list_of(by[PROMISES], ids[i]));
		json_object_set_new(view, "requests", list_of(by[REQUESTS], ids[i]));
		json_object_set_new(view, "policy_conflicts", list_of(by[CONFLICTS], ids[i]));
		json_object_set_new(view, "breaches", list_of(by[BREACHES], ids[i]));
		char *key = xasprintf("%s/%s", c->actor.org_id, ids[i]);
		json_object_set_new(pre_views, key, view);
		free(key);
	}
	for (int i = 0; i < NPARTS; i++)
		json_decref(by[i]);
	return ret;
}

int facts_prefetch(svc_ctx *c, const struct breach_item *items, size_t n)
{
	facts_forget();
	if (n == 0)
		return 0;
	pre_views = json_object();
	pre_order = json_object();
	for (size_t i = 0; i < n; i++)
		json_object_set_new(pre_order, items[i].breach_id, json_integer((json_int_t)i));
	int ret = batch_each(c, items, n, BATCH_CASES, prefetch_cases, NULL);
	if (ret)
		facts_forget();
	return svc_db_outcome(c, ret);
}

/* The page of the case read by facts_prefetch (new reference), as it was when breach_id was
 * recorded: without the breaches of its batch recorded after it.  NULL when not read. */
static json_t *prefetched_view(svc_ctx *c, const char *case_id, const char *breach_id)
{
	if (!pre_views || !breach_id)
		return NULL;
	json_t *at = json_object_get(pre_order, breach_id);
	char *key = xasprintf("%s/%s", c->actor.org_id, case_id);
	json_t *view = json_object_get(pre_views, key);
	free(key);
	if (!view || !at)
		return NULL;
	view = json_copy(view);
	json_int_t mine = json_integer_value(at);
	json_t *kept = json_array(), *b;
	size_t i;
	json_array_foreach(json_object_get(view, "breaches"), i, b)
	{
		json_t *place = json_object_get(pre_order, json_string_value(json_object_get(b, "id")));
		if (!place || json_integer_value(place) <= mine)
			json_array_append(kept, b);
	}
	json_object_set_new(view, "breaches", kept);
	return view;
}

void facts_release(struct review_facts *f)
{
	json_decref(f->facts);
	json_decref(f->boundaries);
	json_decref(f->policies);
	memset(f, 0, sizeof *f);
}

int facts_compute(svc_ctx *c, const struct case_row *row, const char *breach_id, const char *promise_id, json_t *attribution,
		  struct review_facts *f)
{
	json_t *view;
	memset(f, 0, sizeof *f);
	if (!(view = prefetched_view(c, row->id, breach_id)) && case_view(c, row->id, &view))
		return -1;
	f->boundaries = json_object();
	f->policies = json_object();
	/* the team for the report: where the attribution's causes point (the first holder's team),
	 * else the case's team */
	const char *ateam = find_key(json_object_get(attribution, "causes"), "team_id");
	svc_copy(c, f->team, sizeof f->team, ateam ? ateam : row->team_id);
	f->facts = facts_of(c, view, promise_id, attribution, f->boundaries, f->policies);
	json_decref(view);
	return 0;
}

int facts_write_facets(svc_ctx *c, const char *review_id, const char *case_id, int64_t opened_at, const struct review_facts *f)
{
	const char *key;
	json_t *v;
	const char *kinds[2] = {"boundary", "policy"};
	json_t *sets[2] = {f->boundaries, f->policies};
	for (int s = 0; s < 2; s++) {
		json_object_foreach(sets[s], key, v)
		{
			/* in a scheduler pass, written with the others */
			static const char head[] = "INSERT INTO review_facets (org_id, review_id, kind, label, case_id, opened_at)";
			if (tick_insert(c, head,
					DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(review_id), DB_TXT(kinds[s]), DB_TXT(key), DB_TXT(case_id),
						DB_INT(opened_at))))
				return -1;
			if (learning_bump(c, opened_at, kinds[s], key, "", 1))
				return -1;
		}
	}
	return 0;
}

