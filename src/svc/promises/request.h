#ifndef FL_SVC_REQUEST_H
#define FL_SVC_REQUEST_H
/* Internal requests: what one person or team owes another for a case (svc/promises/request.c).
 * Every function runs inside the caller's transaction and returns 0 or -1 with c->err set. */
#include "svc/svc.h"

extern const struct route request_routes[];

/* A request's state as its actions and its timers read it (request.c, request_tick.c). */
struct req_state {
	char id[ID_SIZE], case_id[ID_SIZE], status[16], person[ID_SIZE], team[ID_SIZE], asked_by[ID_SIZE], what[512];
	int64_t due_at, created_at;
};

/* The request as JSON (new reference), or NULL when absent. */
json_t *request_json(svc_ctx *c, const char *request_id);

/* Registered in svc/registry.c. */
int request_resolve_hook(svc_ctx *c, const char *case_id, json_t *in); /* open_requests: keep or cancel */
int request_view_part(svc_ctx *c, const char *case_id, json_t *view); /* "requests" */
/* The "requests" part of the pages of n cases at once, as promise_rows_of_cases
 * (svc/promises/promise.h). */
int request_rows_of_cases(svc_ctx *c, const char *const *case_ids, size_t n, json_t *by_case);
/* The scheduler's request timers (svc/promises/request_tick.c). */
int request_tick_remind(svc_ctx *c, json_t *summary);                 /* reminders before due */
int request_tick_followup(svc_ctx *c, json_t *summary);               /* follow-ups to the asker */
int request_tick_overdue(svc_ctx *c, json_t *summary);                /* past due: overdue */
int request_tick_escalate(svc_ctx *c, json_t *summary);               /* overdue long enough: escalate */
int request_tick_due(svc_ctx *c, int64_t until, int64_t *next);       /* when the next timer fires (svc/tick.h) */

#endif
