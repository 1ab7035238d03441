#ifndef FL_ROUTER_H
#define FL_ROUTER_H
/* Matching "METHOD /path" to a route, shared by the HTTP server and the command line. */
#include "svc/svc.h"

#define ROUTER_MAX_PARAMS 4
#define ROUTER_PARAM_SIZE 256

struct route_match {
	const struct route *route;
	int nparams;
	char params[ROUTER_MAX_PARAMS][ROUTER_PARAM_SIZE];
	const char *pv[ROUTER_MAX_PARAMS + 1]; /* pointers into params, NULL-terminated */
};

enum { ROUTER_FOUND = 0, ROUTER_NO_PATH = -1, ROUTER_BAD_METHOD = -2 };

/* Find the route for method + path (without query).  include_flags: routes with R_CLI_ONLY or
 * R_TEST_ONLY match only when those bits are in `allow`.  Returns ROUTER_FOUND and fills m,
 * ROUTER_NO_PATH, or ROUTER_BAD_METHOD when the path exists for other methods. */
int router_match(const char *method, const char *path, unsigned allow, struct route_match *m);

/* Call a route in-process (demo loader, tests): checks `in` against the route's input spec and
 * runs it inside the caller's transaction.  `in` is borrowed (NULL = {}).  *out is always the
 * route's JSON, also when the route answered with text (svc_answer_text).  Returns 0 or -1. */
int router_call(svc_ctx *c, const char *method, const char *path, json_t *in, json_t **out);

/* Check input, then run the route's function.  Returns its result, except that an operation which
 * met a storage error (svc_db_err, c->db_err) fails with that error even if it returned 0. */
int router_invoke(svc_ctx *c, struct route_match *m, json_t *in, json_t **out);

#endif
