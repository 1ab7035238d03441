#ifndef FL_SVC_REVIEW_TICK_H
#define FL_SVC_REVIEW_TICK_H
/* The failure reviews' scheduler part (svc/learning/review_tick.c): an open review action gets a
 * reminder at remind_at, goes overdue at due_at and is escalated to its owner's manager at
 * escalate_at, each exactly once (a conditional UPDATE decides which pass or server wins), with its
 * event and an alert.  Both run inside the caller's transaction and return 0 or -1 with c->err set;
 * both are registered in svc/registry.c (svc/tick.h says how a pass calls them). */
#include "svc/svc.h"

/* One pass at c->now: adds review_action_reminders, review_actions_overdue and
 * review_action_escalations to summary. */
int review_tick(svc_ctx *c, json_t *summary);
/* Lower *next to the earliest time <= until at which review_tick has work. */
int review_tick_due(svc_ctx *c, int64_t until, int64_t *next);

#endif
