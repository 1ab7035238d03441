#ifndef FL_SVC_WEBHOOK_H
#define FL_SVC_WEBHOOK_H
/* Webhooks (svc/notify/webhook.c): per-organization subscriptions of a URL to event families,
 * signed as in the Standard Webhooks specification, delivered at least once by a worker
 * (`frontline webhook-deliver`, cli/cmd_webhook.c; its side is svc/notify/whworker.h).
 *
 * The outbox is the event history: every event is written in the same transaction as its change,
 * and a subscription's cursor_seq is the last event it has handled.  A worker claims a
 * subscription (a lease on its row: one attempt at a time across servers), sends the next event
 * of its families after the cursor outside any transaction, and records the outcome in another:
 * delivered moves the cursor; a failure keeps it and waits a growing back-off; WEBHOOK_MAX_ATTEMPTS
 * failures in a row disable the subscription and alert its admin.  Events go out in order, each
 * with a stable webhook-id ("<subscription id>.<seq>") that every retry repeats. */
#include "core/notify_rules.h"
#include "svc/svc.h"

extern const struct route webhook_routes[];

/* The operator setting FRONTLINE_WEBHOOK_ALLOW ("loopback,private,link-local"; unset = public
 * targets only) as a webhook_allow_parse() set; public only when it is malformed. */
int webhook_allow_setting(void);

/* A subscription's kinds (a JSON array of families) checked: every one known, no repeats, at least
 * one.  Returns 0 or -1 (ERR_INVALID "unknown_event_kind" / "required" on field "kinds"). */
int webhook_check_kinds(svc_ctx *c, json_t *kinds);

#endif
