#ifndef FL_SVC_PROPOSAL_H
#define FL_SVC_PROPOSAL_H
/* A new time for a promise, proposed to the customer by email (svc/mail/proposal.c).
 *
 * POST /api/v1/promises/{id}/propose {"due_at", "note"} (whoever may settle the case's promises)
 * mails the customer the proposal (the "proposal" template; an outbound contact) and remembers it.
 * The promise does not move.  When the customer replies to that mail (In-Reply-To / References),
 * the new text of the reply decides (mail_answer): a clear "yes" is the consent, recorded with the
 * message as its evidence, and the promise is renegotiated (its confirmation goes out by mail); a
 * clear "no" declines it; anything else is left to the owner, who is alerted either way. */
#include "mail/parse.h"
#include "svc/svc.h"

extern const struct route proposal_routes[];

/* In mail_ingest's transaction, as the system: if the message (mail_in id mail_id, on case_id)
 * answers a pending proposal, act on the answer and add "proposal": {"id", "answer": accepted |
 * declined | unclear | lapsed} to out.  Returns 0 or -1 (err set). */
int proposal_answer(svc_ctx *c, const char *case_id, const struct mail_parsed *m, const char *mail_id, json_t *out);

/* Case view part (svc/registry.c): "mail_proposals", and "mail_draft" (notify_draft_part). */
int proposal_view_part(svc_ctx *c, const char *case_id, json_t *view);

#endif
