/* Server-Sent Events for live pages: see http/events_stream.h for the contract and the threads. */
#include "http/events_stream.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/thread.h"
#include "base/util.h"

#define SSE_POLL_MS 1000       /* how often the hub asks what changed */
#define SSE_KEEPALIVE_MS 15000 /* a comment line at least this often (also finds closed connections) */
#define SSE_BUF_MAX (64 * 1024) /* unsent text per stream before it is dropped as too slow */
#define SSE_CRED_MAX 512        /* longest credential a stream keeps */
#define SSE_MAX_LIFE_MS (30 * 60 * 1000) /* then the stream ends; the browser reconnects with Last-Event-ID */

struct sse_stream {
	struct sse_hub *hub;
	struct MHD_Connection *con;
	char *buf; /* unsent text: buf[off..len) */
	size_t len, off, cap;
	int suspended; /* waiting for the hub: only the hub resumes it, and it cannot be freed meanwhile */
	int done;      /* end at the next read (signed out, too slow, stopping) */
	int64_t cursor;      /* the last sequence number sent */
	long long unread;    /* the alert count last sent */
	int64_t last_send_ms;
	int64_t opened_ms;
	char *auth, *cookie, *ip; /* the person's credentials and address, asked with on each poll */
	struct sse_stream *prev, *next;
};

struct sse_hub {
	const struct http_app *app;
	unsigned max, count;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop;
	int joined; /* sse_hub_stop has run (it may be called again) */
	pthread_t thread;
	struct sse_stream *head;
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static char *dup_capped(const char *s)
{
	return s && strlen(s) <= SSE_CRED_MAX ? xstrdup(s) : NULL;
}

/* --- asking the API --- */

/* GET /api/v1/changes[?after=N] with the stream's credentials.  The parsed 200 body (new reference),
 * or NULL with the whole answer left in *ans (release it). */
static json_t *ask_changes(const struct http_app *app, const char *auth, const char *cookie, const char *ip,
			   int64_t after, struct http_answer *ans)
{
	char after_text[24];
	snprintf(after_text, sizeof after_text, "%" PRId64, after);
	const char *query[] = {"after", after_text, NULL};
	const char *headers[] = {"Accept", "application/json", auth ? "Authorization" : NULL, auth, NULL};
	const char *cookies[] = {cookie ? "fl_session" : NULL, cookie, NULL};
	struct http_request rq = {.method = "GET", .path = "/api/v1/changes", .query = after >= 0 ? query : query + 2,
				  .headers = headers, .cookies = cookies, .client_ip = ip};
	*ans = (struct http_answer)HTTP_ANSWER_INIT;
	http_api_handle(app, &rq, ans);
	if (ans->status != 200)
		return NULL;
	json_t *out = json_loadb(ans->body, ans->len, 0, NULL);
	http_answer_release(ans);
	return out;
}

/* --- the stream's text --- */

static void put(struct sse_stream *st, const char *text)
{
	size_t n = strlen(text);
	if (st->off == st->len)
		st->off = st->len = 0;
	if (st->len + n > SSE_BUF_MAX) {
		st->done = 1; /* the client stopped reading: drop it rather than grow */
		return;
	}
	if (st->len + n + 1 > st->cap) {
		st->cap = (st->len + n + 1) * 2;
		st->buf = xrealloc(st->buf, st->cap);
	}
	memcpy(st->buf + st->len, text, n + 1);
	st->len += n;
}

static void put_event(struct sse_stream *st, const char *event, json_t *data, int64_t id)
{
	char *d = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS);
	char *text = id >= 0 ? xasprintf("id: %" PRId64 "\nevent: %s\ndata: %s\n\n", id, event, d ? d : "{}")
			     : xasprintf("event: %s\ndata: %s\n\n", event, d ? d : "{}");
	put(st, text);
	free(text);
	free(d);
}

/* Add what changes says to the stream (under the hub's lock).  1 when something was added. */
static int take_changes(struct sse_stream *st, json_t *changes)
{
	size_t before = st->len - st->off, i;
	json_t *it;
	json_array_foreach(json_object_get(changes, "items"), i, it)
	{
		int64_t seq = json_integer_value(json_object_get(it, "seq"));
		json_t *data = json_deep_copy(it);
		json_object_del(data, "seq");
		put_event(st, "case", data, seq);
		json_decref(data);
		st->cursor = seq;
	}
	int64_t last = json_integer_value(json_object_get(changes, "last"));
	long long unread = json_integer_value(json_object_get(json_object_get(changes, "alerts"), "unread"));
	if (unread != st->unread) {
		json_t *a = json_pack("{s:I}", "unread", (json_int_t)unread);
		put_event(st, "alerts", a, -1);
		json_decref(a);
		st->unread = unread;
	}
	if (last != st->cursor) {
		char idline[48];
		snprintf(idline, sizeof idline, "id: %" PRId64 "\n\n", last); /* moves the resume point, dispatches nothing */
		put(st, idline);
		st->cursor = last;
	}
	return st->len - st->off > before;
}

/* --- libmicrohttpd's side --- */

static ssize_t reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct sse_stream *st = cls;
	struct sse_hub *h = st->hub;
	(void)pos;
	ssize_t n = 0;
	pthread_mutex_lock(&h->mu);
	if (st->len > st->off) {
		size_t k = st->len - st->off < max ? st->len - st->off : max;
		memcpy(buf, st->buf + st->off, k);
		st->off += k;
		st->last_send_ms = now_ms();
		n = (ssize_t)k;
	} else if (h->stop || st->done) {
		n = MHD_CONTENT_READER_END_OF_STREAM;
	} else {
		/* nothing to send: leave the worker thread free until the hub has something */
		st->suspended = 1;
		MHD_suspend_connection(st->con);
	}
	pthread_mutex_unlock(&h->mu);
	return n;
}

static void stream_discard(struct sse_stream *st)
{
	free(st->buf);
	free(st->auth);
	free(st->cookie);
	free(st->ip);
	free(st);
}

static void stream_free(void *cls)
{
	struct sse_stream *st = cls;
	struct sse_hub *h = st->hub;
	pthread_mutex_lock(&h->mu);
	if (st->prev)
		st->prev->next = st->next;
	else
		h->head = st->next;
	if (st->next)
		st->next->prev = st->prev;
	h->count--;
	pthread_mutex_unlock(&h->mu);
	stream_discard(st);
}

/* --- the hub --- */

/* Poll one suspended stream (without the lock: only the hub touches it while it is suspended). */
static json_t *poll_one(struct sse_hub *h, struct sse_stream *st, int *signed_out)
{
	struct http_answer a;
	json_t *changes = ask_changes(h->app, st->auth, st->cookie, st->ip, st->cursor, &a);
	if (!changes) {
		*signed_out = a.status == 401;
		http_answer_release(&a);
	}
	return changes;
}

static void poll_streams(struct sse_hub *h)
{
	size_t n = 0, k;
	struct sse_stream **todo;
	pthread_mutex_lock(&h->mu);
	todo = xcalloc(h->count + 1, sizeof *todo);
	for (struct sse_stream *st = h->head; st; st = st->next)
		if (st->suspended)
			todo[n++] = st;
	pthread_mutex_unlock(&h->mu);
	for (k = 0; k < n && !h->stop; k++) {
		struct sse_stream *st = todo[k];
		int signed_out = 0;
		json_t *changes = poll_one(h, st, &signed_out);
		pthread_mutex_lock(&h->mu);
		int wake = changes && take_changes(st, changes);
		if (signed_out) {
			json_t *o = json_object();
			put_event(st, "signed_out", o, -1);
			json_decref(o);
			st->done = wake = 1;
		}
		if (now_ms() - st->opened_ms >= SSE_MAX_LIFE_MS)
			st->done = 1; /* bounds what an abandoned tab can hold */
		if (!wake && now_ms() - st->last_send_ms >= SSE_KEEPALIVE_MS) {
			put(st, ": keep-alive\n\n");
			wake = 1;
		}
		if ((wake || st->done) && st->suspended && !h->stop) {
			st->suspended = 0;
			MHD_resume_connection(st->con);
		}
		pthread_mutex_unlock(&h->mu);
		json_decref(changes);
	}
	free(todo);
}

static void *hub_main(void *arg)
{
	struct sse_hub *h = arg;
	pthread_mutex_lock(&h->mu);
	while (!h->stop) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += (long)SSE_POLL_MS * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		int rc = pthread_cond_timedwait(&h->cv, &h->mu, &until);
		if (h->stop || (rc != ETIMEDOUT && rc != 0))
			break;
		pthread_mutex_unlock(&h->mu);
		poll_streams(h);
		pthread_mutex_lock(&h->mu);
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

struct sse_hub *sse_hub_new(const struct http_app *app, unsigned max_streams)
{
	struct sse_hub *h = xcalloc(1, sizeof *h);
	h->app = app;
	h->max = max_streams;
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->cv, NULL);
	if (pthread_create(&h->thread, NULL, hub_main, h) != 0) {
		pthread_mutex_destroy(&h->mu);
		pthread_cond_destroy(&h->cv);
		free(h);
		return NULL;
	}
	return h;
}

/* The resume point a reconnecting client sends (Last-Event-ID), or -1. */
static int64_t last_event_id(const struct http_request *rq)
{
	const char *v = http_header(rq, "Last-Event-ID");
	if (!v || !*v || strlen(v) > 18 || v[strspn(v, "0123456789")])
		return -1;
	return strtoll(v, NULL, 10);
}

static const char *cookie_of(const struct http_request *rq)
{
	for (const char *const *kv = rq->cookies; kv && kv[0]; kv += 2)
		if (strcmp(kv[0], "fl_session") == 0)
			return kv[1];
	return NULL;
}

static struct sse_stream *stream_new(struct sse_hub *h, struct MHD_Connection *con, const struct http_request *rq)
{
	struct sse_stream *st = xcalloc(1, sizeof *st);
	st->hub = h;
	st->con = con;
	st->auth = dup_capped(http_header(rq, "Authorization"));
	st->cookie = dup_capped(cookie_of(rq));
	st->ip = dup_capped(rq->client_ip);
	st->unread = -1;
	st->last_send_ms = st->opened_ms = now_ms();
	return st;
}

struct MHD_Response *sse_open(struct sse_hub *h, struct MHD_Connection *con, const struct http_request *rq,
			      struct http_answer *refusal)
{
	struct sse_stream *st = stream_new(h, con, rq);
	int64_t from = last_event_id(rq);
	json_t *changes = ask_changes(h->app, st->auth, st->cookie, st->ip, from, refusal);
	if (!changes) { /* not signed in, or the database is away: the API's own answer */
		stream_discard(st);
		return NULL;
	}
	pthread_mutex_lock(&h->mu);
	int full = h->stop || h->count >= h->max;
	if (!full) {
		st->next = h->head;
		if (h->head)
			h->head->prev = st;
		h->head = st;
		h->count++;
	}
	pthread_mutex_unlock(&h->mu);
	if (full) {
		json_decref(changes);
		fl_err e = FL_ERR_INIT;
		err_set(&e, ERR_TOO_MANY, "too_many_streams", NULL, "too many live pages are open on this server; reload later");
		http_answer_error(refusal, &e);
		stream_discard(st);
		return NULL;
	}
	/* the first words: how long to wait before reconnecting, then what changed since Last-Event-ID */
	pthread_mutex_lock(&h->mu);
	st->cursor = from >= 0 ? from : 0;
	put(st, "retry: 3000\n\n");
	take_changes(st, changes);
	json_t *hello = json_pack("{s:I,s:I}", "last", (json_int_t)st->cursor, "unread", (json_int_t)st->unread);
	put_event(st, "hello", hello, -1);
	pthread_mutex_unlock(&h->mu);
	json_decref(hello);
	json_decref(changes);
	struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, reader, st, stream_free);
	if (!r) {
		stream_free(st);
		return NULL;
	}
	MHD_add_response_header(r, "Content-Type", "text/event-stream; charset=utf-8");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Accel-Buffering", "no");
	return r;
}

void sse_hub_stop(struct sse_hub *h)
{
	if (!h || h->joined)
		return;
	h->joined = 1;
	thread_stop(h->thread, &h->mu, &h->cv, &h->stop);
	pthread_mutex_lock(&h->mu);
	for (struct sse_stream *st = h->head; st; st = st->next) {
		st->done = 1;
		if (st->suspended) {
			st->suspended = 0;
			MHD_resume_connection(st->con);
		}
	}
	pthread_mutex_unlock(&h->mu);
}

void sse_hub_free(struct sse_hub *h)
{
	if (!h)
		return;
	pthread_mutex_destroy(&h->mu);
	pthread_cond_destroy(&h->cv);
	free(h);
}
