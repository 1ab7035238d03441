#include "http/respond.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/gzip.h"

#define CSP                                                                                                  \
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " \
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

void http_security_headers(struct MHD_Response *r, int hsts)
{
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Content-Security-Policy", CSP);
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
	if (hsts)
		MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
}

/* The answer's body, gzipped when the client takes it and it is worth it; else handed over. */
static struct MHD_Response *answer_body(struct http_answer *a, const char *type, int gzip)
{
	char *z;
	size_t zlen;
	if (gzip && a->len >= HTTP_GZIP_MIN && http_gzip_type(type) && http_gzip(a->body, a->len, &z, &zlen) == 0) {
		struct MHD_Response *r = MHD_create_response_from_buffer(zlen, z, MHD_RESPMEM_MUST_FREE);
		if (!r)
			free(z);
		else
			MHD_add_response_header(r, "Content-Encoding", "gzip");
		return r;
	}
	struct MHD_Response *r = MHD_create_response_from_buffer(a->len, a->body, MHD_RESPMEM_MUST_FREE);
	if (r)
		a->body = NULL; /* libmicrohttpd's now: freed with the response */
	return r;
}

/* The header name: n, when the server counts it (n >= 0: FRONTLINE_COUNT_STATEMENTS=1). */
static void add_count(struct MHD_Response *r, const char *name, int64_t n)
{
	if (n < 0)
		return;
	char s[24];
	snprintf(s, sizeof s, "%lld", (long long)n);
	MHD_add_response_header(r, name, s);
}

struct MHD_Response *http_answer_response(struct http_answer *a, int gzip)
{
	const char *type = a->content_type[0] ? a->content_type : "application/json";
	struct MHD_Response *r = answer_body(a, type, gzip);
	if (!r)
		return NULL;
	MHD_add_response_header(r, "Content-Type", type);
	if (http_gzip_type(type))
		MHD_add_response_header(r, "Vary", "Accept-Encoding");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	if (a->set_cookie)
		MHD_add_response_header(r, "Set-Cookie", a->set_cookie);
	if (a->disposition)
		MHD_add_response_header(r, "Content-Disposition", a->disposition);
	if (a->retry_after > 0) {
		char s[16];
		snprintf(s, sizeof s, "%d", a->retry_after);
		MHD_add_response_header(r, "Retry-After", s);
	}
	add_count(r, "X-Statements", a->statements);
	add_count(r, "X-Steps", a->steps);
	return r;
}
