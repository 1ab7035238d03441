/* JSON log lines with a level and the current request's id (base/log.h). */
#include "base/log.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"

static volatile int g_level = LOG_INFO;
static _Thread_local char t_request[LOG_ID_MAX];
static char *g_path; /* the log file, or NULL: stderr as the process got it */
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;

static const char *const NAMES[] = {"error", "warn", "info", "debug", NULL};

int log_level_parse(const char *name, enum log_level *out)
{
	for (int i = 0; name && NAMES[i]; i++)
		if (strcmp(name, NAMES[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	return -1;
}

const char *log_level_name(enum log_level l) { return NAMES[l]; }

void log_set_level(enum log_level l) { g_level = (int)l; }

int log_enabled(enum log_level l) { return (int)l <= g_level; }

void log_set_request(const char *id)
{
	if (!id || str_copy(t_request, sizeof t_request, id))
		t_request[0] = '\0';
}

const char *log_request(void) { return t_request; }

void log_json(enum log_level l, json_t *fields)
{
	if (!log_enabled(l)) {
		json_decref(fields);
		return;
	}
	json_t *line = json_pack("{s:s}", "level", NAMES[l]);
	if (t_request[0])
		json_object_set_new(line, "req", json_string(t_request));
	if (fields)
		json_object_update_missing(line, fields);
	json_decref(fields);
	char *s = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(line);
	if (s) {
		fprintf(stderr, "%s\n", s);
		free(s);
	}
}

/* Append s to out (of cap bytes, at *o) as a JSON string, as jansson writes it; 0, or -1 when it
 * does not fit. */
static int put_json_string(char *out, size_t cap, size_t *o, const char *s)
{
	static const char HEX[] = "0123456789ABCDEF"; /* as jansson writes \u00XX */
	size_t n = *o;
	if (n + 1 >= cap)
		return -1;
	out[n++] = '"';
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (n + 8 >= cap)
			return -1;
		unsigned char ch = *p;
		const char *esc = ch == '"' ? "\\\"" : ch == '\\' ? "\\\\" : ch == '\n' ? "\\n" : ch == '\r' ? "\\r"
				: ch == '\t' ? "\\t" : ch == '\b' ? "\\b" : ch == '\f' ? "\\f" : NULL;
		if (esc) {
			out[n++] = esc[0];
			out[n++] = esc[1];
		} else if (ch < 0x20) {
			memcpy(out + n, "\\u00", 4);
			out[n + 4] = HEX[ch >> 4];
			out[n + 5] = HEX[ch & 15];
			n += 6;
		} else {
			out[n++] = (char)ch;
		}
	}
	out[n++] = '"';
	*o = n;
	return 0;
}

void log_http_request(enum log_level l, const char *method, const char *path, int status, int64_t us, const char *person)
{
	if (!log_enabled(l))
		return;
	char line[2048];
	size_t o = 0;
	int ok = snprintf(line, sizeof line, "{\"level\":\"%s\"", NAMES[l]) > 0;
	o = strlen(line);
	if (ok && t_request[0]) {
		memcpy(line + o, ",\"req\":", 7);
		o += 7;
		ok = put_json_string(line, sizeof line, &o, t_request) == 0;
	}
	const char *keys[] = {",\"method\":", ",\"path\":"}, *vals[] = {method, path};
	for (int i = 0; ok && i < 2; i++) {
		size_t k = strlen(keys[i]);
		ok = o + k < sizeof line;
		if (ok) {
			memcpy(line + o, keys[i], k);
			o += k;
			ok = put_json_string(line, sizeof line, &o, vals[i]) == 0;
		}
	}
	if (ok) {
		int w = snprintf(line + o, sizeof line - o, ",\"status\":%d,\"us\":%lld,\"person\":", status, (long long)us);
		ok = w > 0 && (size_t)w < sizeof line - o;
		o += ok ? (size_t)w : 0;
	}
	if (ok)
		ok = put_json_string(line, sizeof line, &o, person) == 0 && o + 2 < sizeof line;
	if (!ok) { /* longer than the line: as log_json would write it */
		log_json(l, json_pack("{s:s,s:s,s:i,s:I,s:s}", "method", method, "path", path, "status", status, "us",
				      (json_int_t)us, "person", person));
		return;
	}
	line[o++] = '}';
	line[o++] = '\n';
	fwrite(line, 1, o, stderr);
}

void log_msg(enum log_level l, const char *fmt, ...)
{
	if (!log_enabled(l))
		return;
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	log_json(l, json_pack("{s:s}", "msg", text));
}

static int open_onto_stderr(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return -1;
	fflush(stderr);
	int rc = dup2(fd, STDERR_FILENO) < 0 ? -1 : 0;
	close(fd);
	return rc;
}

int log_open(const char *path)
{
	pthread_mutex_lock(&g_mu);
	int rc = open_onto_stderr(path);
	if (rc == 0) {
		free(g_path);
		g_path = xstrdup(path);
	}
	pthread_mutex_unlock(&g_mu);
	return rc;
}

int log_reopen(void)
{
	pthread_mutex_lock(&g_mu);
	int rc = g_path ? open_onto_stderr(g_path) : 0;
	pthread_mutex_unlock(&g_mu);
	return rc;
}
