/* Database gauges for GET /metrics (svc/metrics.h). */
#include "svc/metrics.h"

#include <stdint.h>
#include <string.h>

#include "svc/notify/whworker.h"
#include "svc/tick.h"

void metrics_label(FILE *out, const char *value)
{
	for (const char *s = value; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', out);
		if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
}

/* The oldest due time any scheduler part has not handled yet: what the scheduler still owes. */
int metrics_scheduler(svc_ctx *c, FILE *out)
{
	int64_t oldest = INT64_MAX;
	for (const tick_due_fn *d = svc_tick_due(); *d; d++)
		if ((*d)(c, c->now, &oldest))
			return -1;
	double lag = oldest == INT64_MAX || oldest > c->now ? 0 : (double)(c->now - oldest) / 1000.0;
	fprintf(out,
		"# HELP frontline_scheduler_lag_seconds How long the oldest due scheduler item (a promise, a request, "
		"an offer, a review, ...) has waited to be handled; 0 when nothing is overdue.\n"
		"# TYPE frontline_scheduler_lag_seconds gauge\n"
		"frontline_scheduler_lag_seconds %.3f\n",
		lag);
	return 0;
}

/* Mail waiting in the outbox (queued, deferred after a failed attempt) and given up (bounced). */
int metrics_outbox(svc_ctx *c, FILE *out)
{
	static const char *const STATUSES[] = {"queued", "deferred", "bounced", NULL};
	int64_t n[3] = {0, 0, 0}, oldest = 0;
	int rc, found;
	for (int i = 0; STATUSES[i]; i++)
		if ((rc = db_scalar_int(c->db, "SELECT COUNT(*) FROM mail_out WHERE status = ?", DB_ARGS(DB_TXT(STATUSES[i])),
					&n[i], NULL)) != DB_OK)
			return svc_db_err(c, rc);
	if ((rc = db_scalar_int(c->db,
				"SELECT MIN(next_at) FROM mail_out WHERE status IN ('queued', 'deferred') AND next_at <= ?",
				DB_ARGS(DB_INT(c->now)), &oldest, &found)) != DB_OK)
		return svc_db_err(c, rc);
	fputs("# HELP frontline_outbox_messages Mail in the outbox: queued (waiting for its first attempt), deferred "
	      "(waiting to retry after a failed attempt), bounced (given up after the last attempt).\n"
	      "# TYPE frontline_outbox_messages gauge\n",
	      out);
	for (int i = 0; STATUSES[i]; i++)
		fprintf(out, "frontline_outbox_messages{status=\"%s\"} %lld\n", STATUSES[i], (long long)n[i]);
	fprintf(out,
		"# HELP frontline_outbox_oldest_due_seconds How long the oldest mail due for delivery has waited; 0 when none.\n"
		"# TYPE frontline_outbox_oldest_due_seconds gauge\n"
		"frontline_outbox_oldest_due_seconds %.3f\n",
		found && oldest > 0 && oldest <= c->now ? (double)(c->now - oldest) / 1000.0 : 0.0);
	return 0;
}

static const char PROMISES_HELP[] =
	"# HELP frontline_promises_open Promises to customers not yet kept, broken or renegotiated.\n"
	"# TYPE frontline_promises_open gauge\n";
static const char AT_RISK_HELP[] =
	"# HELP frontline_promises_at_risk Open promises marked at risk (a request they depend on is late).\n"
	"# TYPE frontline_promises_at_risk gauge\n";
static const char BREACHES_HELP[] =
	"# HELP frontline_breaches_total Promises broken (passed their due time unkept), since the organization began.\n"
	"# TYPE frontline_breaches_total counter\n";

/* Rows of (slug, value, value) as samples of two families (the second: name2 NULL = none). */
static int per_org(svc_ctx *c, FILE *out, const char *help, const char *name, const char *help2, const char *name2,
		   const char *sql)
{
	db_res *r;
	int rc = db_query(c->db, sql, DB_NOARGS, &r);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	json_t *rows = json_array();
	while (db_next(r) == 1)
		json_array_append_new(rows, json_pack("[s,I,I]", db_text(r, 0), (json_int_t)db_int(r, 1),
						      (json_int_t)(name2 ? db_int(r, 2) : 0)));
	if ((rc = db_res_close(r)) != DB_OK) {
		json_decref(rows);
		return svc_db_err(c, rc);
	}
	for (int family = 0; family < (name2 ? 2 : 1); family++) {
		fputs(family ? help2 : help, out);
		size_t i;
		json_t *row;
		json_array_foreach(rows, i, row)
		{
			fprintf(out, "%s{org=\"", family ? name2 : name);
			metrics_label(out, json_string_value(json_array_get(row, 0)));
			fprintf(out, "\"} %lld\n", (long long)json_integer_value(json_array_get(row, family + 1)));
		}
	}
	json_decref(rows);
	return 0;
}

/* Open and at-risk promises (one pass over the promises_open index's pending entries, migration
 * 0020) and breaches (the breach_daily rollup's totals), per organization. */
int metrics_promises(svc_ctx *c, FILE *out)
{
	if (per_org(c, out, PROMISES_HELP, "frontline_promises_open", AT_RISK_HELP, "frontline_promises_at_risk",
		    "SELECT o.slug, x.n, x.r FROM (SELECT org_id, COUNT(*) AS n, COUNT(at_risk_at) AS r FROM promises "
		    "WHERE status = 'pending' GROUP BY org_id) x JOIN orgs o ON o.id = x.org_id ORDER BY o.slug"))
		return -1;
	return per_org(c, out, BREACHES_HELP, "frontline_breaches_total", NULL, NULL,
		       "SELECT o.slug, SUM(b.breaches) FROM breach_daily b JOIN orgs o ON o.id = b.org_id "
		       "WHERE b.team_id = '*' AND b.dim = 'total' AND b.key = 'all' GROUP BY o.slug ORDER BY o.slug");
}

/* Webhook deliveries (svc/notify/): subscriptions, the events they have not handled yet, the ones
 * failing; and the staff notification mail among the outbox's (frontline_outbox_messages counts it too). */
#define STAFF_MAIL "SELECT COUNT(*) FROM mail_out WHERE kind IN ('notice','digest') AND "
int metrics_webhooks(svc_ctx *c, FILE *out)
{
	struct webhook_backlog w;
	int64_t waiting = 0, bounced = 0;
	int rc;
	if (webhook_backlog(c, &w))
		return -1;
	if ((rc = db_scalar_int(c->db, STAFF_MAIL "status IN ('queued','deferred')", NULL, 0, &waiting, NULL)) != DB_OK ||
	    (rc = db_scalar_int(c->db, STAFF_MAIL "status = 'bounced'", NULL, 0, &bounced, NULL)) != DB_OK)
		return svc_db_err(c, rc);
	fprintf(out,
		"# HELP frontline_webhook_subscriptions Webhook subscriptions, active or disabled (after repeated failure).\n"
		"# TYPE frontline_webhook_subscriptions gauge\n"
		"frontline_webhook_subscriptions{state=\"active\"} %lld\n"
		"frontline_webhook_subscriptions{state=\"disabled\"} %lld\n"
		"# HELP frontline_webhook_backlog_events Events active subscriptions have not handled yet (an upper bound).\n"
		"# TYPE frontline_webhook_backlog_events gauge\n"
		"frontline_webhook_backlog_events %lld\n"
		"# HELP frontline_webhook_failing Active subscriptions whose last delivery attempt failed.\n"
		"# TYPE frontline_webhook_failing gauge\n"
		"frontline_webhook_failing %lld\n"
		"# HELP frontline_notify_mail_messages Notification mail to staff: waiting (queued or deferred) or bounced.\n"
		"# TYPE frontline_notify_mail_messages gauge\n"
		"frontline_notify_mail_messages{status=\"waiting\"} %lld\n"
		"frontline_notify_mail_messages{status=\"bounced\"} %lld\n",
		w.active, w.disabled, w.pending_events, w.failing, (long long)waiting, (long long)bounced);
	return 0;
}

int metrics_write_db(svc_ctx *c, FILE *out)
{
	int ret = 0;
	for (const metrics_fn *m = svc_metrics_parts(); *m; m++)
		if ((*m)(c, out))
			ret = -1;
	return ret;
}
