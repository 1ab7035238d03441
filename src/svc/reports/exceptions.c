/* The exceptions report: proposed, co-signed, expired, withdrawn, time to co-sign, review backlog
 * and adopted, by policy and by team. */
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "core/exception_rules.h"
#include "svc/exceptions/policy.h"
#include "svc/org/org.h"
#include "svc/reports/reports.h"

/* --- the report --- */

static void *grow(void *p, size_t n)
{
	void *q = realloc(p, n);
	if (!q)
		fl_die("out of memory");
	return q;
}

/* Merge the keys of x (stolen) into o. */
static void update_new(json_t *o, json_t *x)
{
	json_object_update(o, x);
	json_decref(x);
}

struct bucket {
	char k1[ID_SIZE], k2[ID_SIZE];
	long long proposed, cosigned, expired, withdrawn, open, backlog, adopted, adopted_into_policy;
	int64_t oldest_backlog_ms;
	int64_t *times;
	size_t n, cap;
};

struct buckets {
	struct bucket *b;
	size_t n, cap;
};

static struct bucket *bucket_of(svc_ctx *c, struct buckets *s, const char *k1, const char *k2)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->b[i].k1, k1) == 0 && strcmp(s->b[i].k2, k2) == 0)
			return &s->b[i];
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 8;
		s->b = grow(s->b, s->cap * sizeof *s->b);
	}
	struct bucket *b = &s->b[s->n++];
	memset(b, 0, sizeof *b);
	svc_copy(c, b->k1, sizeof b->k1, k1);
	svc_copy(c, b->k2, sizeof b->k2, k2);
	return b;
}

struct report_row {
	const char *status, *review_status, *verdict, *proposal_status;
	int64_t created, approved, expires;
};

static void count_into(struct bucket *b, const struct report_row *x, int64_t now)
{
	b->proposed++;
	if (strcmp(x->status, "approved") == 0) {
		b->cosigned++;
		if (b->n == b->cap) {
			b->cap = b->cap ? b->cap * 2 : 8;
			b->times = grow(b->times, b->cap * sizeof *b->times);
		}
		b->times[b->n++] = x->approved - x->created;
	} else if (strcmp(x->status, "withdrawn") == 0) {
		b->withdrawn++;
	} else if (strcmp(x->status, "expired") == 0 || now >= x->expires) {
		b->expired++;
	} else {
		b->open++;
	}
	if (strcmp(x->review_status, "pending") == 0) {
		b->backlog++;
		if (now - x->approved > b->oldest_backlog_ms)
			b->oldest_backlog_ms = now - x->approved;
	}
	if (strcmp(x->verdict, "adopt") == 0)
		b->adopted++;
	if (strcmp(x->proposal_status, "accepted") == 0)
		b->adopted_into_policy++;
}

static json_t *bucket_json(struct bucket *b)
{
	json_t *med = b->n ? json_integer(exc_median(b->times, b->n) / 60000) : json_null();
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:o,s:I,s:o,s:I,s:I}", "proposed", (json_int_t)b->proposed, "cosigned",
			 (json_int_t)b->cosigned, "expired", (json_int_t)b->expired, "withdrawn", (json_int_t)b->withdrawn,
			 "open", (json_int_t)b->open, "median_minutes_to_cosign", med, "review_backlog", (json_int_t)b->backlog,
			 "oldest_backlog_hours", b->backlog ? json_integer(b->oldest_backlog_ms / 3600000) : json_null(), "adopted",
			 (json_int_t)b->adopted, "adopted_into_policy", (json_int_t)b->adopted_into_policy);
}

static void buckets_release(struct buckets *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->b[i].times);
	free(s->b);
}

static const char *policy_name(svc_ctx *c, const char *policy_id, char *buf, size_t n)
{
	json_t *p = policy_brief(c, policy_id, 0);
	svc_copy(c, buf, n, json_string_value(json_object_get(p, "name")));
	json_decref(p);
	return buf;
}

static int exc_report(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	int rc;
	long long from, to;
	if (in_period(in, c->now, &from, &to, &c->err))
		return -1;
	db_res *r;
	if ((rc = db_query(c->db,
			   "SELECT e.policy_id, COALESCE(e.team_id, ''), e.status, e.review_status, COALESCE(e.verdict, ''), "
			   "COALESCE(pp.status, ''), e.created_at, COALESCE(e.approved_at, 0), e.expires_at FROM exceptions e "
			   "LEFT JOIN policy_proposals pp ON pp.org_id = e.org_id AND pp.id = e.proposal_id "
			   "WHERE e.org_id = ? AND e.created_at >= ? AND e.created_at < ?",
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_INT(from), DB_INT(to)), &r)) != DB_OK)
		return svc_db_err(c, rc);
	struct buckets total = {0}, by_policy = {0}, by_team = {0}, by_both = {0};
	while ((rc = db_next(r)) == 1) {
		struct report_row x = {db_text(r, 2), db_text(r, 3), db_text(r, 4), db_text(r, 5), db_int(r, 6), db_int(r, 7), db_int(r, 8)};
		count_into(bucket_of(c, &total, "", ""), &x, c->now);
		count_into(bucket_of(c, &by_policy, db_text(r, 0), ""), &x, c->now);
		count_into(bucket_of(c, &by_team, db_text(r, 1), ""), &x, c->now);
		count_into(bucket_of(c, &by_both, db_text(r, 0), db_text(r, 1)), &x, c->now);
	}
	db_res_discard(r);
	if (rc < 0) {
		buckets_release(&total);
		buckets_release(&by_policy);
		buckets_release(&by_team);
		buckets_release(&by_both);
		return svc_db_err(c, rc);
	}
	char name[256];
	json_t *tot = bucket_json(bucket_of(c, &total, "", ""));
	json_t *pol = json_array(), *team = json_array(), *items = json_array();
	for (size_t i = 0; i < by_policy.n; i++) {
		json_t *o = json_pack("{s:s,s:s}", "policy_id", by_policy.b[i].k1, "policy",
				      policy_name(c, by_policy.b[i].k1, name, sizeof name));
		update_new(o, (bucket_json(&by_policy.b[i])));
		json_array_append_new(pol, o);
	}
	for (size_t i = 0; i < by_team.n; i++) {
		json_t *o = json_pack("{s:o,s:s}", "team_id", *by_team.b[i].k1 ? json_string(by_team.b[i].k1) : json_null(), "team",
				      org_team_name(c, by_team.b[i].k1, name, sizeof name));
		update_new(o, (bucket_json(&by_team.b[i])));
		json_array_append_new(team, o);
	}
	for (size_t i = 0; i < by_both.n; i++) {
		char tname[256];
		json_t *o = json_pack("{s:s,s:s}", "policy", policy_name(c, by_both.b[i].k1, name, sizeof name), "team",
				      org_team_name(c, by_both.b[i].k2, tname, sizeof tname));
		update_new(o, (bucket_json(&by_both.b[i])));
		json_array_append_new(items, o);
	}
	buckets_release(&total);
	buckets_release(&by_policy);
	buckets_release(&by_team);
	buckets_release(&by_both);
	*out = json_pack("{s:o,s:o,s:o,s:o,s:o,s:o}", "from", from > 0 ? svc_time(from) : json_null(), "to", svc_time(to),
			 "totals", tot, "by_policy", pol, "by_team", team, "items", items);
	return 0;
}

#include "svc/reports/exceptions.api.inc"
