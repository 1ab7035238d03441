/* The outbox: queueing mail to customers, the case page's mail, delivery leases
 * (svc/mail/outbox.h). */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "mail/compose.h"
#include "mail/text.h"
#include "svc/hooks.h"
#include "svc/ledger/case.h"
#include "svc/mail/attach.h"
#include "svc/mail/outbox.h"
#include "svc/tick.h"

int outbox_case_secret(svc_ctx *c, const char *case_id, char secret[MAIL_SECRET_LEN + 1])
{
	static const char ALPHABET[] = "abcdefghijkmnpqrstuvwxyz23456789";
	char fresh[MAIL_SECRET_LEN + 1];
	for (int i = 0; i < MAIL_SECRET_LEN; i++)
		fresh[i] = ALPHABET[randombytes_uniform(sizeof ALPHABET - 1)];
	fresh[MAIL_SECRET_LEN] = '\0';
	int rc = db_exec(c->db, "INSERT INTO mail_case_keys (org_id, case_id, secret) VALUES (?,?,?) ON CONFLICT DO NOTHING",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id), DB_TXT(fresh)), NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	/* the row is there: inserted above, or by whoever got there first */
	secret[0] = '\0';
	if (svc_text(c, secret, MAIL_SECRET_LEN + 1, "SELECT secret FROM mail_case_keys WHERE org_id = ? AND case_id = ?",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id))))
		return -1;
	return *secret ? 0 : err_set(&c->err, ERR_INTERNAL, "storage_error", NULL, "the case's mail key was not kept");
}

void outbox_tag(long long number, const char *secret, char *out, size_t size)
{
	snprintf(out, size, "c%lld-%s", number, secret);
}

/* What a message to a case's customer needs to know about the case. */
struct case_mail {
	long long number;
	char subject[FL_MAX_SUBJECT + 1];
	char email[FL_MAX_EMAIL + 1];
	char slug[128];
};

static int case_mail_load(svc_ctx *c, const char *case_id, struct case_mail *cm)
{
	db_res *r;
	if (svc_load_one(c, "case_not_found", "id", "no such case", &r,
			 "SELECT ca.number, ca.subject, cu.email, o.slug FROM cases ca JOIN customers cu ON cu.org_id = ca.org_id "
			 "AND cu.id = ca.customer_id JOIN orgs o ON o.id = ca.org_id WHERE ca.org_id = ? AND ca.id = ?",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id))))
		return -1;
	cm->number = db_int(r, 0);
	SVC_COPY_COLS(c, r, 1, SVC_BUF(cm->subject), SVC_BUF(cm->email), SVC_BUF(cm->slug));
	db_res_discard(r);
	return 0;
}

/* The case's Message-IDs, oldest first (at most 10), as "a b c"; and the newest inbound one. */
static char *thread_refs(svc_ctx *c, const char *case_id, char **last_in)
{
	db_res *r;
	char *refs = xstrdup("");
	*last_in = xstrdup("");
	if (db_query(c->db,
		     "SELECT message_id, t, d FROM (SELECT message_id, received_at AS t, 'in' AS d FROM mail_in WHERE org_id = ? AND case_id = ? "
		     "UNION ALL SELECT message_id, created_at AS t, 'out' AS d FROM mail_out WHERE org_id = ? AND case_id = ?) x "
		     "ORDER BY t DESC LIMIT 10",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id), DB_TXT(c->actor.org_id), DB_TXT(case_id)), &r) != DB_OK)
		return refs;
	while (db_next(r) == 1) {
		char *next = xasprintf("%s%s%s", db_text(r, 0), *refs ? " " : "", refs);
		free(refs);
		refs = next;
		if (!**last_in && strcmp(db_text(r, 2), "in") == 0) {
			free(*last_in);
			*last_in = xstrdup(db_text(r, 0));
		}
	}
	svc_close(c, r);
	return refs;
}

/* One row of the outbox, and its event. */
struct out_row {
	const char *case_id, *touchpoint_id, *kind, *reply_to, *to, *subject, *body, *in_reply_to, *refs, *person_id;
	int is_auto;
};

/* The event kind of a row's change: "mail.<what>" for mail to customers, "notify.mail_<what>" for
 * mail to a person of the organization (no customer's mail, so no "mail" webhook sees it). */
static void event_kind(const char *kind, const char *what, char *out, size_t size)
{
	int staff = strcmp(kind, "notice") == 0 || strcmp(kind, "digest") == 0;
	snprintf(out, size, "%s%s", staff ? "notify.mail_" : "mail.", what);
}

/* mb may be NULL for staff mail of an organization without a mailbox (from OUTBOX_NO_MAILBOX). */
static int insert_out(svc_ctx *c, const struct mailbox *mb, const struct out_row *o, char id[ID_SIZE])
{
	const char *from = mb ? mb->address : OUTBOX_NO_MAILBOX, *at = strchr(from, '@');
	char kind[32];
	id_new(id, "mout", c->now);
	char *lower = str_lower(id);
	char *message_id = xasprintf("%s@%s", lower, at && mb ? at + 1 : "frontline.invalid");
	free(lower);
	int rc = db_exec(c->db,
			 "INSERT INTO mail_out (org_id, id, case_id, touchpoint_id, kind, mailbox_id, from_addr, reply_to, to_addr, subject, "
			 "body, message_id, in_reply_to, refs, auto, status, attempts, next_at, created_at, person_id) "
			 "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,'queued',0,?,?,?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(o->case_id), DB_TXT(o->touchpoint_id), DB_TXT(o->kind),
				 DB_TXT(mb ? mb->id : NULL), DB_TXT(from), DB_TXT(o->reply_to ? o->reply_to : from), DB_TXT(o->to),
				 DB_TXT(o->subject), DB_TXT(o->body), DB_TXT(message_id), DB_TXT(o->in_reply_to), DB_TXT(o->refs),
				 DB_INT(o->is_auto), DB_INT(c->now), DB_INT(c->now), DB_TXT(o->person_id)),
			 NULL);
	event_kind(o->kind, "queued", kind, sizeof kind);
	if (rc == DB_OK)
		rc = svc_event(c, kind, "mail", id, o->case_id,
			       json_pack("{s:s,s:s,s:s,s:s,s:b,s:s?}", "kind", o->kind, "to", o->to, "subject", o->subject,
					 "message_id", message_id, "auto", o->is_auto, "person_id", o->person_id));
	else
		rc = svc_db_err(c, rc);
	free(message_id);
	return rc;
}

int outbox_queue(svc_ctx *c, const struct mailbox *mb, const char *case_id, const char *kind, int is_auto,
		 const char *subject, const char *body, const char *touchpoint_id, char id[ID_SIZE])
{
	struct case_mail cm;
	char secret[MAIL_SECRET_LEN + 1], tag[64];
	if (case_mail_load(c, case_id, &cm) || outbox_case_secret(c, case_id, secret))
		return -1;
	if (!*cm.email)
		return err_set(&c->err, ERR_RULE, "customer_has_no_email", NULL, "the customer has no email address");
	outbox_tag(cm.number, secret, tag, sizeof tag);
	const char *at = strchr(mb->address, '@');
	char *reply_to = xasprintf("%.*s+%s%s", (int)(at - mb->address), mb->address, tag, at);
	char *subj = subject ? xstrdup(subject) : xasprintf("Re: %s [%s #%lld]", cm.subject, cm.slug, cm.number);
	char *last_in, *refs = thread_refs(c, case_id, &last_in);
	struct out_row o = {case_id, touchpoint_id, kind, reply_to, cm.email, subj, body, last_in, refs, NULL, is_auto};
	int rc = insert_out(c, mb, &o, id);
	free(reply_to);
	free(subj);
	free(last_in);
	free(refs);
	return rc;
}

int outbox_queue_notice(svc_ctx *c, const char *person_id, const char *kind, const char *to, const char *subject,
			const char *body, char id[ID_SIZE])
{
	struct mailbox mb;
	char *addr = mail_norm_addr(to);
	int ok = strlen(addr) <= FL_MAX_EMAIL && strchr(addr, '@') && !strpbrk(addr, "\r\n<>,;\"");
	free(addr);
	if (!ok)
		return err_set(&c->err, ERR_INVALID, "invalid_email", "to", "not one mail address");
	int none = mailbox_for_case(c, "", &mb) != 0;
	if (none && strcmp(c->err.code, "no_mailbox") != 0)
		return -1;
	err_clear(&c->err);
	struct out_row o = {NULL, NULL, kind, NULL, to, subject, body, "", "", person_id, 1};
	return insert_out(c, none ? NULL : &mb, &o, id);
}

int outbox_queue_customer(svc_ctx *c, const char *customer_id, const char *kind, const char *subject, const char *body,
			  char id[ID_SIZE])
{
	struct mailbox mb;
	char to[FL_MAX_EMAIL + 1] = "";
	if (svc_text(c, to, sizeof to, "SELECT email FROM customers WHERE org_id = ? AND id = ?",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(customer_id))))
		return -1;
	if (!*to)
		return err_set(&c->err, ERR_RULE, "customer_has_no_email", NULL, "the customer has no email address");
	if (mailbox_for_case(c, "", &mb))
		return -1;
	struct out_row o = {NULL, NULL, kind, mb.address, to, subject, body, "", "", NULL, 1};
	return insert_out(c, &mb, &o, id);
}

int mail_touchpoint(svc_ctx *c, const char *case_id, const char *direction, const char *summary, json_t *extra,
		    char id[ID_SIZE])
{
	id_new(id, "tp", c->now);
	int inbound = strcmp(direction, "inbound") == 0;
	int rc = db_exec(c->db,
			 "INSERT INTO touchpoints (org_id, id, case_id, channel, direction, person_id, summary, at) VALUES (?,?,?,'email',?,?,?,?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(case_id), DB_TXT(direction),
				 DB_TXT(inbound ? NULL : c->actor.person_id), DB_TXT(summary), DB_INT(c->now)),
			 NULL);
	if (rc != DB_OK) {
		json_decref(extra);
		return svc_db_err(c, rc);
	}
	json_t *data = extra ? extra : json_object();
	json_object_set_new(data, "channel", json_string("email"));
	json_object_set_new(data, "direction", json_string(direction));
	json_object_set_new(data, "summary", json_string(summary));
	if (svc_event(c, "touchpoint.added", "touchpoint", id, case_id, data) || case_touch(c, case_id))
		return -1;
	if (inbound) /* the customer wrote to us: that is not an update from us */
		return 0;
	json_t *in = json_pack("{s:s}", "direction", direction);
	for (const case_hook_fn *h = svc_touchpoint_hooks(); *h; h++)
		if ((*h)(c, case_id, in)) {
			json_decref(in);
			return -1;
		}
	json_decref(in);
	return 0;
}

static json_t *out_row(svc_ctx *c, db_res *r)
{
	return json_pack("{s:s,s:s,s:o,s:s,s:s,s:s,s:s,s:s,s:b,s:I,s:o,s:o,s:s,s:o,s:s}", "id", db_text(r, 0), "direction",
			 "outbound", "touchpoint_id", svc_col_str(r, 1), "kind", db_text(r, 2), "from", db_text(r, 3), "to",
			 db_text(r, 4), "subject", db_text(r, 5), "message_id", db_text(r, 6), "auto", (int)db_int(r, 7), "attempts",
			 (json_int_t)db_int(r, 9), "next_attempt_at",
			 strcmp(db_text(r, 8), "queued") == 0 || strcmp(db_text(r, 8), "deferred") == 0 ? svc_col_time(r, 10)
												       : json_null(),
			 "sent_at", svc_col_time(r, 11), "last_error", db_text(r, 12), "at", svc_col_time(r, 13), "status",
			 db_text(r, 8));
}

static json_t *in_row(svc_ctx *c, db_res *r)
{
	return json_pack("{s:s,s:s,s:o,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o}", "id", db_text(r, 0), "direction", "inbound",
			 "touchpoint_id", svc_col_str(r, 1), "from", db_text(r, 2), "subject", db_text(r, 3), "message_id",
			 db_text(r, 4), "status", db_text(r, 5), "reason", db_text(r, 6), "parse_status", db_text(r, 7),
			 "parse_error", db_text(r, 8), "at", svc_col_time(r, 9));
}

static int append_rows(svc_ctx *c, const char *sql, const char *case_id, json_t *items, json_t *(*row)(svc_ctx *, db_res *))
{
	db_res *r;
	int rc = db_query(c->db, sql, DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id)), &r);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	while ((rc = db_next(r)) == 1)
		json_array_append_new(items, row(c, r));
	{
		int e_ = db_res_close(r);
		if (e_ != DB_OK)
			return svc_db_err(c, e_);
	}
	return rc < 0 ? svc_db_err(c, rc) : 0;
}

int outbox_view_part(svc_ctx *c, const char *case_id, json_t *view)
{
	json_t *items = json_array();
	if (append_rows(c,
			"SELECT id, touchpoint_id, from_addr, subject, message_id, status, reason, parse_status, parse_error, received_at "
			"FROM mail_in WHERE org_id = ? AND case_id = ? ORDER BY received_at, id",
			case_id, items, in_row) ||
	    append_rows(c,
			"SELECT id, touchpoint_id, kind, from_addr, to_addr, subject, message_id, auto, status, attempts, next_at, sent_at, "
			"last_error, created_at FROM mail_out WHERE org_id = ? AND case_id = ? ORDER BY created_at, id",
			case_id, items, out_row)) {
		json_decref(items);
		return -1;
	}
	json_object_set_new(view, "mail", items);
	return 0;
}

static int ob_reply(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct case_row row;
	struct mailbox mb;
	char tp[ID_SIZE], id[ID_SIZE];
	if (case_load(c, p[0], &row) || mailbox_for_case(c, row.id, &mb))
		return -1;
	if (!role_may(c->actor.role, PERM_AUTHOR))
		return err_set(&c->err, ERR_FORBIDDEN, "person_required", NULL, "a reply is written by a person");
	const char *body = in_str(in, "body");
	json_t *files;
	if (mail_touchpoint(c, row.id, "outbound", body, json_pack("{s:s}", "via", "email reply"), tp) ||
	    outbox_queue(c, &mb, row.id, "reply", 0, NULL, body, tp, id) ||
	    attach_claim(c, json_object_get(in, "attachment_ids"), row.id, tp, id, 1, &files))
		return -1;
	*out = json_pack("{s:s,s:s,s:s,s:s,s:o,s:o}", "id", id, "case_id", row.id, "touchpoint_id", tp, "status", "queued", "at",
			 svc_time(c->now), "attachments", files);
	return 0;
}

/* --- delivery --- */

void outbox_msg_release(struct outbox_msg *m)
{
	free(m->from);
	free(m->to);
	free(m->data);
	memset(m, 0, sizeof *m);
}

/* Compose mc with the files attached to the message (mail/compose.h): m->data and m->len. */
static int compose_with_files(svc_ctx *c, struct outbox_msg *m, struct mail_compose *mc)
{
	json_t *files, *f;
	size_t i;
	if (attach_of_mail(c, m->org_id, m->id, &files))
		return -1;
	size_t n = json_array_size(files);
	struct mail_file *mf = xcalloc(n ? n : 1, sizeof *mf);
	unsigned char **raw = xcalloc(n ? n : 1, sizeof *raw);
	json_array_foreach(files, i, f)
	{
		raw[i] = attach_b64_raw(json_string_value(json_object_get(f, "data_base64")), &mf[i].size);
		mf[i].data = raw[i];
		mf[i].filename = json_string_value(json_object_get(f, "filename"));
		mf[i].content_type = json_string_value(json_object_get(f, "content_type"));
	}
	mc->files = mf;
	mc->n_files = n;
	m->data = mail_compose(mc, &m->len);
	for (i = 0; i < n; i++)
		free(raw[i]);
	free(raw);
	free(mf);
	json_decref(files);
	return 0;
}

static int load_for_send(svc_ctx *c, struct outbox_msg *m)
{
	db_res *r;
	int rc = db_query(
		c->db,
		"SELECT mo.from_addr, mo.reply_to, mo.to_addr, mo.subject, mo.body, mo.message_id, mo.in_reply_to, mo.refs, "
		"mo.auto, mo.created_at, CASE WHEN mo.case_id IS NULL THEN 'Frontline (' || o.name || ')' ELSE mb.display_name "
		"END, COALESCE(mo.case_id, ''), mo.attempts, mo.kind FROM mail_out mo JOIN orgs o ON o.id = mo.org_id "
		"LEFT JOIN mailboxes mb ON mb.org_id = mo.org_id AND mb.id = mo.mailbox_id WHERE mo.org_id = ? AND mo.id = ?",
		DB_ARGS(DB_TXT(m->org_id), DB_TXT(m->id)), &r);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	rc = db_next(r);
	if (rc == 1) {
		struct mail_compose mc = {db_text(r, 10), db_text(r, 0), db_text(r, 1), db_text(r, 2), db_text(r, 3),
					  db_text(r, 4), db_text(r, 5), db_text(r, 6), db_text(r, 7), (int)db_int(r, 8),
					  db_int(r, 9), NULL, 0};
		if (compose_with_files(c, m, &mc))
			rc = -2;
		m->from = xstrdup(db_text(r, 0));
		m->to = xstrdup(db_text(r, 2));
		svc_copy(c, m->case_id, sizeof m->case_id, db_text(r, 11));
		m->attempts = (int)db_int(r, 12);
		svc_copy(c, m->kind, sizeof m->kind, db_text(r, 13));
	}
	{
		int e_ = db_res_close(r);
		if (e_ != DB_OK)
			return svc_db_err(c, e_);
	}
	if (rc == -2)
		return -1;
	return rc == 1 ? 0 : svc_db_err(c, rc < 0 ? rc : DB_ERROR);
}

int outbox_claim(svc_ctx *c, const char *worker, int64_t lease_ms, struct outbox_msg *m)
{
	memset(m, 0, sizeof *m);
	db_res *r;
	int rc = svc_first(c, &r,
			   "SELECT org_id, id FROM mail_out WHERE status IN ('queued','deferred') AND next_at <= ? "
			   "AND (lease_until IS NULL OR lease_until < ?) ORDER BY next_at LIMIT 1",
			   DB_ARGS(DB_INT(c->now), DB_INT(c->now)));
	if (rc <= 0)
		return rc;
	SVC_COPY_COLS(c, r, 0, SVC_BUF(m->org_id), SVC_BUF(m->id));
	db_res_discard(r);
	int64_t n = 0;
	/* the guard makes a second worker's claim of the same row change nothing */
	rc = db_exec(c->db,
		     "UPDATE mail_out SET lease_owner = ?, lease_until = ?, attempts = attempts + 1 WHERE org_id = ? AND id = ? "
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

static int64_t backoff(int attempts)
{
	int64_t d = OUTBOX_BACKOFF_MS;
	for (int i = 1; i < attempts && d < OUTBOX_BACKOFF_MAX_MS; i++)
		d *= 2;
	return d < OUTBOX_BACKOFF_MAX_MS ? d : OUTBOX_BACKOFF_MAX_MS;
}

int outbox_finish(svc_ctx *c, const struct outbox_msg *m, const char *worker, enum smtp_result r, const char *error)
{
	const char *status = r == SMTP_SENT ? "sent"
			     : r == SMTP_PERMANENT || m->attempts >= OUTBOX_MAX_ATTEMPTS ? "bounced"
											 : "deferred";
	int64_t next = strcmp(status, "deferred") == 0 ? c->now + backoff(m->attempts) : c->now;
	int64_t n = 0;
	tick_as_system(c, m->org_id);
	int rc = db_exec(c->db,
			 "UPDATE mail_out SET status = ?, next_at = ?, sent_at = ?, last_error = ?, lease_owner = NULL, lease_until = NULL "
			 "WHERE org_id = ? AND id = ? AND lease_owner = ?",
			 DB_ARGS(DB_TXT(status), DB_INT(next), r == SMTP_SENT ? DB_INT(c->now) : DB_NULL,
				 DB_TXT(error ? error : ""), DB_TXT(m->org_id), DB_TXT(m->id), DB_TXT(worker)),
			 &n);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (n != 1) /* the lease ran out and another attempt owns the row now */
		return 0;
	char kind[32];
	event_kind(m->kind, status, kind, sizeof kind);
	return svc_event(c, kind, "mail", m->id, *m->case_id ? m->case_id : NULL,
			 json_pack("{s:i,s:s,s:o}", "attempts", m->attempts, "error", error ? error : "", "next_attempt_at",
				   strcmp(status, "deferred") == 0 ? svc_time(next) : json_null()));
}

#include "svc/mail/outbox.api.inc"
