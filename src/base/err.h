#ifndef FL_ERR_H
#define FL_ERR_H
/* One error type for the domain and service layers.  A failing function fills an fl_err and
 * returns -1; 0 is success.  kind decides the HTTP status and CLI exit code; code is a stable
 * machine-readable string documented in docs/API.md. */

enum err_kind {
	ERR_NONE = 0,
	ERR_INVALID,      /* 400: malformed input, wrong type, unknown field, over a limit */
	ERR_UNAUTHORIZED, /* 401 */
	ERR_FORBIDDEN,    /* 403 */
	ERR_NOT_FOUND,    /* 404: unknown id, or another organization's id */
	ERR_CONFLICT,     /* 409: the state changed (offer already decided, ...) */
	ERR_RULE,         /* 422: a domain rule refuses it */
	ERR_TOO_MANY,     /* 429 */
	ERR_UNAVAILABLE,  /* 503: the database can't be reached */
	ERR_BUSY,         /* 503: the database stayed busy (the unit of work ran again, in vain) */
	ERR_INTERNAL,     /* 500: storage failure */
	ERR_TOO_LARGE,    /* 413: body over the cap */
	ERR_MEDIA_TYPE,   /* 415: body not JSON */
	ERR_URI_TOO_LONG, /* 414 */
};

typedef struct fl_err {
	enum err_kind kind;
	char code[48];
	char field[64];
	char message[256];
	int retry_after_s; /* > 0: when to try again, in seconds (HTTP: the Retry-After header); err_set clears it */
} fl_err;

#define FL_ERR_INIT {ERR_NONE, "", "", "", 0}

/* Fill err and return -1.  field may be NULL.  code, field and message are always valid UTF-8
 * (bytes that are not are replaced by '?'), so an error can always be rendered. */
int err_set(fl_err *err, enum err_kind kind, const char *code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void err_clear(fl_err *err);
int err_http_status(enum err_kind kind);
int err_exit_code(enum err_kind kind);

#endif
