/* `frontline webhook-deliver`: the webhook delivery worker (svc/notify/whworker.h), for operators
 * who run it apart from the server (which runs the same loop in a thread: serve --webhook-worker).
 * One subscription is leased at a time; the request is sent outside any transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "cli/cli.h"
#include "cli/worker.h"
#include "core/notify_rules.h"
#include "svc/notify/webhook.h"
#include "svc/notify/whworker.h"

struct wh_opts {
	struct cli_worker w;
	int allow;
	const char *clock_start; /* tests: a manual clock starting here */
};

static const char USAGE[] =
	"webhook-deliver --db PATH|URL [--once] [--interval SECONDS] [--lease SECONDS (>= 10)]\n"
	"         [--max N] [--allow loopback,private,link-local]   (FRONTLINE_WEBHOOK_ALLOW for --allow)\n";

static int parse_opts(int argc, char **argv, struct wh_opts *o)
{
	const char *allow = getenv("FRONTLINE_WEBHOOK_ALLOW");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--allow") == 0 && v)
			allow = argv[++i];
		else if (strcmp(a, "--test-clock-start") == 0 && v)
			o->clock_start = argv[++i];
		else
			return -1;
	}
	o->allow = webhook_allow_parse(allow);
	return o->allow < 0 || o->w.lease_s < 10 ? -1 : 0;
}

static int run_worker(db *d, fl_clock *clk, const struct wh_opts *o)
{
	char worker[96];
	cli_worker_name(worker, sizeof worker);
	struct webhook_work w = {o->w.once, o->w.interval_s, o->w.lease_s, o->allow, o->w.max, worker, &cli_stopping};
	long handled = 0;
	int rc = webhook_work_run(d, clk, &w, &handled);
	printf("{\"handled\": %ld}\n", handled);
	return rc;
}

int cmd_webhook_deliver(int argc, char **argv)
{
	struct cli_common co;
	struct wh_opts o = {{.interval_s = 5, .lease_s = 60}, 0, NULL};
	int64_t start = 0;
	argc = cli_worker_args(argc, argv, &co, &o.w, CLI_WORKER_LEASE);
	if (argc < 0 || parse_opts(argc, argv, &o) || !co.db || (o.clock_start && time_parse(o.clock_start, &start)))
		return cli_usage(USAGE);
	db *d;
	fl_clock clk;
	int rc = cli_worker_open(co.db, o.clock_start ? &start : NULL, &d, &clk);
	if (rc)
		return rc;
	rc = run_worker(d, &clk, &o);
	db_close(d);
	return rc;
}
