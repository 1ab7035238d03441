#ifndef FL_SVC_WHWORKER_H
#define FL_SVC_WHWORKER_H
/* The webhook delivery worker's side of the subscriptions (svc/notify/whworker.c): claim the next
 * due event of a subscription under a lease, build its payload (standard, Slack or Teams), and
 * record the outcome of the attempt.  See svc/notify/webhook.h for the model. */
#include <signal.h>

#include "svc/svc.h"

/* --- the delivery worker --- */

struct webhook_msg {
	char org_id[ID_SIZE], id[ID_SIZE];
	char msg_id[2 * ID_SIZE + 24];
	char *url, *secret, *body; /* caller frees with webhook_msg_release */
	char kind[64];
	int64_t seq;
	int attempts; /* failed attempts of this event before this one */
};
void webhook_msg_release(struct webhook_msg *m);

/* In a write transaction: find the subscription most overdue with an event to send, lease it for
 * lease_ms to worker, and build the message.  Returns 1 (m filled), 0 (nothing due), -1 (err). */
int webhook_claim(svc_ctx *c, const char *worker, int64_t lease_ms, struct webhook_msg *m);

/* In a write transaction: record an attempt (the delivery log) and its consequence, only while
 * worker still holds the lease (else nothing changes and 0 is returned).  outcome: "delivered",
 * "failed", "refused".  Returns 0 or -1 (err set). */
struct whsend_result;
int webhook_finish(svc_ctx *c, const struct webhook_msg *m, const char *worker, const struct whsend_result *res);

/* The delivery loop, run by `frontline webhook-deliver` (cli/cmd_webhook.c) and by the server in
 * a thread of its own (http/server.c): one subscription leased at a time (across processes and
 * servers), the request sent outside any transaction, its outcome recorded with the next claim.
 * Each attempt is logged (base/log.h). */
struct webhook_work {
	int once;			   /* stop when nothing is due */
	int interval_s;			   /* otherwise poll this often when idle */
	int lease_s;			   /* how long an attempt holds its subscription */
	int allow;			   /* target classes allowed beyond public ones (core/notify_rules.h) */
	long max;			   /* stop after this many attempts; 0 = no limit */
	const char *worker;		   /* the lease holder's name */
	const volatile sig_atomic_t *stop; /* set (by a signal, or the server stopping): finish the attempt under way and return */
};
/* Runs on d and clk as o says.  *handled gets the attempts made.  Returns 0, or 1 when a storage
 * error was met (logged; the loop carries on unless o->once). */
int webhook_work_run(db *d, fl_clock *clk, const struct webhook_work *o, long *handled);

/* The headers of one attempt at time now_s (NULL-terminated, each "Name: value"; caller frees
 * the array and its strings with webhook_headers_free).  NULL when the secret is malformed. */
char **webhook_headers(const struct webhook_msg *m, int64_t now_s);
void webhook_headers_free(char **h);

/* For operators (GET /metrics): over every organization, the active and disabled subscriptions,
 * the events not yet handled by active ones (an upper bound: events of other families count too
 * until a worker passes them), and the subscriptions whose last attempt failed.  Returns 0 or -1
 * (err set). */
struct webhook_backlog {
	long long active, disabled, pending_events, failing;
};
int webhook_backlog(svc_ctx *c, struct webhook_backlog *out);

#endif
