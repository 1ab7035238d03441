#ifndef FL_SVC_COUNTERS_H
#define FL_SVC_COUNTERS_H
/* Shared helpers of the learning capability (svc/learning/counters.c). */
#include <stdint.h>

#include "svc/svc.h"

/* The manager of person_id, else the organization's escalation contact, else "" (id filled). */
void learning_manager_of(svc_ctx *c, const char *person_id, char id[ID_SIZE]);
/* The root-cause report's daily counts (table learning_daily): add delta to the count of kind
 * ("review", "cause", "boundary", "policy") / label / team on the UTC day of `at`.
 * Returns 0 or -1 (err set). */
int learning_bump(svc_ctx *c, int64_t at, const char *kind, const char *label, const char *team_id, int64_t delta);
/* The UTC day start of t (ms). */
int64_t learning_day(int64_t t);

#endif
