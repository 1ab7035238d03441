#ifndef FL_SVC_NOTIFY_H
#define FL_SVC_NOTIFY_H
/* Automatic mail to customers, from per-organization templates (svc/mail/notify.c).  Every one
 * carries Auto-Submitted: auto-replied and tells the truth the record holds: who owns the case,
 * what happens next and by when, in the intake location's time. */
#include "svc/mail/mailbox.h"
#include "svc/svc.h"

extern const struct route notify_routes[];

/* Acknowledge a case the mail just opened: starts the case's update duty (the "by when" the
 * mail states is that duty's due time, so it is kept or it lapses against the owner) and queues
 * the acknowledgement.  Returns 0 or -1 (err set). */
int notify_ack(svc_ctx *c, const struct mailbox *mb, const char *case_id);

/* Promise hook (registered in svc/registry.c): on a case the customer writes about by email,
 * confirm a promise made, or its new time agreed, to the customer by email (kind "made" |
 * "renegotiated"); when one becomes at risk ("at_risk"), alert the case's owner to tell the
 * customer, with the words (the "at_risk" template; a draft in the case's mail part).  Cases with
 * no mail stay quiet.  Returns 0 or -1 (err set). */
int notify_promise(svc_ctx *c, const char *case_id, const char *promise_id, const char *kind);

/* What a template may say beyond the case's facts: the promise (promise, promise_due, change,
 * and why for "at_risk"), a proposed new time (new_due) and the owner's note. */
struct notify_extra {
	const char *promise_id; /* NULL: none */
	int64_t new_due;        /* 0: none */
	const char *note;       /* NULL or "" : none */
	const char *exception;  /* an exception's description, NULL: none */
	const char *outcome;    /* the sentence saying its outcome, NULL: none */
};

/* Exception hook (registered in svc/registry.c): on a case the customer writes about by email,
 * the customer's copy of an exception's outcome ("approved" | "withdrawn" | "expired"), automatic
 * mail from the "exception" template.  Returns 0 or -1 (err set). */
int notify_exception(svc_ctx *c, const char *case_id, const char *exception_id, const char *outcome);
/* Render the organization's "portal_link" template (facts: customer, org, link, expires).  *subject
 * and *body are new.  Returns 0 or -1 (err set: template_invalid). */
int notify_render_link(svc_ctx *c, const char *customer, const char *link, const char *expires, char **subject, char **body);
/* Render the organization's template of kind ("ack", "promise", "at_risk", "proposal") for the
 * case, in the intake location's time.  *subject and *body are new.  Returns 0 or -1 (err set:
 * template_invalid when the template names a fact this mail does not have). */
int notify_render(svc_ctx *c, const char *kind, const char *case_id, const struct notify_extra *x, char **subject, char **body);

/* Case view part (through proposal_view_part): "mail_draft" = the words the owner should send now
 * ({"reason": "at_risk", "promise_id", "subject", "body"}) when a promise of a case the customer
 * writes about by email is at risk and no mail has gone to the customer since; else null. */
int notify_draft_part(svc_ctx *c, const char *case_id, json_t *view);

#endif
