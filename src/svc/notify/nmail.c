/* Mail to staff: the queue, and the delivery worker's claim and outcome. */
#include <string.h>

#include "base/util.h"
#include "mail/compose.h"
#include "svc/notify/nmail.h"
#include "svc/tick.h"

int nmail_queue(svc_ctx *c, const char *person_id, const char *to, const char *kind, const char *subject, const char *body)
{
	char id[ID_SIZE];
	id_new(id, "nml", c->now);
	int rc =
		db_exec(c->db,
			"INSERT INTO notify_mail (org_id, id, person_id, kind, to_addr, subject, body, status, attempts, next_at, "
			"created_at) VALUES (?,?,?,?,?,?,?,'queued',0,?,?)",
			DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(person_id), DB_TXT(kind), DB_TXT(to), DB_TXT(subject),
				DB_TXT(body), DB_INT(c->now), DB_INT(c->now)),
			NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	return svc_event(c, "notify.mail_queued", "notify_mail", id, NULL,
			 json_pack("{s:s,s:s,s:s}", "person_id", person_id, "kind", kind, "subject", subject));
}

/* Compose the leased message: From is the organization's first mailbox (else frontline@localhost). */
static int load_for_send(svc_ctx *c, struct outbox_msg *m)
{
	db_res *r;
	int rc = db_query(
		c->db,
		"SELECT n.to_addr, n.subject, n.body, n.created_at, n.attempts, "
		"COALESCE((SELECT address FROM mailboxes b WHERE b.org_id = n.org_id AND b.active = 1 ORDER BY b.name LIMIT 1), "
		"'frontline@localhost'), o.name FROM notify_mail n JOIN orgs o ON o.id = n.org_id WHERE n.org_id = ? AND n.id = ?",
		DB_ARGS(DB_TXT(m->org_id), DB_TXT(m->id)), &r);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	rc = db_next(r);
	if (rc == 1) {
		char *lower = str_lower(m->id);
		char *mid = xasprintf("%s@frontline.invalid", lower);
		char *from_name = xasprintf("Frontline (%s)", db_text(r, 6));
		struct mail_compose mc = {from_name, db_text(r, 5), NULL, db_text(r, 0), db_text(r, 1), db_text(r, 2), mid,
					  NULL,	     NULL,	    1,	  db_int(r, 3)};
		m->data = mail_compose(&mc, &m->len);
		m->from = xstrdup(db_text(r, 5));
		m->to = xstrdup(db_text(r, 0));
		m->attempts = (int)db_int(r, 4);
		free(lower);
		free(mid);
		free(from_name);
	}
	if (svc_close(c, r))
		return -1;
	return rc == 1 ? 0 : svc_db_err(c, rc < 0 ? rc : DB_ERROR);
}

int nmail_claim(svc_ctx *c, const char *worker, int64_t lease_ms, struct outbox_msg *m)
{
	db_res *r;
	memset(m, 0, sizeof *m);
	int rc = db_query(c->db,
			  "SELECT org_id, id FROM notify_mail WHERE status IN ('queued','deferred') AND next_at <= ? "
			  "AND (lease_until IS NULL OR lease_until < ?) ORDER BY next_at LIMIT 1",
			  DB_ARGS(DB_INT(c->now), DB_INT(c->now)), &r);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	rc = db_next(r);
	if (rc == 1) {
		svc_copy(c, m->org_id, sizeof m->org_id, db_text(r, 0));
		svc_copy(c, m->id, sizeof m->id, db_text(r, 1));
	}
	if (svc_close(c, r))
		return -1;
	if (rc <= 0)
		return rc < 0 ? svc_db_err(c, rc) : 0;
	int64_t n = 0;
	rc = db_exec(c->db,
		     "UPDATE notify_mail SET lease_owner = ?, lease_until = ?, attempts = attempts + 1 WHERE org_id = ? AND id = ? "
		     "AND status IN ('queued','deferred') AND (lease_until IS NULL OR lease_until < ?)",
		     DB_ARGS(DB_TXT(worker), DB_INT(c->now + lease_ms), DB_TXT(m->org_id), DB_TXT(m->id), DB_INT(c->now)), &n);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (n != 1)
		return 0;
	tick_as_system(c, m->org_id);
	if (load_for_send(c, m)) {
		outbox_msg_release(m);
		return -1;
	}
	return 1;
}

int nmail_finish(svc_ctx *c, const struct outbox_msg *m, const char *worker, enum smtp_result r, const char *error)
{
	const char *status = r == SMTP_SENT						 ? "sent"
			     : r == SMTP_PERMANENT || m->attempts >= OUTBOX_MAX_ATTEMPTS ? "bounced"
											 : "deferred";
	int64_t next = c->now, d = OUTBOX_BACKOFF_MS;
	for (int i = 1; i < m->attempts && d < OUTBOX_BACKOFF_MAX_MS; i++)
		d *= 2;
	if (strcmp(status, "deferred") == 0)
		next += d < OUTBOX_BACKOFF_MAX_MS ? d : OUTBOX_BACKOFF_MAX_MS;
	tick_as_system(c, m->org_id);
	int rc = db_exec(c->db,
			 "UPDATE notify_mail SET status = ?, next_at = ?, sent_at = ?, last_error = ?, lease_owner = NULL, "
			 "lease_until = NULL WHERE org_id = ? AND id = ? AND lease_owner = ?",
			 DB_ARGS(DB_TXT(status), DB_INT(next), r == SMTP_SENT ? DB_INT(c->now) : DB_NULL,
				 DB_TXT(error ? error : ""), DB_TXT(m->org_id), DB_TXT(m->id), DB_TXT(worker)),
			 NULL);
	return rc == DB_OK ? 0 : svc_db_err(c, rc);
}

int nmail_backlog(svc_ctx *c, long long *waiting, long long *bounced)
{
	int64_t w = 0, b = 0;
	int rc = db_scalar_int(c->db, "SELECT COUNT(*) FROM notify_mail WHERE status IN ('queued','deferred')", NULL, 0, &w,
			       NULL);
	if (rc == DB_OK)
		rc = db_scalar_int(c->db, "SELECT COUNT(*) FROM notify_mail WHERE status = 'bounced'", NULL, 0, &b, NULL);
	*waiting = w;
	*bounced = b;
	return rc == DB_OK ? 0 : svc_db_err(c, rc);
}
