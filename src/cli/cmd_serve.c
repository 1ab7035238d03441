/* serve: flags, then FRONTLINE_* environment variables, then a config file (key = value lines). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"
#include "base/log.h"
#include "base/netaddr.h"
#include "base/util.h"
#include "cli/cli.h"
#include "http/server.h"
#include "store/db.h"
#include "store/migrate.h"

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	char *e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* The text settings read after the config file by finish_ops (the metrics token is read from its
 * file, the log level parsed, webhook_worker parsed). */
struct ops_text {
	const char *metrics_listen, *metrics_token_file, *log_level, *log_file, *webhook_worker;
};

enum setting_kind { S_TEXT, S_NUMBER, S_ONOFF };

/* One setting of serve: its config key (the flag is --key with '-' for '_', the environment
 * variable FRONTLINE_KEY in capitals), its kind, and where its value goes. */
struct setting {
	const char *key;
	enum setting_kind kind;
	void *v;
	int flag_only; /* the test clock's start: the manual clock is only ever set up by flags */
};

/* Every setting, in one table: the flags, the environment and the config file all go through it. */
#define N_SETTINGS 20
static void settings_of(struct serve_opts *o, struct ops_text *t, struct setting s[N_SETTINGS])
{
	const struct setting all[N_SETTINGS] = {
		{"db", S_TEXT, &o->db_url, 0},
		{"listen", S_TEXT, &o->listen, 0},
		{"threads", S_NUMBER, &o->threads, 0},
		{"trusted_proxies", S_TEXT, &o->trusted_proxies, 0},
		{"public_url", S_TEXT, &o->public_url, 0},
		{"read_replica", S_TEXT, &o->read_replica, 0},
		{"replica_max_lag_ms", S_NUMBER, &o->replica_max_lag_ms, 0},
		{"scheduler_interval", S_NUMBER, &o->scheduler_interval_s, 0},
		{"header_timeout", S_NUMBER, &o->header_timeout_s, 0},
		{"max_per_address", S_NUMBER, &o->max_per_address, 0},
		{"idempotency_hours", S_NUMBER, &o->idempotency_hours, 0},
		{"drain", S_NUMBER, &o->drain_s, 0},
		{"secure_cookies", S_ONOFF, &o->secure_cookies, 0},
		{"group_commit", S_ONOFF, &o->group_commit, 0},
		{"metrics_listen", S_TEXT, &t->metrics_listen, 0},
		{"metrics_token_file", S_TEXT, &t->metrics_token_file, 0},
		{"log_level", S_TEXT, &t->log_level, 0},
		{"log_file", S_TEXT, &t->log_file, 0},
		{"webhook_worker", S_TEXT, &t->webhook_worker, 0},
		{"test_clock_start", S_TEXT, &o->test_clock_start, 1},
	};
	memcpy(s, all, sizeof all);
}

/* The index of the setting called name ("max-per-address" or "max_per_address"), or -1. */
static int setting_index(const struct setting s[N_SETTINGS], const char *name)
{
	char key[32];
	if (str_copy(key, sizeof key, name))
		return -1;
	for (char *c = key; *c; c++)
		if (*c == '-')
			*c = '_';
	for (int i = 0; i < N_SETTINGS; i++)
		if (strcmp(key, s[i].key) == 0)
			return i;
	return -1;
}

static int parse_onoff(const char *v, int *out)
{
	if (strcmp(v, "on") == 0)
		*out = 1;
	else if (strcmp(v, "off") == 0)
		*out = 0;
	else if (strcmp(v, "auto") == 0)
		*out = -1;
	else
		return -1;
	return 0;
}

/* Set s from the text v (kept, not copied).  0, or -1 after a message naming where (the flag, the
 * variable or the config file's line) when v is not a value of its kind. */
static int setting_put(const struct setting *s, const char *v, const char *where)
{
	if (s->kind == S_TEXT) {
		*(const char **)s->v = v;
		return 0;
	}
	if (s->kind == S_ONOFF) {
		if (parse_onoff(v, s->v) == 0)
			return 0;
		fprintf(stderr, "frontline: %s: %s must be on, off or auto, not \"%s\"\n", where, s->key, v);
		return -1;
	}
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (end == v || *end || errno || n < 0 || n > INT_MAX) {
		fprintf(stderr, "frontline: %s: %s must be a whole number, not \"%s\"\n", where, s->key, v);
		return -1;
	}
	*(int *)s->v = (int)n;
	return 0;
}

/* The settings not set by a flag, from their environment variables (FRONTLINE_DB, FRONTLINE_LISTEN,
 * ...).  0, or -1 after a message. */
static int settings_from_env(const struct setting s[N_SETTINGS], unsigned *set)
{
	for (int i = 0; i < N_SETTINGS; i++) {
		char name[64] = "FRONTLINE_";
		size_t n = strlen(name);
		for (const char *k = s[i].key; *k && n + 1 < sizeof name; k++)
			name[n++] = (char)toupper((unsigned char)*k);
		name[n] = '\0';
		const char *v = getenv(name);
		if ((*set >> i) & 1 || s[i].flag_only || !v || !*v)
			continue;
		if (setting_put(&s[i], v, name))
			return -1;
		*set |= 1u << i;
	}
	return 0;
}

/* The operators' settings into o: the metrics token (FRONTLINE_METRICS_TOKEN, the token itself, or
 * read from metrics_token_file), the log level and file, the webhook worker.  0, or -1 after a
 * message. */
static int finish_ops(struct ops_text *t, struct serve_opts *o)
{
	static char token[256];
	o->metrics_listen = t->metrics_listen;
	o->metrics_token = getenv("FRONTLINE_METRICS_TOKEN");
	if (t->metrics_token_file) {
		char *text = NULL;
		size_t len = 0;
		if (file_read(t->metrics_token_file, sizeof token - 1, &text, &len, NULL) ||
		    str_copy(token, sizeof token, trim(text))) {
			fprintf(stderr, "frontline: cannot read the metrics token from %s\n", t->metrics_token_file);
			free(text);
			return -1;
		}
		free(text);
		o->metrics_token = token;
	}
	if (o->metrics_token && strlen(o->metrics_token) < 16) {
		fprintf(stderr, "frontline: the metrics token must have at least 16 characters\n");
		return -1;
	}
	enum log_level level = LOG_INFO;
	if (t->log_level && log_level_parse(t->log_level, &level)) {
		fprintf(stderr, "frontline: log level must be error, warn, info or debug\n");
		return -1;
	}
	o->log_level = (int)level;
	log_set_level(level);
	if (t->log_file && log_open(t->log_file)) {
		fprintf(stderr, "frontline: cannot open the log file %s\n", t->log_file);
		return -1;
	}
	if (o->drain_s <= 0)
		o->drain_s = SERVE_DRAIN_S;
	o->webhook_worker = 1;
	if (t->webhook_worker && (parse_onoff(t->webhook_worker, &o->webhook_worker) || o->webhook_worker < 0)) {
		fprintf(stderr, "frontline: webhook worker must be on or off\n");
		return -1;
	}
	return 0;
}

/* The config file's settings not set by a flag or the environment (key = value lines, # comments).
 * The values point into *text, the file's text (the caller frees it when the server has stopped).
 * 0, or -1 after a message (an unreadable file, a line without '=', an unknown key, a bad value). */
static int load_config(const char *path, const struct setting s[N_SETTINGS], unsigned *set, char **text)
{
	size_t len;
	char where[1100];
	if (file_read(path, 1 << 20, text, &len, NULL)) {
		fprintf(stderr, "frontline: cannot read config %s\n", path);
		return -1;
	}
	int n = 0;
	for (char *next = *text, *line; (line = strsep(&next, "\n")) != NULL;) {
		char *l = trim(line), *eq = strchr(l, '=');
		snprintf(where, sizeof where, "%s:%d", path, ++n);
		if (!*l || *l == '#')
			continue;
		if (!eq) {
			fprintf(stderr, "frontline: %s: expected key = value: %s\n", where, l);
			return -1;
		}
		*eq = '\0';
		const char *k = trim(l);
		int i = setting_index(s, k);
		if (i < 0 || s[i].flag_only) {
			fprintf(stderr, "frontline: %s: unknown key %s\n", where, k);
			return -1;
		}
		if (!((*set >> i) & 1) && setting_put(&s[i], trim(eq + 1), where))
			return -1;
		*set |= 1u << i;
	}
	return 0;
}

/* The command line's flags into s (each --key VALUE of the settings; --config FILE; --test-clock),
 * marking what they set.  0, or 2 after the usage or a bad value's message. */
static int serve_args(int argc, char **argv, const struct setting s[N_SETTINGS], unsigned *set, const char **config,
		      int *test_clock_flag)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		int k = strncmp(a, "--", 2) == 0 ? setting_index(s, a + 2) : -1;
		if (v && k >= 0) {
			if (setting_put(&s[k], v, a))
				return 2;
			*set |= 1u << k;
			i++;
		} else if (strcmp(a, "--config") == 0 && v)
			*config = argv[++i];
		else if (strcmp(a, "--test-clock") == 0)
			*test_clock_flag = 1;
		else {
			fprintf(stderr,
				"usage: frontline serve --db PATH|URL [--listen ADDR:PORT] [--threads N] [--config FILE]\n"
				"                       [--scheduler-interval SECONDS] [--test-clock [--test-clock-start TIME]]\n"
				"                       [--trusted-proxies ADDRS]\n"
				"                       [--public-url URL] [--secure-cookies on|off|auto] [--header-timeout SECONDS]\n"
				"                       [--max-per-address N] [--idempotency-hours HOURS]\n"
				"                       [--metrics-listen ADDR:PORT] [--metrics-token-file FILE]\n"
				"                       [--log-level error|warn|info|debug] [--log-file FILE] [--drain SECONDS]\n"
				"                       [--read-replica URL [--replica-max-lag-ms MS]] [--group-commit on|off|auto]\n"
				"                       [--webhook-worker on|off]\n");
			return 2;
		}
	}
	return 0;
}

/* The defaults of what neither the command line, the environment nor the config file set. */
static void serve_defaults(struct serve_opts *o)
{
	if (!o->listen)
		o->listen = "127.0.0.1:8080";
	if (o->threads <= 0 || o->threads > 256)
		o->threads = 8;
	if (!o->scheduler_interval_s)
		o->scheduler_interval_s = 5;
	o->max_connections = SERVE_MAX_CONNECTIONS;
	o->timeout_s = SERVE_TIMEOUT_S;
	if (o->header_timeout_s <= 0)
		o->header_timeout_s = SERVE_HEADER_TIMEOUT_S;
	if (o->max_per_address <= 0 || o->max_per_address > o->max_connections)
		o->max_per_address = SERVE_MAX_PER_ADDRESS;
	if (o->idempotency_hours <= 0)
		o->idempotency_hours = SERVE_IDEMPOTENCY_HOURS;
	if (o->replica_max_lag_ms <= 0)
		o->replica_max_lag_ms = SERVE_REPLICA_MAX_LAG_MS;
}

/* glibc gives freed memory back to the OS when the top of a heap passes 128 KiB free and serves
 * blocks from mmap above a threshold it raises as it goes: every request built and freed its JSON,
 * and the next one took the pages back (malloc_consolidate, page faults: ~10% of a case read).  A
 * server keeps what it used; what it holds is still bounded by its busiest moment. */
static void malloc_tuning(void)
{
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_TOP_PAD, 4 << 20);
	mallopt(M_MMAP_THRESHOLD, 8 << 20);
}

int cmd_serve(int argc, char **argv)
{
	struct serve_opts o = {.secure_cookies = -1, .group_commit = -1};
	struct ops_text ops = {0};
	struct setting s[N_SETTINGS];
	unsigned set = 0; /* bit i: setting i has its value (flags win, then the environment, then the file) */
	const char *config = NULL;
	char *config_text = NULL;
	int test_clock_flag = 0;
	settings_of(&o, &ops, s);
	if (serve_args(argc, argv, s, &set, &config, &test_clock_flag) || settings_from_env(s, &set))
		return 2;
	malloc_tuning();
	db_background_checkpoints();
	if (!config)
		config = getenv("FRONTLINE_CONFIG");
	int rc = 2;
	if (config && load_config(config, s, &set, &config_text))
		goto out;
	if (finish_ops(&ops, &o))
		goto out;
	if (!netaddr_list_ok(o.trusted_proxies)) {
		fprintf(stderr, "frontline: trusted proxies must be IP addresses or CIDR ranges, e.g. 127.0.0.1,10.0.0.0/8\n");
		goto out;
	}
	serve_defaults(&o);
	/* the manual clock is only ever switched on by the explicit flag, never by config or environment */
	o.test_clock = test_clock_flag;
	if (!o.db_url) {
		fprintf(stderr, "frontline: serve needs --db PATH (or FRONTLINE_DB)\n");
		goto out;
	}
	db *d = cli_open_db(o.db_url, CLI_DB_MIGRATE);
	if (!d) {
		rc = cli_open_failed(o.db_url, CLI_DB_MIGRATE);
		goto out;
	}
	db_close(d);
	rc = http_serve(&o);
out:
	free(config_text);
	return rc;
}
