/* Database gauges for GET /metrics (svc/metrics.h). */
#include "svc/metrics.h"

#include <stdint.h>
#include <string.h>

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

/* One sample line per organization of a query answering (slug, value). */
static int per_org(svc_ctx *c, FILE *out, const char *name, const char *sql, const db_arg *args, int n)
{
	db_res *r;
	int rc = db_query(c->db, sql, args, n, &r);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	while (db_next(r) == 1) {
		fprintf(out, "%s{org=\"", name);
		metrics_label(out, db_text(r, 0));
		fprintf(out, "\"} %lld\n", (long long)db_int(r, 1));
	}
	if ((rc = db_res_close(r)) != DB_OK)
		return svc_db_err(c, rc);
	return 0;
}

/* Open and at-risk promises (a range of the promises_due index: the pending ones only) and
 * breaches (the breach_daily rollup's totals), per organization. */
int metrics_promises(svc_ctx *c, FILE *out)
{
	fputs("# HELP frontline_promises_open Promises to customers not yet kept, broken or renegotiated.\n"
	      "# TYPE frontline_promises_open gauge\n",
	      out);
	if (per_org(c, out, "frontline_promises_open",
		    "SELECT o.slug, COUNT(*) FROM promises p JOIN orgs o ON o.id = p.org_id WHERE p.status = 'pending' "
		    "GROUP BY o.slug ORDER BY o.slug",
		    DB_NOARGS))
		return -1;
	fputs("# HELP frontline_promises_at_risk Open promises marked at risk (a request they depend on is late).\n"
	      "# TYPE frontline_promises_at_risk gauge\n",
	      out);
	if (per_org(c, out, "frontline_promises_at_risk",
		    "SELECT o.slug, COUNT(*) FROM promises p JOIN orgs o ON o.id = p.org_id WHERE p.status = 'pending' "
		    "AND p.at_risk_at IS NOT NULL GROUP BY o.slug ORDER BY o.slug",
		    DB_NOARGS))
		return -1;
	fputs("# HELP frontline_breaches_total Promises broken (passed their due time unkept), since the organization began.\n"
	      "# TYPE frontline_breaches_total counter\n",
	      out);
	return per_org(c, out, "frontline_breaches_total",
		       "SELECT o.slug, SUM(b.breaches) FROM breach_daily b JOIN orgs o ON o.id = b.org_id "
		       "WHERE b.team_id = '*' AND b.dim = 'total' AND b.key = 'all' GROUP BY o.slug ORDER BY o.slug",
		       DB_NOARGS);
}

int metrics_write_db(svc_ctx *c, FILE *out)
{
	int ret = 0;
	for (const metrics_fn *m = svc_metrics_parts(); *m; m++)
		if ((*m)(c, out))
			ret = -1;
	return ret;
}
