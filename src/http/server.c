#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/csv.h"
#include "base/limits.h"
#include "base/password.h"
#include "base/ratelimit.h"
#include "base/util.h"
#include "http/respond.h"
#include "store/pool.h"
#include "http/server.h"
#include "http/server.h"
#include "http/server.h"
#include "http/server.h"
#include "svc/access/auth.h"
#include "svc/access/portal.h"
#include "svc/router.h"
#include "svc/tick.h"

#define MAX_URL 2048
#define MAX_IDEMPOTENCY_KEY 200
#define RETRIES 5

struct server {
	const struct serve_opts *o;
	db_pool *pool;
	fl_clock clock;
	ratelimit *login_limit; /* 5 failed sign-ins per account in 15 minutes */
	ratelimit *ip_limit;    /* 50 per client address in 15 minutes */
	volatile sig_atomic_t stop;
	pthread_mutex_t tick_mu; /* one scheduler pass at a time in this process */
	struct writer *writer;   /* group commit (SQLite); NULL on PostgreSQL */
};

struct req {
	char *body;
	size_t len, cap;
	int too_big;
	int64_t start_us;
	char id[20];
	int status;
	char person[ID_SIZE];
};

static int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void log_line(const char *method, const char *url, struct req *q)
{
	/* One structured line per request.  Only the path (no query string, no body, no headers):
	 * no tokens, passwords or search terms reach the log. */
	char path[256];
	size_t n = strcspn(url, "?");
	if (n >= sizeof path)
		n = sizeof path - 1;
	memcpy(path, url, n);
	path[n] = '\0';
	json_t *l = json_pack("{s:s,s:s,s:s,s:i,s:I,s:s}", "req", q->id, "method", method, "path", path, "status", q->status,
			      "us", (json_int_t)(mono_us() - q->start_us), "person", q->person);
	char *s = json_dumps(l, JSON_COMPACT);
	fprintf(stderr, "%s\n", s);
	free(s);
	json_decref(l);
}

static void completed(void *cls, struct MHD_Connection *con, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct req *q = *con_cls;
	if (!q)
		return;
	free(q->body);
	free(q);
	*con_cls = NULL;
}

static enum MHD_Result reply_error(struct MHD_Connection *con, struct req *q, enum err_kind kind, const char *code,
				   const char *msg)
{
	fl_err e = FL_ERR_INIT;
	err_set(&e, kind, code, NULL, "%s", msg);
	q->status = err_http_status(kind);
	return http_error(con, &e, q->id);
}

static const char *header(struct MHD_Connection *con, const char *name)
{
	return MHD_lookup_connection_value(con, MHD_HEADER_KIND, name);
}

/* The session token: Authorization: Bearer wins over the cookie.  *cookie is 1 when it came from
 * the cookie (then unsafe methods need the CSRF header). */
static const char *credentials(struct MHD_Connection *con, int *cookie)
{
	const char *auth = header(con, MHD_HTTP_HEADER_AUTHORIZATION);
	*cookie = 0;
	if (auth && strncasecmp(auth, "Bearer ", 7) == 0)
		return auth + 7;
	const char *c = MHD_lookup_connection_value(con, MHD_COOKIE_KIND, "fl_session");
	if (c && *c) {
		*cookie = 1;
		return c;
	}
	return NULL;
}

struct query_ctx {
	const struct in_field *spec;
	json_t *obj;
	fl_err *err;
	int failed;
};

static enum MHD_Result query_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct query_ctx *qc = cls;
	if (qc->failed)
		return MHD_NO;
	const struct in_field *f = in_find(qc->spec, key);
	if (!f) {
		err_set(qc->err, ERR_INVALID, "unknown_field", key, "unknown query parameter");
		qc->failed = 1;
		return MHD_NO;
	}
	json_t *v = in_from_text(f, value ? value : "", qc->err);
	if (!v) {
		qc->failed = 1;
		return MHD_NO;
	}
	json_object_set_new(qc->obj, key, v);
	return MHD_YES;
}

static void request_hash(const char *method, const char *url, const char *body, size_t len, char out[65])
{
	crypto_generichash_state st;
	unsigned char h[32];
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, (const unsigned char *)method, strlen(method) + 1);
	crypto_generichash_update(&st, (const unsigned char *)url, strlen(url) + 1);
	if (body)
		crypto_generichash_update(&st, (const unsigned char *)body, len);
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(out, 65, h, sizeof h);
}

/* Look for a stored response to this Idempotency-Key.  Returns 1 and fills *status and *body when
 * found with the same request, 0 when new, -1 (err) when the key was used for another request. */
static int idem_lookup(svc_ctx *c, const char *key, const char *hash, int *status, json_t **body)
{
	db_res *r;
	int rc = db_query(c->db, "SELECT request_hash, status, body FROM idempotency WHERE org_id = ? AND person_id = ? AND key = ?",
			  DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(c->actor.person_id), DB_TXT(key)), &r);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	int found = db_next(r) == 1, result = 0;
	if (found) {
		if (strcmp(db_text(r, 0), hash) != 0) {
			err_set(&c->err, ERR_RULE, "idempotency_key_reused", NULL,
				"this Idempotency-Key was used with a different request");
			result = -1;
		} else {
			*status = (int)db_int(r, 1);
			*body = json_loads(db_text(r, 2), 0, NULL);
			result = 1;
		}
	}
	db_res_free(r);
	return result;
}

/* Run one request's operation inside an open transaction (or savepoint): replay a stored
 * Idempotency-Key answer, or invoke the route and store its answer under the key. */
static int run_request(svc_ctx *c, struct route_match *m, json_t *in, const char *idem, const char *rhash, int *status,
		       json_t **out, int *replay)
{
	*replay = 0;
	if (idem) {
		int f = idem_lookup(c, idem, rhash, status, out);
		if (f != 0) {
			*replay = f > 0;
			return f < 0 ? -1 : 0;
		}
	}
	json_t *input = in ? json_deep_copy(in) : json_object();
	int rc = router_invoke(c, m, input, out);
	json_decref(input);
	if (rc == 0 && idem) {
		char *text = json_dumps(*out, JSON_COMPACT);
		int dbrc = db_exec(c->db,
				   "INSERT INTO idempotency (org_id, person_id, key, request_hash, status, body, created_at) "
				   "VALUES (?,?,?,?,?,?,?)",
				   DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(c->actor.person_id), DB_TXT(idem), DB_TXT(rhash),
					   DB_INT(*status), DB_TXT(text), DB_INT(c->now)),
				   NULL);
		free(text);
		if (dbrc != DB_OK)
			rc = svc_db_err(c, dbrc);
	}
	return rc;
}

/* Group commit for SQLite.  SQLite has one writer at a time and every commit is an fsync, so
 * request threads hand their writes to one writer thread, which runs each in its own savepoint
 * inside one transaction and commits the whole batch with one fsync.  A request learns its
 * result only after that commit returned, so an acknowledged write is on disk. */
struct job {
	svc_ctx *c;
	struct route_match *m;
	json_t *in;
	const char *idem, *rhash;
	int status, rc, replay, done;
	json_t *out;
	struct job *next;
};

struct writer {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t has_jobs, done;
	struct job *head, *tail;
	db *d;
	int stop;
};

#define BATCH_MAX 256

static void writer_submit(struct writer *w, struct job *j)
{
	pthread_mutex_lock(&w->mu);
	if (w->tail)
		w->tail->next = j;
	else
		w->head = j;
	w->tail = j;
	pthread_cond_signal(&w->has_jobs);
	while (!j->done)
		pthread_cond_wait(&w->done, &w->mu);
	pthread_mutex_unlock(&w->mu);
}

static void fail_job(struct job *j, const char *code, const char *msg)
{
	json_decref(j->out);
	j->out = NULL;
	j->rc = err_set(&j->c->err, ERR_INTERNAL, code, NULL, "%s", msg);
}

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	for (;;) {
		pthread_mutex_lock(&w->mu);
		while (!w->head && !w->stop)
			pthread_cond_wait(&w->has_jobs, &w->mu);
		if (!w->head && w->stop) {
			pthread_mutex_unlock(&w->mu);
			return NULL;
		}
		struct job *batch = w->head, *last = batch;
		int n = 1;
		while (last->next && n < BATCH_MAX) {
			last = last->next;
			n++;
		}
		w->head = last->next;
		if (!w->head)
			w->tail = NULL;
		last->next = NULL;
		pthread_mutex_unlock(&w->mu);

		int began = db_begin(w->d, 1) == DB_OK;
		for (struct job *j = batch; j; j = j->next) {
			j->c->db = w->d;
			if (!began) {
				fail_job(j, "storage_error", "the database is unavailable");
				continue;
			}
			if (db_exec(w->d, "SAVEPOINT req", DB_NOARGS, NULL) != DB_OK) {
				fail_job(j, "storage_error", "the database is unavailable");
				continue;
			}
			j->rc = run_request(j->c, j->m, j->in, j->idem, j->rhash, &j->status, &j->out, &j->replay);
			if (j->rc && db_exec(w->d, "ROLLBACK TO req", DB_NOARGS, NULL) != DB_OK)
				fl_die("cannot roll back a failed request: %s", db_errmsg(w->d));
			if (db_exec(w->d, "RELEASE req", DB_NOARGS, NULL) != DB_OK)
				fl_die("cannot release a savepoint: %s", db_errmsg(w->d));
		}
		if (began && db_commit(w->d) != DB_OK) {
			/* never report success for what did not reach the disk */
			fprintf(stderr, "frontline: commit failed: %s\n", db_errmsg(w->d));
			db_rollback(w->d);
			for (struct job *j = batch; j; j = j->next)
				if (j->rc == 0)
					fail_job(j, "commit_failed", "the change could not be saved");
		}
		pthread_mutex_lock(&w->mu);
		for (struct job *j = batch; j; j = j->next)
			j->done = 1;
		pthread_cond_broadcast(&w->done);
		pthread_mutex_unlock(&w->mu);
	}
}

static struct writer *writer_start(const char *url, char *err, unsigned long errlen)
{
	struct writer *w = xcalloc(1, sizeof *w);
	if (db_open(url, &w->d, err, errlen) != DB_OK) {
		free(w);
		return NULL;
	}
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->has_jobs, NULL);
	pthread_cond_init(&w->done, NULL);
	if (pthread_create(&w->thread, NULL, writer_main, w))
		fl_die("cannot start the writer thread");
	return w;
}

static void writer_stop(struct writer *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_signal(&w->has_jobs);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	db_close(w->d);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->has_jobs);
	pthread_cond_destroy(&w->done);
	free(w);
}

static enum MHD_Result api(struct server *s, struct MHD_Connection *con, const char *method, const char *url, struct req *q)
{
	struct route_match m;
	char path[MAX_URL + 1];
	size_t plen = strcspn(url, "?");
	memcpy(path, url, plen);
	path[plen] = '\0';
	unsigned allow = s->o->test_clock ? R_TEST_ONLY : 0;
	int mr = router_match(method, path, allow, &m);
	if (mr == ROUTER_NO_PATH)
		return reply_error(con, q, ERR_NOT_FOUND, "not_found", "no such resource");
	if (mr == ROUTER_BAD_METHOD) {
		q->status = 405;
		json_t *b = json_pack("{s:{s:s,s:s}}", "error", "code", "method_not_allowed", "message", "method not allowed here");
		return http_json(con, 405, b, NULL, q->id);
	}
	const struct route *rt = m.route;
	int is_get = strcmp(method, "GET") == 0;
	fl_err err = FL_ERR_INIT;

	/* the request object: the query for GET, the JSON body otherwise */
	json_t *in = NULL;
	if (is_get) {
		in = json_object();
		struct query_ctx qc = {rt->input, in, &err, 0};
		MHD_get_connection_values(con, MHD_GET_ARGUMENT_KIND, query_arg, &qc);
		if (qc.failed) {
			json_decref(in);
			q->status = err_http_status(err.kind);
			return http_error(con, &err, q->id);
		}
	} else if (q->len > 0) {
		const char *ct = header(con, MHD_HTTP_HEADER_CONTENT_TYPE);
		if (!ct || strncasecmp(ct, "application/json", 16) != 0 || (ct[16] && ct[16] != ';' && ct[16] != ' '))
			return reply_error(con, q, ERR_MEDIA_TYPE, "unsupported_media_type", "send Content-Type: application/json");
		json_error_t je;
		in = json_loadb(q->body, q->len, JSON_REJECT_DUPLICATES, &je);
		if (!in) {
			err_set(&err, ERR_INVALID, "malformed_json", NULL, "malformed JSON: %.100s", je.text);
			q->status = 400;
			return http_error(con, &err, q->id);
		}
		if (!json_is_object(in)) {
			json_decref(in);
			return reply_error(con, q, ERR_INVALID, "not_an_object", "the body must be a JSON object");
		}
	}

	db *d = db_pool_take(s->pool);
	svc_ctx c = {.db = d, .clock = &s->clock, .now = clock_now(&s->clock), .test_clock = s->o->test_clock,
		     .login_limit = s->login_limit, .ip_limit = s->ip_limit};
	char session_id[ID_SIZE] = "", csrf[TOKEN_SIZE] = "", ip[64] = "";
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr) {
		if (ci->client_addr->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, ip, sizeof ip);
		else if (ci->client_addr->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, ip, sizeof ip);
		c.client_ip = ip;
	}
	enum MHD_Result ret;
	json_t *out = NULL;
	int status = rt->status, rc = 0, replay = 0;
	char *cookie = NULL;

	if ((rt->flags & R_PORTAL) && !(rt->flags & R_PUBLIC)) {
		/* customer portal: only a portal session (its own cookie, or Bearer); staff sessions never match */
		const char *auth = header(con, MHD_HTTP_HEADER_AUTHORIZATION);
		const char *tok = NULL;
		int from_cookie = 0;
		if (auth && strncasecmp(auth, "Bearer ", 7) == 0) {
			tok = auth + 7;
		} else {
			tok = MHD_lookup_connection_value(con, MHD_COOKIE_KIND, "fl_portal");
			from_cookie = 1;
		}
		if (!tok || !*tok || strlen(tok) > 200) {
			rc = err_set(&c.err, ERR_UNAUTHORIZED, "unauthenticated", NULL, "open the sign-in link you were sent");
		} else if (portal_resolve(&c, tok, session_id, csrf) == 0) {
			c.session_id = session_id;
			str_copy(q->person, sizeof q->person, c.portal_customer);
			const char *sent = header(con, "X-CSRF-Token");
			if (!is_get && from_cookie && (!sent || !token_equal(sent, csrf)))
				rc = err_set(&c.err, ERR_FORBIDDEN, "csrf", NULL,
					     "cookie sessions must send the X-CSRF-Token header from sign-in");
		} else {
			rc = -1;
		}
	} else if (!(rt->flags & R_PUBLIC)) {
		int via_cookie;
		const char *tok = credentials(con, &via_cookie);
		if (!tok || strlen(tok) > 200) {
			rc = err_set(&c.err, ERR_UNAUTHORIZED, "unauthenticated", NULL, "sign in first");
		} else if (auth_resolve(&c, tok, session_id, csrf) == 0) {
			c.session_id = session_id;
			str_copy(q->person, sizeof q->person, c.actor.person_id);
			/* whatever rides in the cookie, the browser sends by itself: unsafe methods need the CSRF token */
			const char *sent = header(con, "X-CSRF-Token");
			if (!is_get && via_cookie && (!sent || !*csrf || !token_equal(sent, csrf)))
				rc = err_set(&c.err, ERR_FORBIDDEN, "csrf", NULL,
					     "cookie sessions must send the X-CSRF-Token header from sign-in");
		} else {
			rc = -1;
		}
	}

	const char *idem = is_get ? NULL : header(con, "Idempotency-Key");
	char rhash[65] = "";
	if (rc == 0 && idem && (strlen(idem) == 0 || strlen(idem) > MAX_IDEMPOTENCY_KEY))
		rc = err_set(&c.err, ERR_INVALID, "invalid_idempotency_key", NULL, "Idempotency-Key must be 1-200 characters");
	if (idem)
		request_hash(method, path, q->body, q->len, rhash);
	if (rt->flags & R_PUBLIC)
		idem = NULL;

	if (rc == 0 && s->writer && !is_get && !(rt->flags & R_OWN_TX)) {
		/* SQLite: hand the write to the one writer thread, which commits many requests at once */
		db_pool_give(s->pool, d);
		d = NULL;
		struct job j = {.c = &c, .m = &m, .in = in, .idem = idem, .rhash = rhash, .status = status};
		writer_submit(s->writer, &j);
		rc = j.rc;
		out = j.out;
		status = j.status;
		replay = j.replay;
	}
	for (int attempt = 0; rc == 0 && d && attempt < RETRIES; attempt++) {
		int own = rt->flags & R_OWN_TX;
		int dbrc = own ? DB_OK : db_begin(d, !is_get);
		if (dbrc != DB_OK) {
			if (dbrc == DB_RETRY)
				continue;
			rc = svc_db_err(&c, dbrc);
			break;
		}
		rc = run_request(&c, &m, in, idem, rhash, &status, &out, &replay);
		if (rc == 0 && !own && !replay) {
			dbrc = db_commit(d);
			if (dbrc == DB_RETRY) {
				json_decref(out);
				out = NULL;
				continue;
			}
			if (dbrc != DB_OK) {
				/* never report success for what did not reach the disk */
				fprintf(stderr, "frontline: commit failed: %s\n", db_errmsg(d));
				json_decref(out);
				out = NULL;
				rc = err_set(&c.err, ERR_INTERNAL, "commit_failed", NULL, "the change could not be saved");
			}
		} else if (!own) {
			db_rollback(d);
			if (rc && c.err.kind == ERR_UNAVAILABLE && attempt + 1 < RETRIES) {
				err_clear(&c.err);
				json_decref(out);
				out = NULL;
				rc = 0;
				usleep(1000u << attempt);
				continue;
			}
		}
		break;
	}
	if (rc == 0 && !replay && (rt->flags & R_SESSION) && (rt->flags & R_PORTAL)) {
		/* the customer's cookie goes only to the portal's own routes */
		json_t *tok = json_object_get(out, "token");
		cookie = xasprintf("fl_portal=%s; HttpOnly; SameSite=Strict; Path=/api/v1/portal; Max-Age=14400%s",
				   json_string_value(tok), s->o->cookie_flags ? s->o->cookie_flags : "");
		str_copy(q->person, sizeof q->person, c.portal_customer);
	} else if (rc == 0 && !replay && (rt->flags & R_SESSION)) {
		json_t *tok = json_object_get(out, "token");
		cookie = xasprintf("fl_session=%s; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200%s",
				   json_string_value(tok), s->o->cookie_flags ? s->o->cookie_flags : "");
		str_copy(q->person, sizeof q->person, c.actor.person_id);
	}
	if (rc == 0 && (rt->flags & R_LOGOUT) && (rt->flags & R_PORTAL))
		cookie = xasprintf("fl_portal=; HttpOnly; SameSite=Strict; Path=/api/v1/portal; Max-Age=0");
	else if (rc == 0 && (rt->flags & R_LOGOUT))
		cookie = xasprintf("fl_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
	if (d)
		db_pool_give(s->pool, d);
	const char *fmt = in_str(in, "format");
	int csv = fmt && strcmp(fmt, "csv") == 0;
	json_decref(in);

	if (rc) {
		json_decref(out);
		q->status = err_http_status(c.err.kind);
		ret = http_error(con, &c.err, q->id);
	} else if (csv && json_is_array(json_object_get(out, "items"))) {
		/* ?format=csv on a list or report: the same rows as CSV */
		char *text = csv_from_rows(json_object_get(out, "items"));
		json_decref(out);
		struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
		MHD_add_response_header(r, "Content-Type", "text/csv; charset=utf-8");
		MHD_add_response_header(r, "Content-Disposition", "attachment; filename=\"frontline.csv\"");
		http_security_headers(r, 1);
		q->status = status;
		ret = MHD_queue_response(con, (unsigned)status, r);
		MHD_destroy_response(r);
	} else if (json_is_string(json_object_get(out, "_content_type")) && json_is_string(json_object_get(out, "_body"))) {
		/* a service answering another media type (e.g. text/calendar): {"_content_type", "_body",
		 * "_filename"?} is sent as the raw body */
		const char *body = json_string_value(json_object_get(out, "_body"));
		const char *fname = json_string_value(json_object_get(out, "_filename"));
		struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), xstrdup(body), MHD_RESPMEM_MUST_FREE);
		MHD_add_response_header(r, "Content-Type", json_string_value(json_object_get(out, "_content_type")));
		if (fname) {
			char *cd = xasprintf("inline; filename=\"%s\"", fname);
			MHD_add_response_header(r, "Content-Disposition", cd);
			free(cd);
		}
		json_decref(out);
		http_security_headers(r, 1);
		q->status = status;
		ret = MHD_queue_response(con, (unsigned)status, r);
		MHD_destroy_response(r);
	} else {
		q->status = status;
		ret = http_json(con, status, out ? out : json_object(), cookie, q->id);
	}
	free(cookie);
	return ret;
}

/* libmicrohttpd hands the handler the path without the query string; the URL cap covers both. */
static enum MHD_Result add_arg_len(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	*(size_t *)cls += strlen(key) + (value ? strlen(value) + 1 : 0) + 1;
	return MHD_YES;
}

static size_t url_length(struct MHD_Connection *con, const char *url)
{
	size_t n = strlen(url);
	MHD_get_connection_values(con, MHD_GET_ARGUMENT_KIND, add_arg_len, &n);
	return n;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *con, const char *url, const char *method,
			       const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct server *s = cls;
	struct req *q = *con_cls;
	if (!q) {
		q = xcalloc(1, sizeof *q);
		q->start_us = mono_us();
		unsigned char rid[8];
		randombytes_buf(rid, sizeof rid);
		sodium_bin2hex(q->id, sizeof q->id, rid, sizeof rid);
		*con_cls = q;
		const char *cl = header(con, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > FL_MAX_BODY)
			q->too_big = 1;
		return MHD_YES;
	}
	if (*upload_size) {
		if (!q->too_big) {
			if (q->len + *upload_size > FL_MAX_BODY) {
				q->too_big = 1;
			} else {
				if (q->len + *upload_size + 1 > q->cap) {
					q->cap = (q->len + *upload_size + 1) * 2;
					if (q->cap > FL_MAX_BODY + 1)
						q->cap = FL_MAX_BODY + 1;
					char *nb = realloc(q->body, q->cap);
					if (!nb)
						fl_die("out of memory");
					q->body = nb;
				}
				memcpy(q->body + q->len, upload, *upload_size);
				q->len += *upload_size;
				q->body[q->len] = '\0';
			}
		}
		*upload_size = 0;
		return MHD_YES;
	}

	enum MHD_Result ret;
	if (q->too_big) {
		ret = reply_error(con, q, ERR_TOO_LARGE, "body_too_large", "the request body is over 1 MiB");
	} else if (url_length(con, url) > MAX_URL) {
		ret = reply_error(con, q, ERR_URI_TOO_LONG, "uri_too_long", "the URL is too long");
	} else if (strcmp(url, "/healthz") == 0) {
		q->status = 200;
		ret = http_json(con, 200, json_pack("{s:s}", "status", "ok"), NULL, q->id);
	} else if (strcmp(url, "/readyz") == 0) {
		db *d = db_pool_take(s->pool);
		int64_t one = 0;
		int ok = db_scalar_int(d, "SELECT 1", DB_NOARGS, &one, NULL) == DB_OK && one == 1;
		db_pool_give(s->pool, d);
		q->status = ok ? 200 : 503;
		ret = http_json(con, q->status, json_pack("{s:s}", "status", ok ? "ready" : "database unavailable"), NULL, q->id);
	} else if (strcmp(url, "/api/v1/openapi.json") == 0) {
		q->status = 200;
		ret = http_json(con, 200, openapi_document(s->o->test_clock), NULL, q->id);
	} else if (strncmp(url, "/api/", 5) == 0) {
		ret = api(s, con, method, url, q);
	} else if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0) {
		int st = 404;
		ret = http_static(con, url, &st);
		if (ret == MHD_NO)
			ret = reply_error(con, q, ERR_NOT_FOUND, "not_found", "no such page");
		else
			q->status = st;
	} else {
		ret = reply_error(con, q, ERR_NOT_FOUND, "not_found", "no such resource");
	}
	log_line(method, url, q);
	return ret;
}

static struct server *g_server; /* for the signal handler only */

static void on_signal(int sig)
{
	(void)sig;
	if (g_server)
		g_server->stop = 1;
}

static int run_tick(struct server *s)
{
	db *d = db_pool_take(s->pool);
	svc_ctx c = {.db = d, .clock = &s->clock, .now = clock_now(&s->clock)};
	json_t *summary = json_object();
	pthread_mutex_lock(&s->tick_mu);
	int rc = db_begin(d, 1) == DB_OK ? tick_run(&c, summary) : -1;
	if (rc == 0 && db_commit(d) != DB_OK)
		rc = -1;
	if (rc)
		fprintf(stderr, "{\"scheduler\":\"failed\",\"message\":\"%s\"}\n", c.err.message);
	pthread_mutex_unlock(&s->tick_mu);
	db_pool_give(s->pool, d);
	json_decref(summary);
	return rc;
}

int http_serve(const struct serve_opts *o)
{
	struct server s = {.o = o};
	char err[512];
	char host[128] = "127.0.0.1";
	int port = 8080;
	const char *colon = strrchr(o->listen, ':');
	if (colon) {
		size_t hl = (size_t)(colon - o->listen);
		if (hl >= sizeof host)
			hl = sizeof host - 1;
		memcpy(host, o->listen, hl);
		host[hl] = '\0';
		port = atoi(colon + 1);
	} else {
		port = atoi(o->listen);
	}
	struct sockaddr_in sa = {0};
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (port <= 0 || port > 65535 || inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		fprintf(stderr, "frontline: --listen must be IPv4-ADDRESS:PORT, e.g. 127.0.0.1:8080\n");
		return 2;
	}
	if (o->test_clock) {
		int64_t start = 0;
		if (o->test_clock_start && time_parse(o->test_clock_start, &start)) {
			fprintf(stderr, "frontline: --test-clock-start must be an RFC 3339 time\n");
			return 2;
		}
		fl_clock real;
		clock_init_real(&real);
		clock_init_manual(&s.clock, start ? start : clock_now(&real));
		fprintf(stderr, "frontline: WARNING: TEST CLOCK ENABLED - time is manual and /api/v1/test/clock can move it. "
				"Never use this in production.\n");
	} else {
		clock_init_real(&s.clock);
	}
	s.pool = db_pool_open(o->db_url, o->threads + 1, err, sizeof err);
	if (!s.pool) {
		fprintf(stderr, "frontline: %s\n", err);
		return 1;
	}
	db *probe = db_pool_take(s.pool);
	int single_writer = db_dialect(probe) == DB_SQLITE;
	db_pool_give(s.pool, probe);
	if (single_writer) {
		s.writer = writer_start(o->db_url, err, sizeof err);
		if (!s.writer) {
			fprintf(stderr, "frontline: %s\n", err);
			return 1;
		}
	}
	s.login_limit = ratelimit_new(5, 15 * FL_MIN_MS);
	s.ip_limit = ratelimit_new(50, 15 * FL_MIN_MS);
	pthread_mutex_init(&s.tick_mu, NULL);
	password_dummy_hash();

	struct MHD_Daemon *daemon = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG, (uint16_t)port, NULL, NULL, handler, &s,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)o->threads,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)o->max_connections, MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned)o->timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024), MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		(unsigned)o->max_connections, MHD_OPTION_NOTIFY_COMPLETED, completed, &s, MHD_OPTION_LISTENING_ADDRESS_REUSE,
		(unsigned)1, MHD_OPTION_END);
	if (!daemon) {
		fprintf(stderr, "frontline: cannot listen on %s: %s\n", o->listen, strerror(errno));
		db_pool_close(s.pool);
		return 1;
	}
	g_server = &s;
	struct sigaction act = {0};
	act.sa_handler = on_signal;
	sigaction(SIGINT, &act, NULL);
	sigaction(SIGTERM, &act, NULL);
	signal(SIGPIPE, SIG_IGN);
	fprintf(stderr, "{\"listening\":\"http://%s:%d\",\"db\":\"%s\",\"threads\":%d,\"test_clock\":%s}\n", host, port,
		strncmp(o->db_url, "postgres", 8) == 0 ? "postgres" : o->db_url, o->threads, o->test_clock ? "true" : "false");
	int64_t next_tick = 0;
	while (!s.stop) {
		usleep(100 * 1000);
		if (!o->test_clock && o->scheduler_interval_s > 0) {
			int64_t now = clock_now(&s.clock);
			if (now >= next_tick) {
				run_tick(&s);
				next_tick = now + o->scheduler_interval_s * 1000LL;
			}
		}
	}
	MHD_stop_daemon(daemon);
	writer_stop(s.writer);
	db_pool_close(s.pool);
	ratelimit_free(s.login_limit);
	ratelimit_free(s.ip_limit);
	pthread_mutex_destroy(&s.tick_mu);
	fprintf(stderr, "{\"stopped\":true}\n");
	return 0;
}
