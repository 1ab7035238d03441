#ifndef FL_SVC_LEARNING_H
#define FL_SVC_LEARNING_H
/* Learning from failure (docs/learning.md): failure reviews (svc/review.c), the root-cause report,
 * pulse surveys and system issues (svc/voice.c), coaching notes and legal holds (svc/coaching.c).
 * The hooks and scheduler parts below are registered in svc/routes.c. */
#include "svc/svc.h"

extern const struct route review_routes[];
extern const struct route voice_routes[];
extern const struct route coaching_routes[];

/* Open a failure review of a case (inside the caller's transaction), pre-filled from the case page
 * and the attribution (borrowed, may be NULL).  trigger: "breach", "complaint" or "manual".  A
 * second review for the same breach_id is not opened (*created = 0, id of the existing one).
 * Returns 0 or -1 (err set). */
int review_open(svc_ctx *c, const char *case_id, const char *trigger, const char *breach_id, const char *promise_id,
		json_t *attribution, char id[ID_SIZE], int *created);

/* Case view part: "reviews" (brief, only for those who may read them). */
int review_view_part(svc_ctx *c, const char *case_id, json_t *view);

/* Breach hooks: open the review; offer the people involved a pulse survey. */
int review_on_breach(svc_ctx *c, const char *case_id, const char *promise_id, const char *breach_id, json_t *attribution);
int survey_on_breach(svc_ctx *c, const char *case_id, const char *promise_id, const char *breach_id, json_t *attribution);
/* Resolve hook: `complaint: true` opens a review. */
int review_on_resolve(svc_ctx *c, const char *case_id, json_t *in);

/* Scheduler parts: review actions (reminder, overdue, escalation) and system-issue responses
 * (overdue), each exactly once by conditional UPDATEs. */
int review_tick(svc_ctx *c, json_t *summary);
int voice_tick(svc_ctx *c, json_t *summary);

/* The manager of person_id, else the organization's escalation contact, else "" (id filled). */
void learning_manager_of(svc_ctx *c, const char *person_id, char id[ID_SIZE]);
/* The root-cause report's daily counts (table learning_daily): add delta to the count of kind
 * ("review", "cause", "boundary", "policy") / label / team on the UTC day of `at`. */
int learning_bump(svc_ctx *c, int64_t at, const char *kind, const char *label, const char *team_id, int64_t delta);
int64_t learning_day(int64_t t); /* the UTC day start of t (ms) */

/* Add n to summary[key]. */
void learning_count(json_t *summary, const char *key, long long n);

#endif
