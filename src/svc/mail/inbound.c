/* Mail coming in: parse, keep, thread, open or add to a case, alert, acknowledge
 * (svc/mail/inbound.h); and the original of a message (GET /api/v1/mail/{id}/original). */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/limits.h"
#include "base/util.h"
#include "mail/parse.h"
#include "mail/text.h"
#include "svc/directory/routing.h"
#include "svc/directory/who.h"
#include "svc/ledger/case.h"
#include "svc/ledger/customer.h"
#include "svc/mail/attach.h"
#include "svc/mail/inbound.h"
#include "svc/mail/notify.h"
#include "svc/mail/outbox.h"
#include "svc/mail/proposal.h"
#include "svc/org/alert.h"
#include "svc/org/settings.h"
#include "svc/tick.h"

#define HASH_HEX ATTACH_HASH_HEX

static void hash_hex(const void *data, size_t len, char out[HASH_HEX])
{
	unsigned char h[crypto_generichash_BYTES];
	crypto_generichash(h, sizeof h, data, len, NULL, 0);
	sodium_bin2hex(out, HASH_HEX, h, sizeof h);
}

/* s cut to at most max bytes, on a UTF-8 character boundary (new string). */
static char *cut_utf8(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	char *o = xmalloc(n + 1);
	memcpy(o, s, n);
	o[n] = '\0';
	return o;
}

/* --- threading --- */

struct found {
	char case_id[ID_SIZE];
	const char *reason;
};

static int first_id(svc_ctx *c, const char *sql, const db_arg *args, int n, char out[ID_SIZE])
{
	db_res *r;
	int rc = svc_first(c, &r, sql, args, n);
	if (rc == 1) {
		svc_copy(c, out, ID_SIZE, db_text(r, 0));
		db_res_discard(r);
	}
	return rc;
}

/* "c123-secret" -> the case, when the secret is that case's (compared in constant time). */
static int by_tag(svc_ctx *c, const char *tag, struct found *f)
{
	char *end;
	if (tag[0] != 'c' || !isdigit((unsigned char)tag[1]))
		return 0;
	long long number = strtoll(tag + 1, &end, 10);
	if (*end != '-' || strlen(end + 1) != MAIL_SECRET_LEN)
		return 0;
	db_res *r;
	int rc =
		svc_first(c, &r,
			  "SELECT ca.id, k.secret FROM cases ca JOIN mail_case_keys k ON k.org_id = ca.org_id AND k.case_id = ca.id "
			  "WHERE ca.org_id = ? AND ca.number = ?",
			  DB_ARGS(DB_TXT(c->actor.org_id), DB_INT(number)));
	if (rc <= 0)
		return rc;
	int ok = strlen(db_text(r, 1)) == MAIL_SECRET_LEN && sodium_memcmp(db_text(r, 1), end + 1, MAIL_SECRET_LEN) == 0;
	if (ok) {
		svc_copy(c, f->case_id, sizeof f->case_id, db_text(r, 0));
		f->reason = "reply_address";
	}
	db_res_discard(r);
	return ok;
}

static int by_reply_address(svc_ctx *c, const struct mailbox *mb, const struct mail_gate_in *gi, const struct mail_parsed *m,
			    struct found *f)
{
	char tag[64];
	int rc = 0;
	if (gi->recipient && mail_plus_tag(gi->recipient, mb->address, tag, sizeof tag))
		rc = by_tag(c, tag, f);
	for (size_t i = 0; i < m->n_rcpts && rc == 0; i++)
		if (mail_plus_tag(m->rcpts[i], mb->address, tag, sizeof tag))
			rc = by_tag(c, tag, f);
	return rc;
}

/* A Message-ID we sent (random, unguessable), or one this same sender sent on a case. */
static int by_reference(svc_ctx *c, const struct mail_parsed *m, struct found *f)
{
	for (size_t i = 0; i <= m->n_refs; i++) {
		/* In-Reply-To first, then References newest first */
		const char *id = i == 0 ? m->in_reply_to : m->refs[m->n_refs - i];
		if (!*id)
			continue;
		int rc = first_id(c, "SELECT case_id FROM mail_out WHERE org_id = ? AND message_id = ?",
				  DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id)), f->case_id);
		if (rc == 0 && *m->from_addr)
			rc = first_id(c,
				      "SELECT case_id FROM mail_in WHERE org_id = ? AND message_id = ? AND from_addr = ? AND case_id IS NOT NULL",
				      DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(m->from_addr)), f->case_id);
		if (rc != 0) {
			f->reason = "references";
			return rc;
		}
	}
	return 0;
}

/* "[slug #123]" in the subject, and the sender is that case's customer. */
static int by_subject_tag(svc_ctx *c, const struct mailbox *mb, const struct mail_parsed *m, struct found *f)
{
	char *needle = xasprintf("[%s #", mb->org_slug);
	const char *s = strcasestr(m->subject, needle);
	size_t nl = strlen(needle);
	free(needle);
	if (!s || !*m->from_addr || !isdigit((unsigned char)s[nl]))
		return 0;
	char *end;
	long long number = strtoll(s + nl, &end, 10);
	if (*end != ']')
		return 0;
	int rc = first_id(c,
			  "SELECT ca.id FROM cases ca JOIN customers cu ON cu.org_id = ca.org_id AND cu.id = ca.customer_id "
			  "WHERE ca.org_id = ? AND ca.number = ? AND cu.email = ?",
			  DB_ARGS(DB_TXT(c->actor.org_id), DB_INT(number), DB_TXT(m->from_addr)), f->case_id);
	if (rc > 0)
		f->reason = "subject_tag";
	return rc;
}

static int find_case(svc_ctx *c, const struct mailbox *mb, const struct mail_gate_in *gi, const struct mail_parsed *m,
		     struct found *f)
{
	int rc = by_reply_address(c, mb, gi, m, f);
	if (rc == 0)
		rc = by_reference(c, m, f);
	if (rc == 0)
		rc = by_subject_tag(c, mb, m, f);
	return rc;
}

/* --- a new case --- */

static int customer_for(svc_ctx *c, const struct mail_parsed *m, char id[ID_SIZE])
{
	int rc = first_id(c, "SELECT id FROM customers WHERE org_id = ? AND email = ? ORDER BY created_at, id LIMIT 1",
			  DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(m->from_addr)), id);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	char *name = cut_utf8(*m->from_name ? m->from_name : m->from_addr, FL_MAX_NAME);
	rc = customer_create(c, name, m->from_addr, NULL, id);
	free(name);
	return rc;
}

static int open_case(svc_ctx *c, const struct mailbox *mb, const struct mail_parsed *m, struct found *f)
{
	char cust[ID_SIZE];
	if (customer_for(c, m, cust))
		return -1;
	char *subject = cut_utf8(*m->subject ? m->subject : "(no subject)", FL_MAX_SUBJECT);
	struct case_new cn = {cust, subject, "email", mb->owner_id, mb->team_id, mb->owner_id, mb->location_id, NULL};
	int rc = case_insert(c, &cn, f->case_id);
	free(subject);
	f->reason = "new_case";
	return rc;
}

/* A new case while the mailbox's intake location is closed: offered to whoever is on call for the
 * mailbox's skill near it (svc/directory/routing.h), from the mailbox's owner, who keeps the case
 * until someone accepts.  to gets the person, or "" (no skill, open, or nobody on call). */
static int route_out_of_hours(svc_ctx *c, const struct mailbox *mb, const char *case_id, const struct mail_parsed *m,
			      char to[ID_SIZE])
{
	int open = 1;
	char offer[ID_SIZE];
	to[0] = '\0';
	if (!*mb->skill_id || !*mb->location_id || m->auto_reason)
		return 0;
	if (who_location_open(c, mb->location_id, c->now, &open) || open)
		return open ? 0 : -1;
	char *note = xasprintf("New mail out of hours from %s: %.*s", m->from_addr,
			       (int)utf8_cut(m->subject, 120), m->subject);
	int rc = routing_offer(c, case_id, mb->owner_id, mb->skill_id, mb->location_id, note, offer, to);
	free(note);
	return rc;
}

/* --- the message --- */

static void limits_of(svc_ctx *c, struct mail_limits *l)
{
	l->max_bytes = (size_t)setting_int(c, "mail.max_bytes");
	l->max_parts = (int)setting_int(c, "mail.max_parts");
	l->max_depth = (int)setting_int(c, "mail.max_depth");
	l->max_headers = (int)setting_int(c, "mail.max_headers");
	l->max_attachment_bytes = (size_t)setting_int(c, "mail.max_attachment_bytes");
}

static int store_attachments(svc_ctx *c, const char *mail_id, const struct mail_parsed *m, int *dropped)
{
	*dropped = 0;
	for (size_t i = 0; i < m->n_att; i++) {
		const struct mail_attachment *a = &m->att[i];
		char hash[HASH_HEX], id[ID_SIZE];
		if (!a->data) {
			(*dropped)++;
			continue;
		}
		if (attach_blob_put(c, a->data, a->size, hash))
			return -1;
		id_new(id, "matt", c->now);
		char *fn = cut_utf8(a->filename, FL_MAX_NAME), *ct = cut_utf8(a->content_type, FL_MAX_NAME);
		int rc = db_exec(c->db,
				 "INSERT INTO mail_attachments (org_id, id, mail_id, filename, content_type, size, hash) VALUES (?,?,?,?,?,?,?)",
				 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(mail_id), DB_TXT(fn), DB_TXT(ct), DB_INT(a->size),
					 DB_TXT(hash)),
				 NULL);
		free(fn);
		free(ct);
		if (rc != DB_OK)
			return svc_db_err(c, rc);
	}
	return 0;
}

/* What the agent reads: the new text, or why there is none. */
static char *summary_of(const struct mail_parsed *m)
{
	if (m->error)
		return xasprintf("(%s: the message was kept but not read; open the original)", m->error);
	char *fresh = mail_new_text(m->text);
	char *s = *fresh ? cut_utf8(fresh, FL_MAX_TEXT) : xstrdup("(no text)");
	free(fresh);
	return s;
}

static int over_rate(svc_ctx *c, const struct mail_parsed *m, int *over)
{
	int64_t n = 0;
	int rc = db_scalar_int(c->db, "SELECT COUNT(*) FROM mail_in WHERE org_id = ? AND from_addr = ? AND received_at > ?",
			       DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(m->from_addr), DB_INT(c->now - FL_HOUR_MS)), &n, NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	*over = *m->from_addr && n >= setting_int(c, "mail.max_per_sender_hour");
	return 0;
}

static int record(svc_ctx *c, const struct mailbox *mb, const struct mail_gate_in *gi, const struct mail_parsed *m,
		  const char *message_id, const char *status, const char *reason, const struct found *f, const char *tp,
		  char id[ID_SIZE])
{
	char hash[HASH_HEX];
	size_t keep = gi->len;
	if (m->error && strcmp(m->error, "too_large") == 0 && keep > (size_t)setting_int(c, "mail.max_bytes"))
		keep = (size_t)setting_int(c, "mail.max_bytes"); /* a stub keeps what the limit allows */
	if (attach_blob_put(c, gi->raw, keep, hash))
		return -1;
	id_new(id, "min", c->now);
	char *subject = cut_utf8(m->subject, FL_MAX_SUBJECT), *from = cut_utf8(m->from_addr, FL_MAX_EMAIL);
	int rc = db_exec(c->db,
			 "INSERT INTO mail_in (org_id, id, mailbox_id, message_id, from_addr, subject, raw_hash, size, parse_status, "
			 "parse_error, status, reason, case_id, touchpoint_id, received_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(mb->id), DB_TXT(message_id), DB_TXT(from), DB_TXT(subject),
				 DB_TXT(hash), DB_INT(gi->len), DB_TXT(m->error ? "stub" : "ok"), DB_TXT(m->error ? m->error : ""),
				 DB_TXT(status), DB_TXT(reason), DB_TXT(*f->case_id ? f->case_id : NULL), DB_TXT(tp), DB_INT(c->now)),
			 NULL);
	free(subject);
	free(from);
	if (rc == DB_CONSTRAINT) /* the same message, committed meanwhile by another delivery */
		return err_set(&c->err, ERR_CONFLICT, "duplicate_message", "message_id", "this message was received already");
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	int dropped;
	if (store_attachments(c, id, m, &dropped))
		return -1;
	return svc_event(c, "mail.received", "mail", id, *f->case_id ? f->case_id : NULL,
			 json_pack("{s:s,s:s,s:s,s:s,s:s,s:s?,s:i,s:i}", "from", m->from_addr, "subject", m->subject, "message_id",
				   message_id, "status", status, "reason", reason, "parse_error", m->error, "attachments",
				   (int)(m->n_att - (size_t)dropped), "attachments_over_limit", dropped));
}

static int duplicate(svc_ctx *c, const char *message_id, json_t **out)
{
	db_res *r;
	int rc = svc_first(c, &r, "SELECT id, case_id FROM mail_in WHERE org_id = ? AND message_id = ?",
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(message_id)));
	if (rc == 1) {
		*out = json_pack("{s:s,s:s,s:o}", "id", db_text(r, 0), "status", "duplicate", "case_id", svc_col_str(r, 1));
		db_res_discard(r);
	}
	return rc;
}

/* A delivery report (RFC 3464) about a message we sent: a failure marks it bounced, on its case,
 * and its owner is told the customer did not get it.  Returns 1 when the report was about one of
 * ours (f->case_id set), 0 when not, -1 on error. */
static int apply_report(svc_ctx *c, const struct mail_parsed *m, struct found *f)
{
	db_res *r;
	char out_id[ID_SIZE] = "", status[16] = "", to[FL_MAX_EMAIL + 1] = "";
	int rc = db_query(c->db, "SELECT id, case_id, status, to_addr FROM mail_out WHERE org_id = ? AND message_id = ?",
			  DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(m->dsn_message_id)), &r);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if ((rc = db_next(r)) == 1) {
		svc_copy(c, out_id, sizeof out_id, db_text(r, 0));
		svc_copy(c, f->case_id, sizeof f->case_id, db_text(r, 1));
		svc_copy(c, status, sizeof status, db_text(r, 2));
		svc_copy(c, to, sizeof to, db_text(r, 3));
	}
	if (svc_close(c, r))
		return -1;
	if (rc <= 0)
		return rc < 0 ? svc_db_err(c, rc) : 0;
	f->reason = "delivery report";
	if (strcasecmp(m->dsn_action, "failed") != 0 || strcmp(status, "bounced") == 0)
		return 1;
	char *diag = cut_utf8(*m->dsn_diagnostic ? m->dsn_diagnostic : "delivery failed", 500);
	rc = db_exec(c->db,
		     "UPDATE mail_out SET status = 'bounced', last_error = ?, lease_owner = NULL, lease_until = NULL "
		     "WHERE org_id = ? AND id = ?",
		     DB_ARGS(DB_TXT(diag), DB_TXT(c->actor.org_id), DB_TXT(out_id)), NULL);
	struct case_row row;
	if (rc != DB_OK)
		rc = svc_db_err(c, rc);
	else if (svc_event(c, "mail.bounced", "mail", out_id, f->case_id,
			   json_pack("{s:s,s:s,s:s}", "error", diag, "to", to, "via", "delivery report")) ||
		 case_load(c, f->case_id, &row) ||
		 alert_add(c, row.owner_id, "mail.bounced", row.id, "mail", out_id,
			   "Mail to %s on case #%lld did not arrive: %.*s", to, row.number, (int)utf8_cut(diag, 200), diag))
		rc = -1;
	else
		rc = 1;
	free(diag);
	return rc;
}

/* Decide and act: returns the status; f and tp are filled when the message is on a case. */
static int place(svc_ctx *c, const struct mailbox *mb, const struct mail_gate_in *gi, const struct mail_parsed *m,
		 const char **status, const char **reason, char *why, size_t why_size, struct found *f, char tp[ID_SIZE])
{
	int over = 0;
	if (over_rate(c, m, &over))
		return -1;
	if (over) {
		*status = "rate_limited";
		*reason = "mail.max_per_sender_hour";
		return 0;
	}
	/* the organization's own mail server checked SPF/DKIM/DMARC: a failure is held for review,
	 * never put on a customer's case because of what its From says */
	if (m->dsn_message_id && *m->dsn_message_id) {
		int rc = apply_report(c, m, f);
		if (rc != 0) {
			*status = "auto"; /* on its case's mail list, as no contact: a program wrote it */
			*reason = "delivery report";
			return rc < 0 ? -1 : 0;
		}
	}
	if (*mb->authserv_id && mail_auth_failed(m->auth_results, m->n_auth_results, mb->authserv_id, why, why_size)) {
		*status = "held";
		*reason = why;
		return 0;
	}
	int rc = find_case(c, mb, gi, m, f);
	if (rc < 0)
		return -1;
	const char *auto_why = m->auto_reason ? m->auto_reason : gi->sender && !*gi->sender ? "null sender" : NULL;
	if (rc == 0 && (auto_why || !strchr(m->from_addr, '@'))) {
		*status = "auto"; /* a program's mail opens no case: an auto-reply can't start a loop */
		*reason = auto_why ? auto_why : "no sender address";
		return 0;
	}
	if (rc == 0 && open_case(c, mb, m, f))
		return -1;
	*status = rc == 0 ? "opened" : "threaded";
	*reason = auto_why ? auto_why : f->reason;
	char *summary = summary_of(m);
	rc = mail_touchpoint(c, f->case_id, "inbound", summary, json_pack("{s:s,s:s}", "via", "email", "from", m->from_addr), tp);
	free(summary);
	return rc;
}

static int tell_owner(svc_ctx *c, const struct found *f, const struct mail_parsed *m, const char *status, const char *tp)
{
	struct case_row row;
	if (case_load(c, f->case_id, &row))
		return -1;
	return alert_add(c, row.owner_id, strcmp(status, "opened") == 0 ? "mail.new_case" : "mail.reply", row.id, "touchpoint",
			 tp, "%s case #%lld by email from %s: %.*s", strcmp(status, "opened") == 0 ? "New" : "Reply on",
			 row.number, m->from_addr, (int)utf8_cut(m->subject, 120), m->subject);
}

int mail_ingest(svc_ctx *c, const struct mailbox *mb, const struct mail_gate_in *gi, json_t **out)
{
	tick_as_system(c, mb->org_id);
	struct mail_limits lim;
	limits_of(c, &lim);
	struct mail_parsed m;
	mail_parse(gi->raw, gi->len, &lim, &m);
	char *message_id;
	if (*m.message_id) {
		message_id = xstrdup(m.message_id);
	} else { /* no Message-ID: the bytes name it, so a retried delivery is still one message */
		char hash[HASH_HEX];
		hash_hex(gi->raw, gi->len, hash);
		message_id = xasprintf("sha-%s@frontline.invalid", hash);
	}
	int ret = -1;
	const char *status = NULL, *reason = "";
	struct found f = {"", ""};
	char tp[ID_SIZE] = "", id[ID_SIZE], why[160];
	int dup = duplicate(c, message_id, out);
	if (dup != 0) {
		ret = dup < 0 ? -1 : 0;
		goto cleanup;
	}
	if (place(c, mb, gi, &m, &status, &reason, why, sizeof why, &f, tp) ||
	    record(c, mb, gi, &m, message_id, status, reason, &f, *tp ? tp : NULL, id))
		goto cleanup;
	if (strcmp(status, "held") == 0 &&
	    alert_add(c, mb->owner_id, "mail.held", NULL, "mail", id, "Mail from %s held for review (%s): %.*s", m.from_addr,
		      reason, (int)utf8_cut(m.subject, 120), m.subject))
		goto cleanup;
	int opened = strcmp(status, "opened") == 0, on_case = *f.case_id != '\0';
	if (on_case && !m.auto_reason && tell_owner(c, &f, &m, status, tp))
		goto cleanup;
	char routed[ID_SIZE] = "";
	if (opened && (notify_ack(c, mb, f.case_id) || route_out_of_hours(c, mb, f.case_id, &m, routed)))
		goto cleanup;
	struct case_row row = {0};
	if (on_case && case_load(c, f.case_id, &row))
		goto cleanup;
	*out = json_pack("{s:s,s:s,s:s,s:s?,s:s?,s:s?}", "id", id, "status", status, "reason", reason, "case_id",
			 on_case ? f.case_id : NULL, "touchpoint_id", *tp ? tp : NULL, "parse_error", m.error);
	if (on_case)
		json_object_set_new(*out, "case_number", json_integer(row.number));
	if (*routed)
		json_object_set_new(*out, "offered_to", json_string(routed));
	/* a person's reply to a proposed new time answers it */
	if (strcmp(status, "threaded") == 0 && !m.auto_reason && proposal_answer(c, f.case_id, &m, id, *out))
		goto cleanup;
	ret = 0;
cleanup:
	free(message_id);
	mail_parsed_release(&m);
	return ret;
}

/* --- the original --- */

static int mi_original(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	db_res *r;
	if (!id_valid(p[0], "min"))
		return err_set(&c->err, ERR_NOT_FOUND, "mail_not_found", "id", "no such message");
	int rc = db_query(c->db,
			  "SELECT mi.id, mi.case_id, mi.size, mi.parse_error, b.data FROM mail_in mi JOIN mail_blobs b ON b.org_id = mi.org_id "
			  "AND b.hash = mi.raw_hash WHERE mi.org_id = ? AND mi.id = ?",
			  DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(p[0])), &r);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if ((rc = db_next(r)) != 1) {
		db_res_discard(r);
		return rc < 0 ? svc_db_err(c, rc) : err_set(&c->err, ERR_NOT_FOUND, "mail_not_found", "id", "no such message");
	}
	size_t len;
	unsigned char *raw = attach_b64_raw(db_text(r, 4), &len);
	char *text = mail_utf8_clean((const char *)raw, len);
	free(raw);
	*out = json_pack("{s:s,s:o,s:I,s:s,s:s}", "id", db_text(r, 0), "case_id", svc_col_str(r, 1), "size",
			 (json_int_t)db_int(r, 2), "parse_error", db_text(r, 3), "raw", text);
	free(text);
	svc_close(c, r);
	json_t *att = json_array();
	if (db_query(c->db, "SELECT id, filename, content_type, size FROM mail_attachments WHERE org_id = ? AND mail_id = ? ORDER BY id",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(p[0])), &r) == DB_OK) {
		while (db_next(r) == 1)
			json_array_append_new(att, json_pack("{s:s,s:s,s:s,s:I}", "id", db_text(r, 0), "filename", db_text(r, 1),
							     "content_type", db_text(r, 2), "size", (json_int_t)db_int(r, 3)));
		svc_close(c, r);
	}
	json_object_set_new(*out, "attachments", att);
	return 0;
}

/* An attachment as it came, to download (never shown inline: see http/api.c). */
static int mi_attachment(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	db_res *r;
	struct case_row row;
	char case_id[ID_SIZE] = "";
	if (svc_load_id(c, "matt", p[0], "attachment_not_found", "no such attachment", &r,
			"SELECT a.filename, b.data, mi.case_id FROM mail_attachments a JOIN mail_blobs b ON b.org_id = a.org_id "
			"AND b.hash = a.hash JOIN mail_in mi ON mi.org_id = a.org_id AND mi.id = a.mail_id "
			"WHERE a.org_id = ? AND a.id = ?"))
		return -1;
	*out = json_pack("{s:s,s:s,s:s}", "_content_type", "application/octet-stream", "_filename", db_text(r, 0),
			 "_body_base64", db_text(r, 1));
	svc_copy(c, case_id, sizeof case_id, db_text(r, 2));
	db_res_discard(r);
	/* whoever may read the case may read what came with its mail */
	if (*case_id && case_load(c, case_id, &row)) {
		json_decref(*out);
		*out = NULL;
		return -1;
	}
	return svc_db_outcome(c, 0);
}

/* --- releasing a held message --- */

/* A message kept off every case by a defense, as stored. */
struct held {
	char mailbox_id[ID_SIZE], status[16], reason[256];
	unsigned char *raw;
	size_t len;
};

static int held_load(svc_ctx *c, const char *id, struct held *h)
{
	db_res *r;
	memset(h, 0, sizeof *h);
	if (svc_load_id(c, "min", id, "mail_not_found", "no such message", &r,
			"SELECT mi.mailbox_id, mi.status, mi.reason, b.data FROM mail_in mi JOIN mail_blobs b ON b.org_id = mi.org_id "
			"AND b.hash = mi.raw_hash WHERE mi.org_id = ? AND mi.id = ?"))
		return -1;
	svc_copy(c, h->mailbox_id, sizeof h->mailbox_id, db_text(r, 0));
	svc_copy(c, h->status, sizeof h->status, db_text(r, 1));
	svc_copy(c, h->reason, sizeof h->reason, db_text(r, 2));
	h->raw = attach_b64_raw(db_text(r, 3), &h->len);
	db_res_discard(r);
	if (strcmp(h->status, "held") != 0 && strcmp(h->status, "rate_limited") != 0)
		return err_set(&c->err, ERR_CONFLICT, "mail_not_held", "id", "this message is not held: it is %s", h->status);
	return svc_db_outcome(c, 0);
}

/* Put the message where a person says (case_id), or where it would have gone without the defense
 * (its threads, else a new case): f, status and tp filled. */
static int release_place(svc_ctx *c, const struct mailbox *mb, const struct held *h, const char *case_id,
			 const struct mail_parsed *m, struct found *f, const char **status, char tp[ID_SIZE])
{
	struct case_row row;
	struct mail_gate_in gi = {(const char *)h->raw, h->len, NULL, NULL};
	int rc = 1;
	if (case_id) {
		if (case_load(c, case_id, &row))
			return -1;
		STR_COPY(f->case_id, row.id);
		f->reason = "by hand";
	} else if ((rc = find_case(c, mb, &gi, m, f)) < 0 || (rc == 0 && open_case(c, mb, m, f))) {
		return -1;
	}
	*status = rc == 0 ? "opened" : "threaded";
	char *summary = summary_of(m);
	rc = mail_touchpoint(c, f->case_id, "inbound", summary,
			     json_pack("{s:s,s:s,s:b}", "via", "email", "from", m->from_addr, "released", 1), tp);
	free(summary);
	return rc;
}

/* POST /mail/{id}/release: a person puts a held (or rate-limited) message on a case after all:
 * the one named, or where its threads lead, else a new case; recorded as mail.released. */
static int mi_release(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct held h;
	struct mailbox mb;
	struct mail_parsed m;
	struct mail_limits lim;
	struct found f = {"", ""};
	const char *status = NULL;
	char tp[ID_SIZE] = "";
	if (!role_may(c->actor.role, PERM_AUTHOR))
		return err_set(&c->err, ERR_FORBIDDEN, "person_required", NULL, "a message is released by a person");
	int rc = held_load(c, p[0], &h) || mailbox_load(c, h.mailbox_id, &mb) ? -1 : 0;
	if (rc) {
		free(h.raw);
		return -1;
	}
	limits_of(c, &lim);
	mail_parse((const char *)h.raw, h.len, &lim, &m);
	char *reason = xasprintf("released by hand (was %s: %s)", h.status, h.reason);
	rc = release_place(c, &mb, &h, in_str(in, "case_id"), &m, &f, &status, tp);
	int64_t n = 0;
	if (rc == 0 &&
	    (rc = db_exec(c->db,
			  "UPDATE mail_in SET status = ?, reason = ?, case_id = ?, touchpoint_id = ? WHERE org_id = ? AND id = ? "
			  "AND status = ?",
			  DB_ARGS(DB_TXT(status), DB_TXT(reason), DB_TXT(f.case_id), DB_TXT(tp), DB_TXT(c->actor.org_id),
				  DB_TXT(p[0]), DB_TXT(h.status)),
			  &n)) != DB_OK)
		rc = svc_db_err(c, rc);
	else if (rc == 0 && n != 1)
		rc = err_set(&c->err, ERR_CONFLICT, "mail_not_held", "id", "this message was released meanwhile");
	if (rc == 0)
		rc = svc_event(c, "mail.released", "mail", p[0], f.case_id,
			       json_pack("{s:s,s:s,s:s,s:s,s:s}", "was", h.status, "why", h.reason, "status", status, "case_id",
					 f.case_id, "touchpoint_id", tp)) ||
		     tell_owner(c, &f, &m, status, tp) || (strcmp(status, "opened") == 0 && notify_ack(c, &mb, f.case_id));
	if (rc == 0)
		*out = json_pack("{s:s,s:s,s:s,s:s,s:s}", "id", p[0], "status", status, "reason", reason, "case_id", f.case_id,
				 "touchpoint_id", tp);
	free(reason);
	free(h.raw);
	mail_parsed_release(&m);
	return rc ? -1 : 0;
}

#include "svc/mail/inbound.api.inc"
