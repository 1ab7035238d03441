#ifndef FL_HTTP_EVENTS_STREAM_H
#define FL_HTTP_EVENTS_STREAM_H
/* GET /api/v1/events/stream: Server-Sent Events for live pages (http/events_stream.c).
 *
 * A stream is authenticated and scoped by the API itself: on connect, and then about once a
 * second on the hub's own thread, it asks GET /api/v1/changes (svc/org/live.h) through
 * http_api_handle with the person's own credentials, so it sees only what they may see and ends
 * when their session does (event "signed_out").  Events: "case" (a case changed: id, number,
 * kind, who), "alerts" (my unread count changed), "hello" on connect; "id:" is the history's
 * sequence number, so a reconnect with Last-Event-ID resumes where it left off.
 *
 * Threads: a stream never blocks a libmicrohttpd worker.  With nothing to send, its content
 * reader suspends the connection (MHD_ALLOW_SUSPEND_RESUME) and the hub resumes it when it has
 * data or a keep-alive is due (which also finds closed connections).  Each stream's unsent text
 * is capped; a client that stops reading is dropped.  sse_hub_stop resumes every stream (which
 * then ends) before the daemon stops, as libmicrohttpd requires. */
#include <microhttpd.h>

#include "http/api.h"

struct sse_hub;

/* A hub for at most max_streams streams over app (borrowed; must outlive the hub), with its thread
 * started.  NULL if the thread could not start. */
struct sse_hub *sse_hub_new(const struct http_app *app, unsigned max_streams);

/* Open a stream for rq (GET /api/v1/events/stream) on con.  Returns the response to queue (the
 * caller destroys its reference after queueing), or NULL with *refusal filled (401 when not signed
 * in, 429 when the hub is full, ...). */
struct MHD_Response *sse_open(struct sse_hub *h, struct MHD_Connection *con, const struct http_request *rq,
			      struct http_answer *refusal);

/* Stop polling and end every stream (their connections are resumed); call before MHD_stop_daemon. */
void sse_hub_stop(struct sse_hub *h);
/* Free the hub after MHD_stop_daemon (every stream's connection is closed by then). */
void sse_hub_free(struct sse_hub *h);

#endif
