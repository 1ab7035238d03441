#ifndef FL_SVC_AUTH_H
#define FL_SVC_AUTH_H
/* Staff sign-in, sessions and API tokens (svc/access/auth.c). */
#include "base/password.h"
#include "svc/svc.h"

extern const struct route auth_routes[];

/* Find the live session or API token behind `token` and fill c->actor.  session_id and csrf
 * receive the session's id and CSRF token ("" for API tokens).
 * Returns 0, or -1 with ERR_UNAUTHORIZED. */
int auth_resolve(svc_ctx *c, const char *token, char session_id[ID_SIZE], char csrf[TOKEN_SIZE]);

#endif
