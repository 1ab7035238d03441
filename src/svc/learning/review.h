#ifndef FL_SVC_REVIEW_H
#define FL_SVC_REVIEW_H
/* Failure reviews and their actions (svc/learning/review.c; the scheduler part is
 * svc/learning/review_tick.h).  Functions run inside the caller's transaction and return 0 or -1
 * with c->err set. */
#include "svc/svc.h"

extern const struct route review_routes[];

/* Open a failure review of a case, pre-filled from the case page and the attribution (borrowed,
 * may be NULL).  trigger: "breach", "complaint" or "manual".  A second review for the same
 * breach_id is not opened (*created = 0, id of the existing one). */
int review_open(svc_ctx *c, const char *case_id, const char *trigger, const char *breach_id, const char *promise_id,
		json_t *attribution, char id[ID_SIZE], int *created);

/* Registered in svc/registry.c. */
int review_view_part(svc_ctx *c, const char *case_id, json_t *view); /* "reviews" (brief, for those who may read them) */
struct breach_case;
int review_on_breach(svc_ctx *c, const struct breach_case *ca, const char *promise_id, const char *breach_id, json_t *attribution);
struct breach_item;
int review_breach_batch(svc_ctx *c, const struct breach_item *items, size_t n); /* the facts' pages read at once */
int review_on_resolve(svc_ctx *c, const char *case_id, json_t *in); /* `complaint: true` opens a review */

#endif
