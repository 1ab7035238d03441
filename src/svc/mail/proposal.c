/* A new time for a promise, proposed by email; the customer's "yes" in reply is the consent
 * (svc/mail/proposal.h). */
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "mail/text.h"
#include "svc/ledger/case.h"
#include "svc/mail/notify.h"
#include "svc/mail/outbox.h"
#include "svc/mail/proposal.h"
#include "svc/org/alert.h"
#include "svc/promises/promise.h"
#include "svc/promises/suggest.h"

#define CONSENT_QUOTE_MAX 300

static int pp_propose(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct promise_state b;
	struct mailbox mb;
	long long due;
	if (promise_load(c, p[0], &b) || promise_may_settle(c, b.case_id) || mailbox_for_case(c, b.case_id, &mb))
		return -1;
	if (!role_may(c->actor.role, PERM_AUTHOR))
		return err_set(&c->err, ERR_FORBIDDEN, "person_required", NULL, "a proposal is written by a person");
	if (strcmp(b.status, "pending") != 0)
		return err_set(&c->err, ERR_CONFLICT, "promise_not_pending", NULL, "the promise is already %s", b.status);
	if (!in_time(in, "due_at", &due) || due <= c->now)
		return err_set(&c->err, ERR_INVALID, "due_in_past", "due_at", "the new time must be in the future");
	char *subject, *body, tp[ID_SIZE], mail_id[ID_SIZE], id[ID_SIZE], when[96];
	struct notify_extra x = {b.id, due, in_str(in, "note"), NULL, NULL};
	if (notify_render(c, "proposal", b.case_id, &x, &subject, &body))
		return -1;
	char *summary = xasprintf("Proposed by email to move \"%s\" to %s; the customer's consent is awaited", b.what,
				  words_time(due, when, sizeof when));
	int rc = mail_touchpoint(c, b.case_id, "outbound", summary, json_pack("{s:s}", "via", "email proposal"), tp) ||
		 outbox_queue(c, &mb, b.case_id, "proposal", 0, subject, body, tp, mail_id);
	free(summary);
	free(subject);
	free(body);
	if (rc)
		return -1;
	/* one open question at a time: an earlier proposal for this promise no longer stands */
	int drc = db_exec(c->db,
			  "UPDATE mail_proposals SET status = 'superseded', decided_at = ? WHERE org_id = ? AND promise_id = ? "
			  "AND status = 'pending'",
			  DB_ARGS(DB_INT(c->now), DB_TXT(c->actor.org_id), DB_TXT(b.id)), NULL);
	id_new(id, "prop", c->now);
	if (drc == DB_OK)
		drc = db_exec(c->db,
			      "INSERT INTO mail_proposals (org_id, id, case_id, promise_id, due_at, mail_id, proposed_by, status, "
			      "created_at) VALUES (?,?,?,?,?,?,?,'pending',?)",
			      DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(b.case_id), DB_TXT(b.id), DB_INT(due),
				      DB_TXT(mail_id), DB_TXT(c->actor.person_id), DB_INT(c->now)),
			      NULL);
	if (drc != DB_OK)
		return svc_db_err(c, drc);
	if (svc_event(c, "promise.proposed", "promise", b.id, b.case_id,
		      json_pack("{s:s,s:o,s:o,s:s,s:s}", "proposal_id", id, "due_at", svc_time(due), "old_due_at",
				svc_time(b.due_at), "mail_id", mail_id, "touchpoint_id", tp)))
		return -1;
	*out = json_pack("{s:s,s:s,s:s,s:o,s:s,s:s,s:s}", "id", id, "promise_id", b.id, "case_id", b.case_id, "due_at",
			 svc_time(due), "status", "pending", "mail_id", mail_id, "touchpoint_id", tp);
	return 0;
}

/* --- the customer's answer --- */

struct pending_proposal {
	char id[ID_SIZE], promise_id[ID_SIZE], proposed_by[ID_SIZE];
	int64_t due_at;
};

static int answers(const struct mail_parsed *m, const char *message_id)
{
	if (strcmp(m->in_reply_to, message_id) == 0)
		return 1;
	for (size_t i = 0; i < m->n_refs; i++)
		if (strcmp(m->refs[i], message_id) == 0)
			return 1;
	return 0;
}

/* The pending proposal on the case this message answers (In-Reply-To / References name the mail
 * that asked).  Returns 1 (found), 0, or -1. */
static int answered(svc_ctx *c, const char *case_id, const struct mail_parsed *m, struct pending_proposal *pp)
{
	db_res *r;
	int rc = db_query(c->db,
			  "SELECT pr.id, pr.promise_id, pr.proposed_by, pr.due_at, mo.message_id FROM mail_proposals pr "
			  "JOIN mail_out mo ON mo.org_id = pr.org_id AND mo.id = pr.mail_id "
			  "WHERE pr.org_id = ? AND pr.case_id = ? AND pr.status = 'pending' ORDER BY pr.created_at DESC",
			  DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id)), &r);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	int found = 0;
	while (!found && db_next(r) == 1)
		if (answers(m, db_text(r, 4))) {
			svc_copy(c, pp->id, sizeof pp->id, db_text(r, 0));
			svc_copy(c, pp->promise_id, sizeof pp->promise_id, db_text(r, 1));
			svc_copy(c, pp->proposed_by, sizeof pp->proposed_by, db_text(r, 2));
			pp->due_at = db_int(r, 3);
			found = 1;
		}
	return svc_close(c, r) ? -1 : found;
}

static int decide(svc_ctx *c, const struct pending_proposal *pp, const char *status, const char *mail_id,
		  const char *new_promise)
{
	int rc = db_exec(c->db,
			 "UPDATE mail_proposals SET status = ?, answer_mail_id = ?, new_promise_id = ?, decided_at = ? "
			 "WHERE org_id = ? AND id = ? AND status = 'pending'",
			 DB_ARGS(DB_TXT(status), DB_TXT(mail_id), DB_TXT(new_promise), DB_INT(c->now), DB_TXT(c->actor.org_id),
				 DB_TXT(pp->id)),
			 NULL);
	return rc == DB_OK ? 0 : svc_db_err(c, rc);
}

/* "Yes": the reply is the consent; the promise moves (its confirmation goes out by the promise hook). */
static int accept(svc_ctx *c, const char *case_id, const struct pending_proposal *pp, const struct mail_parsed *m,
		  const char *mail_id, const char *text, const char **status)
{
	char new_id[ID_SIZE] = "";
	char *quote = xstrdup(text);
	if (strlen(quote) > CONSENT_QUOTE_MAX) {
		size_t n = CONSENT_QUOTE_MAX;
		while (n > 0 && ((unsigned char)quote[n] & 0xC0) == 0x80)
			n--;
		quote[n] = '\0';
	}
	json_t *in = json_pack("{s:o,s:s+,s:s,s:{s:s,s:s,s:s}}", "due_at", svc_time(pp->due_at), "consent",
			       "Accepted by email: ", quote, "consent_channel", "email", "evidence", "mail_id", mail_id,
			       "message_id", m->message_id, "proposal_id", pp->id);
	free(quote);
	int rc = promise_renegotiate(c, pp->promise_id, in, pp->proposed_by, new_id);
	json_decref(in);
	if (rc && (strcmp(c->err.code, "promise_not_pending") == 0 || strcmp(c->err.code, "due_in_past") == 0)) {
		/* kept, broken or moved meanwhile, or the time proposed has passed: a person decides */
		err_clear(&c->err);
		*status = "lapsed";
		return decide(c, pp, "lapsed", mail_id, NULL);
	}
	*status = "accepted";
	return rc || decide(c, pp, "accepted", mail_id, new_id) ? -1 : 0;
}

int proposal_answer(svc_ctx *c, const char *case_id, const struct mail_parsed *m, const char *mail_id, json_t *out)
{
	struct pending_proposal pp;
	int found = answered(c, case_id, m, &pp);
	if (found <= 0)
		return found;
	/* only the customer consents: a reply from anyone else is read by a person */
	char customer[FL_MAX_EMAIL + 1] = "";
	if (svc_text(c, customer, sizeof customer,
		     "SELECT LOWER(cu.email) FROM cases ca JOIN customers cu ON cu.org_id = ca.org_id AND cu.id = ca.customer_id "
		     "WHERE ca.org_id = ? AND ca.id = ?",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id))))
		return -1;
	char *text = mail_new_text(m->text);
	int answer = strcmp(customer, m->from_addr) == 0 ? mail_answer(text) : 0;
	const char *status = answer > 0 ? "accepted" : answer < 0 ? "declined" : "unclear";
	int rc = 0;
	if (answer > 0)
		rc = accept(c, case_id, &pp, m, mail_id, text, &status);
	else if (answer < 0)
		rc = decide(c, &pp, "declined", mail_id, NULL);
	free(text);
	if (rc)
		return -1;
	if (svc_event(c, "promise.proposal_answered", "promise", pp.promise_id, case_id,
		      json_pack("{s:s,s:s,s:s}", "proposal_id", pp.id, "answer", status, "mail_id", mail_id)) ||
	    alert_add(c, pp.proposed_by, "mail.proposal_answered", case_id, "promise", pp.promise_id,
		      strcmp(status, "accepted") == 0   ? "The customer accepted the new time by email; the promise is moved"
		      : strcmp(status, "declined") == 0 ? "The customer declined the new time by email; the promise stands"
		      : strcmp(status, "lapsed") == 0   ? "The customer said yes by email, but the promise changed meanwhile: decide"
							: "The customer answered your proposal by email; read it and decide"))
		return -1;
	json_object_set_new(out, "proposal", json_pack("{s:s,s:s}", "id", pp.id, "answer", status));
	return 0;
}

/* --- the case page --- */

static json_t *proposal_row(svc_ctx *c, db_res *r)
{
	(void)c;
	return json_pack("{s:s,s:s,s:o,s:s,s:s,s:o,s:o,s:s,s:o,s:o}", "id", db_text(r, 0), "promise_id", db_text(r, 1), "due_at",
			 svc_col_time(r, 2), "status", db_text(r, 3), "mail_id", db_text(r, 4), "answer_mail_id",
			 svc_col_str(r, 5), "new_promise_id", svc_col_str(r, 6), "proposed_by", db_text(r, 7), "created_at",
			 svc_col_time(r, 8), "decided_at", svc_col_time(r, 9));
}

int proposal_view_part(svc_ctx *c, const char *case_id, json_t *view)
{
	return svc_view_rows(c, view, "mail_proposals", proposal_row,
			     "SELECT id, promise_id, due_at, status, mail_id, answer_mail_id, new_promise_id, proposed_by, created_at, "
			     "decided_at FROM mail_proposals WHERE org_id = ? AND case_id = ? ORDER BY created_at, id",
			     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id))) ||
			       notify_draft_part(c, case_id, view)
		       ? -1
		       : 0;
}

#include "svc/mail/proposal.api.inc"
