#ifndef FL_SVC_ISSUE_H
#define FL_SVC_ISSUE_H
/* System issues with a leader owner who owes a response (svc/learning/issue.c). */
#include "svc/svc.h"

extern const struct route issue_routes[];

/* The fields of a new system issue, for input specs: raising one directly, or from a survey
 * answer (svc/input.h; needs base/limits.h). */
#define ISSUE_FIELDS                                                                                                      \
	{"title", IN_STR, 1, 1, FL_MAX_SUBJECT, NULL, "what is wrong (\"the dispatch screen does not show resend status\")"}, \
	{"description", IN_STR, 0, 0, FL_MAX_TEXT, NULL, "details and a suggestion"},                                  \
	{"owner", IN_STR, 0, 1, FL_MAX_EMAIL, NULL, "the leader who owes a response (default: the first leader above you)"}, \
	{"cases", IN_ARR, 0, 0, FL_MAX_FIELDS, NULL, "case ids as evidence"}

/* Raise a system issue from spec ({title, description, owner, cases}: ISSUE_FIELDS, checked by the
 * caller's input spec), optionally from a survey answer (survey_id may be NULL; question 0 = none).  The
 * owner (default: the first leader above the actor) is alerted.  id receives the new id.
 * Returns 0 or -1 (err set). */
int issue_raise(svc_ctx *c, json_t *spec, const char *survey_id, long long question, char id[ID_SIZE]);

/* Scheduler part, registered in svc/registry.c: responses past due are marked overdue and
 * escalated, each exactly once. */
int issue_tick(svc_ctx *c, json_t *summary);
int issue_tick_due(svc_ctx *c, int64_t until, int64_t *next); /* when issue_tick next has work (svc/tick.h) */

#endif
