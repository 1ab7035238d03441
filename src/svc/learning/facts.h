#ifndef FL_SVC_FACTS_H
#define FL_SVC_FACTS_H
/* Pre-filled facts of a failure review (svc/learning/facts.c). */
#include "svc/ledger/case.h"
#include "svc/svc.h"

/* What a review knows about its case: facts, boundaries and policies (objects used as sets) and
 * the team (filled, "" when none).  All new references; release with facts_release. */
struct review_facts {
	json_t *facts, *boundaries, *policies;
	char team[ID_SIZE];
};

/* Compute the facts of case row (its page and the breach's attribution, borrowed, may be NULL)
 * into f.  breach_id (may be NULL): the breach the review is of; when facts_prefetch read the
 * case's page for a batch holding that breach, that page is used (as it was when the breach was
 * recorded: the batch's later breaches left out), else the page is read.  Returns 0 or -1 (err
 * set; f is then empty). */
int facts_compute(svc_ctx *c, const struct case_row *row, const char *breach_id, const char *promise_id, json_t *attribution,
		  struct review_facts *f);
/* Read the pages of the cases of a batch of breaches (svc/hooks.h) at once, a few statements per
 * BATCH_IDS cases, for facts_compute; n = 0, or facts_forget, forgets them.  The pages' parts the
 * facts read do not change while a batch's breach hooks run.  Returns 0 or -1 (err set). */
struct breach_item;
int facts_prefetch(svc_ctx *c, const struct breach_item *items, size_t n);
void facts_forget(void);
void facts_release(struct review_facts *f);
/* Store f's boundaries and policies as facets of review_id and count them in the daily counts.
 * Returns 0 or -1 (err set). */
int facts_write_facets(svc_ctx *c, const char *review_id, const char *case_id, int64_t opened_at,
		       const struct review_facts *f);

#endif
