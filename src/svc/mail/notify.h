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
 * "renegotiated").  Cases with no mail stay quiet.  Returns 0 or -1 (err set). */
int notify_promise(svc_ctx *c, const char *case_id, const char *promise_id, const char *kind);

#endif
