#ifndef FL_SVC_NMAIL_H
#define FL_SVC_NMAIL_H
/* Mail to staff (svc/notify/nmail.c): notifications sent at once and daily digests.  Queued in
 * the caller's transaction (with the alert that caused it), sent by the same delivery worker as
 * customer mail (`frontline mail-deliver`, which claims from this queue when the customer outbox
 * has nothing due), with the same lease, back-off and bounce rules (svc/mail/outbox.h).
 *
 * This is the one seam between notifications and the mail capability: when the mail capability
 * queues non-customer mail itself, nmail_queue becomes a call to it. */
#include "mail/smtp.h"
#include "svc/mail/outbox.h"
#include "svc/svc.h"

/* Queue kind ("notice" | "digest") to person_id at address `to`.  Appends notify.mail_queued.
 * Returns 0 or -1 (err set). */
int nmail_queue(svc_ctx *c, const char *person_id, const char *to, const char *kind, const char *subject, const char *body);

/* The worker's side, as outbox_claim / outbox_finish (m->case_id stays ""). */
int nmail_claim(svc_ctx *c, const char *worker, int64_t lease_ms, struct outbox_msg *m);
int nmail_finish(svc_ctx *c, const struct outbox_msg *m, const char *worker, enum smtp_result r, const char *error);

/* For operators: messages queued or deferred, and bounced ones (every organization).  0 or -1. */
int nmail_backlog(svc_ctx *c, long long *waiting, long long *bounced);

#endif
