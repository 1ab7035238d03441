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
 * into f.  Returns 0 or -1 (err set; f is then empty). */
int facts_compute(svc_ctx *c, const struct case_row *row, const char *promise_id, json_t *attribution,
		  struct review_facts *f);
void facts_release(struct review_facts *f);
/* Store f's boundaries and policies as facets of review_id and count them in the daily counts.
 * Returns 0 or -1 (err set). */
int facts_write_facets(svc_ctx *c, const char *review_id, const char *case_id, int64_t opened_at,
		       const struct review_facts *f);

#endif
