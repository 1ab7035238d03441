/* `frontline webhook-deliver`: the webhook delivery worker (svc/notify/whworker.h), for operators
 * who run it apart from the server (which runs the same loop in a thread: serve --webhook-worker).
 * One subscription is leased at a time; the request is sent outside any transaction. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "cli/cli.h"
#include "core/notify_rules.h"
#include "svc/notify/webhook.h"
#include "svc/notify/whworker.h"

static volatile sig_atomic_t stopping;
static void on_stop(int sig) { stopping = sig; }

struct wh_opts {
	int once, interval_s, lease_s, allow;
	long max;
	const char *clock_start; /* tests: a manual clock starting here */
};

static int parse_opts(int argc, char **argv, struct wh_opts *o)
{
	const char *allow = getenv("FRONTLINE_WEBHOOK_ALLOW");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--once") == 0)
			o->once = 1;
		else if (strcmp(a, "--interval") == 0 && v)
			o->interval_s = atoi(argv[++i]);
		else if (strcmp(a, "--lease") == 0 && v)
			o->lease_s = atoi(argv[++i]);
		else if (strcmp(a, "--max") == 0 && v)
			o->max = atol(argv[++i]);
		else if (strcmp(a, "--allow") == 0 && v)
			allow = argv[++i];
		else if (strcmp(a, "--test-clock-start") == 0 && v)
			o->clock_start = argv[++i];
		else
			return -1;
	}
	o->allow = webhook_allow_parse(allow);
	return o->allow < 0 || o->lease_s < 10 ? -1 : 0;
}

static int run_worker(db *d, fl_clock *clk, const struct wh_opts *o)
{
	char worker[96], host[64] = "";
	gethostname(host, sizeof host - 1);
	snprintf(worker, sizeof worker, "%s:%ld", host, (long)getpid());
	struct webhook_work w = {o->once, o->interval_s, o->lease_s, o->allow, o->max, worker, &stopping};
	long handled = 0;
	int rc = webhook_work_run(d, clk, &w, &handled);
	printf("{\"handled\": %ld}\n", handled);
	return rc;
}

int cmd_webhook_deliver(int argc, char **argv)
{
	struct cli_common co;
	struct wh_opts o = {0, 5, 60, 0, 0, NULL};
	int64_t start = 0;
	argc = cli_common_parse(argc, argv, &co);
	if (parse_opts(argc, argv, &o) || !co.db || (o.clock_start && time_parse(o.clock_start, &start))) {
		fprintf(stderr,
			"usage: frontline webhook-deliver --db PATH|URL [--once] [--interval SECONDS] [--lease SECONDS (>= 10)]\n"
			"         [--max N] [--allow loopback,private,link-local]   (FRONTLINE_WEBHOOK_ALLOW for --allow)\n");
		return 2;
	}
	db *d = cli_open_db(co.db, CLI_DB_USE);
	if (!d)
		return cli_open_failed(co.db, CLI_DB_USE);
	signal(SIGTERM, on_stop);
	signal(SIGINT, on_stop);
	fl_clock clk;
	if (o.clock_start)
		clock_init_manual(&clk, start);
	else
		clock_init_real(&clk);
	int rc = run_worker(d, &clk, &o);
	db_close(d);
	return rc;
}
