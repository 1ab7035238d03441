#include "http/server.h"
#include "http/workers.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/limits.h"
#include "base/log.h"
#include "base/password.h"
#include "base/ratelimit.h"
#include "base/util.h"
#include "http/api.h"
#include "http/clientaddr.h"
#include "http/events_stream.h"
#include "http/gzip.h"
#include "http/lifecycle.h"
#include "http/listen.h"
#include "http/metrics.h"
#include "http/respond.h"
#include "store/idem.h"
#include "svc/ledger/case_cache.h"
#include "svc/run.h"
#include "svc/tick.h"

#define MAX_URL 2048
#define LOG_PATH_MAX 256

/* A connection, from accept to close: its client address (for the per-address cap) and how long
 * it has been waiting for a request's headers. */
struct conn {
	int fd;
	unsigned char addr[16]; /* IPv4 or IPv6 address bytes */
	int64_t since_ms; /* when it started waiting for the headers */
	int waiting;      /* between requests (or before the first): the header clock runs */
	struct conn *prev, *next;
};

struct server {
	const struct serve_opts *o;
	struct http_app app;
	fl_clock clock;
	int hsts;
	struct lifecycle life;
	struct http_metrics *metrics;
	pthread_mutex_t tick_mu; /* one scheduler pass at a time in this process */
	pthread_mutex_t conn_mu;
	struct conn *conns;
	struct sse_hub *sse; /* the live pages' event streams (http/events_stream.h) */
};

struct req {
	char *body;
	size_t len, cap;
	int too_big;
	int bad_framing;
	int64_t start_us;
	char id[20];
	int status;
	char person[ID_SIZE];
	const char *route; /* for the metrics (http/api.h HTTP_ROUTE_...) */
};

static int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* --- the log --- */

/* Copy s into out as valid UTF-8 text: bytes that are not (invalid sequences, control
 * characters, '%') are written %XX.  Stops at the query string and at cap. */
static void log_escape(const char *s, char *out, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; s[i] && s[i] != '?' && o + 4 < cap;) {
		unsigned char ch = (unsigned char)s[i];
		size_t n = ch < 0x80 ? 1 : ch >= 0xc0 && ch < 0xe0 ? 2 : ch >= 0xe0 && ch < 0xf0 ? 3 : 4;
		if (ch != '%' && strnlen(s + i, n) == n && utf8_valid_text(s + i, n) && o + n < cap) {
			memcpy(out + o, s + i, n);
			o += n;
		} else {
			n = 1;
			o += (size_t)snprintf(out + o, cap - o, "%%%02X", ch);
		}
		i += n;
	}
	out[o] = '\0';
}

/* One structured line per request (info; error for a 5xx), and its count in the metrics.  Only the
 * path (no query string, no body, no headers): no tokens, passwords or search terms reach the
 * log.  The path is escaped, so the line is always complete. */
static void request_done(struct server *s, const char *method, const char *url, const struct req *q)
{
	char path[LOG_PATH_MAX], meth[32];
	int64_t us = mono_us() - q->start_us;
	http_metrics_observe(s->metrics, q->route, method, q->status, us);
	log_escape(url, path, sizeof path);
	log_escape(method, meth, sizeof meth);
	log_http_request(q->status >= 500 ? LOG_ERROR : LOG_INFO, meth, path, q->status, us, q->person);
}

/* --- connections: the per-address cap and the header clock --- */

/* The address bytes of a socket address (zeros for other families). */
static void addr_key(const struct sockaddr *sa, unsigned char key[16])
{
	memset(key, 0, 16);
	if (sa && sa->sa_family == AF_INET)
		memcpy(key, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	else if (sa && sa->sa_family == AF_INET6)
		memcpy(key, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
}

/* libmicrohttpd asks before it takes a connection: refuse an address that holds its share
 * already, counted over the server's one list of connections (all worker threads).  Two accepts
 * racing can pass the cap by one each. */
static enum MHD_Result accept_policy(void *cls, const struct sockaddr *sa, socklen_t len)
{
	struct server *s = cls;
	unsigned char key[16];
	int n = 0;
	addr_key(sa, key);
	pthread_mutex_lock(&s->conn_mu);
	for (struct conn *c = s->conns; c; c = c->next)
		n += memcmp(c->addr, key, sizeof key) == 0;
	pthread_mutex_unlock(&s->conn_mu);
	return n < s->o->max_per_address ? MHD_YES : MHD_NO;
}

static void on_connection(void *cls, struct MHD_Connection *con, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	struct server *s = cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_CONNECTION_FD);
		const union MHD_ConnectionInfo *ai = MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		struct conn *c = xcalloc(1, sizeof *c);
		c->fd = ci ? ci->connect_fd : -1;
		addr_key(ai ? ai->client_addr : NULL, c->addr);
		c->since_ms = mono_us() / 1000;
		c->waiting = 1;
		pthread_mutex_lock(&s->conn_mu);
		c->next = s->conns;
		if (s->conns)
			s->conns->prev = c;
		s->conns = c;
		pthread_mutex_unlock(&s->conn_mu);
		*socket_context = c;
	} else if (toe == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context) {
		struct conn *c = *socket_context;
		pthread_mutex_lock(&s->conn_mu);
		if (c->prev)
			c->prev->next = c->next;
		else
			s->conns = c->next;
		if (c->next)
			c->next->prev = c->prev;
		pthread_mutex_unlock(&s->conn_mu);
		free(c);
		*socket_context = NULL;
	}
}

/* The header clock of con stops (its headers arrived) or starts again (its request is done). */
static void header_clock(struct server *s, struct MHD_Connection *con, int waiting)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct conn *c = ci ? ci->socket_context : NULL;
	if (!c)
		return;
	pthread_mutex_lock(&s->conn_mu);
	c->waiting = waiting;
	c->since_ms = mono_us() / 1000;
	pthread_mutex_unlock(&s->conn_mu);
}

/* Close every connection whose headers took longer than the limit (however slowly they trickle). */
static void close_slow_headers(struct server *s)
{
	int64_t now = mono_us() / 1000, limit = (int64_t)s->o->header_timeout_s * 1000;
	pthread_mutex_lock(&s->conn_mu);
	for (struct conn *c = s->conns; c; c = c->next) {
		if (c->waiting && c->fd >= 0 && now - c->since_ms > limit) {
			shutdown(c->fd, SHUT_RDWR); /* libmicrohttpd sees the end and closes it */
			c->waiting = 0;
		}
	}
	pthread_mutex_unlock(&s->conn_mu);
}

/* --- one request --- */

static void completed(void *cls, struct MHD_Connection *con, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct server *s = cls;
	struct req *q = *con_cls;
	header_clock(s, con, 1);
	if (!q)
		return;
	http_metrics_in_flight(s->metrics, -1);
	free(q->body);
	free(q);
	*con_cls = NULL;
}

static int takes_gzip(struct MHD_Connection *con)
{
	return http_accepts_gzip(MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING));
}

/* Queue r (destroyed here) with the headers every answer carries. */
static enum MHD_Result send_response(struct server *s, struct MHD_Connection *con, struct req *q,
				     struct MHD_Response *r, int status, int close)
{
	if (!r)
		return MHD_NO;
	http_security_headers(r, s->hsts);
	MHD_add_response_header(r, "X-Request-Id", q->id);
	if (close)
		MHD_add_response_header(r, "Connection", "close");
	q->status = status;
	enum MHD_Result ret = MHD_queue_response(con, (unsigned)status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result send_answer(struct server *s, struct MHD_Connection *con, struct req *q, struct http_answer *a,
				   int close)
{
	STR_COPY(q->person, a->person);
	enum MHD_Result ret = send_response(s, con, q, http_answer_response(a, takes_gzip(con)), a->status, close);
	http_answer_release(a);
	return ret;
}

static enum MHD_Result send_error(struct server *s, struct MHD_Connection *con, struct req *q, enum err_kind kind,
				  const char *code, const char *msg, int close)
{
	struct http_answer a = HTTP_ANSWER_INIT;
	fl_err e = FL_ERR_INIT;
	err_set(&e, kind, code, NULL, "%s", msg);
	http_answer_error(&a, &e);
	return send_answer(s, con, q, &a, close);
}

/* Request framing (RFC 9112 section 6.3): one Content-Length value, digits only, and never
 * together with Transfer-Encoding.  Anything else could frame the body two ways. */
struct framing {
	const char *length;
	int bad, chunked;
};

static enum MHD_Result framing_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct framing *f = cls;
	if (strcasecmp(key, "Content-Length") == 0) {
		if (!value || !*value || value[strspn(value, "0123456789")] || (f->length && strcmp(f->length, value) != 0))
			f->bad = 1;
		f->length = value;
	} else if (strcasecmp(key, "Transfer-Encoding") == 0) {
		f->chunked = 1;
	}
	return MHD_YES;
}

static int framing_ok(struct MHD_Connection *con)
{
	struct framing f = {0};
	MHD_get_connection_values(con, MHD_HEADER_KIND, framing_header, &f);
	return !f.bad && !(f.length && f.chunked);
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

/* name, value, ..., NULL lists of one kind of request values (pointers into libmicrohttpd's
 * memory, valid during the request; their number is bounded by the connection memory limit). */
struct pairs {
	const char **v;
	size_t n, cap;
};

static void pairs_push(struct pairs *p, const char *s)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 32;
		p->v = xrealloc(p->v, p->cap * sizeof *p->v);
	}
	p->v[p->n++] = s;
}

static enum MHD_Result pairs_add(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	pairs_push(cls, key);
	pairs_push(cls, value);
	return MHD_YES;
}

static const char *const *pairs_of(struct MHD_Connection *con, enum MHD_ValueKind kind, struct pairs *p)
{
	MHD_get_connection_values(con, kind, pairs_add, p);
	pairs_push(p, NULL);
	return p->v;
}

/* Hand the whole request to http_api_handle and send its answer; or, for stream, open an event
 * stream (http/events_stream.h) and send it (or its refusal). */
static enum MHD_Result answer_api(struct server *s, struct MHD_Connection *con, const char *method, const char *url,
				  struct req *q, int stream)
{
	char path[MAX_URL + 1], ip[64];
	size_t plen = strcspn(url, "?");
	memcpy(path, url, plen);
	path[plen] = '\0';
	http_client_addr(con, s->o->trusted_proxies, ip, sizeof ip);
	struct pairs query = {0}, headers = {0}, cookies = {0};
	struct http_request rq = {.method = method,
				  .path = path,
				  .body = q->body,
				  .len = q->len,
				  .client_ip = ip[0] ? ip : NULL,
				  .request_id = q->id};
	rq.query = pairs_of(con, MHD_GET_ARGUMENT_KIND, &query);
	rq.headers = pairs_of(con, MHD_HEADER_KIND, &headers);
	rq.cookies = pairs_of(con, MHD_COOKIE_KIND, &cookies);
	struct http_answer a = HTTP_ANSWER_INIT;
	struct MHD_Response *events = NULL;
	if (stream)
		events = sse_open(s->sse, con, &rq, &a);
	else
		http_api_handle(&s->app, &rq, &a);
	free(query.v);
	free(headers.v);
	free(cookies.v);
	q->route = stream ? HTTP_ROUTE_STREAM : a.route ? a.route : HTTP_ROUTE_UNROUTED;
	if (events) {
		http_answer_release(&a);
		return send_response(s, con, q, events, 200, 0);
	}
	return send_answer(s, con, q, &a, 0);
}

/* GET /metrics: to the Bearer token on the main address (on_main), to anyone on the metrics
 * address (with the token too when one is set).  Without a token or a metrics address, no
 * /metrics (404). */
static enum MHD_Result answer_metrics(struct server *s, struct MHD_Connection *con, const char *method, struct req *q,
				      int on_main)
{
	const char *token = s->o->metrics_token;
	q->route = HTTP_ROUTE_METRICS;
	if (on_main && (!token || s->o->metrics_listen))
		return send_error(s, con, q, ERR_NOT_FOUND, "not_found", "no such resource", 0);
	if (token) {
		const char *auth = MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
		size_t n = strlen(token);
		if (!auth || strncmp(auth, "Bearer ", 7) != 0 || strlen(auth + 7) != n || sodium_memcmp(auth + 7, token, n) != 0)
			return send_error(s, con, q, ERR_UNAUTHORIZED, "unauthenticated", "the metrics token is needed", 0);
	}
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return send_error(s, con, q, ERR_NOT_FOUND, "not_found", "no such resource", 0);
	size_t len;
	char *text = http_metrics_render(s->metrics, s->app.tx, s->app.replica, &s->clock, &len);
	struct MHD_Response *r = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	if (r)
		MHD_add_response_header(r, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
	else
		free(text);
	return send_response(s, con, q, r, 200, 0);
}

static struct req *new_req(struct server *s, struct MHD_Connection *con)
{
	struct req *q = xcalloc(1, sizeof *q);
	http_metrics_in_flight(s->metrics, 1);
	q->route = HTTP_ROUTE_UNROUTED;
	q->start_us = mono_us();
	unsigned char rid[8];
	randombytes_buf(rid, sizeof rid);
	sodium_bin2hex(q->id, sizeof q->id, rid, sizeof rid);
	const char *cl = MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl && strtoull(cl, NULL, 10) > FL_MAX_BODY)
		q->too_big = 1;
	q->bad_framing = !framing_ok(con);
	return q;
}

static void take_upload(struct req *q, const char *upload, size_t n)
{
	if (q->too_big)
		return;
	if (q->len + n > FL_MAX_BODY) {
		q->too_big = 1;
		return;
	}
	if (q->len + n + 1 > q->cap) {
		q->cap = (q->len + n + 1) * 2;
		if (q->cap > FL_MAX_BODY + 1)
			q->cap = FL_MAX_BODY + 1;
		q->body = xrealloc(q->body, q->cap);
	}
	memcpy(q->body + q->len, upload, n);
	q->len += n;
	q->body[q->len] = '\0';
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *con, const char *url, const char *method,
			       const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct server *s = cls;
	struct req *q = *con_cls;
	enum MHD_Result ret;
	if (!q) {
		header_clock(s, con, 0);
		*con_cls = q = new_req(s, con);
		if (!q->bad_framing)
			return MHD_YES;
		/* answer before reading a body that could be framed two ways, and close */
		log_set_request(q->id);
		ret = send_error(s, con, q, ERR_INVALID, "ambiguous_framing",
				 "send one Content-Length, or Transfer-Encoding without Content-Length", 1);
		request_done(s, method, url, q);
		log_set_request(NULL);
		return ret;
	}
	if (*upload_size) {
		take_upload(q, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if (q->bad_framing)
		return MHD_YES; /* already answered */
	log_set_request(q->id);
	if (q->too_big) {
		ret = send_error(s, con, q, ERR_TOO_LARGE, "body_too_large", "the request body is over 1 MiB", 0);
	} else if (url_length(con, url) > MAX_URL) {
		ret = send_error(s, con, q, ERR_URI_TOO_LONG, "uri_too_long", "the URL is too long", 0);
	} else if (strcmp(url, "/api/v1/events/stream") == 0 && strcmp(method, "GET") == 0) {
		ret = answer_api(s, con, method, url, q, 1);
	} else if (strncmp(url, "/api/", 5) == 0 || strcmp(url, "/healthz") == 0 || strcmp(url, "/readyz") == 0) {
		ret = answer_api(s, con, method, url, q, 0);
	} else if (strcmp(url, "/metrics") == 0) {
		ret = answer_metrics(s, con, method, q, 1);
	} else if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0) {
		struct MHD_Response *r = http_static(url, takes_gzip(con));
		q->route = HTTP_ROUTE_STATIC;
		ret = r ? send_response(s, con, q, r, 200, 0)
			: send_error(s, con, q, ERR_NOT_FOUND, "not_found", "no such page", 0);
	} else {
		ret = send_error(s, con, q, ERR_NOT_FOUND, "not_found", "no such resource", 0);
	}
	request_done(s, method, url, q);
	log_set_request(NULL);
	return ret;
}

/* --- background work: the scheduler and the idempotency table's expiry --- */

struct tick_work {
	svc_ctx *c;
	json_t *summary;
};

static enum tx_verdict tick_work(void *arg, db *d)
{
	struct tick_work *w = arg;
	w->c->db = d;
	err_clear(&w->c->err);
	svc_cache_forget(w->c);
	json_object_clear(w->summary);
	return svc_verdict(w->c, tick_run(w->c, w->summary));
}

static void run_tick(struct server *s)
{
	svc_ctx c = {.clock = &s->clock, .now = clock_now(&s->clock)};
	struct tick_work w = {&c, json_object()};
	unsigned char rid[6];
	char id[LOG_ID_MAX] = "tick-";
	randombytes_buf(rid, sizeof rid);
	sodium_bin2hex(id + 5, sizeof id - 5, rid, sizeof rid);
	log_set_request(id); /* the pass's lines carry its id */
	pthread_mutex_lock(&s->tick_mu);
	if (tx_run(s->app.tx, TX_WRITE, tick_work, &w) != TX_DONE)
		log_json(LOG_ERROR,
			 json_pack("{s:s,s:s}", "scheduler", "failed", "code", c.err.code[0] ? c.err.code : "storage_error"));
	else if (json_object_size(w.summary))
		log_json(LOG_DEBUG, json_pack("{s:s,s:O}", "scheduler", "pass", "done", w.summary));
	pthread_mutex_unlock(&s->tick_mu);
	log_set_request(NULL);
	json_decref(w.summary);
	svc_ctx_release(&c);
}

static enum tx_verdict purge_work(void *arg, db *d)
{
	int64_t *before = arg;
	int rc = idem_purge(d, *before, NULL);
	return rc == DB_OK ? TX_COMMIT : rc == DB_RETRY ? TX_AGAIN : TX_ROLLBACK;
}

static void purge_idempotency(struct server *s, int64_t now)
{
	int64_t before = now - s->app.idem_ttl_ms;
	if (tx_run(s->app.tx, TX_WRITE, purge_work, &before) != TX_DONE)
		log_json(LOG_ERROR, json_pack("{s:s}", "idempotency_purge", "failed"));
}

/* --- listening --- */

static int start_clock(const struct serve_opts *o, fl_clock *clock)
{
	if (!o->test_clock) {
		clock_init_real(clock);
		return 0;
	}
	int64_t start = 0;
	if (o->test_clock_start && time_parse(o->test_clock_start, &start)) {
		fprintf(stderr, "frontline: --test-clock-start must be an RFC 3339 time\n");
		return -1;
	}
	fl_clock real;
	clock_init_real(&real);
	clock_init_manual(clock, start ? start : clock_now(&real));
	fprintf(stderr, "frontline: WARNING: TEST CLOCK ENABLED - time is manual and /api/v1/test/clock can move it. "
			"Never use this in production.\n");
	return 0;
}

/* The main thread: wait for a signal; run the scheduler, the expiry of idempotency answers, the
 * header clock, the log reopening and the watchdog meanwhile. */
static void main_loop(struct server *s)
{
	const struct serve_opts *o = s->o;
	int64_t next_tick = 0, last_purge = INT64_MIN;
	while (!s->life.stop) {
		usleep(100 * 1000);
		life_tick(&s->life, mono_us() / 1000);
		if (s->life.reopen) {
			s->life.reopen = 0;
			if (log_reopen())
				log_msg(LOG_ERROR, "cannot reopen the log file: %s", strerror(errno));
			else
				log_msg(LOG_INFO, "log reopened (SIGHUP)");
		}
		close_slow_headers(s);
		int64_t now = clock_now(&s->clock);
		if (!o->test_clock && o->scheduler_interval_s > 0 && now >= next_tick) {
			run_tick(s);
			next_tick = now + o->scheduler_interval_s * 1000LL;
		}
		if (last_purge == INT64_MIN || now - last_purge >= FL_MIN_MS) {
			purge_idempotency(s, now);
			last_purge = now;
		}
	}
}

/* After SIGTERM: take no new connections, let the requests in flight finish (up to the drain
 * time), then stop.  The scheduler pass under way has finished already (it runs on this thread). */
static void drain(struct server *s, struct MHD_Daemon *daemon)
{
	life_stopping("draining");
	MHD_socket fd = MHD_quiesce_daemon(daemon);
	sse_hub_stop(s->sse); /* every live page's stream resumed and ending: they are not work to wait for */
	int64_t until = mono_us() + (int64_t)s->o->drain_s * 1000000;
	long left;
	while ((left = http_metrics_in_flight_now(s->metrics)) > 0 && mono_us() < until)
		usleep(20 * 1000);
	log_json(LOG_INFO, json_pack("{s:s,s:i}", "stopping", left ? "drain time over" : "drained", "in_flight", (int)left));
	MHD_stop_daemon(daemon);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
}

static int secure_cookies(const struct serve_opts *o)
{
	if (o->secure_cookies >= 0)
		return o->secure_cookies;
	return o->public_url && strncasecmp(o->public_url, "https://", 8) == 0;
}

/* The metrics address's handler: GET /metrics, nothing else. */
static enum MHD_Result metrics_handler(void *cls, struct MHD_Connection *con, const char *url, const char *method,
				       const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	static int started;
	struct server *s = cls;
	if (!*con_cls) { /* the headers: wait for the (ignored) body */
		*con_cls = &started;
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size = 0;
		return MHD_YES;
	}
	struct req q = {.start_us = mono_us(), .route = HTTP_ROUTE_METRICS};
	unsigned char rid[8];
	randombytes_buf(rid, sizeof rid);
	sodium_bin2hex(q.id, sizeof q.id, rid, sizeof rid);
	log_set_request(q.id);
	enum MHD_Result ret = strcmp(url, "/metrics") == 0
				      ? answer_metrics(s, con, method, &q, 0)
				      : send_error(s, con, &q, ERR_NOT_FOUND, "not_found", "only /metrics here", 0);
	request_done(s, method, url, &q);
	log_set_request(NULL);
	return ret;
}

/* The metrics address's daemon, with a thread of its own, on fd (taken); NULL when there is none
 * (fd -1) or it could not start (then fd is closed). */
static struct MHD_Daemon *start_metrics(struct server *s, int fd, int port)
{
	if (fd < 0)
		return NULL;
	struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, (uint16_t)port, NULL, NULL,
						metrics_handler, s, MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_CONNECTION_LIMIT,
						16u, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)s->o->timeout_s, MHD_OPTION_END);
	if (!d)
		close(fd);
	return d;
}

static struct MHD_Daemon *start_api(struct server *s, int fd, int port)
{
	const struct serve_opts *o = s->o;
	return MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG | MHD_USE_ITC |
					MHD_ALLOW_SUSPEND_RESUME,
				(uint16_t)port, accept_policy, s, handler, s, MHD_OPTION_LISTEN_SOCKET, fd,
				MHD_OPTION_THREAD_POOL_SIZE, (unsigned)o->threads, MHD_OPTION_CONNECTION_LIMIT,
				(unsigned)o->max_connections, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)o->timeout_s,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024), MHD_OPTION_NOTIFY_COMPLETED, completed,
				s, MHD_OPTION_NOTIFY_CONNECTION, on_connection, s, MHD_OPTION_END);
}

/* The case pages the server keeps rendered; FRONTLINE_CASE_CACHE=0 (benchmarks) renders every one. */
static struct case_cache *kept_pages(void)
{
	const char *kept = getenv("FRONTLINE_CASE_CACHE");
	return kept && strcmp(kept, "0") == 0 ? NULL : case_cache_new(CASE_CACHE_SLOTS, CASE_CACHE_MAX_TEXT, CASE_CACHE_BUDGET);
}

int http_serve(const struct serve_opts *o)
{
	struct server s = {.o = o};
	char err[512];
	int fd[2], port[2], rc = 1;
	life_signals(&s.life); /* first: a SIGTERM from now on stops the server cleanly */
	if (start_clock(o, &s.clock))
		return 2;
	if ((rc = http_open_addresses(o, fd, port)) != 0)
		return rc;
	rc = 1;
	tx_runner *tx = tx_open(o->db_url, o->threads + 1, o->group_commit == 1   ? TX_BATCH_ALL
								 : o->group_commit == 0 ? TX_BATCH_NONE
											: TX_BATCH_SQLITE, err, sizeof err);
	if (!tx) {
		fprintf(stderr, "frontline: %s\n", err);
		http_close_addresses(fd);
		return 1;
	}
	replica *standby = NULL;
	if (o->read_replica && !(standby = replica_open(o->read_replica, o->threads, o->replica_max_lag_ms, err, sizeof err))) {
		fprintf(stderr, "frontline: %s\n", err);
		tx_close(tx);
		http_close_addresses(fd);
		return 1;
	}
	s.hsts = secure_cookies(o);
	s.metrics = http_metrics_new();
	s.app = (struct http_app){.tx = tx, .replica = standby, .clock = &s.clock, .test_clock = o->test_clock,
				  .signin_gate = ratelimit_gate_new(ratelimit_gate_slots(o->threads)),
				  .secure_cookies = s.hsts, .idem_ttl_ms = (int64_t)o->idempotency_hours * FL_HOUR_MS,
				  .case_cache = kept_pages(), .public_url = o->public_url};
	const char *count = getenv("FRONTLINE_COUNT_STATEMENTS"); /* tests: X-Statements on every answer */
	s.app.count_statements = count && strcmp(count, "1") == 0;
	pthread_mutex_init(&s.tick_mu, NULL);
	pthread_mutex_init(&s.conn_mu, NULL);
	password_dummy_hash();
	/* at most half the connections hold a live page open, so streams never crowd out requests */
	if (!(s.sse = sse_hub_new(&s.app, (unsigned)o->max_connections / 2))) {
		fprintf(stderr, "frontline: cannot start the event streams' thread\n");
		http_close_addresses(fd);
		goto cleanup;
	}
	/* metrics first: the main address's /healthz says the server is up */
	struct MHD_Daemon *mdaemon = start_metrics(&s, fd[1], port[1]), *daemon = NULL;
	if ((fd[1] >= 0 && !mdaemon) || !(daemon = start_api(&s, fd[0], port[0]))) {
		fprintf(stderr, "frontline: cannot serve on %s: %s\n", mdaemon || fd[1] < 0 ? o->listen : o->metrics_listen,
			strerror(errno));
		if (mdaemon)
			MHD_stop_daemon(mdaemon);
		close(fd[0]);
		goto cleanup;
	}
	log_json(LOG_INFO, json_pack("{s:s+,s:s,s:i,s:b,s:b,s:s?,s:s,s:s}", "listening", "http://", o->listen, "db",
				     strncmp(o->db_url, "postgres", 8) == 0 ? "postgres" : o->db_url, "threads", o->threads,
				     "test_clock", o->test_clock, "secure_cookies", s.hsts, "metrics",
				     o->metrics_listen ? o->metrics_listen : o->metrics_token ? "token" : NULL,
				     "log_level", log_level_name(o->log_level), "webhook_worker",
				     o->webhook_worker && !o->test_clock ? "on" : "off"));
	struct workers *workers = workers_start(o, &s.clock);
	life_ready(&s.life, "serving");
	main_loop(&s);
	if (mdaemon)
		MHD_stop_daemon(mdaemon);
	drain(&s, daemon);
	workers_stop(workers); /* after the attempt under way, recorded */
	log_json(LOG_INFO, json_pack("{s:b}", "stopped", 1));
	rc = 0;
cleanup:
	sse_hub_stop(s.sse);
	sse_hub_free(s.sse);
	replica_close(standby);
	tx_close(tx);
	http_metrics_free(s.metrics);
	ratelimit_gate_free(s.app.signin_gate);
	case_cache_free(s.app.case_cache);
	pthread_mutex_destroy(&s.tick_mu);
	pthread_mutex_destroy(&s.conn_mu);
	return rc;
}
