#ifndef FL_LOG_H
#define FL_LOG_H
/* The server's log: one JSON object per line on stderr (or a file that SIGHUP reopens), each
 * with its level and, when the thread works for a request or a scheduler pass, that work's id
 * ("req": the X-Request-Id the client got, also written into the events the request caused).
 * The level is a setting (serve --log-level / FRONTLINE_LOG_LEVEL / log_level in the config):
 * lines below it are not written.  Request lines are info (error for a 5xx answer). */
#include <jansson.h>

enum log_level {
	LOG_ERROR = 0,
	LOG_WARN,
	LOG_INFO,
	LOG_DEBUG
};

/* "error", "warn", "info", "debug" -> *out; -1 for anything else. */
int log_level_parse(const char *name, enum log_level *out);
const char *log_level_name(enum log_level l);
void log_set_level(enum log_level l);
int log_enabled(enum log_level l);

/* The id of the work this thread does now (thread-local; copied, at most LOG_ID_MAX - 1 bytes),
 * or NULL when it does none.  It goes on every line the thread writes. */
#define LOG_ID_MAX 32
#include <stdint.h>
void log_set_request(const char *id);
const char *log_request(void); /* "" when none */

/* Write fields (a JSON object, stolen; NULL = {}) as one line with "level" and "req" added, when
 * the level is enabled. */
void log_json(enum log_level l, json_t *fields);
/* The line of one HTTP request, {"level", "req", "method", "path", "status", "us", "person"}, the
 * same text as log_json of those fields, written without building JSON (it is written for every
 * request).  The strings are escaped as JSON strings; they must be valid UTF-8. */
void log_http_request(enum log_level l, const char *method, const char *path, int status, int64_t us, const char *person);
/* The same with {"msg": formatted text}. */
void log_msg(enum log_level l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Send the log (stderr, so libraries' messages too) to path, appending; log_reopen() opens the
 * same path again (after logrotate moved it: SIGHUP).  0, or -1 with errno (the log stays where it was). */
int log_open(const char *path);
int log_reopen(void);

#endif
