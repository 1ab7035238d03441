#ifndef FL_SVC_PORTAL_H
#define FL_SVC_PORTAL_H
/* The customer portal (svc/access/portal.c). */
#include "base/password.h"
#include "svc/svc.h"

extern const struct route portal_routes[];

/* Find the live customer portal session behind `token`: fills c->actor.org_id,
 * c->portal_customer (and c->actor.person_id = the customer id, the events' actor), session_id
 * and csrf.  Staff tokens never match (they live in another table).  Returns 0, or -1 with
 * ERR_UNAUTHORIZED "portal_session_invalid". */
int portal_resolve(svc_ctx *c, const char *token, char session_id[ID_SIZE], char csrf[TOKEN_SIZE]);

/* The promises part, registered in svc/registry.c: every promise on the case with its due time and status. */
int portal_promises_part(svc_ctx *c, const char *case_id, json_t *promises);

#endif
