/* The whole HTTP request path without a socket (http/api.c: routing, sign-in, CSRF, input,
 * the operation as one unit of work, rendering) on a demo database in memory (tmpfs).
 *
 * Input: a request as text.  The first line is "METHOD /path?query" (the query is %-decoded as
 * libmicrohttpd decodes it), then "Name: value" header lines (Cookie: a=b; c=d gives cookies) up
 * to an empty line, then the body.  Two-character placeholders anywhere stand for what a client
 * of the demo would know: $A / $B the Bearer tokens of vendor-co's admin / of Chris (support),
 * $X the admin session's CSRF token, $C a customer's portal session token, and ids of the first case ($K), person ($P), location ($L),
 * rota ($R), team ($T), customer ($U), skill ($Y), article ($W), policy ($Z), exception ($E),
 * offer ($O), request ($Q), review ($V), survey ($S) and alert ($N).
 *
 * Whatever the request, the answer is a status 200-499 (503 for a busy database) with a body that
 * matches its content type: never a 500 on a healthy database, never an exit.  A route that needs
 * sign-in answers nothing without credentials, and a cookie alone never changes anything without
 * the X-CSRF-Token header.  A write that ends
 * the demo sessions (sign-out, password change) is followed by signing in again; when even that
 * fails, the database starts over from the demo. */
#include <unistd.h>

#include "base/clock.h"
#include "cli/cli.h"
#include "http/api.h"
#include "store/tx.h"
#include "svc/router.h"
#include "svc/svc.h"

#include "fuzz.h"

static char db_path[256], template_path[300];
static db *dbh;
static tx_runner *runner;
static fl_clock clk;
static struct http_app app;
static char token_a[128], token_b[128], csrf_a[128], token_c[128];

struct id_source {
	char key;
	const char *list; /* GET path whose first item's id stands for $key */
	char id[96];
};

static struct id_source IDS[] = {
	{'K', "/api/v1/cases", ""},     {'P', "/api/v1/people", ""},   {'L', "/api/v1/locations", ""},
	{'R', "/api/v1/rotas", ""},     {'T', "/api/v1/teams", ""},    {'U', "/api/v1/customers?q=a", ""},
	{'Y', "/api/v1/skills", ""},    {'W', "/api/v1/articles", ""}, {'Z', "/api/v1/policies", ""},
	{'E', "/api/v1/exceptions", ""}, {'O', "/api/v1/offers", ""},  {'Q', "/api/v1/requests", ""},
	{'V', "/api/v1/reviews", ""},   {'S', "/api/v1/surveys", ""},  {'N', "/api/v1/alerts", ""},
};
#define NIDS (sizeof IDS / sizeof *IDS)

static const char *id_of(char key)
{
	for (size_t i = 0; i < NIDS; i++)
		if (IDS[i].key == key)
			return IDS[i].id;
	return NULL;
}

/* --- a request built from parts --- */

struct pairs {
	char **v;
	size_t n, cap;
};

static void pairs_add(struct pairs *p, char *name, char *value)
{
	if (p->n + 3 > p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->v = realloc(p->v, p->cap * sizeof *p->v);
		FUZZ_ASSERT(p->v);
	}
	p->v[p->n++] = name;
	p->v[p->n++] = value;
	p->v[p->n] = NULL;
}

static void pairs_free(struct pairs *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
}

static const char *const *pairs_list(struct pairs *p)
{
	static const char *const none[] = {NULL};
	return p->v ? (const char *const *)p->v : none;
}

static int hex(char c) { return c >= '0' && c <= '9' ? c - '0' : (c | 32) >= 'a' && (c | 32) <= 'f' ? (c | 32) - 'a' + 10 : -1; }

/* %-decoding and + as space, as libmicrohttpd decodes query arguments. */
static char *url_decode(const char *s, size_t n)
{
	char *out = xmalloc(n + 1), *o = out;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
			*o++ = (char)(hex(s[i + 1]) * 16 + hex(s[i + 2]));
			i += 2;
		} else {
			*o++ = s[i] == '+' ? ' ' : s[i];
		}
	}
	*o = '\0';
	return out;
}

static void parse_query(const char *q, struct pairs *out)
{
	while (*q) {
		size_t n = strcspn(q, "&");
		const char *eq = memchr(q, '=', n);
		if (n)
			pairs_add(out, url_decode(q, eq ? (size_t)(eq - q) : n), eq ? url_decode(eq + 1, n - (size_t)(eq - q) - 1) : NULL);
		q += n + (q[n] == '&');
	}
}

static void parse_cookies(const char *v, struct pairs *out)
{
	while (*v) {
		while (*v == ' ' || *v == ';')
			v++;
		size_t n = strcspn(v, ";");
		const char *eq = memchr(v, '=', n);
		if (n && eq)
			pairs_add(out, fuzz_cstr((const uint8_t *)v, (size_t)(eq - v)), fuzz_cstr((const uint8_t *)eq + 1, n - (size_t)(eq - v) - 1));
		v += n;
	}
}

/* Replace the placeholders ($A, $K, ...) of text[0..n). */
static char *substitute(const uint8_t *text, size_t n, size_t *outlen)
{
	size_t cap = n + 1, len = 0;
	for (size_t i = 0; i + 1 < n; i++)
		cap += text[i] == '$' ? 128 : 0;
	char *out = xmalloc(cap);
	for (size_t i = 0; i < n; i++) {
		const char *v = NULL;
		if (text[i] == '$' && i + 1 < n) {
			char k = (char)text[i + 1];
			v = k == 'A' ? token_a : k == 'B' ? token_b : k == 'X' ? csrf_a : k == 'C' ? token_c : id_of(k);
		}
		if (v) {
			memcpy(out + len, v, strlen(v));
			len += strlen(v);
			i++;
		} else {
			out[len++] = (char)text[i];
		}
	}
	out[len] = '\0';
	*outlen = len;
	return out;
}

/* Answer text (method, target, headers as "Name: value\n" lines, body). */
static void handle(const char *method, const char *target, const char *headers, const char *body, size_t blen,
		   struct http_answer *ans)
{
	struct pairs query = {0}, hdrs = {0}, cookies = {0};
	size_t plen = strcspn(target, "?");
	char *path = fuzz_cstr((const uint8_t *)target, plen);
	if (target[plen])
		parse_query(target + plen + 1, &query);
	for (const char *h = headers; *h;) {
		size_t n = strcspn(h, "\n");
		const char *colon = memchr(h, ':', n);
		if (colon) {
			const char *v = colon + 1;
			while (*v == ' ' && v < h + n)
				v++;
			char *name = fuzz_cstr((const uint8_t *)h, (size_t)(colon - h));
			char *value = fuzz_cstr((const uint8_t *)v, (size_t)(h + n - v));
			if (value[0] && value[strlen(value) - 1] == '\r')
				value[strlen(value) - 1] = '\0';
			if (strcasecmp(name, "Cookie") == 0)
				parse_cookies(value, &cookies);
			pairs_add(&hdrs, name, value);
		}
		h += n + (h[n] == '\n');
	}
	struct http_request rq = {.method = method, .path = path, .query = pairs_list(&query), .headers = pairs_list(&hdrs),
				  .cookies = pairs_list(&cookies), .body = body, .len = blen, .client_ip = "127.0.0.1"};
	http_api_handle(&app, &rq, ans);
	pairs_free(&query);
	pairs_free(&hdrs);
	pairs_free(&cookies);
	free(path);
}

static json_t *call_json(const char *method, const char *target, const char *headers, const char *body)
{
	struct http_answer ans = HTTP_ANSWER_INIT;
	handle(method, target, headers, body, body ? strlen(body) : 0, &ans);
	json_t *j = ans.status < 300 ? json_loadb(ans.body, ans.len, 0, NULL) : NULL;
	http_answer_release(&ans);
	return j;
}

/* --- the demo database and its sessions --- */

static int sign_in(const char *email, char *token, char *csrf)
{
	char *body = xasprintf("{\"org\":\"vendor-co\",\"email\":\"%s\",\"password\":\"frontline-demo\"}", email);
	json_t *j = call_json("POST", "/api/v1/auth/login", "Content-Type: application/json\n", body);
	free(body);
	const char *t = json_string_value(json_object_get(j, "token")), *x = json_string_value(json_object_get(j, "csrf_token"));
	int ok = t != NULL;
	if (t && str_copy(token, 128, t) != 0)
		ok = 0;
	if (csrf && str_copy(csrf, 128, x ? x : "") != 0)
		ok = 0;
	json_decref(j);
	return ok ? 0 : -1;
}

static void find_ids(void)
{
	char *auth = xasprintf("Authorization: Bearer %s\n", token_a);
	for (size_t i = 0; i < NIDS; i++) {
		json_t *j = call_json("GET", IDS[i].list, auth, NULL);
		const char *id = json_string_value(json_object_get(json_array_get(json_object_get(j, "items"), 0), "id"));
		if (str_copy(IDS[i].id, sizeof IDS[i].id, id ? id : "none") != 0)
			abort(); /* ids fit ID_SIZE: the harness's own setup is broken */
		json_decref(j);
	}
	free(auth);
}

static void copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	FUZZ_ASSERT(in && out);
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		FUZZ_ASSERT(fwrite(buf, 1, n, out) == n);
	fclose(in);
	FUZZ_ASSERT(fclose(out) == 0);
}

/* A portal session for the first customer ($U): a sign-in link made by the admin, redeemed. */
static void portal_sign_in(void)
{
	char *auth = xasprintf("Authorization: Bearer %s\nContent-Type: application/json\n", token_a);
	char *path = xasprintf("/api/v1/customers/%s/portal-link", id_of('U'));
	json_t *link = call_json("POST", path, auth, "{}");
	char *body = xasprintf("{\"token\":\"%s\"}", json_string_value(json_object_get(link, "token")));
	json_t *j = call_json("POST", "/api/v1/portal/redeem", "Content-Type: application/json\n", body);
	const char *t = json_string_value(json_object_get(j, "token"));
	if (str_copy(token_c, sizeof token_c, t ? t : "none") != 0)
		abort();
	json_decref(j);
	json_decref(link);
	free(body);
	free(path);
	free(auth);
}

/* Open the database copied from the demo template, and sign in. */
static void start(void)
{
	char err[256], wal[320];
	copy_file(template_path, db_path);
	snprintf(wal, sizeof wal, "%s-wal", db_path);
	unlink(wal);
	FUZZ_ASSERT(db_open(db_path, &dbh, err, sizeof err) == DB_OK);
	runner = tx_wrap(dbh);
	app.tx = runner;
	FUZZ_ASSERT(sign_in("admin@vendor-co.example", token_a, csrf_a) == 0);
	FUZZ_ASSERT(sign_in("chris@vendor-co.example", token_b, NULL) == 0);
	find_ids();
	portal_sign_in();
}

static void stop(void)
{
	tx_close(runner);
	db_close(dbh);
}

static void remove_files(void)
{
	const char *suffix[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		char p[320];
		snprintf(p, sizeof p, "%s%s", db_path, suffix[i]);
		unlink(p);
		snprintf(p, sizeof p, "%s%s", template_path, suffix[i]);
		unlink(p);
	}
}

/* The placeholder for the {param} after path segment seg ("cases" -> $K). */
static char param_key(const char *seg, size_t n)
{
	for (size_t i = 0; i < NIDS; i++) {
		const char *list = IDS[i].list + strlen("/api/v1/");
		if (strncmp(list, seg, n) == 0 && (list[n] == '\0' || list[n] == '?'))
			return IDS[i].key;
	}
	return 'K';
}

/* FUZZ_SEEDS=DIR: a request for every route (signed in as the admin, or as the customer on the
 * portal; every field valid), and DIR/http.dict: the paths and field names. */
static void write_seeds(const char *dir)
{
	size_t i = 0;
	char *dpath = xasprintf("%s/http.dict", dir);
	FILE *dict = fopen(dpath, "w");
	free(dpath);
	FUZZ_ASSERT(dict);
	for (const struct route *const *t = svc_route_tables(); *t; t++)
		for (const struct route *r = *t; r->method; r++, i++) {
			if (r->flags & R_CLI_ONLY)
				continue;
			char *path = xasprintf("%s/route-%03zu", dir, i);
			FILE *out = fopen(path, "w");
			free(path);
			FUZZ_ASSERT(out);
			int query = strcmp(r->method, "GET") == 0;
			const char *who = r->flags & R_PORTAL ? "$C" : "$A";
			fprintf(out, "%s ", r->method);
			fprintf(dict, "\"%s\"\n", r->pattern);
			const char *seg = r->pattern, *prev = r->pattern;
			for (const char *p = r->pattern; *p; p++) {
				if (*p == '/') {
					prev = seg;
					seg = p + 1;
				}
				if (*p == '{') {
					fprintf(out, "$%c", param_key(prev, (size_t)(seg - prev - 1)));
					p = strchr(p, '}');
				} else {
					fputc(*p, out);
				}
			}
			if (query)
				fputc('?', out);
			else
				fprintf(out, "\nAuthorization: Bearer %s\nContent-Type: application/json\n\n{", who);
			for (const struct in_field *f = r->input; f && f->name; f++) {
				fprintf(out, query ? "%s%s=" : "%s\"%s\":", f == r->input ? "" : query ? "&" : ",", f->name);
				fuzz_sample(f, query, out);
				fprintf(dict, query ? "\"%s=\"\n" : "\"\\\"%s\\\":\"\n", f->name);
			}
			if (query)
				fprintf(out, "\nAuthorization: Bearer %s\n\n", who);
			else
				fputc('}', out);
			fclose(out);
		}
	fclose(dict);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (getenv("FUZZ_SEEDS")) {
		write_seeds(getenv("FUZZ_SEEDS"));
		exit(0);
	}
	const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(db_path, sizeof db_path, "%s/frontline-fuzz-http-%d.db", dir, (int)getpid());
	snprintf(template_path, sizeof template_path, "%s.demo", db_path);
	remove_files(); /* a killed run of a process with this pid may have left them */
	atexit(remove_files);
	char *init[] = {"init", "--db", template_path, NULL}, *demo[] = {"demo", "--db", template_path, NULL};
	FILE *quiet = freopen("/dev/null", "w", stdout);
	FUZZ_ASSERT(quiet && cmd_init(3, init) == 0 && cmd_demo(3, demo) == 0);
	clock_init_real(&clk);
	clock_init_manual(&clk, clock_now(&clk));
	app = (struct http_app){.clock = &clk, .idem_ttl_ms = 24LL * 3600 * 1000};
	start();
	return 0;
}

/* The demo sessions still work after a write; else sign in again, else start over. */
static void keep_sessions(void)
{
	char *auth = xasprintf("Authorization: Bearer %s\n", token_a);
	json_t *me = call_json("GET", "/api/v1/me", auth, NULL);
	free(auth);
	auth = xasprintf("Authorization: Bearer %s\n", token_b);
	json_t *me_b = call_json("GET", "/api/v1/me", auth, NULL);
	free(auth);
	if ((!me || !me_b) && (sign_in("admin@vendor-co.example", token_a, csrf_a) || sign_in("chris@vendor-co.example", token_b, NULL))) {
		stop();
		start();
	}
	json_decref(me);
	json_decref(me_b);
}

/* A header line "Name: ..." of headers (names as handle() reads them). */
static int has_header(const char *headers, const char *name)
{
	for (const char *h = headers; *h;) {
		size_t n = strcspn(h, "\n"), len = strlen(name);
		if (n > len && h[len] == ':' && strncasecmp(h, name, len) == 0)
			return 1;
		h += n + (h[n] == '\n');
	}
	return 0;
}

/* Nobody gets past a route that needs sign-in without credentials, and a cookie alone (what a
 * browser sends by itself) never changes anything without the session's X-CSRF-Token. */
static void check_access(const char *method, const char *target, const char *headers, int status)
{
	struct route_match m;
	char *path = fuzz_cstr((const uint8_t *)target, strcspn(target, "?"));
	int guarded = router_match(method, path, 0, &m) == ROUTER_FOUND && !(m.route->flags & R_PUBLIC);
	free(path);
	if (!guarded || status >= 300)
		return;
	int bearer = has_header(headers, "Authorization"), cookie = has_header(headers, "Cookie");
	FUZZ_ASSERT(bearer || cookie);
	if (!bearer && strcmp(method, "GET") != 0)
		FUZZ_ASSERT(has_header(headers, "X-CSRF-Token"));
}

static void check_answer(const struct http_answer *ans)
{
	FUZZ_ASSERT(ans->status >= 200 && ans->status < 600);
	if (ans->status >= 500) {
		fprintf(stderr, "status %d: %.*s\n", ans->status, (int)(ans->len < 500 ? ans->len : 500), ans->body ? ans->body : "");
		FUZZ_ASSERT(ans->status == 503); /* a busy database; anything else is a bug */
	}
	FUZZ_ASSERT(ans->body && ans->len == strlen(ans->body));
	if (strncmp(ans->content_type, "application/json", 16) == 0) {
		json_t *j = json_loadb(ans->body, ans->len, 0, NULL);
		FUZZ_ASSERT(json_is_object(j));
		if (ans->status >= 400)
			FUZZ_ASSERT(json_is_string(json_object_get(json_object_get(j, "error"), "code")));
		json_decref(j);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len;
	char *text = substitute(data, size, &len);
	/* request line, headers, body */
	char *nl = memchr(text, '\n', len);
	char *line = fuzz_cstr((const uint8_t *)text, nl ? (size_t)(nl - text) : len);
	char *rest = nl ? nl + 1 : text + len;
	char *end = strstr(rest, "\n\n");
	char *headers = fuzz_cstr((const uint8_t *)rest, end ? (size_t)(end - rest) : strlen(rest));
	const char *body = end ? end + 2 : "";
	size_t blen = end ? len - (size_t)(body - text) : 0;
	char *sp = strchr(line, ' ');
	if (sp)
		*sp = '\0';
	const char *target = sp ? sp + 1 : "/";
	struct http_answer ans = HTTP_ANSWER_INIT;
	handle(line, target, headers, blen ? body : NULL, blen, &ans);
	if (getenv("FUZZ_SHOW")) /* FUZZ_SHOW=1 build/fuzz/http FILE: what the request got */
		fprintf(stderr, "%s %s -> %d %.*s\n", line, target, ans.status, (int)(ans.len < 300 ? ans.len : 300), ans.body);
	check_answer(&ans);
	check_access(line, target, headers, ans.status);
	int wrote = strcmp(line, "GET") != 0 && ans.status < 300;
	http_answer_release(&ans);
	free(line);
	free(headers);
	free(text);
	if (wrote)
		keep_sessions();
	return 0;
}
