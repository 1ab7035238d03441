#include "base/util.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fl_die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("frontline: fatal: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		fl_die("out of memory (%zu bytes)", n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		fl_die("out of memory");
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		fl_die("out of memory (%zu bytes)", n);
	return q;
}

void *xgrow(void *v, size_t n, size_t *cap, size_t first, size_t elem)
{
	if (n < *cap)
		return v;
	*cap = *cap ? *cap * 2 : first;
	return xrealloc(v, *cap * elem);
}

void xappend(char **p, size_t *len, size_t *cap, size_t first, const void *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t c = *cap ? *cap : first;
		while (*len + n + 1 > c)
			c *= 2;
		*p = xrealloc(*p, c);
		*cap = c;
	}
	if (n)
		memcpy(*p + *len, s, n);
	*len += n;
	(*p)[*len] = '\0';
}

char *xstrdup(const char *s)
{
	char *p = strdup(s ? s : "");
	if (!p)
		fl_die("out of memory");
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p = NULL;
	va_start(ap, fmt);
	int n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0)
		fl_die("out of memory");
	return p;
}

int str_copy(char *dst, size_t n, const char *src)
{
	size_t len = strlen(src);
	if (n == 0)
		return -1;
	if (len >= n) {
		size_t cut = utf8_cut(src, n - 1);
		memcpy(dst, src, cut);
		dst[cut] = '\0';
		return -1;
	}
	memcpy(dst, src, len + 1);
	return 0;
}

void str_copy_fits_(char *dst, size_t n, const char *src)
{
	if (str_copy(dst, n, src))
		fl_die("STR_COPY: a string longer than its array");
}

size_t utf8_cut(const char *s, size_t max)
{
	size_t n = strnlen(s, max + 1);
	if (n <= max)
		return n;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80) /* s[n] continues a character: back off */
		n--;
	return n;
}

/* Length of the valid character at p (1-4), or 0 when p does not start one. */
static int utf8_char(const unsigned char *p, const unsigned char *end)
{
	unsigned c = *p;
	if (c < 0x80)
		return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f ? 0 : 1;
	int n;
	unsigned cp;
	if ((c & 0xe0) == 0xc0) {
		n = 1;
		cp = c & 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		n = 2;
		cp = c & 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		n = 3;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (end - p <= n)
		return 0;
	for (int i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n + 1;
}

void utf8_scrub(char *s)
{
	unsigned char *p = (unsigned char *)s, *end = p + strlen(s);
	while (p < end) {
		int n = utf8_char(p, end);
		if (n == 0) {
			*p = '?';
			n = 1;
		}
		p += n;
	}
}

int utf8_valid_text(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	while (p < end) {
		int n = utf8_char(p, end);
		if (n == 0)
			return 0;
		p += n;
	}
	return 1;
}

char *str_lower(const char *s)
{
	char *p = xstrdup(s);
	for (char *q = p; *q; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q - 'A' + 'a');
	return p;
}

int str_blank(const char *s)
{
	for (; s && *s; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}
