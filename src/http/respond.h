#ifndef FL_HTTP_RESPOND_H
#define FL_HTTP_RESPOND_H
/* libmicrohttpd responses: the headers every answer carries, and the web UI's static files. */
#include <microhttpd.h>

#include "http/api.h"

/* Security headers every response carries (CSP without inline script, nosniff, ...); hsts adds
 * Strict-Transport-Security (when the public URL is https). */
void http_security_headers(struct MHD_Response *r, int hsts);
/* A response for an answer (its body handed over, not copied: a->body is NULL after), with Content-Type, Cache-Control: no-store,
 * Set-Cookie, Content-Disposition and Retry-After as the answer says; gzip (the client accepts
 * it, http_accepts_gzip) compresses a text body of HTTP_GZIP_MIN bytes or more.  Caller destroys it. */
struct MHD_Response *http_answer_response(struct http_answer *a, int gzip);
/* A file of the web UI compiled into the binary (http/static.c), or NULL when none.  Files under
 * assets/ have content-hashed names and are cached for a year (immutable); the rest, index.html
 * among them, are revalidated (no-cache).  gzip: as above (each file compressed once). */
struct MHD_Response *http_static(const char *url, int gzip);

#endif
