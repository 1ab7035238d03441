#include "http/request.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/util.h"
#include "http/clientaddr.h"

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

int http_framing_ok(struct MHD_Connection *con)
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

size_t http_url_length(struct MHD_Connection *con, const char *url)
{
	size_t n = strlen(url);
	MHD_get_connection_values(con, MHD_GET_ARGUMENT_KIND, add_arg_len, &n);
	return n;
}

static void pairs_push(struct http_pairs *p, const char *s)
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

static const char *const *pairs_of(struct MHD_Connection *con, enum MHD_ValueKind kind, struct http_pairs *p)
{
	MHD_get_connection_values(con, kind, pairs_add, p);
	pairs_push(p, NULL);
	return p->v;
}

void http_req_fill(struct http_req *r, struct MHD_Connection *con, const char *trusted_proxies, const char *method,
		   const char *url, const char *body, size_t len, const char *request_id)
{
	size_t plen = strcspn(url, "?");
	memcpy(r->path, url, plen);
	r->path[plen] = '\0';
	http_client_addr(con, trusted_proxies, r->ip, sizeof r->ip);
	r->query = r->headers = r->cookies = (struct http_pairs){0};
	r->rq = (struct http_request){.method = method,
				      .path = r->path,
				      .body = body,
				      .len = len,
				      .client_ip = r->ip[0] ? r->ip : NULL,
				      .request_id = request_id};
	r->rq.query = pairs_of(con, MHD_GET_ARGUMENT_KIND, &r->query);
	r->rq.headers = pairs_of(con, MHD_HEADER_KIND, &r->headers);
	r->rq.cookies = pairs_of(con, MHD_COOKIE_KIND, &r->cookies);
}

void http_req_release(struct http_req *r)
{
	free(r->query.v);
	free(r->headers.v);
	free(r->cookies.v);
}
