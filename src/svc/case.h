#ifndef FL_SVC_CASE_H
#define FL_SVC_CASE_H
#include "svc/svc.h"

extern const char *const CASE_CHANNELS[]; /* NULL-terminated */

struct case_row {
	char id[ID_SIZE];
	char owner_id[ID_SIZE];
	char customer_id[ID_SIZE];
	char team_id[ID_SIZE];
	long long number;
	int open;
	int pending_offers;
};

/* Load a case of the actor's organization; -1 with ERR_NOT_FOUND "case_not_found" otherwise. */
int case_load(svc_ctx *c, const char *case_id, struct case_row *out);
/* The full case page (row, customer, owner, touchpoints, notes, offers, history, and every
 * registered view part).  *out is new. */
int case_view(svc_ctx *c, const char *case_id, json_t **out);
/* Bump updated_at. */
int case_touch(svc_ctx *c, const char *case_id);
/* Move ownership from `from` to `to` (guarded: fails with 409 if the owner changed) and append
 * event `kind` with extra data (stolen). */
int case_set_owner(svc_ctx *c, const char *case_id, const char *from, const char *to, const char *kind, json_t *extra);
int offer_view(svc_ctx *c, const char *offer_id, json_t **out);
/* One events row (EVENT_COLS order) as JSON. */
json_t *case_event_row(svc_ctx *c, db_res *r);

/* Hooks other capabilities register (svc/routes.c): run inside the same transaction.
 *  touchpoint hooks: after a touchpoint or a customer-visible note (update duties are met);
 *  resolve hooks: before a case is resolved (may refuse, e.g. pending promises). */
typedef int (*case_hook_fn)(svc_ctx *c, const char *case_id, json_t *in);
const case_hook_fn *svc_touchpoint_hooks(void);
const case_hook_fn *svc_resolve_hooks(void);

#endif
