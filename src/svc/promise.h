#ifndef FL_SVC_PROMISE_H
#define FL_SVC_PROMISE_H
/* Promises, requests, update duties, alerts and breaches: what the files of this capability
 * (svc/promise.c, request.c, alert.c, duty.c, suggest.c, report.c) share.  Every function runs inside
 * the caller's transaction, acts as c->actor, and returns 0 or -1 with c->err set. */
#include "svc/svc.h"

/* --- alerts (svc/alert.c) --- */
/* Store an alert for a person; message is printf-formatted. */
int alert_add(svc_ctx *c, const char *person_id, const char *kind, const char *case_id, const char *entity_type,
	      const char *entity_id, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
/* Alert every active member of a team. */
int alert_team(svc_ctx *c, const char *team_id, const char *kind, const char *case_id, const char *entity_type,
	       const char *entity_id, const char *message);

/* --- people helpers (svc/request.c) --- */
/* Team name (new string) or NULL. */
char *team_name(svc_ctx *c, const char *team_id);
/* The case's current owner into owner (ID_SIZE); "" when no case. */
void case_owner(svc_ctx *c, const char *case_id, char owner[ID_SIZE]);

/* --- promises (svc/promise.c) --- */
json_t *promise_json(svc_ctx *c, const char *promise_id);
/* The request changed (declined, deferred, overdue): every pending promise it blocks that it now
 * endangers becomes at risk (once), its owner is alerted and an at-risk update duty starts. */
int promise_check_risk(svc_ctx *c, const char *request_id);

/* --- requests (svc/request.c) --- */
json_t *request_json(svc_ctx *c, const char *request_id);

/* --- update duties (svc/duty.c) --- */
/* Start a cadence duty for the case unless one is pending. */
int duty_ensure_cadence(svc_ctx *c, const char *case_id);
/* Start an at-risk duty (due after update.at_risk_minutes). */
int duty_at_risk(svc_ctx *c, const char *case_id, const char *promise_id);

/* Format a time for the customer's words ("Tue 3 Mar 2026 10:00 UTC") into buf. */
const char *words_time(int64_t ms, char *buf, size_t size);
/* The same in a time zone (IANA name; NULL or unknown = UTC): 'Mon 2 Mar 2026 19:15 Chicago time'. */
const char *words_time_in(int64_t ms, const char *tzname, char *buf, size_t size);

/* --- registered parts (svc/routes.c) --- */
int promise_view_part(svc_ctx *c, const char *case_id, json_t *view);
int request_view_part(svc_ctx *c, const char *case_id, json_t *view);
int breach_view_part(svc_ctx *c, const char *case_id, json_t *view);
int conflict_view_part(svc_ctx *c, const char *case_id, json_t *view);
int duty_view_part(svc_ctx *c, const char *case_id, json_t *view);
int duty_touch_hook(svc_ctx *c, const char *case_id, json_t *in);
int promise_resolve_hook(svc_ctx *c, const char *case_id, json_t *in);
int request_tick_remind(svc_ctx *c, json_t *summary);
int request_tick_followup(svc_ctx *c, json_t *summary);
int request_tick_overdue(svc_ctx *c, json_t *summary);
int request_tick_escalate(svc_ctx *c, json_t *summary);
int promise_tick_breach(svc_ctx *c, json_t *summary);
int duty_tick_lapse(svc_ctx *c, json_t *summary);
/* When each of the above next has something due (svc/tick.h). */
int request_tick_due(svc_ctx *c, int64_t until, int64_t *next);
int promise_tick_due(svc_ctx *c, int64_t until, int64_t *next);
int duty_tick_due(svc_ctx *c, int64_t until, int64_t *next);

/* Rows one scheduler part handles per pass; the rest wait for the next pass. */
#define TICK_BATCH 5000

/* Add n to summary[key]. */
void tick_count(json_t *summary, const char *key, long long n);

#endif
