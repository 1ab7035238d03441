#ifndef FL_SVC_OUTBOX_H
#define FL_SVC_OUTBOX_H
/* The outbox (svc/mail/outbox.c): every mail to a customer is a row written in the same
 * transaction as the event that caused it (an agent's reply, an acknowledgement), and delivered
 * later by a worker (`frontline mail-deliver`) that leases one row at a time: claim in one short
 * transaction, send over SMTP outside any transaction, record the outcome in another.  A worker
 * that dies mid-send leaves a lease that expires; the next attempt sends the same bytes with the
 * same Message-ID, so a duplicate threads as one message. */
#include "mail/smtp.h"
#include "svc/mail/mailbox.h"
#include "svc/svc.h"

extern const struct route outbox_routes[];

#define MAIL_SECRET_LEN 12
#define OUTBOX_MAX_ATTEMPTS 8           /* then bounced */
#define OUTBOX_BACKOFF_MS (60 * 1000LL) /* first retry after 1 minute, doubling, ... */
#define OUTBOX_BACKOFF_MAX_MS (6 * 3600 * 1000LL) /* ... up to 6 hours */

/* The case's reply-address secret, made on first use.  Returns 0 or -1 (err set). */
int outbox_case_secret(svc_ctx *c, const char *case_id, char secret[MAIL_SECRET_LEN + 1]);
/* The plus-address tag of a case: "c<number>-<secret>". */
void outbox_tag(long long number, const char *secret, char *out, size_t size);

/* Queue a message to the case's customer through mailbox mb: kind "reply" | "ack" | "promise",
 * auto = 1 for automatic mail (Auto-Submitted).  touchpoint_id may be NULL.  Threads it after the
 * case's earlier mail (In-Reply-To, References).  Appends mail.queued.  id receives the row's id.
 * Returns 0 or -1 (ERR_RULE "customer_has_no_email" when there is nobody to write to). */
int outbox_queue(svc_ctx *c, const struct mailbox *mb, const char *case_id, const char *kind, int is_auto,
		 const char *subject, const char *body, const char *touchpoint_id, char id[ID_SIZE]);

/* Queue mail to a person of the organization (not a customer; on no case): kind "notice" (a
 * notification at once) or "digest", for person_id (may be NULL), as automatic (Auto-Submitted)
 * mail from the organization's first mailbox, or from OUTBOX_NO_MAILBOX when it has none; From
 * shows "Frontline (<organization>)".  Delivered by the same worker as customer mail, with the
 * same lease, retries and bounces.  Call it inside the transaction of the event it tells about.
 * to is one address.  Appends notify.mail_queued (not mail.queued: no "mail" webhook sees staff
 * mail).  id receives the row's id.  Returns 0 or -1 (ERR_INVALID "invalid_email"). */
#define OUTBOX_NO_MAILBOX "frontline@localhost"
int outbox_queue_notice(svc_ctx *c, const char *person_id, const char *kind, const char *to, const char *subject,
			const char *body, char id[ID_SIZE]);

/* Queue automatic mail of kind (e.g. "portal_link") to a customer, on none of their cases, from
 * the organization's first mailbox.  Appends mail.queued.  Returns 0 or -1 (ERR_RULE
 * "customer_has_no_email", "no_mailbox"). */
int outbox_queue_customer(svc_ctx *c, const char *customer_id, const char *kind, const char *subject, const char *body,
			  char id[ID_SIZE]);

/* Record a contact by email on the case (channel email; direction "inbound" from the customer,
 * with no person, or "outbound" by the actor, which runs the touchpoint hooks: update duties
 * met).  extra (stolen, may be NULL) is added to the event's data.  id receives the new id. */
int mail_touchpoint(svc_ctx *c, const char *case_id, const char *direction, const char *summary, json_t *extra,
		    char id[ID_SIZE]);

/* Case view part: "mail" = every message in and out of the case, oldest first, with its delivery
 * status (registered in svc/registry.c). */
int outbox_view_part(svc_ctx *c, const char *case_id, json_t *view);

/* --- the delivery worker (cli/cmd_mail.c) --- */

struct outbox_msg {
	char org_id[ID_SIZE], id[ID_SIZE], case_id[ID_SIZE];
	char kind[16];	   /* mail_out.kind */
	char *from, *data; /* envelope sender and the composed message (caller frees with outbox_msg_release) */
	char *to;
	size_t len;
	int attempts;
};
void outbox_msg_release(struct outbox_msg *m);

/* In a write transaction: lease the most overdue due message (customer or staff mail alike) for
 * lease_ms to `worker` and compose it (m->case_id stays "" for staff mail).  Returns 1 (m filled), 0 (nothing due), or -1 (err set). */
int outbox_claim(svc_ctx *c, const char *worker, int64_t lease_ms, struct outbox_msg *m);
/* In a write transaction: record the outcome of the attempt (sent; deferred with a growing
 * back-off; bounced after a permanent failure or OUTBOX_MAX_ATTEMPTS), only while worker still
 * holds the lease.  Returns 0 or -1 (err set). */
int outbox_finish(svc_ctx *c, const struct outbox_msg *m, const char *worker, enum smtp_result r, const char *error);

#endif
