#ifndef FL_SVC_DUTY_H
#define FL_SVC_DUTY_H
/* Update duties: the owner must update the customer on a cadence, and soon after a promise is put
 * at risk (svc/promises/duty.c).  Functions return 0 or -1 with c->err set. */
#include "svc/svc.h"

/* Start a cadence duty for the case unless one is pending. */
int duty_ensure_cadence(svc_ctx *c, const char *case_id);
/* Start an at-risk duty (due after update.at_risk_minutes). */
int duty_at_risk(svc_ctx *c, const char *case_id, const char *promise_id);

/* Registered in svc/registry.c. */
int duty_view_part(svc_ctx *c, const char *case_id, json_t *view); /* "update_duties" */
int duty_touch_hook(svc_ctx *c, const char *case_id, json_t *in);  /* a contact meets the duty */
int duty_tick_lapse(svc_ctx *c, json_t *summary);                  /* unmet duties lapse */
int duty_tick_due(svc_ctx *c, int64_t until, int64_t *next);       /* when the next one lapses (svc/tick.h) */

#endif
