/* serve: flags, then FRONTLINE_* environment variables, then a config file (key = value lines). */
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

/* A flag's name ("max-per-address") as its config key ("max_per_address"); -1 when too long. */
static int key_of(const char *name, char key[32])
{
	if (str_copy(key, 32, name))
		return -1;
	for (char *c = key; *c; c++)
		if (*c == '-')
			*c = '_';
	return 0;
}

/* One setting: its config key and where its value goes. */
struct setting {
	const char *key;
	void *v;
};

/* The place of the setting named name (a flag --key with '-' for '_', or a config key) among the
 * n settings s, or NULL. */
static void *setting_of(const char *name, const struct setting *s, size_t n)
{
	char key[32];
	if (key_of(name, key))
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strcmp(key, s[i].key) == 0)
			return s[i].v;
	return NULL;
}

/* The numeric settings, by config key (the flag is --key with '-' for '_'). */
static int *number_of(const char *name, struct serve_opts *o)
{
	const struct setting KEYS[] = {{"header_timeout", &o->header_timeout_s},
				       {"max_per_address", &o->max_per_address},
				       {"idempotency_hours", &o->idempotency_hours},
				       {"drain", &o->drain_s},
				       {"replica_max_lag_ms", &o->replica_max_lag_ms}};
	return setting_of(name, KEYS, sizeof KEYS / sizeof KEYS[0]);
}

/* The text settings of the operators' section (the flag is --key with '-' for '_'); log_level and
 * the token file are read into o by finish_ops. */
struct ops_text {
	const char *metrics_listen, *metrics_token_file, *log_level, *log_file, *webhook_worker;
};

static const char **text_of(const char *name, struct ops_text *t)
{
	const struct setting KEYS[] = {{"metrics_listen", &t->metrics_listen},
				       {"metrics_token_file", &t->metrics_token_file},
				       {"log_level", &t->log_level},
				       {"log_file", &t->log_file},
				       {"webhook_worker", &t->webhook_worker}};
	return setting_of(name, KEYS, sizeof KEYS / sizeof KEYS[0]);
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

/* Flags win, then FRONTLINE_METRICS_LISTEN, FRONTLINE_METRICS_TOKEN (the token itself),
 * FRONTLINE_LOG_LEVEL, FRONTLINE_LOG_FILE, FRONTLINE_WEBHOOK_WORKER, then the config file.  0, or -1
 * after a message. */
static int finish_ops(struct ops_text *t, struct serve_opts *o)
{
	static char token[256];
	if (!t->metrics_listen)
		t->metrics_listen = getenv("FRONTLINE_METRICS_LISTEN");
	if (!t->log_level)
		t->log_level = getenv("FRONTLINE_LOG_LEVEL");
	if (!t->log_file)
		t->log_file = getenv("FRONTLINE_LOG_FILE");
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
	if (!t->webhook_worker)
		t->webhook_worker = getenv("FRONTLINE_WEBHOOK_WORKER");
	o->webhook_worker = 1;
	if (t->webhook_worker && (parse_onoff(t->webhook_worker, &o->webhook_worker) || o->webhook_worker < 0)) {
		fprintf(stderr, "frontline: webhook worker must be on or off\n");
		return -1;
	}
	return 0;
}

/* Set a numeric setting not set yet (flags win over the config file).  0, or -1 when key is not one. */
static int set_number(const char *key, const char *v, struct serve_opts *o)
{
	int *n = number_of(key, o);
	if (!n)
		return -1;
	if (!*n)
		*n = atoi(v);
	return 0;
}

static int load_config(const char *path, struct serve_opts *o, struct ops_text *t, char **keep)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	if (!f) {
		fprintf(stderr, "frontline: cannot read config %s\n", path);
		return -1;
	}
	*keep = NULL;
	while (fgets(line, sizeof line, f)) {
		char *l = trim(line), *eq = strchr(l, '=');
		if (!*l || *l == '#')
			continue;
		if (!eq) {
			fprintf(stderr, "frontline: %s: expected key = value: %s\n", path, l);
			fclose(f);
			return -1;
		}
		*eq = '\0';
		char *k = trim(l), *v = xstrdup(trim(eq + 1));
		if (strcmp(k, "db") == 0 && !o->db_url)
			o->db_url = v;
		else if (strcmp(k, "listen") == 0 && !o->listen)
			o->listen = v;
		else if (strcmp(k, "trusted_proxies") == 0 && !o->trusted_proxies)
			o->trusted_proxies = v;
		else if (strcmp(k, "threads") == 0 && !o->threads) {
			o->threads = atoi(v);
			free(v);
		} else if (strcmp(k, "public_url") == 0 && !o->public_url) {
			o->public_url = v;
		} else if (strcmp(k, "read_replica") == 0 && !o->read_replica) {
			o->read_replica = v;
		} else if (set_number(k, v, o) == 0) {
			free(v);
		} else if (text_of(k, t)) {
			if (!*text_of(k, t))
				*text_of(k, t) = v;
			else
				free(v);
		} else if ((strcmp(k, "secure_cookies") == 0 && o->secure_cookies == -1) ||
			   (strcmp(k, "group_commit") == 0 && o->group_commit == -1)) {
			int bad = parse_onoff(v, *k == 's' ? &o->secure_cookies : &o->group_commit);
			free(v);
			if (bad) {
				fprintf(stderr, "frontline: %s: %s must be on, off or auto\n", path, k);
				fclose(f);
				return -1;
			}
		} else {
			fprintf(stderr, "frontline: %s: unknown key %s\n", path, k);
			free(v);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

/* The command line's options into o (config: the --config file, test_clock: --test-clock).
 * 0, or 2 after the usage. */
/* Where the value of the command line's own flag a goes in o (*is_number: an int, else a string);
 * NULL when a is none of them. */
static void *flag_of(const char *a, struct serve_opts *o, int *is_number)
{
	const struct {
		const char *flag;
		void *v;
		int number;
	} FLAGS[] = {{"--db", &o->db_url, 0},
		     {"--listen", &o->listen, 0},
		     {"--threads", &o->threads, 1},
		     {"--trusted-proxies", &o->trusted_proxies, 0},
		     {"--test-clock-start", &o->test_clock_start, 0},
		     {"--scheduler-interval", &o->scheduler_interval_s, 1},
		     {"--public-url", &o->public_url, 0},
		     {"--read-replica", &o->read_replica, 0}};
	for (size_t i = 0; i < sizeof FLAGS / sizeof FLAGS[0]; i++)
		if (strcmp(a, FLAGS[i].flag) == 0) {
			*is_number = FLAGS[i].number;
			return FLAGS[i].v;
		}
	return NULL;
}

static int serve_args(int argc, char **argv, struct serve_opts *op, struct ops_text *ops, const char **config,
		      int *test_clock_flag)
{
	struct serve_opts o = *op;
	int is_number;
	void *dst;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (v && (dst = flag_of(a, &o, &is_number))) {
			if (is_number)
				*(int *)dst = atoi(argv[++i]);
			else
				*(const char **)dst = argv[++i];
		} else if (strcmp(a, "--config") == 0 && v)
			*config = argv[++i];
		else if (strcmp(a, "--test-clock") == 0)
			*test_clock_flag = 1;
		else if (strcmp(a, "--secure-cookies") == 0 && v && parse_onoff(v, &o.secure_cookies) == 0)
			i++;
		else if (strcmp(a, "--group-commit") == 0 && v && parse_onoff(v, &o.group_commit) == 0)
			i++;
		else if (strncmp(a, "--", 2) == 0 && v && number_of(a + 2, &o))
			*number_of(a + 2, &o) = atoi(argv[++i]);
		else if (strncmp(a, "--", 2) == 0 && v && text_of(a + 2, ops))
			*text_of(a + 2, ops) = argv[++i];
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
	*op = o;
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
	if (!o->public_url)
		o->public_url = getenv("FRONTLINE_PUBLIC_URL");
	o->max_connections = SERVE_MAX_CONNECTIONS;
	o->timeout_s = SERVE_TIMEOUT_S;
	if (o->header_timeout_s <= 0)
		o->header_timeout_s = SERVE_HEADER_TIMEOUT_S;
	if (o->max_per_address <= 0 || o->max_per_address > o->max_connections)
		o->max_per_address = SERVE_MAX_PER_ADDRESS;
	if (o->idempotency_hours <= 0)
		o->idempotency_hours = SERVE_IDEMPOTENCY_HOURS;
	if (!o->read_replica)
		o->read_replica = getenv("FRONTLINE_READ_REPLICA");
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
	const char *config = NULL;
	char *keep = NULL;
	int test_clock_flag = 0;
	if (serve_args(argc, argv, &o, &ops, &config, &test_clock_flag))
		return 2;
	malloc_tuning();
	db_background_checkpoints();
	if (!o.db_url)
		o.db_url = getenv("FRONTLINE_DB");
	if (!o.listen)
		o.listen = getenv("FRONTLINE_LISTEN");
	if (!o.threads && getenv("FRONTLINE_THREADS"))
		o.threads = atoi(getenv("FRONTLINE_THREADS"));
	if (!o.trusted_proxies)
		o.trusted_proxies = getenv("FRONTLINE_TRUSTED_PROXIES");
	if (!config)
		config = getenv("FRONTLINE_CONFIG");
	if (config && load_config(config, &o, &ops, &keep))
		return 2;
	if (finish_ops(&ops, &o))
		return 2;
	if (!netaddr_list_ok(o.trusted_proxies)) {
		fprintf(stderr, "frontline: trusted proxies must be IP addresses or CIDR ranges, e.g. 127.0.0.1,10.0.0.0/8\n");
		return 2;
	}
	serve_defaults(&o);
	/* the manual clock is only ever switched on by the explicit flag, never by config or environment */
	o.test_clock = test_clock_flag;
	if (!o.db_url) {
		fprintf(stderr, "frontline: serve needs --db PATH (or FRONTLINE_DB)\n");
		return 2;
	}
	db *d = cli_open_db(o.db_url, CLI_DB_MIGRATE);
	if (!d)
		return cli_open_failed(o.db_url, CLI_DB_MIGRATE);
	db_close(d);
	return http_serve(&o);
}
