#include "http/api.h"

#include <stdlib.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>

#include "base/csv.h"
#include "base/jsontext.h"
#include "base/password.h"
#include "base/util.h"
#include "svc/access/auth.h"
#include "svc/access/portal.h"
#include "svc/run.h"

#define MAX_TOKEN 200
#define MAX_IDEMPOTENCY_KEY 200

/* The answer when nothing else can be rendered: fixed bytes, no allocation to fail. */
static const char RENDER_FAILED[] =
	"{\"error\":{\"code\":\"internal_error\",\"message\":\"the answer could not be rendered\"}}";

static void set_type(struct http_answer *ans, const char *type)
{
	if (str_copy(ans->content_type, sizeof ans->content_type, type))
		fl_die("content type longer than %zu bytes: %s", sizeof ans->content_type - 1, type); /* constants */
}

void http_answer_json(struct http_answer *ans, int status, json_t *body)
{
	size_t len = 0;
	char *text = body ? json_text(body, &len) : NULL; /* = json_dumps(body, JSON_COMPACT), faster */
	json_decref(body);
	free(ans->body);
	set_type(ans, "application/json; charset=utf-8");
	if (!text) {
		ans->status = 500;
		ans->body = xstrdup(RENDER_FAILED);
		ans->len = sizeof RENDER_FAILED - 1;
		return;
	}
	ans->status = status;
	ans->body = text;
	ans->len = len;
}

void http_answer_error(struct http_answer *ans, const fl_err *err)
{
	json_t *e = json_pack("{s:s,s:s}", "code", err->code[0] ? err->code : "error", "message", err->message);
	if (e && err->field[0])
		json_object_set_new(e, "field", json_string(err->field));
	ans->retry_after = err->retry_after_s > 0                                ? err->retry_after_s
			   : err->kind == ERR_UNAVAILABLE || err->kind == ERR_BUSY ? HTTP_RETRY_AFTER_S
										   : 0;
	http_answer_json(ans, err_http_status(err->kind), e ? json_pack("{s:o}", "error", e) : NULL);
}

static void answer_error(struct http_answer *ans, enum err_kind kind, const char *code, const char *msg)
{
	fl_err e = FL_ERR_INIT;
	err_set(&e, kind, code, NULL, "%s", msg);
	http_answer_error(ans, &e);
}

void http_answer_release(struct http_answer *ans)
{
	free(ans->body);
	free(ans->disposition);
	free(ans->set_cookie);
	ans->body = ans->disposition = ans->set_cookie = NULL;
}

static const char *pair_get(const char *const *kv, const char *name)
{
	for (; kv && kv[0]; kv += 2)
		if (strcasecmp(kv[0], name) == 0)
			return kv[1];
	return NULL;
}

const char *http_header(const struct http_request *rq, const char *name)
{
	return pair_get(rq->headers, name);
}

static const char *cookie_value(const struct http_request *rq, const char *name)
{
	for (const char *const *kv = rq->cookies; kv && kv[0]; kv += 2)
		if (strcmp(kv[0], name) == 0)
			return kv[1];
	return NULL;
}

/* --- who is asking --- */

/* The one reading of credentials: the session token of the request, staff (cookie fl_session) or
 * customer portal (cookie fl_portal).  Authorization: Bearer wins over the cookie; *from_cookie
 * is 1 when the token came from the cookie (the browser sends it by itself).  NULL when none. */
static const char *credentials(const struct http_request *rq, int portal, int *from_cookie)
{
	const char *auth = http_header(rq, "Authorization");
	*from_cookie = 0;
	if (auth && strncasecmp(auth, "Bearer ", 7) == 0)
		return auth + 7;
	const char *c = cookie_value(rq, portal ? "fl_portal" : "fl_session");
	if (!c || !*c)
		return NULL;
	*from_cookie = 1;
	return c;
}

/* The one CSRF check: whatever rides in a cookie, the browser sends by itself, so an unsafe
 * method with a cookie credential must also send the session's X-CSRF-Token. */
static int csrf_check(const struct http_request *rq, int from_cookie, const char *csrf, fl_err *err)
{
	if (!from_cookie || strcmp(rq->method, "GET") == 0)
		return 0;
	const char *sent = http_header(rq, "X-CSRF-Token");
	if (sent && *csrf && token_equal(sent, csrf))
		return 0;
	return err_set(err, ERR_FORBIDDEN, "csrf", NULL, "cookie sessions must send the X-CSRF-Token header from sign-in");
}

/* Sign the request in for a route that needs it: fills c->actor (or c->portal_customer) and
 * c->session_id, and who for the log.  0, or -1 with c->err set. */
static int authenticate(const struct http_request *rq, const struct route *rt, svc_ctx *c, char session_id[ID_SIZE],
			char who[ID_SIZE])
{
	if (rt->flags & R_PUBLIC)
		return 0;
	int portal = (rt->flags & R_PORTAL) != 0, from_cookie;
	char csrf[TOKEN_SIZE] = "";
	const char *tok = credentials(rq, portal, &from_cookie);
	if (!tok || strlen(tok) > MAX_TOKEN)
		return err_set(&c->err, ERR_UNAUTHORIZED, "unauthenticated", NULL,
			       portal ? "open the sign-in link you were sent" : "sign in first");
	if ((portal ? portal_resolve : auth_resolve)(c, tok, session_id, csrf))
		return -1;
	c->session_id = session_id;
	svc_copy(c, who, ID_SIZE, portal ? c->portal_customer : c->actor.person_id);
	return csrf_check(rq, from_cookie, csrf, &c->err);
}

/* The one cookie builder: the staff session (fl_session, whole site) or the customer's portal
 * session (fl_portal, only the portal's routes); token NULL clears it. */
static char *session_cookie(const struct http_app *app, int portal, const char *token)
{
	return xasprintf("%s=%s; HttpOnly; SameSite=Strict; Path=%s; Max-Age=%d%s", portal ? "fl_portal" : "fl_session",
			 token ? token : "", portal ? "/api/v1/portal" : "/", !token ? 0 : portal ? 14400 : 43200,
			 app->secure_cookies ? "; Secure" : "");
}

/* --- the input --- */

/* The request object: the query for GET, the JSON body otherwise.  NULL (err set) when bad;
 * an empty body is {}. */
static json_t *read_input(const struct http_request *rq, const struct route *rt, fl_err *err)
{
	if (strcmp(rq->method, "GET") == 0) {
		json_t *in = json_object();
		for (const char *const *kv = rq->query; kv && kv[0]; kv += 2) {
			const struct in_field *f = in_field_of(rt->input, kv[0], err);
			json_t *v = f ? in_from_text(f, kv[1] ? kv[1] : "", err) : NULL;
			if (!v) {
				json_decref(in);
				return NULL;
			}
			json_object_set_new(in, kv[0], v);
		}
		return in;
	}
	if (rq->len == 0)
		return json_object();
	const char *ct = http_header(rq, "Content-Type");
	if (!ct || strncasecmp(ct, "application/json", 16) != 0 || (ct[16] && ct[16] != ';' && ct[16] != ' ')) {
		err_set(err, ERR_MEDIA_TYPE, "unsupported_media_type", NULL, "send Content-Type: application/json");
		return NULL;
	}
	json_error_t je;
	json_t *in = json_loadb(rq->body, rq->len, JSON_REJECT_DUPLICATES, &je);
	if (!in) {
		err_set(err, ERR_INVALID, "malformed_json", NULL, "malformed JSON: %.*s", (int)utf8_cut(je.text, 100), je.text);
		return NULL;
	}
	if (!json_is_object(in)) {
		json_decref(in);
		err_set(err, ERR_INVALID, "not_an_object", NULL, "the body must be a JSON object");
		return NULL;
	}
	return in;
}

static int idempotency_key(const struct http_request *rq, struct svc_call *k, fl_err *err)
{
	const char *key = strcmp(rq->method, "GET") == 0 ? NULL : http_header(rq, "Idempotency-Key");
	if (!key)
		return 0;
	if (!*key || strlen(key) > MAX_IDEMPOTENCY_KEY)
		return err_set(err, ERR_INVALID, "invalid_idempotency_key", NULL, "Idempotency-Key must be 1-200 characters");
	k->idem_key = key;
	idem_request_hash(rq->method, rq->path, rq->body, rq->len, k->idem_hash);
	return 0;
}

/* --- the answer --- */

/* A file to download ({"_content_type", "_body_base64", "_filename"}): the bytes as they are, and
 * Content-Disposition: attachment (never shown inline), its name kept to safe characters in
 * filename= and given whole (UTF-8, percent-encoded, RFC 6266 / 8187) in filename*=. */
static void download(struct http_answer *ans, const char *type, const char *b64, const char *fname)
{
	size_t cap = strlen(b64) / 4 * 3 + 3, len = 0;
	ans->body = xmalloc(cap + 1);
	if (sodium_base642bin((unsigned char *)ans->body, cap, b64, strlen(b64), NULL, &len, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0)
		len = 0;
	ans->body[len] = '\0';
	ans->len = len;
	set_type(ans, type);
	const char *name = fname && *fname ? fname : "attachment";
	size_t n = strlen(name);
	char *ascii = xmalloc(n + 1), *pct = xmalloc(n * 3 + 1);
	size_t a = 0, q = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)name[i];
		int plain = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || strchr("._-", ch);
		ascii[a++] = plain ? (char)ch : '_';
		if (plain)
			pct[q++] = (char)ch;
		else
			q += (size_t)snprintf(pct + q, 4, "%%%02X", ch);
	}
	ascii[a] = pct[q] = '\0';
	ans->disposition = xasprintf("attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii, pct);
	free(ascii);
	free(pct);
}

/* Append text to a CSV file name: lower-case letters and digits kept, anything else one '-'. */
static void name_part(char *out, size_t size, const char *text)
{
	size_t n = strlen(out);
	for (const char *p = text; *p && n + 2 < size; p++) {
		unsigned char ch = (unsigned char)*p;
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
			out[n++] = (char)ch;
		else if (ch >= 'A' && ch <= 'Z')
			out[n++] = (char)(ch - 'A' + 'a');
		else if (n && out[n - 1] != '-')
			out[n++] = '-';
	}
	out[n] = '\0';
}

/* A CSV's file name that says what it is: the route's words (ids and "reports" left out), the
 * grouping asked for, and the period: frontline-breaches-by-cause-2026-03-01-to-2026-03-10.csv */
static char *csv_name(const char *pattern, json_t *in)
{
	char name[160] = "frontline";
	const char *p = pattern + (strncmp(pattern, "/api/v1/", 8) == 0 ? 8 : 0);
	while (*p) {
		const char *end = strchr(p, '/');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char seg[64];
		if (len && len < sizeof seg && *p != '{' && strncmp(p, "reports", len) != 0) {
			memcpy(seg, p, len);
			seg[len] = '\0';
			name_part(name, sizeof name, "-");
			name_part(name, sizeof name, seg);
		}
		p += len + (end ? 1 : 0);
	}
	static const char *const QUALIFIERS[][2] = {{"by", "by "}, {"view", ""}, {"status", ""}, {"from", "from "}, {"to", "to "}};
	for (size_t i = 0; i < sizeof QUALIFIERS / sizeof QUALIFIERS[0]; i++) {
		const char *v = in_str(in, QUALIFIERS[i][0]);
		if (!v || !*v)
			continue;
		char val[24];
		snprintf(val, sizeof val, "%.10s", v); /* a time: its date */
		name_part(name, sizeof name, "-");
		name_part(name, sizeof name, QUALIFIERS[i][1]);
		name_part(name, sizeof name, val);
	}
	size_t n = strlen(name);
	while (n && name[n - 1] == '-')
		name[--n] = '\0';
	return xasprintf("attachment; filename=\"%s.csv\"", name);
}

/* Render an operation's result: ?format=csv on a list, a file to download (download), a raw body
 * of another media type ({"_content_type", "_body", "_filename"?}), or JSON.  out is stolen. */
static void render(struct http_answer *ans, const char *pattern, int status, json_t *in, json_t *out)
{
	const char *fmt = in_str(in, "format");
	json_t *items = json_object_get(out, "items");
	const char *type = json_string_value(json_object_get(out, "_content_type"));
	const char *raw = json_string_value(json_object_get(out, "_body"));
	if (fmt && strcmp(fmt, "csv") == 0 && json_is_array(items)) {
		ans->body = csv_from_rows(items);
		set_type(ans, "text/csv; charset=utf-8");
		ans->disposition = csv_name(pattern, in);
	} else if (type && json_string_value(json_object_get(out, "_body_base64"))) {
		download(ans, type, json_string_value(json_object_get(out, "_body_base64")),
			 json_string_value(json_object_get(out, "_filename")));
		ans->status = status;
		json_decref(out);
		return;
	} else if (type && raw) {
		const char *fname = json_string_value(json_object_get(out, "_filename"));
		ans->body = xstrdup(raw);
		set_type(ans, type);
		ans->disposition = fname ? xasprintf("inline; filename=\"%s\"", fname) : NULL;
	} else {
		http_answer_json(ans, status, out ? out : json_object());
		return;
	}
	ans->status = status;
	ans->len = strlen(ans->body);
	json_decref(out);
}

/* The answer's text the operation rendered itself (c->answer, taken); out is dropped. */
static void answer_text(struct http_answer *ans, int status, svc_ctx *c, json_t *out)
{
	free(ans->body);
	ans->body = c->answer;
	ans->len = c->answer_len;
	c->answer = NULL;
	ans->status = status;
	set_type(ans, "application/json; charset=utf-8");
	json_decref(out);
}

/* Set or clear the session cookie of a sign-in or sign-out route that succeeded. */
static void session_change(const struct http_app *app, const struct route *rt, const struct svc_call *k,
			   struct http_answer *ans)
{
	int portal = (rt->flags & R_PORTAL) != 0;
	if ((rt->flags & R_SESSION) && !k->replay) {
		ans->set_cookie = session_cookie(app, portal, json_string_value(json_object_get(k->out, "token")));
		if (portal)
			STR_COPY(ans->person, k->c->portal_customer);
		else
			STR_COPY(ans->person, k->c->actor.person_id);
	} else if (rt->flags & R_LOGOUT) {
		ans->set_cookie = session_cookie(app, portal, NULL);
	}
}

/* Run the operation: a report, or a search (R_STANDBY_SEARCH with q), on the read replica while it is
 * within its staleness bound; everything else, and anything the replica could not answer because
 * it was unreachable, on the primary. */
static int run(const struct http_app *app, const struct route *rt, json_t *in, struct svc_call *k)
{
	int standby = (rt->flags & R_STANDBY) || ((rt->flags & R_STANDBY_SEARCH) && in_str(in, "q"));
	tx_runner *t = standby && app->replica ? replica_runner(app->replica) : NULL;
	if (!t)
		return svc_run(app->tx, k);
	int rc = svc_run(t, k);
	if (rc && k->c->err.kind == ERR_UNAVAILABLE) {
		replica_failed(app->replica);
		err_clear(&k->c->err);
		rc = svc_run(app->tx, k);
	}
	return rc;
}

static void api(const struct http_app *app, const struct http_request *rq, struct http_answer *ans)
{
	struct route_match m;
	int mr = router_match(rq->method, rq->path, app->test_clock ? R_TEST_ONLY : 0, &m);
	if (mr == ROUTER_NO_PATH) {
		answer_error(ans, ERR_NOT_FOUND, "not_found", "no such resource");
		return;
	}
	if (mr == ROUTER_BAD_METHOD) {
		http_answer_json(ans, 405,
				 json_pack("{s:{s:s,s:s}}", "error", "code", "method_not_allowed", "message", "method not allowed here"));
		return;
	}
	const struct route *rt = m.route;
	ans->route = rt->pattern;
	svc_ctx c = {.clock = app->clock,
		     .now = clock_now(app->clock),
		     .test_clock = app->test_clock,
		     .signin_gate = app->signin_gate,
		     .case_cache = app->case_cache,
		     .client_ip = rq->client_ip,
		     .request_id = rq->request_id,
		     .public_url = app->public_url};
	json_t *in = read_input(rq, rt, &c.err);
	if (!in) {
		http_answer_error(ans, &c.err);
		return;
	}
	char session_id[ID_SIZE] = "";
	struct svc_call k = {.c = &c, .m = &m, .in = in, .idem_since = c.now - app->idem_ttl_ms};
	if ((rt->flags & R_CASE_PAGE) && app->case_cache && m.nparams > 0)
		c.page.case_id = m.params[0]; /* its versions come with the authentication */
	c.db = tx_take(app->tx);
	int rc = authenticate(rq, rt, &c, session_id, ans->person);
	tx_give(app->tx, c.db);
	c.db = NULL;
	if (rc == 0)
		rc = idempotency_key(rq, &k, &c.err);
	if (rc == 0)
		rc = run(app, rt, in, &k);
	if (rc) {
		http_answer_error(ans, &c.err);
	} else {
		session_change(app, rt, &k, ans);
		if (c.answer) /* already rendered (svc_answer_text): sent as it is */
			answer_text(ans, k.status, &c, k.out);
		else
			render(ans, rt->pattern, k.status, in, k.out);
	}
	json_decref(in);
	svc_ctx_release(&c);
}

const char HTTP_ROUTE_HEALTHZ[] = "/healthz", HTTP_ROUTE_READYZ[] = "/readyz", HTTP_ROUTE_OPENAPI[] = "/api/v1/openapi.json",
	   HTTP_ROUTE_UNROUTED[] = "unrouted", HTTP_ROUTE_STATIC[] = "static", HTTP_ROUTE_METRICS[] = "/metrics",
	   HTTP_ROUTE_STREAM[] = "/api/v1/events/stream";

int http_api_waits_for_writer(const struct http_app *app, const char *method, const char *path)
{
	struct route_match m;
	/* a read (the hot path) costs no second routing */
	if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0 || !tx_batches(app->tx) || strncmp(path, "/api/", 5) != 0 ||
	    router_match(method, path, app->test_clock ? R_TEST_ONLY : 0, &m) != ROUTER_FOUND)
		return 0;
	return strcmp(m.route->method, "GET") != 0 && !(m.route->flags & (R_OWN_TX | R_PUBLIC | R_LOGOUT | R_PASSWORD));
}

void http_api_handle(const struct http_app *app, const struct http_request *rq, struct http_answer *ans)
{
	int64_t sent = db_thread_statements(), stepped = db_thread_steps();
	ans->route = HTTP_ROUTE_UNROUTED;
	if (strcmp(rq->path, "/healthz") == 0) {
		ans->route = HTTP_ROUTE_HEALTHZ;
		http_answer_json(ans, 200, json_pack("{s:s}", "status", "ok"));
	} else if (strcmp(rq->path, "/readyz") == 0) {
		ans->route = HTTP_ROUTE_READYZ;
		db *d = tx_take(app->tx);
		int64_t one = 0;
		int ok = db_scalar_int(d, "SELECT 1", DB_NOARGS, &one, NULL) == DB_OK && one == 1;
		tx_give(app->tx, d);
		json_t *body = json_pack("{s:s}", "status", ok ? "ready" : "database unavailable");
		if (app->replica) {
			struct replica_status st;
			replica_status(app->replica, &st);
			json_object_set_new(body, "replica",
					    json_pack("{s:I,s:I,s:b}", "lag_ms", (json_int_t)st.lag_ms, "max_lag_ms",
						      (json_int_t)st.max_lag_ms, "reading", st.reading));
		}
		http_answer_json(ans, ok ? 200 : 503, body);
	} else if (strcmp(rq->path, "/api/v1/openapi.json") == 0) {
		ans->route = HTTP_ROUTE_OPENAPI;
		http_answer_json(ans, 200, openapi_document(app->test_clock));
	} else {
		api(app, rq, ans);
	}
	if (app->count_statements) {
		ans->statements = db_thread_statements() - sent;
		ans->steps = db_thread_steps() - stepped;
	}
}
