#ifndef FL_SVC_INBOUND_H
#define FL_SVC_INBOUND_H
/* Mail coming in (svc/mail/inbound.c): one message, parsed, kept and put where it belongs.
 *
 * Threading, strongest first: the case's reply address (plus-addressing with the case's secret);
 * a Message-ID we sent (In-Reply-To / References); a subject tag "[slug #N]" only when the sender
 * is that case's customer.  A stranger with the case number alone opens a new case.
 * Defenses: duplicates (same normalized Message-ID) change nothing; mail from programs
 * (auto-replies, lists, bounces) is recorded but never answered and opens no case; a sender over
 * mail.max_per_sender_hour is recorded and goes no further.  No mail content reaches a shell. */
#include <stddef.h>

#include "svc/mail/mailbox.h"
#include "svc/svc.h"

extern const struct route inbound_routes[];

struct mail_gate_in {
	const char *raw; /* the message as delivered */
	size_t len;
	const char *recipient; /* envelope recipient from the mail server, or NULL */
	const char *sender;    /* envelope sender, "" for the null sender (a bounce), NULL when unknown */
};

/* Take one message into mailbox mb, inside the caller's write transaction, as the system.
 * *out (new) says what happened: {"id", "status": threaded|opened|auto|rate_limited|duplicate,
 * "reason", "case_id", "case_number", "touchpoint_id"}.  Returns 0 or -1 (err set). */
int mail_ingest(svc_ctx *c, const struct mailbox *mb, const struct mail_gate_in *gi, json_t **out);

#endif
