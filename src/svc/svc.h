#ifndef FL_SVC_H
#define FL_SVC_H
/* Services: the operations of Frontline, shared by the HTTP API and the command line.
 *
 * Each operation is one function `int fn(svc_ctx *c, const char *const *p, json_t *in, json_t **out)`:
 *   p    path parameters in pattern order ({id} ...), already checked to be short text;
 *   in   the request object, already checked against the route's input spec (svc/input.h);
 *   out  on success, a new JSON object (the caller takes ownership).
 * It returns 0, or -1 with c->err filled.  It runs inside a transaction the caller opened
 * (write for POST/PATCH/DELETE) and appends the events of every change it makes; the caller
 * commits, and only then reports success.
 *
 * Each resource file (svc/ledger/case.c, svc/directory/people.c ...) exports its routes in a
 * table; svc/registry.c lists the tables.  The HTTP router, the command line and the OpenAPI document are all built
 * from those tables, so the three can't disagree. */
#include <jansson.h>
#include <stdint.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/id.h"
#include "base/util.h"
#include "core/roles.h"
#include "store/db.h"
#include "svc/input.h"

typedef struct svc_actor {
	char org_id[ID_SIZE];
	char person_id[ID_SIZE]; /* "system" for the scheduler and installation commands */
	char team_id[ID_SIZE];   /* "" when none */
	char name[256];
	char location_id[ID_SIZE]; /* the person's location ("" when none), when located */
	int located;		   /* location_id was read with the session (auth_resolve) */
	enum role role;
	int authenticated;
} svc_actor;

/* A request reads the same people and settings many times (a case page names its owner in every
 * event).  The memo is allocated by its first use (a kept case page never needs one: nothing of
 * its 21 KB is zeroed for it), dropped by whatever writes those rows (svc_cache_forget) and freed
 * with the context (svc_ctx_release). */
#define SVC_CACHE_PEOPLE 24
#define SVC_CACHE_TEXT 768
struct svc_cache {
	char settings_org[ID_SIZE];
	char settings[SVC_CACHE_TEXT];
	struct {
		char key[2 * ID_SIZE];       /* org id + person id */
		char text[SVC_CACHE_TEXT];   /* the brief's fields, each ended by a NUL (no JSON to re-parse) */
		unsigned short nulls;        /* bit i: field i is null */
	} people[SVC_CACHE_PEOPLE];
	int next_person;
};

/* A route flagged R_CASE_PAGE answers the page of the case named by its first path parameter, perhaps
 * kept rendered: the HTTP layer sets case_id and the authentication statement reads that case's
 * versions with the session (svc/access/auth.c), so an unchanged page costs no statement of its own. */
struct svc_page_versions {
	const char *case_id; /* the case whose versions to read (NULL: none) */
	int read;            /* 1: read, in the actor's organization, into cv and ov; 0: no such case or not asked */
	int64_t cv, ov;      /* case_versions.v, org_versions.v (migration 0024) */
};

typedef struct svc_ctx svc_ctx;
/* A write's answer read after its commit (svc_answer_after): the rows named by id and id2. */
typedef int (*svc_after_fn)(svc_ctx *c, const char *id, const char *id2, json_t **out);

struct svc_ctx {
	db *db;
	fl_clock *clock;
	int64_t now;    /* read once per request from the clock */
	svc_actor actor;
	fl_err err;
	fl_err db_err;  /* the first storage error (svc_db_err) or cut value (svc_copy) of this operation:
			   once set, the operation fails with it even if a helper went on (svc_db_outcome) */
	int test_clock; /* the server was started with --test-clock */
	const char *session_id; /* session behind this request, if any (for sign-out) */
	struct ratelimit_gate *signin_gate; /* bounds concurrent password checks (server only; NULL = unbounded) */
	const char *client_ip;         /* client address: the peer, or what trusted proxies say (server only) */
	const char *request_id;	       /* the HTTP request's X-Request-Id, written into its events (NULL: none) */
	const char *event_chain;       /* the case whose history chain takes the events without a case (a new
					* customer's, while its case is opened: store/event.h); NULL: the organization's */
	const char *public_url;	       /* how people reach the server ("https://desk.example.com"): serve's
					* public_url, FRONTLINE_PUBLIC_URL on the command line; NULL = unknown */
	char portal_customer[ID_SIZE]; /* customer behind a portal session (R_PORTAL routes only), else "" */
	struct svc_cache *cache;       /* per-request memo of rows read many times (svc/common.c; NULL until used) */
	struct case_cache *case_cache; /* case pages kept rendered (svc/ledger/case_cache.h; server only, NULL = none) */
	struct svc_page_versions page; /* R_CASE_PAGE: the case's versions, read with the authentication */
	char *answer;		       /* the answer already rendered as JSON text (svc_answer_text), or NULL */
	size_t answer_len;
	int answer_later;	       /* the caller reads a write's answer once it is durable (svc_answer_after) */
	struct {
		svc_after_fn fn;       /* NULL: the answer is *out */
		char id[ID_SIZE], id2[ID_SIZE];
	} after;		       /* the answer svc_answer_after left for the caller to read */
};

/* Answer text (JSON, malloc'd, stolen) as it is, in place of the operation's JSON *out: the HTTP
 * layer sends it without a copy (http/api.c takes c->answer).  Only where the server asks for
 * it (c->case_cache set: the kept case pages); the command line prints *out. */
void svc_answer_text(svc_ctx *c, char *text, size_t len);

/* A write's answer, fn(c, id, id2, out) (id2 may be NULL): read now, or, where the caller reads a
 * write's answer after its commit (c->answer_later: the server's group-commit writes, svc/run.c),
 * named in c->after for it with *out left NULL, so the one writer thread does not render it. */
int svc_answer_after(svc_ctx *c, svc_after_fn fn, const char *id, const char *id2, json_t **out);

/* Free what the context holds (the memo, an answer not taken); the context can be used again. */
void svc_ctx_release(svc_ctx *c);


typedef int (*svc_fn)(svc_ctx *c, const char *const *p, json_t *in, json_t **out);

enum route_flags {
	R_PUBLIC = 1 << 0,    /* no sign-in needed */
	R_CLI_ONLY = 1 << 1,  /* installation-level: command line only, not on HTTP */
	R_TEST_ONLY = 1 << 2, /* only when serving with --test-clock */
	R_SESSION = 1 << 3,   /* response carries a new session: HTTP sets the cookie */
	R_LOGOUT = 1 << 4,    /* HTTP clears the cookie */
	R_OWN_TX = 1 << 5,    /* the service opens and commits its own transactions */
	R_PORTAL = 1 << 6,    /* customer portal: needs a customer session (never a staff one); with
				 R_SESSION / R_LOGOUT the HTTP layer sets / clears the portal cookie */
	R_SECRET = 1 << 7,    /* the answer shows a secret once (its fields token, csrf_token, link, path, secret):
				 an Idempotency-Key replay answers without them, and they are never stored */
	R_PASSWORD = 1 << 8,  /* checks a password: may answer 429 too_many_attempts (svc/access/throttle.h) or
				 503 signin_busy, both with Retry-After */
	R_STANDBY = 1 << 9,   /* a report: may be answered from the read replica (store/replica.h), within its
				 bounded staleness */
	R_STANDBY_SEARCH = 1 << 10, /* a list that is a search when its input has "q": that search may be answered
				       from the read replica; without q it reads the primary */
	R_CASE_PAGE = 1 << 11, /* answers the page of the case {id} (the first path parameter): the authentication
				  reads its versions (struct svc_page_versions) */
};

struct route {
	const char *method;  /* GET, POST, PATCH, DELETE */
	const char *pattern; /* "/api/v1/cases/{id}/offers" */
	svc_fn fn;
	const struct in_field *input; /* request body (or query for GET); NULL = takes none */
	int status;                   /* success status (200 / 201) */
	const char *summary;          /* one line for the API document */
	const char *response;         /* component schema name in api/schemas-*.json, or NULL; a media type
				       * ("text/calendar") for a raw body: the service answers {"_content_type", "_body"} */
	const char *cli;              /* "case offer": command line words, NULL = not on the command line */
	unsigned flags;
};

/* All routes of all resources, terminated by method == NULL (svc/routes.c). */
const struct route *const *svc_route_tables(void);

/* --- helpers shared by services (svc/common.c) --- */

/* Append an event for the current actor. Returns 0 or -1 (err set). */
int svc_event(svc_ctx *c, const char *kind, const char *entity_type, const char *entity_id, const char *case_id,
	      json_t *data_new);
/* The same, recorded as done by actor_id: "system" for what must name nobody (an anonymous survey
 * answer). */
int svc_event_as(svc_ctx *c, const char *actor_id, const char *kind, const char *entity_type, const char *entity_id,
		 const char *case_id, json_t *data_new);
/* Map a storage error code (db_query, db_exec, db_res_close ...) to err and return -1:
 * DB_CONSTRAINT -> ERR_CONFLICT "conflict", DB_RETRY -> ERR_UNAVAILABLE "busy" (the HTTP layer runs
 * the transaction again, then answers 503), DB_UNAVAILABLE -> ERR_UNAVAILABLE "database_unavailable", anything else -> ERR_INTERNAL "storage_error".
 * Pass the code the storage call returned, never a constant, so its kind reaches the caller.
 * The first one is also kept in c->db_err: an operation that met a storage error can't succeed
 * (PostgreSQL has aborted its transaction anyway), so helpers that return JSON rather than a
 * status call this and return what they have, and router_invoke answers the error. */
int svc_db_err(svc_ctx *c, int rc);

/* The same for a write whose constraint failure has its own answer: DB_CONSTRAINT -> ERR_CONFLICT
 * code on field with message; any other code as svc_db_err.  Returns -1. */
int svc_db_conflict(svc_ctx *c, int rc, const char *code, const char *field, const char *message);

/* An operation's result given what it returned: a storage error it met (c->db_err, kept by
 * svc_db_err) is its result even if a helper carried on, or it failed for a reason that followed
 * from the missing rows.  Returns rc, or -1 with c->err = that storage error. */
int svc_db_outcome(svc_ctx *c, int rc);

/* Copy a value read from the database or from checked input into dst of size n.  Such a value fits
 * by construction (ids are shorter than ID_SIZE, inputs are capped by their spec); one that doesn't
 * is not cut: the operation fails with ERR_INTERNAL "value_too_long" (kept in c->db_err, like a
 * storage error, so it fails even if the caller carries on). */
void svc_copy(svc_ctx *c, char *dst, size_t n, const char *src);
/* The text columns first, first + 1, ... of r's current row into the arrays listed, in order, each
 * with svc_copy: SVC_COPY_COLS(c, r, 0, SVC_BUF(s->id), SVC_BUF(s->case_id)).  SVC_BUF takes an
 * array (a pointer is a compile error), so the size is always the buffer's own. */
struct svc_buf {
	char *dst;
	size_t n;
};
#define SVC_BUF(a) ((struct svc_buf){(a), sizeof(a) + 0 * sizeof(char[FL_IS_ARRAY_(a) ? 1 : -1])})
void svc_copy_cols(svc_ctx *c, db_res *r, int first, size_t n, const struct svc_buf *bufs);
#define SVC_COPY_COLS(c, r, first, ...)                                                                          \
	svc_copy_cols((c), (r), (first), sizeof((const struct svc_buf[]){__VA_ARGS__}) / sizeof(struct svc_buf), \
		      (const struct svc_buf[]){__VA_ARGS__})

/* Resolve a person reference (id or email) within the actor's organization into id.
 * Missing or another organization's -> ERR_NOT_FOUND on field. */
int svc_person_ref(svc_ctx *c, const char *ref, const char *field, char id[ID_SIZE]);

/* Format a time as a JSON string (new reference); 0 or negative -> JSON null. */
json_t *svc_time(int64_t ms);
/* Column i of r as a JSON string, or null when SQL NULL / empty. */
json_t *svc_col_str(db_res *r, int col);
json_t *svc_col_time(db_res *r, int col);

/* Load a person's summary {id, name, role, team, level} as JSON (null if not found). */
json_t *svc_person_brief(svc_ctx *c, const char *person_id);
/* The row svc_person_brief reads (alias p, its team t; add the WHERE clause), and a row of it
 * already read elsewhere kept in the memo, so svc_person_brief of that person then sends nothing. */
#define SVC_PERSON_BRIEF_COLS "p.id, p.name, p.role, p.team_id, t.name, p.email, p.phone, p.manager_id, p.title"
#define SVC_PERSON_BRIEF_FROM " FROM people p LEFT JOIN teams t ON t.org_id = p.org_id AND t.id = p.team_id"
#define SVC_PERSON_BRIEF_SQL "SELECT " SVC_PERSON_BRIEF_COLS SVC_PERSON_BRIEF_FROM
void svc_person_memo_row(svc_ctx *c, db_res *r);
/* The same with the brief's columns from column first of r's row (a list's row that joins its people). */
void svc_person_memo_row_at(svc_ctx *c, db_res *r, int first);

/* Run sql (binding the actor's organization, then id) and turn its first row into JSON with row.
 * Returns that object, JSON null when there is no row, or NULL (c->err set) on a storage error. */
typedef json_t *(*svc_row_fn)(svc_ctx *c, db_res *r);
json_t *svc_one_row(svc_ctx *c, const char *sql, const char *id, svc_row_fn row);
/* The same for a route's answer: 0 with *out = row(c, r) (new), or -1 with ERR_NOT_FOUND
 * not_found_code on "id" with message when there is no row (or, prefix given, id is not one of
 * prefix's: svc_load_id), or the storage error's kind. */
int svc_load_row(svc_ctx *c, const char *prefix, const char *id, const char *not_found_code, const char *message, const char *sql,
		 svc_row_fn row, json_t **out);

/* Run a query for a helper that can carry on without its rows: 1 with *r open (the caller closes it),
 * or 0 after recording the storage error (svc_db_err), with which the operation then fails. */
int svc_query(svc_ctx *c, const char *sql, const db_arg *args, int n, db_res **r);
/* A case as a person recognises it: {id, number, subject, customer (name), status}; new reference,
 * or NULL when there is no such case in the actor's organization or it can't be read (then the
 * storage error is kept in c, like svc_query). */
json_t *svc_case_brief(svc_ctx *c, const char *case_id);
/* Close r for a helper that carries on: a storage error of its rows is recorded (svc_db_err) and
 * the operation then fails with it.  Returns 0, or -1 when r had an error. */
int svc_close(svc_ctx *c, db_res *r);

/* The first row of sql, for a row that may be missing: 1 with *r on it (the caller reads it, then
 * db_res_discard()s it: its one db_next() was checked here), 0 when there is none, -1 with the
 * storage error's kind (nothing to free but after 1). */
int svc_first(svc_ctx *c, db_res **r, const char *sql, const db_arg *args, int n);

/* Load one: run sql and position *r on its first row.  Returns 0 with *r on that row (the caller
 * reads it, then db_res_discard()s it: its one db_next() was checked here), or -1 with nothing to
 * free and err set: ERR_NOT_FOUND not_found_code on field with message when there is no row, or the
 * storage error's kind (svc_db_err). */
int svc_load_one(svc_ctx *c, const char *not_found_code, const char *field, const char *message, db_res **r,
		 const char *sql, const db_arg *args, int n);

/* Load one by id: svc_load_one with the actor's organization and id bound to sql's two
 * placeholders, field "id".  An id that does not look like one of prefix's is the same 404. */
int svc_load_id(svc_ctx *c, const char *prefix, const char *id, const char *not_found_code, const char *message,
		db_res **r, const char *sql);

/* The first column of sql's first row into dst of size n (dst is left as it is when there is no
 * row).  Returns 0, or -1 with the storage error's kind. */
int svc_text(svc_ctx *c, char *dst, size_t n, const char *sql, const db_arg *args, int nargs);

/* The first ncols columns of every row of sql as text, read before anything is changed: *out is a
 * new array of strings (ncols 1) or of arrays of ncols strings.  Returns 0, or -1 with the storage
 * error's kind (*out NULL). */
int svc_strings(svc_ctx *c, json_t **out, int ncols, const char *sql, const db_arg *args, int n);

/* Every row of sql as row(c, r): 0 with *items (a new array), or -1 with the storage error's kind
 * (*items NULL). */
int svc_rows_of(svc_ctx *c, json_t **items, svc_row_fn row, const char *sql, const db_arg *args, int n);
/* The same, answered as {"items": [...]} in *out (new, for a list route): 0, or -1 with the storage
 * error's kind. */
int svc_items(svc_ctx *c, json_t **out, svc_row_fn row, const char *sql, const db_arg *args, int n);
/* The same, set as view[key] (a case view part): 0, or -1 with the storage error's kind. */
int svc_view_rows(svc_ctx *c, json_t *view, const char *key, svc_row_fn row, const char *sql, const db_arg *args, int n);

/* Every row of sql as row(c, r), in a new array, for a helper that carries on without its rows: a
 * storage error is recorded (svc_db_err) and the operation then fails with it. */
json_t *svc_rows(svc_ctx *c, const char *sql, const db_arg *args, int n, svc_row_fn row);

/* Append row(c, r) to the array a for every remaining row of r, then close r.  Returns 0, or -1
 * with the storage error's kind (a keeps the rows appended so far; it stays the caller's). */
int svc_rows_append(svc_ctx *c, db_res *r, json_t *a, svc_row_fn row);

/* The person's managers, nearest first, into chain (at most max); returns how many.  A storage
 * error ends the chain early.  Reporting lines are at most PERSON_MAX_DEPTH deep. */
#define PERSON_MAX_DEPTH 64
size_t person_managers(svc_ctx *c, const char *person_id, char chain[][ID_SIZE], size_t max);
/* The person's level: how many managers stand above them (0 = top of the reporting line). */
int person_depth(svc_ctx *c, const char *person_id);

/* Drop the memo (after writing people or settings). */
void svc_cache_forget(svc_ctx *c);
/* The memo, allocated at its first use (freed by svc_ctx_release). */
struct svc_cache *svc_cache_of(svc_ctx *c);

/* Require the actor's role to hold permission p (the table in core/roles.c); else ERR_FORBIDDEN
 * "role_required".  Returns 0 or -1. */
int svc_require(svc_ctx *c, enum perm p);

/* Pagination: limit from in["limit"] (default FL_DEFAULT_LIST, max FL_MAX_LIST). */
int64_t svc_limit(json_t *in);

#endif
