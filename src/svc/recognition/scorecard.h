#ifndef FL_SVC_SCORECARD_H
#define FL_SVC_SCORECARD_H
/* Scorecards (svc/recognition/scorecard.c): per person and per team over a period of whole UTC days,
 * read only from the rollup scorecard_daily, which the recognition hooks keep in the transaction of
 * each event (so a year at a million cases reads a few thousand rows).  A person sees their own; only
 * their supervisor chain (the managers above them) sees a person's named scorecard; team scorecards are
 * open to every employee, like the other reports.  The measures and what they leave out are
 * core/recognition.h's REC_MEASURES and REC_NOT_COUNTED. */
#include "svc/svc.h"

extern const struct route scorecard_routes[];

/* Add n to measure for person (in team; "" none) on the current UTC day, and to the team's own row
 * (which the team scorecards read).  person "" counts for the team only.  Returns 0 or -1 (err set). */
int scorecard_add(svc_ctx *c, const char *person_id, const char *team_id, const char *measure, int64_t n);

/* 0 when the actor may see person_id's named scorecard, acts and thanks (themselves, or a manager
 * above them); else -1 with 403 not_in_reporting_line on field saying message, or with the storage
 * error. */
int scorecard_may_see(svc_ctx *c, const char *person_id, const char *field, const char *message);

/* The period of in["from"], in["to"] (RFC 3339), by default the default_days before now.
 * Returns 0, or -1 with ERR_INVALID invalid_range when to is not after from. */
int scorecard_period(svc_ctx *c, json_t *in, int default_days, int64_t *from, int64_t *to);

#endif
