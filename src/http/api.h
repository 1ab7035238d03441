#ifndef FL_HTTP_API_H
#define FL_HTTP_API_H
/* The API without a socket: one request in, one answer out.  Routing, authentication (Bearer or
 * cookie, staff or portal, with the CSRF check), reading the input, running the operation as one
 * unit of work (svc/run.h), and rendering the answer.
 *
 * http/server.c fills a request from libmicrohttpd and sends the answer; a test or fuzzing
 * harness can call http_api_handle directly, e.g. over tx_wrap() of an in-memory SQLite database
 * that `frontline init` migrations were applied to.  Rendering never ends the process: an answer
 * that can't be rendered becomes a fixed 500 body. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/id.h"
#include "store/replica.h"
#include "store/tx.h"

struct ratelimit;

/* What every request shares.  Borrowed pointers; the caller keeps them alive. */
struct http_app {
	tx_runner *tx;
	replica *replica;               /* reports and searches may read here (store/replica.h); NULL = none */
	fl_clock *clock;
	int test_clock;                 /* serving with --test-clock: /api/v1/test/... routes exist */
	struct ratelimit_gate *signin_gate; /* password checks at once (base/ratelimit.h); NULL = unbounded */
	int secure_cookies;             /* cookies carry Secure (the public URL is https) */
	int64_t idem_ttl_ms;            /* how long an Idempotency-Key answer is replayed */
	int count_statements;           /* answers carry X-Statements (FRONTLINE_COUNT_STATEMENTS=1; tests) */
	struct case_cache *case_cache;  /* case pages kept rendered (svc/ledger/case_cache.h); NULL = none */
	const char *public_url;		/* serve's public_url, for the services (svc_ctx); NULL = none */
};

/* One request.  Lists are name, value, name, value, ..., NULL (a value may be NULL); all borrowed. */
struct http_request {
	const char *method;
	const char *path;                 /* without the query string */
	const char *const *query;         /* decoded query arguments */
	const char *const *headers;       /* names compared case-insensitively */
	const char *const *cookies;
	const char *body;                 /* may be NULL when len == 0 */
	size_t len;
	const char *client_ip;            /* NULL when unknown */
	const char *request_id;		  /* the X-Request-Id the server gives the answer (NULL: none) */
};

struct http_answer {
	int status;
	char *body;                       /* owned */
	size_t len;
	char content_type[96];
	char *disposition;                /* Content-Disposition value, or NULL; owned */
	char *set_cookie;                 /* Set-Cookie value, or NULL; owned */
	int retry_after;                  /* seconds for Retry-After; 0 = none */
	char person[ID_SIZE];             /* who asked (person or customer id, for the log); "" = nobody */
	int64_t statements;               /* SQL statements sent for the request (db_thread_statements,
					   * the group-commit writer's share included) when the app counts
					   * them; -1 = not counted (no X-Statements header) */
	int64_t steps;                    /* SQLite's virtual machine steps the request's thread ran
					   * (db_thread_steps: about the rows it read; the writer's not
					   * included), counted with the statements; -1 = not counted */
	const char *route;		  /* for the metrics: the route pattern that answered, or one of
					   * the HTTP_ROUTE_ names; static storage, NULL = not routed */
};

#define HTTP_ANSWER_INIT                                    \
	{                                                   \
		0, NULL, 0, "", NULL, NULL, 0, "", -1, -1, NULL \
	}

/* The metrics' names of what is not a route of the tables (one object each: kept by pointer). */
extern const char HTTP_ROUTE_HEALTHZ[], HTTP_ROUTE_READYZ[], HTTP_ROUTE_OPENAPI[], HTTP_ROUTE_UNROUTED[], HTTP_ROUTE_STATIC[],
	HTTP_ROUTE_METRICS[], HTTP_ROUTE_STREAM[];
#define HTTP_RETRY_AFTER_S 1 /* what a 503 asks the client to wait */

/* Answer rq (paths /healthz, /readyz, /api/...).  ans starts as HTTP_ANSWER_INIT; release it
 * with http_answer_release. */
void http_api_handle(const struct http_app *app, const struct http_request *rq, struct http_answer *ans);

/* Whether answering a request for method and path (without the query string) waits for the
 * group-commit writer: a write route of the tables (neither GET nor a route with its own
 * transactions, a sign-in, a sign-out or a password check) on a runner that batches writes
 * (tx_batches).  http/server.c runs those on its waiting threads (http/offload.h). */
int http_api_waits_for_writer(const struct http_app *app, const char *method, const char *path);

/* Fill ans with a JSON body (stolen; NULL or unrenderable -> the fixed 500 body). */
void http_answer_json(struct http_answer *ans, int status, json_t *body);
/* Fill ans with {"error":{code,message,field}} and err's status (503 also sets retry_after). */
void http_answer_error(struct http_answer *ans, const fl_err *err);
void http_answer_release(struct http_answer *ans);

/* The OpenAPI 3 document built from the route tables + api/schemas-*.json (http/openapi.c).
 * New reference. */
json_t *openapi_document(int include_test_routes);

/* The value of a header (case-insensitive name) of rq, or NULL. */
const char *http_header(const struct http_request *rq, const char *name);

#endif
