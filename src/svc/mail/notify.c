/* Automatic mail: the acknowledgement of a new case, and the organization's templates
 * (GET /api/v1/mail/templates, POST /api/v1/mail/templates/{kind}). */
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "mail/text.h"
#include "svc/mail/notify.h"
#include "svc/ledger/case.h"
#include "svc/mail/outbox.h"
#include "svc/org/alert.h"
#include "svc/promises/duty.h"
#include "svc/promises/suggest.h"

static const char *const KINDS[] = {"ack", "promise", "at_risk", "proposal", "exception", "portal_link", NULL};
static const char *const PLACEHOLDERS[] = {"customer", "number",    "subject", "owner",	      "team",	 "next_time", "next_step",
					   "org",      "case_tag",  "promise", "promise_due", "change",	 "why",	      "new_due",
					   "note",     "exception", "outcome", "link",	      "expires", NULL};

static const char ACK_SUBJECT[] = "Re: {subject} [{case_tag}]";
static const char ACK_BODY[] =
	"Hello {customer},\n\n"
	"your message reached {org} and is now case #{number}, \"{subject}\".\n\n"
	"{owner} ({team}) owns your case and is accountable for it. What happens next: {next_step}, "
	"by {next_time} at the latest.\n\n"
	"To add anything, reply to this message; your reply goes straight to your case.\n\n"
	"{org}\n";

static const char PROMISE_SUBJECT[] = "Re: {subject} [{case_tag}]";
static const char PROMISE_BODY[] =
	"Hello {customer},\n\n"
	"{change}{owner} has promised you: {promise}, by {promise_due}.\n\n"
	"If anything puts that time at risk, you will hear from us before it passes. To answer, reply to this "
	"message.\n\n"
	"{org}\n";

/* Words for the owner to send (a draft on the case page), when a promise becomes at risk. */
static const char AT_RISK_SUBJECT[] = "Re: {subject} [{case_tag}]";
static const char AT_RISK_BODY[] =
	"Hello {customer},\n\n"
	"I promised you: {promise}, by {promise_due}. I have to tell you now that this time is at risk: {why}.\n\n"
	"I will write to you again by {next_time} at the latest with where things stand. If we need a new time, I "
	"will propose one, and it changes only if you agree.\n\n"
	"{owner}\n{org}\n";

/* The owner's proposal of a new time; the customer's "yes" in reply is the consent. */
static const char PROPOSAL_SUBJECT[] = "Re: {subject} [{case_tag}]";
static const char PROPOSAL_BODY[] =
	"Hello {customer},\n\n"
	"I promised you: {promise}, by {promise_due}. {note}I can't keep that time, and I'm sorry. I propose a new "
	"time: {new_due}.\n\n"
	"If that works for you, reply to this message with \"Yes\". If it doesn't, reply and tell me; until you "
	"agree, the promise stays as it is.\n\n"
	"{owner}\n{org}\n";

/* The customer's copy of an exception's outcome. */
static const char EXCEPTION_SUBJECT[] = "Re: {subject} [{case_tag}]";
static const char EXCEPTION_BODY[] =
	"Hello {customer},\n\n"
	"we asked for an exception to our usual policy for you: {exception}.\n\n"
	"{outcome}\n\n"
	"{owner} ({team}) still owns your case. To answer, reply to this message.\n\n"
	"{org}\n";

/* The portal sign-in link, sent to the customer (no case: only these four facts). */
static const char LINK_SUBJECT[] = "Your sign-in link for {org}";
static const char LINK_BODY[] = "Hello {customer},\n\n"
				"here is your link to follow your cases with {org} and to write to us there:\n\n"
				"{link}\n\n"
				"It works once, until {expires}. If it has run out or was used already, ask us for a new one. "
				"If you did not ask for it, you can ignore this message.\n\n"
				"{org}\n";

static const struct builtin {
	const char *kind, *subject, *body;
} BUILTIN[] = {
	{"ack", ACK_SUBJECT, ACK_BODY},
	{"promise", PROMISE_SUBJECT, PROMISE_BODY},
	{"at_risk", AT_RISK_SUBJECT, AT_RISK_BODY},
	{"proposal", PROPOSAL_SUBJECT, PROPOSAL_BODY},
	{"exception", EXCEPTION_SUBJECT, EXCEPTION_BODY},
	{"portal_link", LINK_SUBJECT, LINK_BODY},
};

/* The facts of a case the acknowledgement may state. */
struct ack_facts {
	char customer[FL_MAX_NAME + 1], subject[FL_MAX_SUBJECT + 1], owner[FL_MAX_NAME + 1], team[FL_MAX_NAME + 1];
	char org[FL_MAX_NAME + 1], tz[64], number[24], case_tag[160], next_time[96], next_step[FL_MAX_TEXT + 200];
	int64_t next_at;
};

/* rc of queueing automatic mail, where a customer without an address gets none (and the case
 * stands): that refusal becomes 0. */
static int unless_no_email(svc_ctx *c, int rc)
{
	if (rc && strcmp(c->err.code, "customer_has_no_email") == 0) {
		err_clear(&c->err);
		return 0;
	}
	return rc;
}

static int load_facts(svc_ctx *c, const char *case_id, struct ack_facts *a)
{
	db_res *r;
	memset(a, 0, sizeof *a);
	if (svc_load_id(
		    c, "case", case_id, "case_not_found", "no such case", &r,
		    "SELECT cu.name, ca.subject, p.name, COALESCE(t.name, ''), o.name, COALESCE(l.tz, ''), ca.number, o.slug, "
		    "(SELECT MIN(d.due_at) FROM update_duties d WHERE d.org_id = ca.org_id AND d.case_id = ca.id AND d.status = 'pending') "
		    "FROM cases ca JOIN customers cu ON cu.org_id = ca.org_id AND cu.id = ca.customer_id "
		    "JOIN people p ON p.org_id = ca.org_id AND p.id = ca.owner_id JOIN orgs o ON o.id = ca.org_id "
		    "LEFT JOIN teams t ON t.org_id = ca.org_id AND t.id = ca.team_id "
		    "LEFT JOIN locations l ON l.org_id = ca.org_id AND l.id = ca.intake_location_id WHERE ca.org_id = ? AND ca.id = ?"))
		return -1;
	SVC_COPY_COLS(c, r, 0, SVC_BUF(a->customer), SVC_BUF(a->subject), SVC_BUF(a->owner));
	svc_copy(c, a->team, sizeof a->team, *db_text(r, 3) ? db_text(r, 3) : "our team");
	SVC_COPY_COLS(c, r, 4, SVC_BUF(a->org), SVC_BUF(a->tz));
	snprintf(a->number, sizeof a->number, "%lld", (long long)db_int(r, 6));
	snprintf(a->case_tag, sizeof a->case_tag, "%s #%lld", db_text(r, 7), (long long)db_int(r, 6));
	a->next_at = db_is_null(r, 8) ? 0 : db_int(r, 8);
	db_res_discard(r);
	/* a promise already on the case is what happens next; else the owner's first answer */
	snprintf(a->next_step, sizeof a->next_step, "a first answer from %s", a->owner);
	if (db_query(c->db, "SELECT what, due_at FROM promises WHERE org_id = ? AND case_id = ? AND status = 'pending' ORDER BY due_at LIMIT 1",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id)), &r) == DB_OK) {
		if (db_next(r) == 1) {
			snprintf(a->next_step, sizeof a->next_step, "%s", db_text(r, 0));
			if (!a->next_at || db_int(r, 1) < a->next_at)
				a->next_at = db_int(r, 1);
		}
		svc_close(c, r);
	}
	words_time_in(a->next_at, a->tz, a->next_time, sizeof a->next_time);
	return 0;
}

/* The organization's template of kind, or the built-in one (new strings). */
static int template_of(svc_ctx *c, const char *kind, char **subject, char **body)
{
	db_res *r;
	*subject = *body = NULL;
	int rc = db_query(c->db, "SELECT subject, body FROM mail_templates WHERE org_id = ? AND kind = ?",
			  DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(kind)), &r);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (db_next(r) == 1) {
		*subject = xstrdup(db_text(r, 0));
		*body = xstrdup(db_text(r, 1));
	}
	svc_close(c, r);
	for (size_t i = 0; !*subject && i < sizeof BUILTIN / sizeof BUILTIN[0]; i++)
		if (strcmp(BUILTIN[i].kind, kind) == 0) {
			*subject = xstrdup(BUILTIN[i].subject);
			*body = xstrdup(BUILTIN[i].body);
		}
	return *subject ? 0 : err_set(&c->err, ERR_NOT_FOUND, "template_not_found", "kind", "no such template");
}

/* Render template ts/tb (stolen) of kind with facts into *subject and *body (new).  0, or -1 with
 * template_invalid when it names a fact this mail does not have. */
static int render_with(svc_ctx *c, const char *kind, char *ts, char *tb, const struct mail_fact *facts, char **subject,
		       char **body)
{
	*subject = mail_render(ts, facts);
	*body = mail_render(tb, facts);
	free(ts);
	free(tb);
	if (*subject && *body)
		return 0;
	free(*subject);
	free(*body);
	*subject = *body = NULL;
	return err_set(&c->err, ERR_INTERNAL, "template_invalid", NULL, "the %s template names a fact this mail does not have", kind);
}

int notify_render_link(svc_ctx *c, const char *customer, const char *link, const char *expires, char **subject, char **body)
{
	char org[FL_MAX_NAME + 1] = "", *ts, *tb;
	*subject = *body = NULL;
	if (svc_text(c, org, sizeof org, "SELECT name FROM orgs WHERE id = ?", DB_ARGS(DB_TXT(c->actor.org_id))) ||
	    template_of(c, "portal_link", &ts, &tb))
		return -1;
	const struct mail_fact facts[] = {
		{"customer", customer}, {"org", org}, {"link", link}, {"expires", expires}, {NULL, NULL},
	};
	return render_with(c, "portal_link", ts, tb, facts, subject, body);
}

int notify_ack(svc_ctx *c, const struct mailbox *mb, const char *case_id)
{
	struct ack_facts a;
	char *ts, *tb, id[ID_SIZE];
	if (duty_ensure_cadence(c, case_id) || load_facts(c, case_id, &a) || template_of(c, "ack", &ts, &tb))
		return -1;
	const struct mail_fact facts[] = {
		{"customer", a.customer}, {"number", a.number},       {"subject", a.subject},     {"owner", a.owner},
		{"team", a.team},         {"next_time", a.next_time}, {"next_step", a.next_step}, {"org", a.org},
		{"case_tag", a.case_tag}, {NULL, NULL},
	};
	char *subject = mail_render(ts, facts), *body = mail_render(tb, facts);
	int rc = subject && body ? outbox_queue(c, mb, case_id, "ack", 1, subject, body, NULL, id)
				 : err_set(&c->err, ERR_INTERNAL, "template_invalid", NULL, "the acknowledgement template names an unknown fact");
	free(ts);
	free(tb);
	free(subject);
	free(body);
	return unless_no_email(c, rc);
}

/* The promise and, when it replaces one, the sentence saying so. */
static int promise_facts(svc_ctx *c, const char *promise_id, const char *tz, char *what, size_t wsize, char *due, size_t dsize,
			 char *change, size_t csize)
{
	db_res *r;
	change[0] = '\0';
	if (svc_load_one(c, "promise_not_found", "promise_id", "no such promise", &r,
			 "SELECT p.what, p.due_at, old.due_at FROM promises p LEFT JOIN promises old ON old.org_id = p.org_id "
			 "AND old.id = p.replaces_id WHERE p.org_id = ? AND p.id = ?",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(promise_id))))
		return -1;
	svc_copy(c, what, wsize, db_text(r, 0));
	words_time_in(db_int(r, 1), tz, due, dsize);
	if (!db_is_null(r, 2)) {
		char old[96];
		words_time_in(db_int(r, 2), tz, old, sizeof old);
		snprintf(change, csize, "as you agreed, the time has changed from %s. ", old);
	}
	db_res_discard(r);
	return 0;
}

/* The why of the promise's latest at-risk mark (from its event: the case's history read newest
 * first through events_case), into why. */
static void risk_why(svc_ctx *c, const char *case_id, const char *promise_id, char *why, size_t size)
{
	db_res *r;
	snprintf(why, size, "something it depends on is late");
	if (db_query(c->db,
		     "SELECT data FROM events WHERE org_id = ? AND case_id = ? AND kind = 'promise.at_risk' AND entity_id = ? "
		     "ORDER BY seq DESC LIMIT 1",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id), DB_TXT(promise_id)), &r) != DB_OK)
		return;
	if (db_next(r) == 1) {
		json_t *d = json_loads(db_text(r, 0), 0, NULL);
		const char *w = json_string_value(json_object_get(d, "why"));
		if (w)
			snprintf(why, size, "%s", w);
		json_decref(d);
	}
	svc_close(c, r);
}

int notify_render(svc_ctx *c, const char *kind, const char *case_id, const struct notify_extra *x, char **subject, char **body)
{
	struct ack_facts a;
	char what[FL_MAX_TEXT + 1] = "", due[96] = "", change[160] = "", why[300] = "", new_due[96] = "", *ts, *tb;
	*subject = *body = NULL;
	if (load_facts(c, case_id, &a) ||
	    (x && x->promise_id &&
	     promise_facts(c, x->promise_id, a.tz, what, sizeof what, due, sizeof due, change, sizeof change)))
		return -1;
	if (x && x->promise_id && strcmp(kind, "at_risk") == 0)
		risk_why(c, case_id, x->promise_id, why, sizeof why);
	if (x && x->new_due)
		words_time_in(x->new_due, a.tz, new_due, sizeof new_due);
	char *note = x && x->note && *x->note ? xasprintf("%s ", x->note) : xstrdup("");
	int has_promise = x && x->promise_id;
	const struct mail_fact facts[] = {
		{"customer", a.customer},
		{"number", a.number},
		{"subject", a.subject},
		{"owner", a.owner},
		{"team", a.team},
		{"next_time", a.next_time},
		{"next_step", a.next_step},
		{"org", a.org},
		{"case_tag", a.case_tag},
		{"promise", has_promise ? what : NULL},
		{"promise_due", has_promise ? due : NULL},
		{"change", has_promise ? change : NULL},
		{"why", *why ? why : NULL},
		{"new_due", *new_due ? new_due : NULL},
		{"note", note},
		{"exception", x && x->exception ? x->exception : NULL},
		{"outcome", x && x->outcome ? x->outcome : NULL},
		{NULL, NULL},
	};
	if (template_of(c, kind, &ts, &tb)) {
		free(note);
		return -1;
	}
	int rc = render_with(c, kind, ts, tb, facts, subject, body);
	free(note);
	return rc;
}

/* Does the customer write to us by email about this case?  1, 0, or -1 (err set). */
static int case_has_mail(svc_ctx *c, const char *case_id)
{
	int64_t mails = 0;
	int qrc = db_scalar_int(c->db, "SELECT COUNT(*) FROM mail_in WHERE org_id = ? AND case_id = ?",
				DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id)), &mails, NULL);
	return qrc != DB_OK ? svc_db_err(c, qrc) : mails > 0;
}

/* At risk: the owner is prompted to tell the customer, with the words (a draft on the case page). */
static int prompt_owner(svc_ctx *c, const char *case_id, const char *promise_id)
{
	struct case_row row;
	char *subject, *body;
	struct notify_extra x = {promise_id, 0, NULL, NULL, NULL};
	if (case_load(c, case_id, &row) || notify_render(c, "at_risk", case_id, &x, &subject, &body))
		return -1;
	free(subject);
	int rc = alert_add(c, row.owner_id, "mail.tell_customer", case_id, "promise", promise_id,
			   "Tell the customer of case #%lld by email that a promise is at risk; the words are ready in the "
			   "reply box: %.*s",
			   row.number, (int)utf8_cut(body, 200), body);
	free(body);
	return rc;
}

/* Queue automatic mail of kind to the case's customer (none without an address).  Returns 0 or -1. */
static int queue_auto(svc_ctx *c, const char *case_id, const char *kind, const struct notify_extra *x)
{
	struct mailbox mb;
	char *subject, *body, id[ID_SIZE];
	if (mailbox_for_case(c, case_id, &mb) || notify_render(c, kind, case_id, x, &subject, &body))
		return -1;
	int rc = outbox_queue(c, &mb, case_id, kind, 1, subject, body, NULL, id);
	free(subject);
	free(body);
	return unless_no_email(c, rc);
}

int notify_promise(svc_ctx *c, const char *case_id, const char *promise_id, const char *kind)
{
	int has = case_has_mail(c, case_id);
	if (has <= 0)
		return has; /* the customer does not write to us by email about this case */
	if (strcmp(kind, "at_risk") == 0)
		return prompt_owner(c, case_id, promise_id);
	/* the customer reads the change as the promise's confirmation; the agent's own reply is the
	 * contact that meets the update duty */
	struct notify_extra x = {promise_id, 0, NULL, NULL, NULL};
	return queue_auto(c, case_id, "promise", &x);
}

int notify_exception(svc_ctx *c, const char *case_id, const char *exception_id, const char *outcome)
{
	char what[FL_MAX_TEXT + 1] = "";
	int has = case_id && *case_id ? case_has_mail(c, case_id) : 0;
	if (has <= 0)
		return has;
	if (svc_text(c, what, sizeof what, "SELECT description FROM exceptions WHERE org_id = ? AND id = ?",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(exception_id))))
		return -1;
	const char *said = strcmp(outcome, "approved") == 0
				   ? "It has been approved: we will do this for you."
				   : "We could not approve it, and we are sorry. Your case stays open and we will tell you what we can do instead.";
	struct notify_extra x = {NULL, 0, NULL, what, said};
	return queue_auto(c, case_id, "exception", &x);
}

int notify_draft_part(svc_ctx *c, const char *case_id, json_t *view)
{
	char promise_id[ID_SIZE] = "";
	int has = case_has_mail(c, case_id);
	if (has < 0)
		return -1;
	json_object_set_new(view, "mail_draft", json_null());
	if (!has)
		return 0;
	/* the earliest promise at risk that no mail to the customer has spoken of since */
	if (svc_text(c, promise_id, sizeof promise_id,
			    "SELECT p.id FROM promises p WHERE p.org_id = ? AND p.case_id = ? AND p.status = 'pending' "
			    "AND p.at_risk_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM mail_out mo WHERE mo.org_id = p.org_id "
			    "AND mo.case_id = p.case_id AND mo.kind IN ('reply','proposal') AND mo.created_at >= p.at_risk_at) "
			    "ORDER BY p.at_risk_at, p.id LIMIT 1",
			    DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id))))
		return -1;
	if (!*promise_id)
		return 0;
	char *subject, *body;
	struct notify_extra x = {promise_id, 0, NULL, NULL, NULL};
	if (notify_render(c, "at_risk", case_id, &x, &subject, &body))
		return -1;
	json_object_set_new(view, "mail_draft", json_pack("{s:s,s:s,s:s,s:s}", "reason", "at_risk", "promise_id", promise_id,
							  "subject", subject, "body", body));
	free(subject);
	free(body);
	return 0;
}

static int tpl_check(svc_ctx *c, const char *field, const char *text)
{
	struct mail_fact facts[sizeof PLACEHOLDERS / sizeof PLACEHOLDERS[0]];
	for (size_t i = 0; i < sizeof PLACEHOLDERS / sizeof PLACEHOLDERS[0]; i++)
		facts[i] = (struct mail_fact){PLACEHOLDERS[i], PLACEHOLDERS[i]};
	char *s = mail_render(text, facts);
	if (!s)
		return err_set(&c->err, ERR_INVALID, "unknown_placeholder", field, "the template names a fact that is not offered");
	free(s);
	return 0;
}

static json_t *placeholders(void)
{
	json_t *a = json_array();
	for (const char *const *p = PLACEHOLDERS; *p; p++)
		json_array_append_new(a, json_string(*p));
	return a;
}

static int tpl_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	json_t *items = json_array();
	for (const char *const *k = KINDS; *k; k++) {
		char *s, *b;
		if (template_of(c, *k, &s, &b)) {
			json_decref(items);
			return -1;
		}
		json_array_append_new(items, json_pack("{s:s,s:s,s:s,s:o}", "kind", *k, "subject", s, "body", b, "placeholders",
						       placeholders()));
		free(s);
		free(b);
	}
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

static int tpl_set(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	int known = 0;
	for (const char *const *k = KINDS; *k; k++)
		known |= strcmp(*k, p[0]) == 0;
	if (svc_require(c, PERM_EDIT_TEMPLATES))
		return -1;
	if (!known)
		return err_set(&c->err, ERR_NOT_FOUND, "template_not_found", "kind", "no such template");
	const char *s = in_str(in, "subject"), *b = in_str(in, "body");
	if (tpl_check(c, "subject", s) || tpl_check(c, "body", b))
		return -1;
	int rc = db_exec(c->db,
			 "INSERT INTO mail_templates (org_id, kind, subject, body, updated_at) VALUES (?,?,?,?,?) "
			 "ON CONFLICT (org_id, kind) DO UPDATE SET subject = excluded.subject, body = excluded.body, updated_at = excluded.updated_at",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(p[0]), DB_TXT(s), DB_TXT(b), DB_INT(c->now)), NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (svc_event(c, "mail.template_changed", "mail_template", p[0], NULL, json_pack("{s:s,s:s}", "subject", s, "body", b)))
		return -1;
	*out = json_pack("{s:s,s:s,s:s,s:o}", "kind", p[0], "subject", s, "body", b, "placeholders", placeholders());
	return 0;
}

#include "svc/mail/notify.api.inc"
