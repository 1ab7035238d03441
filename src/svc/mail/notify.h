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

#endif
