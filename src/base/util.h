#ifndef FL_UTIL_H
#define FL_UTIL_H
#include <stddef.h>
#include <stdint.h>

/* Allocation that never returns NULL: out-of-memory aborts with a message
 * (as git, Redis and h2o do).  Free the results with free(). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* Room for element n of the growable array v of *cap elements of size elem: when n == *cap the
 * capacity doubles (from first) and v is reallocated (aborting when memory is out).  Returns v,
 * moved or not. */
void *xgrow(void *v, size_t n, size_t *cap, size_t first, size_t elem);
/* Append n bytes of s to the text *p of *len bytes in *cap (the first capacity first, doubled as
 * needed), keeping it NUL-terminated; *p NULL with *cap 0 starts one. */
void xappend(char **p, size_t *len, size_t *cap, size_t first, const void *s, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "frontline: fatal: ..." to stderr and exit(1).  For states the program cannot continue from. */
void fl_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Copying strings into fixed-size buffers: a value is never silently cut.  Use
 *  - STR_COPY(dst, src) when both are arrays (or src is a string literal): it can't truncate, and a
 *    destination smaller than the source is a compile error;
 *  - svc_copy(c, dst, n, src) in services (svc/svc.h) for a value read from the database or from
 *    checked input, which fits by construction (ids are ID_SIZE; inputs are capped by their spec):
 *    one that doesn't fails the operation (500 value_too_long) instead of being cut;
 *  - str_copy() anywhere else, checking its result.
 * (strcpy, strncpy, strcat, sprintf and the other unbounded calls don't compile: base/banned.h.) */

/* Copy src into dst of size n, always NUL-terminated.  Returns 0, or -1 if src did not fit (dst
 * then holds a copy cut on a UTF-8 character boundary, see utf8_cut, that must not be used as the
 * value). */
int str_copy(char *dst, size_t n, const char *src) __attribute__((warn_unused_result));

/* For STR_COPY only: the copy whose fit was proved at compile time. */
void str_copy_fits_(char *dst, size_t n, const char *src);
#define FL_IS_ARRAY_(a) (!__builtin_types_compatible_p(__typeof__(a), __typeof__(&(a)[0])))
#define STR_COPY(dst, src)                                                                                 \
	do {                                                                                               \
		_Static_assert(FL_IS_ARRAY_(dst) && FL_IS_ARRAY_(src), "STR_COPY copies between arrays");  \
		_Static_assert(sizeof(dst) >= sizeof(src), "STR_COPY: the destination is smaller than the source"); \
		str_copy_fits_(dst, sizeof(dst), src);                                                     \
	} while (0)

/* The length of the longest prefix of s that is at most max bytes and does not end inside a
 * UTF-8 character: cut echoed caller text with it (`"%.*s", (int)utf8_cut(s, 40), s`), never with a
 * bare byte count, which can split a character and make the text invalid. */
size_t utf8_cut(const char *s, size_t max);

/* Replace every byte of s that is not part of valid UTF-8 text (see utf8_valid_text) with '?',
 * in place: the result is always valid. */
void utf8_scrub(char *s);

/* 1 if s is valid UTF-8 without NUL bytes and control characters other than \t \n \r. */
int utf8_valid_text(const char *s, size_t len);

/* 1 if s is NULL, empty or only white space (blank text says nothing). */
int str_blank(const char *s);

/* Lower-case ASCII copy (emails); caller frees. */
char *str_lower(const char *s);

#endif
