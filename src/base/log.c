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
