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

/* The row of sql behind a bearer token (a staff session, an API token or a portal session): sql's
 * two placeholders are bound to the token's hash and c->now.  1 with *r on the row (the caller
 * reads it, then db_res_discard()s it), 0 when there is none (nothing to free), or -1 with the
 * storage error's kind: a failed read is never "no such session". */
int auth_token_row(svc_ctx *c, const char *token, const char *sql, db_res **r);

/* Check password against hash ("" = no such person: the same work is done against a dummy
 * hash, and *ok is 0).  At most a few checks run at once (c->signin_gate): when all places are
 * taken, -1 with 503 "signin_busy" and Retry-After 1, without checking.  Else 0 and *ok. */
int auth_password_ok(svc_ctx *c, const char *hash, const char *password, int *ok);

/* Scheduler part: delete expired sessions and API tokens (index sessions_expiry); its due
 * function (svc/tick.h) says when there are some. */
int auth_tick(svc_ctx *c, json_t *summary);
int auth_tick_due(svc_ctx *c, int64_t until, int64_t *next);

#endif
