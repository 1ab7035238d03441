/* The webhook delivery worker's side: claim, payload, headers, outcome, backlog. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/limits.h"
#include "base/log.h"
#include "base/util.h"
#include "core/notify_rules.h"
#include "store/event.h"
#include "svc/notify/whsend.h"
#include "svc/notify/whworker.h"
#include "svc/org/alert.h"
#include "svc/tick.h"

#define SCAN_EVENTS 200 /* events read per subscription per claim when looking for its next one */
#define CANDIDATES  20	/* due subscriptions looked at per claim */

void webhook_msg_release(struct webhook_msg *m)
{
	free(m->url);
	free(m->secret);
	free(m->body);
	m->url = m->secret = m->body = NULL;
}

struct sub {
	char org_id[ID_SIZE], id[ID_SIZE];
	int64_t cursor;
	int attempts;
	json_t *kinds;
	char *url, *format, *secret;
};

static int family_wanted(json_t *kinds, const char *event_kind)
{
	const char *fam = webhook_family_of(event_kind);
	size_t i;
	json_t *v;
	json_array_foreach(kinds, i, v) if (fam && strcmp(json_string_value(v), fam) == 0) return 1;
	return 0;
}

/* One line for people (Slack, Teams): "case #12 “Phone will not charge”: promise.broken". */
static char *chat_text(const char *kind, json_t *caseinfo, const char *org)
{
	if (json_is_object(caseinfo))
		return xasprintf("[%s] case #%lld \"%s\": %s", org,
				 (long long)json_integer_value(json_object_get(caseinfo, "number")),
				 json_string_value(json_object_get(caseinfo, "subject")), kind);
	return xasprintf("[%s] %s", org, kind);
}

static json_t *case_info(svc_ctx *c, const char *org_id, const char *case_id)
{
	db_res *r;
	if (!case_id || !*case_id)
		return json_null();
	int rc = db_query(c->db, "SELECT number, subject FROM cases WHERE org_id = ? AND id = ?",
			  DB_ARGS(DB_TXT(org_id), DB_TXT(case_id)), &r);
	if (rc != DB_OK) {
		svc_db_err(c, rc);
		return json_null();
	}
	json_t *o = db_next(r) == 1 ? json_pack("{s:s,s:I,s:s}", "id", case_id, "number", (json_int_t)db_int(r, 0), "subject",
						db_text(r, 1))
				    : json_null();
	svc_close(c, r);
	return o;
}

/* The body of the event at the current row of r (seq, at, actor_id, kind, entity_type, entity_id,
 * case_id, data) in the subscription's format. */
static char *payload(svc_ctx *c, const struct sub *s, db_res *r)
{
	json_t *data = json_loads(db_text(r, 7), 0, NULL), *ci = case_info(c, s->org_id, db_text(r, 6)), *body;
	const char *kind = db_text(r, 3);
	if (strcmp(s->format, "standard") == 0) {
		body = json_pack("{s:s,s:o,s:{s:I,s:s,s:s,s:s,s:o,s:o,s:o}}", "type", kind, "timestamp", svc_time(db_int(r, 1)),
				 "data", "seq", (json_int_t)db_int(r, 0), "actor_id", db_text(r, 2), "entity_type", db_text(r, 4),
				 "entity_id", db_text(r, 5), "case_id", svc_col_str(r, 6), "case", ci, "event",
				 data ? data : json_object());
	} else {
		char *text = chat_text(kind, ci, "Frontline");
		body = strcmp(s->format, "slack") == 0
			       ? json_pack("{s:s}", "text", text)
			       : json_pack("{s:s,s:s,s:s,s:s}", "@type", "MessageCard", "@context",
					   "https://schema.org/extensions", "summary", text, "text", text);
		free(text);
		json_decref(ci);
		json_decref(data);
	}
	char *out = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(body);
	return out;
}

/* Look for s's next event; fill m and return 1, or 0 (none yet; the cursor passes what was
 * read), or -1. */
static int next_event(svc_ctx *c, const struct sub *s, struct webhook_msg *m)
{
	db_res *r;
	int64_t upto;
	/* never past an event still being written with a lower seq (PostgreSQL: store/event.h) */
	int rc = event_ready(c->db, s->org_id, &upto);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	rc = db_query(c->db,
		      "SELECT seq, at, actor_id, kind, entity_type, entity_id, case_id, data FROM events WHERE org_id = ? "
		      "AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?",
		      DB_ARGS(DB_TXT(s->org_id), DB_INT(s->cursor), DB_INT(upto), DB_INT(SCAN_EVENTS)), &r);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	int64_t last = s->cursor;
	int found = 0;
	while (!found && db_next(r) == 1) {
		last = db_int(r, 0);
		if (!family_wanted(s->kinds, db_text(r, 3)))
			continue;
		found = 1;
		m->seq = last;
		svc_copy(c, m->kind, sizeof m->kind, db_text(r, 3));
		m->body = payload(c, s, r);
	}
	if (svc_close(c, r))
		return -1;
	if (found || last == s->cursor)
		return found;
	/* nothing of its families in what was read: pass it (only if nobody moved the cursor meanwhile) */
	rc = db_exec(c->db, "UPDATE webhooks SET cursor_seq = ? WHERE org_id = ? AND id = ? AND cursor_seq = ?",
		     DB_ARGS(DB_INT(last), DB_TXT(s->org_id), DB_TXT(s->id), DB_INT(s->cursor)), NULL);
	return rc == DB_OK ? 0 : svc_db_err(c, rc);
}

static void sub_release(struct sub *s)
{
	json_decref(s->kinds);
	free(s->url);
	free(s->format);
	free(s->secret);
}

/* Lease s to worker and fill m from it.  Returns 1, or 0 when another worker took it first. */
static int lease(svc_ctx *c, struct sub *s, const char *worker, int64_t lease_ms, struct webhook_msg *m)
{
	int64_t changed = 0;
	int rc = db_exec(c->db,
			 "UPDATE webhooks SET lease_owner = ?, lease_until = ? WHERE org_id = ? AND id = ? AND status = 'active' "
			 "AND (lease_until IS NULL OR lease_until <= ?)",
			 DB_ARGS(DB_TXT(worker), DB_INT(c->now + lease_ms), DB_TXT(s->org_id), DB_TXT(s->id), DB_INT(c->now)),
			 &changed);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (changed != 1)
		return 0;
	svc_copy(c, m->org_id, sizeof m->org_id, s->org_id);
	svc_copy(c, m->id, sizeof m->id, s->id);
	snprintf(m->msg_id, sizeof m->msg_id, "%s.%lld", s->id, (long long)m->seq);
	m->attempts = s->attempts;
	m->url = s->url;
	m->secret = s->secret;
	s->url = s->secret = NULL;
	return 1;
}

static int load_candidates(svc_ctx *c, struct sub *subs, int *n)
{
	db_res *r;
	*n = 0;
	int rc =
		db_query(c->db,
			 "SELECT org_id, id, cursor_seq, attempts, kinds, url, format, secret FROM webhooks WHERE status = 'active' "
			 "AND next_at <= ? AND (lease_until IS NULL OR lease_until <= ?) ORDER BY next_at, org_id, id LIMIT ?",
			 DB_ARGS(DB_INT(c->now), DB_INT(c->now), DB_INT(CANDIDATES)), &r);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	while (*n < CANDIDATES && db_next(r) == 1) {
		struct sub *s = &subs[(*n)++];
		memset(s, 0, sizeof *s);
		svc_copy(c, s->org_id, sizeof s->org_id, db_text(r, 0));
		svc_copy(c, s->id, sizeof s->id, db_text(r, 1));
		s->cursor = db_int(r, 2);
		s->attempts = (int)db_int(r, 3);
		s->kinds = json_loads(db_text(r, 4), 0, NULL);
		if (!s->kinds)
			s->kinds = json_array();
		s->url = xstrdup(db_text(r, 5));
		s->format = xstrdup(db_text(r, 6));
		s->secret = xstrdup(db_text(r, 7));
	}
	return svc_close(c, r);
}

int webhook_claim(svc_ctx *c, const char *worker, int64_t lease_ms, struct webhook_msg *m)
{
	struct sub subs[CANDIDATES];
	int n, ret = 0;
	memset(m, 0, sizeof *m);
	if (load_candidates(c, subs, &n))
		ret = -1;
	for (int i = 0; i < n && ret == 0; i++) {
		ret = next_event(c, &subs[i], m);
		if (ret == 1 && (ret = lease(c, &subs[i], worker, lease_ms, m)) != 1) {
			free(m->body);
			m->body = NULL;
		}
	}
	for (int i = 0; i < n; i++)
		sub_release(&subs[i]);
	return ret;
}

char **webhook_headers(const struct webhook_msg *m, int64_t now_s)
{
	char sig[WEBHOOK_SIG_SIZE];
	if (webhook_sign(m->secret, m->msg_id, now_s, m->body, strlen(m->body), sig))
		return NULL;
	char **h = xcalloc(4, sizeof *h);
	h[0] = xasprintf("webhook-id: %s", m->msg_id);
	h[1] = xasprintf("webhook-timestamp: %lld", (long long)now_s);
	h[2] = xasprintf("webhook-signature: %s", sig);
	return h;
}

void webhook_headers_free(char **h)
{
	for (int i = 0; h && h[i]; i++)
		free(h[i]);
	free(h);
}

static const char *outcome_name(enum whsend_outcome o)
{
	return o == WHSEND_DELIVERED ? "delivered" : o == WHSEND_REFUSED ? "refused" : "failed";
}

/* After WEBHOOK_MAX_ATTEMPTS failures: its admin hears (the person who made it; every admin when
 * that person has left). */
static int disabled_alert(svc_ctx *c, const struct webhook_msg *m, const char *why)
{
	db_res *r;
	int rc = db_query(
		c->db,
		"SELECT p.id FROM people p WHERE p.org_id = ? AND p.active = 1 AND (p.id = (SELECT created_by FROM webhooks "
		"WHERE org_id = ? AND id = ?) OR (p.role = 'admin' AND NOT EXISTS (SELECT 1 FROM webhooks w JOIN people q ON "
		"q.org_id = w.org_id AND q.id = w.created_by WHERE w.org_id = ? AND w.id = ? AND q.active = 1))) ORDER BY p.id",
		DB_ARGS(DB_TXT(m->org_id), DB_TXT(m->org_id), DB_TXT(m->id), DB_TXT(m->org_id), DB_TXT(m->id)), &r);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	json_t *ids = json_array(), *v;
	while (db_next(r) == 1)
		json_array_append_new(ids, json_string(db_text(r, 0)));
	int ret = svc_close(c, r);
	size_t i;
	json_array_foreach(ids, i, v) if (ret == 0) ret = alert_add(c, json_string_value(v), "webhook_disabled", NULL, "webhook",
								    m->id, "Webhook %s was disabled: %s", m->url, why);
	json_decref(ids);
	return ret;
}

static int record_failure(svc_ctx *c, const struct webhook_msg *m, const struct whsend_result *res)
{
	int n = m->attempts + 1, disable = n >= WEBHOOK_MAX_ATTEMPTS;
	char why[320];
	snprintf(why, sizeof why, "%d failed attempts in a row (last: %s)", n, res->error);
	int rc = db_exec(c->db,
			 "UPDATE webhooks SET attempts = ?, next_at = ?, status = ?, disabled_reason = ?, lease_owner = NULL, "
			 "lease_until = NULL, updated_at = ? WHERE org_id = ? AND id = ?",
			 DB_ARGS(DB_INT(n), DB_INT(c->now + webhook_backoff_ms(n)), DB_TXT(disable ? "disabled" : "active"),
				 DB_TXT(disable ? why : ""), DB_INT(c->now), DB_TXT(m->org_id), DB_TXT(m->id)),
			 NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (!disable)
		return 0;
	return svc_event(c, "webhook.disabled", "webhook", m->id, NULL,
			 json_pack("{s:s,s:i,s:I}", "reason", why, "attempts", n, "event_seq", (json_int_t)m->seq)) ||
			       disabled_alert(c, m, why)
		       ? -1
		       : 0;
}

int webhook_finish(svc_ctx *c, const struct webhook_msg *m, const char *worker, const struct whsend_result *res)
{
	int64_t held = 0;
	char id[ID_SIZE];
	tick_as_system(c, m->org_id);
	int rc = db_scalar_int(c->db, "SELECT COUNT(*) FROM webhooks WHERE org_id = ? AND id = ? AND lease_owner = ?",
			       DB_ARGS(DB_TXT(m->org_id), DB_TXT(m->id), DB_TXT(worker)), &held, NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (held != 1)
		return 0; /* the lease ran out and another worker has it: its attempt counts */
	id_new(id, "whd", c->now);
	rc = db_exec(c->db,
		     "INSERT INTO webhook_deliveries (org_id, id, webhook_id, msg_id, event_seq, event_kind, attempt, outcome, "
		     "http_status, duration_ms, error, at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
		     DB_ARGS(DB_TXT(m->org_id), DB_TXT(id), DB_TXT(m->id), DB_TXT(m->msg_id), DB_INT(m->seq), DB_TXT(m->kind),
			     DB_INT(m->attempts + 1), DB_TXT(outcome_name(res->outcome)), DB_INT(res->http_status),
			     DB_INT(res->duration_ms), DB_TXT(res->error), DB_INT(c->now)),
		     NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (res->outcome != WHSEND_DELIVERED)
		return record_failure(c, m, res);
	rc = db_exec(c->db,
		     "UPDATE webhooks SET cursor_seq = ?, attempts = 0, next_at = ?, lease_owner = NULL, lease_until = NULL "
		     "WHERE org_id = ? AND id = ?",
		     DB_ARGS(DB_INT(m->seq), DB_INT(c->now), DB_TXT(m->org_id), DB_TXT(m->id)), NULL);
	return rc == DB_OK ? 0 : svc_db_err(c, rc);
}

int webhook_backlog(svc_ctx *c, struct webhook_backlog *out)
{
	db_res *r;
	memset(out, 0, sizeof *out);
	int rc = db_query(
		c->db,
		"SELECT SUM(CASE WHEN w.status = 'active' THEN 1 ELSE 0 END), SUM(CASE WHEN w.status = 'disabled' THEN 1 ELSE 0 END), "
		"SUM(CASE WHEN w.status = 'active' THEN COALESCE((SELECT MAX(e.seq) FROM events e WHERE e.org_id = w.org_id), 0) "
		"- w.cursor_seq ELSE 0 END), "
		"SUM(CASE WHEN w.status = 'active' AND w.attempts > 0 THEN 1 ELSE 0 END) FROM webhooks w",
		NULL, 0, &r);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (db_next(r) == 1) {
		out->active = db_int(r, 0);
		out->disabled = db_int(r, 1);
		out->pending_events = db_int(r, 2);
		out->failing = db_int(r, 3);
	}
	return svc_close(c, r);
}

/* --- the delivery loop --- */

/* One attempt under way: sent, its outcome not recorded yet when pending. */
struct attempt {
	struct webhook_msg m;
	struct whsend_result res;
	int pending;
};

static void log_attempt(const struct attempt *a)
{
	const char *outcome = a->res.outcome == WHSEND_DELIVERED ? "delivered"
			      : a->res.outcome == WHSEND_REFUSED ? "refused"
								 : "failed";
	log_json(a->res.outcome == WHSEND_DELIVERED ? LOG_INFO : LOG_WARN,
		 json_pack("{s:s,s:I,s:s,s:s,s:I,s:s}", "webhook", a->m.id, "event", (json_int_t)a->m.seq, "url", a->m.url,
			   "outcome", outcome, "http_status", (json_int_t)a->res.http_status, "error", a->res.error));
}

/* The loop's step: in one transaction, record the outcome of the attempt just made (if any) and
 * claim the next (so a busy worker commits once per delivery); then send it outside any
 * transaction.  A failed commit loses nothing: the lease runs out and the event is sent again with
 * the same webhook-id.  Returns 1 when an attempt was made, 0 when nothing was due, -1 on a
 * storage error. */
static int step(svc_ctx *c, const struct webhook_work *o, struct attempt *a, int claim)
{
	c->now = clock_now(c->clock);
	err_clear(&c->err);
	if (db_begin(c->db, 1) != DB_OK)
		return -1;
	int rc = a->pending && webhook_finish(c, &a->m, o->worker, &a->res) ? -1 : 0;
	if (a->pending) {
		log_attempt(a);
		webhook_msg_release(&a->m);
		a->pending = 0;
	}
	if (rc == 0 && claim)
		rc = webhook_claim(c, o->worker, o->lease_s * 1000LL, &a->m);
	if (rc < 0 || db_commit(c->db) != DB_OK) {
		db_rollback(c->db);
		if (rc == 1)
			webhook_msg_release(&a->m);
		return -1;
	}
	if (rc == 0)
		return 0;
	char **headers = webhook_headers(&a->m, c->now / 1000);
	if (headers) {
		whsend_post(a->m.url, o->allow, (const char *const *)headers, a->m.body, strlen(a->m.body), &a->res);
	} else {
		memset(&a->res, 0, sizeof a->res);
		a->res.outcome = WHSEND_FAILED;
		snprintf(a->res.error, sizeof a->res.error, "the signing secret is malformed");
	}
	webhook_headers_free(headers);
	a->pending = 1;
	return 1;
}

/* Wait up to s seconds, waking every 100 ms to see whether to stop. */
static void idle(const struct webhook_work *o, int s)
{
	for (int i = 0; i < (s > 0 ? s : 1) * 10 && !*o->stop; i++)
		usleep(100 * 1000);
}

int webhook_work_run(db *d, fl_clock *clk, const struct webhook_work *o, long *handled)
{
	svc_ctx c = {.db = d, .clock = clk};
	struct attempt a = {.pending = 0};
	int rc = 0;
	*handled = 0;
	while (!*o->stop && (!o->max || *handled < o->max)) {
		int r = step(&c, o, &a, 1);
		if (r < 0) {
			log_json(LOG_ERROR, json_pack("{s:s,s:s}", "webhook_worker", "storage_error", "error",
						      *c.err.message ? c.err.message : db_errmsg(d)));
			rc = 1;
			if (o->once)
				break;
		}
		if (r == 1) {
			++*handled;
			continue;
		}
		if (o->once)
			break;
		idle(o, o->interval_s);
	}
	if (a.pending && step(&c, o, &a, 0) < 0) /* the last outcome (max, or stopping) */
		rc = 1;
	svc_ctx_release(&c);
	return rc;
}
