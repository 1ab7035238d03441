#ifndef FL_SVC_PROMISE_RISK_H
#define FL_SVC_PROMISE_RISK_H
/* A pending promise at risk (svc/promises/promise_risk.c): a request it depends on was declined,
 * deferred past the promise's time, or is overdue.  Marked once, with an event, an alert to the
 * case's owner, the update duty it owes (duty_at_risk) and the promise hooks ("at_risk").  Runs
 * inside the caller's transaction; returns 0 or -1 with c->err set. */
#include "svc/svc.h"

/* The request changed (declined, deferred, overdue): every pending promise it blocks that it now
 * endangers becomes at risk (once), its owner is alerted, an at-risk update duty starts and the
 * promise hooks run ("at_risk"). */
int promise_check_risk(svc_ctx *c, const char *request_id);

#endif
