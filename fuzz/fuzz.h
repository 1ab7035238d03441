/* Shared helpers of the libFuzzer harnesses (fuzz/NAME.c -> build/fuzz/NAME).
 *
 * A harness is one LLVMFuzzerTestOneInput over one parser of outside input.  Besides what the
 * sanitizers catch (memory errors, undefined behaviour, leaks, exit() from fl_die), a harness checks
 * the parser's contract with FUZZ_ASSERT: a broken property aborts, and libFuzzer keeps the input. */
#ifndef FL_FUZZ_H
#define FL_FUZZ_H
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "svc/input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_ASSERT(cond)                                                                          \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: property broken: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* The bytes as a NUL-terminated string (new; embedded NULs end it early). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Take the next input byte (0 when none are left). */
static inline unsigned fuzz_byte(const uint8_t **data, size_t *size)
{
	if (*size == 0)
		return 0;
	unsigned b = **data;
	(*data)++;
	(*size)--;
	return b;
}

/* Take the bytes up to the next NUL (or all that are left) as a new string. */
static inline char *fuzz_field(const uint8_t **data, size_t *size)
{
	const uint8_t *end = memchr(*data, '\0', *size);
	size_t n = end ? (size_t)(end - *data) : *size;
	char *s = fuzz_cstr(*data, n);
	*data += n + (end ? 1 : 0);
	*size -= n + (end ? 1 : 0);
	return s;
}

/* An error must be renderable as the HTTP answer {"error":{code,message,field}} (as http/api.c
 * builds it): jansson refuses text that is not UTF-8, and then the answer would lose its field or
 * become the fixed 500 body.  Every error a parser returns goes through this check. */
static inline void fuzz_check_error(const fl_err *err)
{
	FUZZ_ASSERT(err->kind != ERR_NONE);
	FUZZ_ASSERT(err->code[0]);
	json_t *msg = json_string(err->message), *field = err->field[0] ? json_string(err->field) : json_null();
	if (!msg || !field) {
		fprintf(stderr, "error text is not UTF-8: field \"%s\" message \"%s\"\n", err->field, err->message);
		abort();
	}
	json_t *e = json_pack("{s:s,s:o,s:o}", "code", err->code, "message", msg, "field", field);
	FUZZ_ASSERT(e);
	char *text = json_dumps(e, JSON_COMPACT);
	FUZZ_ASSERT(text);
	free(text);
	json_decref(e);
}

/* A valid value of field f, as JSON (body) or text (query). */
static inline void fuzz_sample(const struct in_field *f, int query, FILE *out)
{
	switch (f->type) {
	case IN_STR: fputs(query ? "x" : "\"x\"", out); break;
	case IN_INT: fprintf(out, "%lld", f->min > 0 ? f->min : 0 < f->max ? 1 : f->min); break;
	case IN_NUM: fputs("1.5", out); break;
	case IN_BOOL: fputs("true", out); break;
	case IN_TIME: fputs(query ? "2031-01-15T15:00:00Z" : "\"2031-01-15T15:00:00Z\"", out); break;
	case IN_ENUM: fprintf(out, query ? "%s" : "\"%s\"", in_values(f)[0]); break;
	case IN_OBJ:
	case IN_MAP: fputs("{}", out); break;
	case IN_ARR: fputs("[]", out); break;
	}
}

#endif
