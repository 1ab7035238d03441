#ifndef FL_RESOURCES_H
#define FL_RESOURCES_H
/* The route tables of each resource file, and the few functions resources share. */
#include "svc/svc.h"

extern const struct route org_routes[];
extern const struct route people_routes[];
extern const struct route customer_routes[];
extern const struct route case_routes[];
extern const struct route auth_routes[];
extern const struct route audit_routes[];
extern const struct route policy_routes[];
extern const struct route settings_routes[];
extern const struct route promise_routes[];
extern const struct route request_routes[];
extern const struct route alert_routes[];
extern const struct route suggest_routes[];
extern const struct route report_routes[];
extern const struct route exception_routes[];
extern const struct route exception_review_routes[];
extern const struct route portal_routes[];

/* Team / location reference (id or name) within the actor's organization. */
int svc_team_ref(svc_ctx *c, const char *ref, const char *field, char id[ID_SIZE]);
int svc_location_ref(svc_ctx *c, const char *ref, const char *field, char id[ID_SIZE]);

/* Create a person from a people-create body (svc/people.c); *out gets the person. */
int people_create(svc_ctx *c, json_t *in, json_t **out);

/* Load a person's role and team; returns 0, or -1 with ERR_NOT_FOUND. */
int people_role(svc_ctx *c, const char *person_id, enum role *role, char team_id[ID_SIZE], int *active);

/* Load a case row into JSON (svc/case.c); -1 with ERR_NOT_FOUND when absent. */
int case_load_brief(svc_ctx *c, const char *case_id, json_t **out);

/* Extensions of the case view: later capabilities (promises, requests, exceptions ...) add
 * their parts of a case's page here.  Each adds keys to view; returns 0 or -1 (err set). */
typedef int (*case_view_fn)(svc_ctx *c, const char *case_id, json_t *view);
const case_view_fn *svc_case_view_parts(void);

/* Breach hooks: called by the promise scheduler in the same transaction when a promise breaks.
 * attribution is borrowed (the breach's attribution JSON).  Later capabilities (failure
 * reviews, pulse surveys) register here. */
typedef int (*breach_hook_fn)(svc_ctx *c, const char *case_id, const char *promise_id, const char *breach_id,
			      json_t *attribution);
const breach_hook_fn *svc_breach_hooks(void);

#endif
