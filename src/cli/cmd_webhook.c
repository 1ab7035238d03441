/* `frontline webhook-deliver`: the webhook delivery worker (svc/notify/whworker.h).  One
 * subscription is leased at a time; the request is sent outside any transaction. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "cli/cli.h"
#include "core/notify_rules.h"
#include "svc/notify/webhook.h"
#include "svc/notify/whsend.h"
#include "svc/notify/whworker.h"

static volatile sig_atomic_t stopping;
static void on_stop(int sig) { stopping = sig; }

struct wh_opts {
	int once, interval_s, lease_s, allow;
	long max;
	const char *clock_start; /* tests: a manual clock starting here */
};

/* The worker's step: in one transaction, record the outcome of the attempt just made (if any) and
 * claim the next (so a busy worker commits once per delivery); then send it outside any
 * transaction.  A failed commit loses nothing: the lease runs out and the event is sent again with
 * the same webhook-id.  Returns 1 when an attempt was made, 0 when nothing was due, -1 on a
 * storage error. */
struct attempt {
	struct webhook_msg m;
	struct whsend_result res;
	int pending; /* m was sent and its outcome is not recorded yet */
};

static int step(svc_ctx *c, const char *worker, const struct wh_opts *o, struct attempt *a, int claim)
{
	c->now = clock_now(c->clock);
	if (db_begin(c->db, 1) != DB_OK)
		return -1;
	int rc = a->pending && webhook_finish(c, &a->m, worker, &a->res) ? -1 : 0;
	if (a->pending) {
		fprintf(stderr, "frontline: webhook %s event %lld to %s: %s%s%s\n", a->m.id, (long long)a->m.seq, a->m.url,
			a->res.outcome == WHSEND_DELIVERED ? "delivered"
			: a->res.outcome == WHSEND_REFUSED ? "refused"
							   : "failed",
			*a->res.error ? ": " : "", a->res.error);
		webhook_msg_release(&a->m);
		a->pending = 0;
	}
	if (rc == 0 && claim)
		rc = webhook_claim(c, worker, o->lease_s * 1000LL, &a->m);
	if (rc < 0 || db_commit(c->db) != DB_OK) {
		db_rollback(c->db);
		if (rc == 1)
			webhook_msg_release(&a->m);
		return -1;
	}
	if (rc == 0)
		return 0;
	char **headers = webhook_headers(&a->m, c->now / 1000);
	if (headers) {
		whsend_post(a->m.url, o->allow, (const char *const *)headers, a->m.body, strlen(a->m.body), &a->res);
	} else {
		memset(&a->res, 0, sizeof a->res);
		a->res.outcome = WHSEND_FAILED;
		snprintf(a->res.error, sizeof a->res.error, "the signing secret is malformed");
	}
	webhook_headers_free(headers);
	a->pending = 1;
	return 1;
}

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
	svc_ctx c = {.db = d, .clock = clk};
	char worker[96], host[64] = "";
	gethostname(host, sizeof host - 1);
	snprintf(worker, sizeof worker, "%s:%ld", host, (long)getpid());
	long handled = 0;
	int rc = 0;
	struct attempt a = {.pending = 0};
	while (!stopping && (!o->max || handled < o->max)) {
		int r = step(&c, worker, o, &a, 1);
		if (r < 0) {
			fprintf(stderr, "frontline: webhook-deliver: %s\n", *c.err.message ? c.err.message : db_errmsg(d));
			rc = 1;
			if (o->once)
				break;
		}
		if (r == 1) {
			handled++;
			continue;
		}
		if (o->once)
			break;
		sleep((unsigned)(o->interval_s > 0 ? o->interval_s : 1));
	}
	if (a.pending && step(&c, worker, o, &a, 0) < 0) /* the last outcome (--max, or a signal) */
		rc = 1;
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
