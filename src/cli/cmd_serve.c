/* serve: flags, then FRONTLINE_* environment variables, then a config file (key = value lines). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/netaddr.h"
#include "base/util.h"
#include "cli/cli.h"
#include "http/server.h"
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

static int load_config(const char *path, struct serve_opts *o, char **keep)
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

int cmd_serve(int argc, char **argv)
{
	struct serve_opts o = {0};
	const char *config = NULL;
	char *keep = NULL;
	int test_clock_flag = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--db") == 0 && v)
			o.db_url = argv[++i];
		else if (strcmp(a, "--listen") == 0 && v)
			o.listen = argv[++i];
		else if (strcmp(a, "--threads") == 0 && v)
			o.threads = atoi(argv[++i]);
		else if (strcmp(a, "--trusted-proxies") == 0 && v)
			o.trusted_proxies = argv[++i];
		else if (strcmp(a, "--config") == 0 && v)
			config = argv[++i];
		else if (strcmp(a, "--test-clock") == 0)
			test_clock_flag = 1;
		else if (strcmp(a, "--test-clock-start") == 0 && v)
			o.test_clock_start = argv[++i];
		else if (strcmp(a, "--scheduler-interval") == 0 && v)
			o.scheduler_interval_s = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: frontline serve --db PATH|URL [--listen ADDR:PORT] [--threads N] [--config FILE]\n"
					"                       [--trusted-proxies ADDRS] [--scheduler-interval SECONDS]\n"
					"                       [--test-clock [--test-clock-start TIME]]\n");
			return 2;
		}
	}
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
	if (config && load_config(config, &o, &keep))
		return 2;
	if (!netaddr_list_ok(o.trusted_proxies)) {
		fprintf(stderr, "frontline: trusted proxies must be IP addresses or CIDR ranges, e.g. 127.0.0.1,10.0.0.0/8\n");
		return 2;
	}
	if (!o.listen)
		o.listen = "127.0.0.1:8080";
	if (o.threads <= 0 || o.threads > 256)
		o.threads = 8;
	if (!o.scheduler_interval_s)
		o.scheduler_interval_s = 5;
	o.max_connections = 1024;
	o.timeout_s = 30;
	/* the manual clock is only ever switched on by the explicit flag, never by config or environment */
	o.test_clock = test_clock_flag;
	if (!o.db_url) {
		fprintf(stderr, "frontline: serve needs --db PATH (or FRONTLINE_DB)\n");
		return 2;
	}
	db *d = cli_open_db(o.db_url, 1);
	if (!d)
		return 1;
	db_close(d);
	return http_serve(&o);
}
