/* After approval: the review queue (every approved exception waits for a supervisor's or
 * leader's verdict: adopt, one_off or coach), groups of similar exceptions, the policy change
 * proposals "adopt" opens (accepting one makes a new policy version through the catalogue). */
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "svc/exceptions/exception_read.h"
#include "svc/exceptions/exception_review.h"
#include "svc/exceptions/policy.h"
#include "svc/page.h"
#include "svc/router.h"

static const char *const VERDICTS[] = {"adopt", "one_off", "coach", NULL};
static const char *const PROPOSAL_STATUSES[] = {"open", "accepted", "rejected", NULL};

/* --- policy change proposals --- */

static json_t *proposal_row(svc_ctx *c, db_res *r)
{
	json_t *lim = db_is_null(r, 4) ? json_null() : json_loads(db_text(r, 4), 0, NULL);
	return json_pack("{s:s,s:o,s:s,s:o,s:o,s:s,s:o,s:o,s:o,s:o,s:s,s:o}", "id", db_text(r, 0), "policy",
			 policy_json(c, db_text(r, 1), 0), "change", db_text(r, 2), "new_text", svc_col_str(r, 3), "new_limits",
			 lim ? lim : json_null(), "status", db_text(r, 5), "proposed_by", svc_person_brief(c, db_text(r, 6)),
			 "created_at", svc_col_time(r, 7), "decided_by", svc_person_brief(c, db_is_null(r, 8) ? NULL : db_text(r, 8)),
			 "decided_at", svc_col_time(r, 9), "decision_reason", db_text(r, 10), "new_version",
			 db_is_null(r, 11) ? json_null() : json_integer(db_int(r, 11)));
}

static json_t *proposal_json(svc_ctx *c, const char *id)
{
	int rc;
	db_res *r;
	json_t *o = svc_one_row(c,
				"SELECT id, policy_id, change, new_text, new_limits, status, proposed_by, created_at, decided_by, "
				"decided_at, decision_reason, new_version FROM policy_proposals WHERE org_id = ? AND id = ?",
				id, proposal_row);
	if (!json_is_object(o))
		return o ? o : json_null();
	json_t *ex = json_array();
	if ((rc = db_query(
		     c->db,
		     "SELECT e.id, e.kind, e.amount_cents, e.description, e.case_id, e.approved_at FROM policy_proposal_exceptions l "
		     "JOIN exceptions e ON e.org_id = l.org_id AND e.id = l.exception_id WHERE l.org_id = ? AND l.proposal_id = ? "
		     "ORDER BY e.approved_at, e.id",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id)), &r)) == DB_OK) {
		while (db_next(r) == 1)
			json_array_append_new(ex, json_pack("{s:s,s:s,s:o,s:s,s:s,s:o}", "id", db_text(r, 0), "kind", db_text(r, 1),
							    "amount_cents", db_is_null(r, 2) ? json_null() : json_integer(db_int(r, 2)),
							    "description", db_text(r, 3), "case_id", db_text(r, 4), "approved_at",
							    svc_col_time(r, 5)));
		rc = db_res_close(r);
	}
	if (rc != DB_OK)
		svc_db_err(c, rc);
	json_object_set_new(o, "exceptions", ex);
	return o;
}

struct proposal_state {
	char id[ID_SIZE], policy_id[ID_SIZE], status[16];
	char *change, *new_text, *new_limits;
};

static void proposal_release(struct proposal_state *s)
{
	free(s->change);
	free(s->new_text);
	free(s->new_limits);
}

static int proposal_load(svc_ctx *c, const char *id, struct proposal_state *s)
{
	db_res *r;
	memset(s, 0, sizeof *s);
	if (svc_load_id(c, "pcp", id, "proposal_not_found", "no such policy proposal", &r,
			"SELECT id, policy_id, status, change, new_text, new_limits FROM policy_proposals WHERE org_id = ? AND id = ?"))
		return -1;
	SVC_COPY_COLS(c, r, 0, SVC_BUF(s->id), SVC_BUF(s->policy_id), SVC_BUF(s->status));
	s->change = xstrdup(db_text(r, 3));
	s->new_text = db_is_null(r, 4) ? NULL : xstrdup(db_text(r, 4));
	s->new_limits = db_is_null(r, 5) ? NULL : xstrdup(db_text(r, 5));
	db_res_discard(r);
	return 0;
}

static int link_exception(svc_ctx *c, const char *proposal_id, const char *exc_id)
{
	int rc = db_exec(c->db, "INSERT INTO policy_proposal_exceptions (org_id, proposal_id, exception_id) VALUES (?,?,?) ON CONFLICT DO NOTHING",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(proposal_id), DB_TXT(exc_id)), NULL);
	return rc == DB_OK ? 0 : svc_db_err(c, rc);
}

/* The proposal an "adopt" verdict joins (proposal_id) or opens (proposal text).  id gets it. */
static int adopt_proposal(svc_ctx *c, json_t *in, const char *policy_id, char id[ID_SIZE])
{
	const char *existing = in_str(in, "proposal_id");
	if (existing) {
		struct proposal_state s;
		if (proposal_load(c, existing, &s))
			return -1;
		int same = strcmp(s.policy_id, policy_id) == 0, open = strcmp(s.status, "open") == 0;
		svc_copy(c, id, ID_SIZE, s.id);
		proposal_release(&s);
		if (!open)
			return err_set(&c->err, ERR_CONFLICT, "proposal_decided", "proposal_id", "that proposal is already decided");
		if (!same)
			return err_set(&c->err, ERR_RULE, "proposal_other_policy", "proposal_id",
				       "that proposal changes another policy");
		return 0;
	}
	const char *change = in_str(in, "proposal");
	if (!change)
		return err_set(&c->err, ERR_INVALID, "required", "proposal",
			       "adopt needs the policy change (proposal) or an open proposal to join (proposal_id)");
	json_t *lim = json_object_get(in, "limits");
	char *limits = lim ? json_dumps(lim, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	id_new(id, "pcp", c->now);
	int rc = db_exec(c->db,
			 "INSERT INTO policy_proposals (org_id, id, policy_id, change, new_text, new_limits, status, proposed_by, created_at) "
			 "VALUES (?,?,?,?,?,?,'open',?,?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(policy_id), DB_TXT(change), DB_TXT(in_str(in, "policy_text")),
				 DB_TXT(limits), DB_TXT(c->actor.person_id), DB_INT(c->now)),
			 NULL);
	free(limits);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	return svc_event(c, "policy_proposal.opened", "policy_proposal", id, NULL,
			 json_pack("{s:s,s:s}", "policy_id", policy_id, "change", change));
}

/* Record one verdict (the rules checked, the guard on review_status). */
static int review_one(svc_ctx *c, const char *exc_id, json_t *in, const char *proposal_id)
{
	struct exc_row row;
	if (exc_load(c, exc_id, &row))
		return -1;
	struct exc_state e = exc_state_of(&row);
	struct exc_person who = {c->actor.person_id, c->actor.role};
	if (exc_may_review(&e, &who, strcmp(row.review_status, "reviewed") == 0, &c->err))
		return -1;
	const char *verdict = in_str(in, "verdict");
	const char *note = in_str(in, "note") ? in_str(in, "note") : "";
	int64_t n = 0;
	int rc = db_exec(c->db,
			 "UPDATE exceptions SET review_status = 'reviewed', verdict = ?, review_reasoning = ?, coach_note = ?, "
			 "reviewed_by = ?, reviewed_at = ?, proposal_id = ?, updated_at = ? "
			 "WHERE org_id = ? AND id = ? AND status = 'approved' AND review_status = 'pending'",
			 DB_ARGS(DB_TXT(verdict), DB_TXT(in_str(in, "reasoning")), DB_TXT(note), DB_TXT(c->actor.person_id),
				 DB_INT(c->now), DB_TXT(proposal_id), DB_INT(c->now), DB_TXT(c->actor.org_id), DB_TXT(row.id)),
			 &n);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (n != 1)
		return err_set(&c->err, ERR_CONFLICT, "already_reviewed", NULL, "this exception already has a verdict");
	if (proposal_id && link_exception(c, proposal_id, row.id))
		return -1;
	return svc_event(c, "exception.reviewed", "exception", row.id, row.case_id,
			 json_pack("{s:s,s:s,s:s?,s:s}", "verdict", verdict, "reasoning", in_str(in, "reasoning"), "proposal_id",
				   proposal_id, "note", note));
}

static int exc_review(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct exc_row row;
	char pid[ID_SIZE] = "";
	const char *verdict = in_str(in, "verdict");
	int adopt = strcmp(verdict, "adopt") == 0;
	if (exc_load(c, p[0], &row))
		return -1;
	if (!adopt && (in_str(in, "proposal") || in_str(in, "proposal_id") || json_object_get(in, "limits") ||
		       in_str(in, "policy_text")))
		return err_set(&c->err, ERR_INVALID, "proposal_needs_adopt", "proposal", "a policy proposal comes only with adopt");
	if (strcmp(verdict, "coach") == 0 && !in_str(in, "note"))
		return err_set(&c->err, ERR_INVALID, "required", "note", "coach needs the forward-looking note");
	/* check the rules before opening anything */
	struct exc_state e = exc_state_of(&row);
	struct exc_person who = {c->actor.person_id, c->actor.role};
	if (exc_may_review(&e, &who, strcmp(row.review_status, "reviewed") == 0, &c->err))
		return -1;
	if (adopt && adopt_proposal(c, in, row.policy_id, pid))
		return -1;
	if (review_one(c, row.id, in, adopt ? pid : NULL))
		return -1;
	/* the same verdict for similar exceptions of the same policy, reviewed together */
	json_t *also = json_object_get(in, "also");
	size_t i;
	json_t *v;
	json_array_foreach(also, i, v)
	{
		struct exc_row other;
		if (!json_is_string(v))
			return err_set(&c->err, ERR_INVALID, "wrong_type", "also", "also must list exception ids");
		if (exc_load(c, json_string_value(v), &other))
			return -1;
		if (strcmp(other.policy_id, row.policy_id) != 0)
			return err_set(&c->err, ERR_RULE, "other_policy", "also", "exception %s departs from another policy", other.id);
		if (review_one(c, other.id, in, adopt ? pid : NULL))
			return -1;
	}
	*out = exc_json(c, row.id);
	if (adopt)
		json_object_set_new(*out, "proposal", proposal_json(c, pid));
	return 0;
}

/* --- the review queue --- */

static int exc_queue(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	int rc;
	db_res *r;
	int64_t q0 = exc_quarter_start(c->now);
	json_t *groups = json_array(), *items = json_array();
	/* similar = same policy and same kind; counted over this quarter's approvals */
	if ((rc = db_query(c->db,
			   "SELECT policy_id, kind, limit_key, COUNT(*), SUM(CASE WHEN review_status = 'pending' THEN 1 ELSE 0 END), "
			   "SUM(CASE WHEN verdict = 'adopt' THEN 1 ELSE 0 END) FROM exceptions "
			   "WHERE org_id = ? AND status = 'approved' AND approved_at >= ? GROUP BY policy_id, kind, limit_key "
			   "ORDER BY COUNT(*) DESC, policy_id, kind, limit_key",
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_INT(q0)), &r)) != DB_OK) {
		json_decref(groups);
		json_decref(items);
		return svc_db_err(c, rc);
	}
	while (db_next(r) == 1) {
		long long n = db_int(r, 3);
		json_t *pol = policy_brief(c, db_text(r, 0), 0);
		json_object_del(pol, "version");
		char *summary = xasprintf("%lld exception%s this quarter departed from the same limit (%s of \"%s\", %s)", n,
					  n == 1 ? "" : "s", db_text(r, 2), json_string_value(json_object_get(pol, "name")),
					  db_text(r, 1));
		json_array_append_new(groups, json_pack("{s:o,s:s,s:s,s:I,s:I,s:I,s:s}", "policy", pol, "kind", db_text(r, 1),
							"limit", db_text(r, 2), "this_quarter", (json_int_t)n, "pending_review",
							(json_int_t)db_int(r, 4), "adopted", (json_int_t)db_int(r, 5), "summary",
							summary));
		free(summary);
	}
	if ((rc = db_res_close(r)) != DB_OK) {
		json_decref(groups);
		json_decref(items);
		return svc_db_err(c, rc);
	}
	if (svc_query(c,
		      "SELECT id, approved_at FROM exceptions WHERE org_id = ? AND review_status = 'pending' "
		      "ORDER BY approved_at, id LIMIT ?",
		      DB_ARGS(DB_TXT(c->actor.org_id), DB_INT(svc_limit(in))), &r)) {
		json_t *ids = json_array();
		while (db_next(r) == 1)
			json_array_append_new(ids, json_pack("[s,I]", db_text(r, 0), (json_int_t)db_int(r, 1)));
		if ((rc = db_res_close(r)) != DB_OK)
			svc_db_err(c, rc);
		size_t i;
		json_t *v;
		json_array_foreach(ids, i, v)
		{
			json_t *e = exc_json(c, json_string_value(json_array_get(v, 0)));
			if (!json_is_object(e)) {
				json_decref(e);
				continue;
			}
			json_object_set_new(e, "waiting_hours",
					    json_integer((c->now - json_integer_value(json_array_get(v, 1))) / 3600000));
			/* its group, so the reviewer sees how often this limit was departed from */
			const char *pid = json_string_value(json_object_get(json_object_get(e, "policy"), "id"));
			const char *kind = json_string_value(json_object_get(e, "kind"));
			size_t j;
			json_t *g;
			json_array_foreach(groups, j, g)
			{
				if (strcmp(json_string_value(json_object_get(json_object_get(g, "policy"), "id")), pid) == 0 &&
				    strcmp(json_string_value(json_object_get(g, "kind")), kind) == 0 &&
				    strcmp(json_string_value(json_object_get(g, "limit")), json_string_value(json_object_get(e, "limit"))) == 0) {
					json_object_set_new(e, "group", json_deep_copy(g));
					break;
				}
			}
			json_array_append_new(items, e);
		}
		json_decref(ids);
	}
	*out = json_pack("{s:o,s:o,s:o}", "items", items, "groups", groups, "quarter_start", svc_time(q0));
	return 0;
}

static const struct page_list PROPOSALS; /* in exception_review.api.json */

static int pp_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	const char *status = in_str(in, "status");
	return page_run(c, &PROPOSALS, in, "org_id = ? AND (? IS NULL OR status = ?)",
			DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(status), DB_TXT(status)), out);
}

static int pp_show(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct proposal_state s;
	if (proposal_load(c, p[0], &s))
		return -1;
	*out = proposal_json(c, s.id);
	proposal_release(&s);
	return 0;
}

static int pp_decide(svc_ctx *c, const char *id, const char *status, const char *reason, long long version)
{
	int64_t n = 0;
	int rc = db_exec(c->db,
			 "UPDATE policy_proposals SET status = ?, decided_by = ?, decided_at = ?, decision_reason = ?, new_version = ? "
			 "WHERE org_id = ? AND id = ? AND status = 'open'",
			 DB_ARGS(DB_TXT(status), DB_TXT(c->actor.person_id), DB_INT(c->now), DB_TXT(reason ? reason : ""),
				 version ? DB_INT(version) : DB_NULL, DB_TXT(c->actor.org_id), DB_TXT(id)),
			 &n);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (n != 1)
		return err_set(&c->err, ERR_CONFLICT, "proposal_decided", NULL, "the proposal is already decided");
	json_t *data = json_pack("{s:s}", "reason", reason ? reason : "");
	if (version)
		json_object_set_new(data, "new_version", json_integer(version));
	return svc_event(c, strcmp(status, "accepted") == 0 ? "policy_proposal.accepted" : "policy_proposal.rejected",
			 "policy_proposal", id, NULL, data);
}

static int pp_accept(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct proposal_state s;
	json_t *pol_out = NULL, *body = NULL;
	int ret = -1;
	if (svc_require(c, PERM_MANAGE_POLICIES) || proposal_load(c, p[0], &s))
		return -1;
	if (strcmp(s.status, "open") != 0) {
		err_set(&c->err, ERR_CONFLICT, "proposal_decided", NULL, "the proposal is already decided");
		goto cleanup;
	}
	/* the new version: text and limits given now, else those proposed, else the policy's text
	 * with the change appended and its limits unchanged */
	json_t *cur = policy_json(c, s.policy_id, 0);
	const char *text = in_str(in, "text");
	char *joined = NULL;
	if (!text && s.new_text)
		text = s.new_text;
	if (!text) {
		joined = xasprintf("%s\n%s", json_string_value(json_object_get(cur, "text")), s.change);
		text = joined;
	}
	char *reason = xasprintf("policy proposal %s: %s", s.id, s.change);
	body = json_pack("{s:s,s:s}", "text", text, "reason", in_str(in, "reason") ? in_str(in, "reason") : reason);
	free(reason);
	free(joined);
	json_decref(cur);
	json_t *lim = json_object_get(in, "limits");
	if (lim)
		json_object_set(body, "limits", lim);
	else if (s.new_limits)
		json_object_set_new(body, "limits", json_loads(s.new_limits, 0, NULL));
	char path[128];
	snprintf(path, sizeof path, "/api/v1/policies/%s", s.policy_id);
	if (router_call(c, "PATCH", path, body, &pol_out))
		goto cleanup;
	long long version = json_integer_value(json_object_get(pol_out, "version"));
	if (pp_decide(c, s.id, "accepted", in_str(in, "reason"), version))
		goto cleanup;
	*out = proposal_json(c, s.id);
	ret = 0;
cleanup:
	json_decref(body);
	json_decref(pol_out);
	proposal_release(&s);
	return ret;
}

static int pp_reject(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct proposal_state s;
	if (svc_require(c, PERM_MANAGE_POLICIES) || proposal_load(c, p[0], &s))
		return -1;
	int rc = pp_decide(c, s.id, "rejected", in_str(in, "reason"), 0);
	if (rc == 0)
		*out = proposal_json(c, s.id);
	proposal_release(&s);
	return rc;
}

/* --- routes --- */

#include "svc/exceptions/exception_review.api.inc"
