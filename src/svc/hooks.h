#ifndef FL_SVC_HOOKS_H
#define FL_SVC_HOOKS_H
/* The extension points: the parts capabilities add to each other without knowing each other (case
 * view parts, case hooks, breach hooks, portal parts).  A module that runs them includes this
 * header; the lists themselves are in svc/registry.c, which includes every module's header.  So the
 * include graph has no cycle: modules -> hooks.h <- registry.c -> modules.  A new capability adds
 * its functions to the lists in registry.c and nowhere else. */
#include "svc/svc.h"

/* Extensions of the case view: later capabilities (promises, requests, exceptions ...) add
 * their parts of a case's page here.  Each adds keys to view; returns 0 or -1 (err set). */
typedef int (*case_view_fn)(svc_ctx *c, const char *case_id, json_t *view);
const case_view_fn *svc_case_view_parts(void);
/* What a view part shows when none of its tables (up to 3, each with org_id and case_id columns)
 * holds a row of the case: case_view learns that for every listed part in the query that reads
 * the case row, and sets `empty` (a JSON object merged into the view) instead of running the part.
 * A part not listed here always runs.  Most cases have no promises, exceptions, mail ... */
struct case_view_skip {
	case_view_fn fn;
	const char *tables[3];
	const char *empty;
	int reader; /* what the part shows depends on who reads it, when, or on the organization's
		     * templates: when its tables hold rows of the case, the page is kept without it and
		     * the part runs again at every read (case_view_kept) */
};
const struct case_view_skip *svc_case_view_skips(void); /* ended by fn NULL */

/* Hooks run inside the same transaction:
 *  touchpoint hooks: after a touchpoint or a customer-visible note (update duties are met);
 *  resolve hooks: before a case is resolved (may refuse, e.g. pending promises). */
typedef int (*case_hook_fn)(svc_ctx *c, const char *case_id, json_t *in);
const case_hook_fn *svc_touchpoint_hooks(void);
const case_hook_fn *svc_resolve_hooks(void);

/* Breach hooks: called in the same transaction when a promise breaks, right after its breach
 * (breach_id) is recorded: nothing refers to that breach yet, so a hook need not look for what it
 * made of it before.  ca is the breach's case as read with the promise, attribution the breach's
 * attribution JSON (both borrowed).  Failure reviews and pulse surveys register here. */
struct breach_case {
	const char *id, *owner_id, *team_id; /* team_id "" when none */
	long long number;
};
typedef int (*breach_hook_fn)(svc_ctx *c, const struct breach_case *ca, const char *promise_id, const char *breach_id,
			      json_t *attribution);
const breach_hook_fn *svc_breach_hooks(void);
/* Breach batch hooks: the scheduler's breach part records all its breaches first, then calls each
 * batch hook with them (items, in the order their breach hooks will run; borrowed), then the breach
 * hooks breach by breach, then each batch hook again with n = 0 (also when it fails).  So a hook
 * may read what its breach hook needs for every breach at once and keep it until then.  Returns 0
 * or -1 (err set). */
struct breach_item {
	const char *org_id, *case_id, *breach_id;
};
typedef int (*breach_batch_fn)(svc_ctx *c, const struct breach_item *items, size_t n);
const breach_batch_fn *svc_breach_batches(void);

/* Promise hooks: run in the same transaction after a promise is made (kind "made"), replaced
 * with the customer's consent (kind "renegotiated"; promise_id is the new one) or put at risk
 * (kind "at_risk").  The email
 * capability confirms it to the customer.  Returns 0 or -1 (err set). */
typedef int (*promise_hook_fn)(svc_ctx *c, const char *case_id, const char *promise_id, const char *kind);
const promise_hook_fn *svc_promise_hooks(void);

/* Alert hooks: run in the same transaction after an alert is stored for a person (svc/org/alert.c).
 * Notifications register here (email at once or the daily digest, svc/notify/prefs.h).
 * Returns 0 or -1 (err set). */
typedef int (*alert_hook_fn)(svc_ctx *c, const char *alert_id, const char *person_id, const char *kind,
			     const char *case_id, const char *message);
const alert_hook_fn *svc_alert_hooks(void);

/* Event hooks: run after every event is appended (svc_event), in its transaction, with the event's
 * data (borrowed; it may be NULL).  For capabilities that follow what happens anywhere without the
 * writers knowing them (recognition of ownership acts).  A hook must ignore kinds it does not know
 * and must not fail on them; it may append events itself.  Returns 0 or -1 (err set). */
typedef int (*event_hook_fn)(svc_ctx *c, const char *actor_id, const char *kind, const char *entity_type,
			     const char *entity_id, const char *case_id, json_t *data);
const event_hook_fn *svc_event_hooks(void);

/* Exception hooks: run in the same transaction when an exception reaches its outcome
 * ("approved", "withdrawn", "expired").  The email capability sends the customer their copy. */
typedef int (*exception_hook_fn)(svc_ctx *c, const char *case_id, const char *exception_id, const char *outcome);
const exception_hook_fn *svc_exception_hooks(void);
/* Run them all; returns 0 or -1 (err set). */
int svc_exception_outcome(svc_ctx *c, const char *case_id, const char *exception_id, const char *outcome);

/* What the customer portal shows of a case besides updates: each part appends to `promises` the
 * customer-facing promises of case_id ({"text", "due_at", "status"}); only what may be shown to
 * the customer.  Returns 0 or -1 (err set). */
typedef int (*portal_part_fn)(svc_ctx *c, const char *case_id, json_t *promises);
const portal_part_fn *portal_case_parts(void);

#endif
