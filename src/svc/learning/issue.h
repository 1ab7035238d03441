#ifndef FL_SVC_ISSUE_H
#define FL_SVC_ISSUE_H
/* System issues with a leader owner who owes a response (svc/learning/issue.c). */
#include "svc/svc.h"

extern const struct route issue_routes[];

/* Raise a system issue from spec ({title, description, owner, cases}; checked by the caller's
 * input spec), optionally from a survey answer (survey_id may be NULL; question 0 = none).  The
 * owner (default: the first leader above the actor) is alerted.  id receives the new id.
 * Returns 0 or -1 (err set). */
int issue_raise(svc_ctx *c, json_t *spec, const char *survey_id, long long question, char id[ID_SIZE]);

/* Scheduler part, registered in svc/registry.c: responses past due are marked overdue and
 * escalated, each exactly once. */
int issue_tick(svc_ctx *c, json_t *summary);
int issue_tick_due(svc_ctx *c, int64_t until, int64_t *next); /* when issue_tick next has work (svc/tick.h) */

#endif
