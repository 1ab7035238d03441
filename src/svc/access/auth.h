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

/* Check password against hash ("" = no such person: the same work is done against a dummy
 * hash, and *ok is 0).  At most a few checks run at once (c->signin_gate): when all places are
 * taken, -1 with 503 "signin_busy" and Retry-After 1, without checking.  Else 0 and *ok. */
int auth_password_ok(svc_ctx *c, const char *hash, const char *password, int *ok);

/* Scheduler part: delete expired sessions and API tokens (index sessions_expiry); its due
 * function (svc/tick.h) says when there are some. */
int auth_tick(svc_ctx *c, json_t *summary);
int auth_tick_due(svc_ctx *c, int64_t until, int64_t *next);

#endif
