#ifndef FL_UTIL_H
#define FL_UTIL_H
#include <stddef.h>
#include <stdint.h>

/* Allocation that never returns NULL: out-of-memory aborts with a message
 * (as git, Redis and h2o do).  Free the results with free(). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "frontline: fatal: ..." to stderr and exit(1).  For states the program cannot continue from. */
void fl_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Copy src into dst of size n, always NUL-terminated; returns -1 if truncated (then cut on a
 * UTF-8 character boundary, see utf8_cut). */
int str_copy(char *dst, size_t n, const char *src);

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
