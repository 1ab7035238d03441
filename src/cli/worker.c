#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/worker.h"

volatile sig_atomic_t cli_stopping;

static void on_stop(int sig) { cli_stopping = sig; }

int cli_worker_args(int argc, char **argv, struct cli_common *co, struct cli_worker *w, unsigned flags)
{
	argc = cli_common_parse(argc, argv, co);
	int out = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int *num = NULL;
		if (strcmp(a, "--once") == 0) {
			w->once = 1;
			continue;
		}
		if (strcmp(a, "--interval") == 0)
			num = &w->interval_s;
		else if (strcmp(a, "--lease") == 0 && (flags & CLI_WORKER_LEASE))
			num = &w->lease_s;
		else if (strcmp(a, "--max") != 0) {
			argv[out++] = argv[i];
			continue;
		}
		if (!v)
			return -1;
		if (num)
			*num = atoi(v);
		else
			w->max = atol(v);
		i++;
	}
	argv[out] = NULL;
	return out;
}

int cli_worker_open(const char *url, const int64_t *manual_start, db **d, fl_clock *clk)
{
	*d = cli_open_db(url, CLI_DB_USE);
	if (!*d)
		return cli_open_failed(url, CLI_DB_USE);
	if (manual_start)
		clock_init_manual(clk, *manual_start);
	else
		clock_init_real(clk);
	signal(SIGTERM, on_stop);
	signal(SIGINT, on_stop);
	return 0;
}

void cli_worker_name(char *buf, size_t n)
{
	char host[64] = "";
	gethostname(host, sizeof host - 1);
	snprintf(buf, n, "%s:%ld", host, (long)getpid());
}

int cli_usage(const char *text)
{
	fprintf(stderr, "usage: frontline %s", text);
	return 2;
}
