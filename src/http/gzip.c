/* gzip for answers: zlib's deflate with the gzip wrapper (windowBits 15 + 16). */
#include "http/gzip.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

/* One coding of an Accept-Encoding list ("gzip;q=0.5"): its name matches and its q is not 0. */
static int coding_accepts(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s))
		s++, n--;
	size_t name = 0;
	while (name < n && s[name] != ';' && !isspace((unsigned char)s[name]))
		name++;
	if (!((name == 4 && strncasecmp(s, "gzip", 4) == 0) || (name == 1 && s[0] == '*')))
		return 0;
	const char *q = memchr(s, ';', n);
	if (!q)
		return 1;
	q++;
	while (q < s + n && isspace((unsigned char)*q))
		q++;
	if (q + 2 > s + n || (q[0] != 'q' && q[0] != 'Q') || q[1] != '=')
		return 1;
	for (q += 2; q < s + n; q++) /* "0", "0.0", "0.000" refuse; any other digit accepts */
		if (*q >= '1' && *q <= '9')
			return 1;
	return 0;
}

int http_accepts_gzip(const char *accept_encoding)
{
	const char *s = accept_encoding;
	while (s && *s) {
		const char *end = strchr(s, ',');
		size_t n = end ? (size_t)(end - s) : strlen(s);
		if (coding_accepts(s, n))
			return 1;
		s = end ? end + 1 : NULL;
	}
	return 0;
}

int http_gzip_type(const char *content_type)
{
	static const char *const T[] = {"application/json", "text/", "application/javascript", "image/svg+xml"};
	for (size_t i = 0; content_type && i < sizeof T / sizeof T[0]; i++)
		if (strncmp(content_type, T[i], strlen(T[i])) == 0)
			return 1;
	return 0;
}

int http_gzip(const void *in, size_t len, char **out, size_t *out_len)
{
	if (len > (size_t)1 << 30)
		return -1;
	z_stream z;
	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	uLong cap = deflateBound(&z, (uLong)len);
	char *buf = malloc(cap);
	if (!buf) {
		deflateEnd(&z);
		return -1;
	}
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)buf;
	z.avail_out = (uInt)cap;
	int rc = deflate(&z, Z_FINISH);
	size_t n = (size_t)z.total_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END || n >= len) {
		free(buf);
		return -1;
	}
	*out = buf;
	*out_len = n;
	return 0;
}
