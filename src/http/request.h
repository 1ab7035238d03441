#ifndef FL_HTTP_REQUEST_H
#define FL_HTTP_REQUEST_H
/* What http/server.c reads of a libmicrohttpd request before it answers: the framing check, the
 * URL's length, and the request as http_api_handle takes it (http/api.h). */
#include <microhttpd.h>
#include <stddef.h>

#include "http/api.h"

#define MAX_URL 2048

/* Request framing (RFC 9112 section 6.3): 1 when the request has at most one Content-Length value
 * (digits only) and not together with Transfer-Encoding; 0 when its body could be framed two ways. */
int http_framing_ok(struct MHD_Connection *con);
/* The length of the URL with its query string (libmicrohttpd hands the handler the path alone). */
size_t http_url_length(struct MHD_Connection *con, const char *url);

/* name, value, ..., NULL lists of one kind of request values (pointers into libmicrohttpd's
 * memory, valid during the request; their number is bounded by the connection memory limit). */
struct http_pairs {
	const char **v;
	size_t n, cap;
};

/* What http_api_handle reads of a request: its path, its client's address and its value lists. */
struct http_req {
	char path[MAX_URL + 1], ip[64];
	struct http_pairs query, headers, cookies;
	struct http_request rq;
};

/* Fill r for the request of con: the path of url without a query string, the client's address
 * (believing X-Forwarded-For from trusted_proxies), the value lists; body, len and request_id are
 * borrowed.  r's lists point into con's memory: valid until the request completes.  Release with
 * http_req_release. */
void http_req_fill(struct http_req *r, struct MHD_Connection *con, const char *trusted_proxies, const char *method,
		   const char *url, const char *body, size_t len, const char *request_id);
void http_req_release(struct http_req *r);

#endif
