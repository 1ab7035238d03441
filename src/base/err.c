#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/util.h"

int err_set(fl_err *err, enum err_kind kind, const char *code, const char *field, const char *fmt, ...)
{
	va_list ap;
	err->kind = kind;
	err->retry_after_s = 0;
	if (str_copy(err->code, sizeof err->code, code) != 0) {
		/* codes are constants, shorter than the field: never cut in practice, never fatal */
	}
	if (str_copy(err->field, sizeof err->field, field ? field : "") != 0) {
		/* an unknown field's long name (from input) is shown cut on a character boundary */
	}
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	/* whatever the caller's text held, the error renders as valid UTF-8 */
	utf8_scrub(err->code);
	utf8_scrub(err->field);
	utf8_scrub(err->message);
	return -1;
}

void err_clear(fl_err *err)
{
	memset(err, 0, sizeof *err);
}

int err_http_status(enum err_kind kind)
{
	switch (kind) {
	case ERR_NONE: return 200;
	case ERR_INVALID: return 400;
	case ERR_UNAUTHORIZED: return 401;
	case ERR_FORBIDDEN: return 403;
	case ERR_NOT_FOUND: return 404;
	case ERR_CONFLICT: return 409;
	case ERR_RULE: return 422;
	case ERR_TOO_MANY: return 429;
	case ERR_UNAVAILABLE:
	case ERR_BUSY: return 503;
	case ERR_INTERNAL: return 500;
	case ERR_TOO_LARGE: return 413;
	case ERR_MEDIA_TYPE: return 415;
	case ERR_URI_TOO_LONG: return 414;
	}
	return 500;
}

/* Exit codes of the command line (documented in README.md):
 * 0 ok, 1 internal/storage error, 2 usage or invalid input, 3 not found,
 * 4 not allowed (credentials or role), 5 refused by a rule or conflicting state. */
int err_exit_code(enum err_kind kind)
{
	switch (kind) {
	case ERR_NONE: return 0;
	case ERR_INVALID:
	case ERR_TOO_LARGE:
	case ERR_MEDIA_TYPE:
	case ERR_URI_TOO_LONG: return 2;
	case ERR_NOT_FOUND: return 3;
	case ERR_UNAUTHORIZED:
	case ERR_FORBIDDEN: return 4;
	case ERR_CONFLICT:
	case ERR_RULE:
	case ERR_TOO_MANY: return 5;
	case ERR_UNAVAILABLE:
	case ERR_BUSY:
	case ERR_INTERNAL: return 1;
	}
	return 1;
}
