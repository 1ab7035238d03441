#ifndef FL_HTTP_GZIP_H
#define FL_HTTP_GZIP_H
/* Compressing answers with gzip (zlib) for clients that accept it: API JSON and CSV, and the web
 * UI's files (each compressed once, the first time it is asked for). */
#include <stddef.h>

/* Smaller bodies are sent as they are: the gzip header and the CPU cost outweigh the saving. */
#define HTTP_GZIP_MIN 1024

/* 1 when an Accept-Encoding header value accepts gzip (a "gzip" or "*" coding without q=0),
 * else 0.  NULL (no header) accepts nothing. */
int http_accepts_gzip(const char *accept_encoding);

/* 1 for a Content-Type worth compressing (JSON, HTML, JavaScript, CSS, CSV, plain text, SVG). */
int http_gzip_type(const char *content_type);

/* gzip `len` bytes of `in` into a new buffer (*out, malloc'd, the caller frees; *out_len its
 * length).  Returns 0, or -1 (nothing allocated) when zlib fails or the result is not smaller. */
int http_gzip(const void *in, size_t len, char **out, size_t *out_len);

#endif
