/* The registry: every resource's routes (svc.h), every case view part, hook and portal part
 * (svc/hooks.h) and every scheduler part (svc/tick.h).  The only svc file that includes every
 * module's header; no module includes it.  A new capability adds its table and functions here and
 * nowhere else. */
#include "base/util.h"
#include "svc/access/auth.h"
#include "svc/access/portal.h"
#include "svc/access/throttle.h"
#include "svc/directory/calendar.h"
#include "svc/directory/directory.h"
#include "svc/directory/knowledge.h"
#include "svc/directory/people.h"
#include "svc/directory/rota.h"
#include "svc/directory/routing.h"
#include "svc/directory/who.h"
#include "svc/exceptions/action.h"
#include "svc/exceptions/exception.h"
#include "svc/exceptions/exception_read.h"
#include "svc/exceptions/exception_review.h"
#include "svc/exceptions/exception_tick.h"
#include "svc/exceptions/policy.h"
#include "svc/hooks.h"
#include "svc/learning/coaching.h"
#include "svc/learning/issue.h"
#include "svc/learning/facts.h"
#include "svc/learning/review.h"
#include "svc/learning/review_tick.h"
#include "svc/learning/survey.h"
#include "svc/ledger/case.h"
#include "svc/ledger/customer.h"
#include "svc/mail/attach.h"
#include "svc/mail/inbound.h"
#include "svc/mail/mailbox.h"
#include "svc/mail/notify.h"
#include "svc/mail/outbox.h"
#include "svc/mail/proposal.h"
#include "svc/notify/prefs.h"
#include "svc/notify/webhook.h"
#include "svc/ledger/case.h"
#include "svc/ledger/customer.h"
#include "svc/ledger/queue.h"
#include "svc/metrics.h"
#include "svc/org/alert.h"
#include "svc/org/audit.h"
#include "svc/org/day.h"
#include "svc/org/install.h"
#include "svc/org/live.h"
#include "svc/org/org.h"
#include "svc/org/settings.h"
#include "svc/promises/duty.h"
#include "svc/promises/estimate.h"
#include "svc/promises/promise.h"
#include "svc/promises/request.h"
#include "svc/promises/suggest.h"
#include "svc/recognition/acts.h"
#include "svc/recognition/scorecard.h"
#include "svc/recognition/thanks.h"
#include "svc/reports/reports.h"
#include "svc/tick.h"

extern const struct route clock_routes[]; /* svc/clockctl.c: test servers only */

static const struct route *const TABLES[] = {
	auth_routes, install_routes, org_routes, people_routes, customer_routes, case_routes, queue_routes, audit_routes, policy_routes,
	settings_routes, clock_routes,
	promise_routes, request_routes, estimate_routes, alert_routes, live_routes, day_routes, suggest_routes,
	action_routes, exception_routes, exception_read_routes, exception_review_routes,
	review_routes, survey_routes, issue_routes, coaching_routes,
	directory_routes, rota_routes, who_routes, calendar_routes, routing_routes, knowledge_routes,
	portal_routes,
	mailbox_routes, inbound_routes, outbox_routes, attach_routes, notify_routes, proposal_routes,
	webhook_routes, prefs_routes,
	report_promise_routes, report_leadership_routes, report_root_cause_routes, report_exception_routes, report_intake_routes,
	report_calibration_routes,
	acts_routes, thanks_routes, scorecard_routes,
	NULL,
};

const struct route *const *svc_route_tables(void) { return TABLES; }

static const case_view_fn VIEW_PARTS[] = {
	promise_view_part, request_view_part, breach_view_part, conflict_view_part, duty_view_part,
	exception_case_view,
	kb_case_view,
	review_view_part,
	outbox_view_part, proposal_view_part, attach_view_part,
	NULL,
};
const case_view_fn *svc_case_view_parts(void) { return VIEW_PARTS; }

static const struct case_view_skip VIEW_SKIPS[] = {
	{promise_view_part, {"promises"}, "{\"promises\": []}", 0},
	{request_view_part, {"requests"}, "{\"requests\": []}", 0},
	{breach_view_part, {"breaches"}, "{\"breaches\": []}", 0},
	{conflict_view_part, {"policy_conflicts"}, "{\"policy_conflicts\": []}", 0},
	{duty_view_part, {"update_duties"}, "{\"update_duty\": {\"next\": null, \"duties\": []}}", 0},
	/* a proposed exception shows as expired once its window passed (the reading time) */
	{exception_case_view, {"case_actions", "exceptions"}, "{\"actions\": [], \"exceptions\": []}", 1},
	{kb_case_view, {"case_articles"}, "{\"articles\": []}", 0},
	{review_view_part, {"reviews"}, "{\"reviews\": []}", 1},
	/* mail_out has no version triggers (migration 0025): the worker's statuses are read each time */
	{outbox_view_part, {"mail_in", "mail_out"}, "{\"mail\": []}", 1},
	/* the draft needs mail from the customer (notify_draft_part) */
	{proposal_view_part, {"mail_proposals", "mail_in"}, "{\"mail_proposals\": [], \"mail_draft\": null}", 1},
	/* received files are found through mail_in; whoever reads them is told where to download them */
	{attach_view_part, {"attachments", "mail_in"}, "{\"attachments\": []}", 1},
	{NULL, {NULL}, NULL, 0},
};
const struct case_view_skip *svc_case_view_skips(void) { return VIEW_SKIPS; }

static const case_hook_fn TOUCH_HOOKS[] = {duty_touch_hook, NULL};
const case_hook_fn *svc_touchpoint_hooks(void) { return TOUCH_HOOKS; }

static const case_hook_fn RESOLVE_HOOKS[] = {promise_resolve_hook, request_resolve_hook, exception_resolve_hook, review_on_resolve, NULL};
const case_hook_fn *svc_resolve_hooks(void) { return RESOLVE_HOOKS; }

static const breach_hook_fn BREACH_HOOKS[] = {review_on_breach, survey_on_breach, NULL};
const breach_hook_fn *svc_breach_hooks(void) { return BREACH_HOOKS; }
static const breach_batch_fn BREACH_BATCHES[] = {review_breach_batch, survey_breach_batch, recognition_breach_batch, NULL};
const breach_batch_fn *svc_breach_batches(void) { return BREACH_BATCHES; }

static const event_hook_fn EVENT_HOOKS[] = {recognition_on_event, NULL};
const event_hook_fn *svc_event_hooks(void) { return EVENT_HOOKS; }

static const promise_hook_fn PROMISE_HOOKS[] = {notify_promise, NULL};
const promise_hook_fn *svc_promise_hooks(void) { return PROMISE_HOOKS; }

static const exception_hook_fn EXCEPTION_HOOKS[] = {notify_exception, NULL};
const exception_hook_fn *svc_exception_hooks(void) { return EXCEPTION_HOOKS; }
int svc_exception_outcome(svc_ctx *c, const char *case_id, const char *exception_id, const char *outcome)
{
	for (const exception_hook_fn *h = EXCEPTION_HOOKS; *h; h++)
		if ((*h)(c, case_id, exception_id, outcome))
			return -1;
	return 0;
}
static const alert_hook_fn ALERT_HOOKS[] = {prefs_on_alert, NULL};
const alert_hook_fn *svc_alert_hooks(void) { return ALERT_HOOKS; }

/* What the customer portal shows of a case besides updates (promises ...). */
static const portal_part_fn PORTAL_PARTS[] = {portal_promises_part, NULL};
const portal_part_fn *portal_case_parts(void) { return PORTAL_PARTS; }

/* Order matters: a request marked overdue in this pass can escalate (delay 0) and put its promise
 * at risk before the promise's own breach is judged; duties lapse last. */
static const struct tick_part TICK_PARTS[] = {
	{request_tick_remind, request_tick_due},
	{request_tick_followup, request_tick_due},
	{request_tick_overdue, request_tick_due},
	{request_tick_escalate, request_tick_due},
	{promise_tick_breach, promise_tick_due},
	{duty_tick_lapse, duty_tick_due},
	{exception_tick, exception_tick_due},
	{review_tick, review_tick_due},
	{issue_tick, issue_tick_due},
	{routing_tick, routing_tick_due},
	{auth_tick, auth_tick_due},
	{throttle_tick, throttle_tick_due},
	{prefs_digest_tick, prefs_digest_due},
	{NULL, NULL},
};
const struct tick_part *svc_tick_parts(void) { return TICK_PARTS; }

/* When each part next has something due (the scheduler steps through those times in order). */
static const tick_due_fn TICK_DUE[] = {
	request_tick_due, promise_tick_due, duty_tick_due, exception_tick_due, review_tick_due, issue_tick_due, routing_tick_due,
	auth_tick_due, throttle_tick_due, prefs_digest_due, NULL,
};
const tick_due_fn *svc_tick_due(void) { return TICK_DUE; }

/* What parts kept for the length of a pass (tick_pass()), forgotten when it ends. */
static const tick_end_fn TICK_PASS_ENDS[] = {prefs_pass_end, facts_forget, NULL};
const tick_end_fn *svc_tick_pass_ends(void) { return TICK_PASS_ENDS; }

/* What GET /metrics reads from the database (svc/metrics.h). */
static const metrics_fn METRICS_PARTS[] = {
	metrics_scheduler, metrics_outbox, metrics_webhooks, metrics_promises, NULL,
};
const metrics_fn *svc_metrics_parts(void) { return METRICS_PARTS; }
