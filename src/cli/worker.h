#ifndef FL_CLI_WORKER_H
#define FL_CLI_WORKER_H
/* What the worker commands share (mail-deliver, mail-poll, webhook-deliver: cli/cmd_mail.c,
 * cli/cmd_imap.c, cli/cmd_webhook.c): the loop's options, the database opened for the loop with
 * SIGTERM/SIGINT setting cli_stopping, and the worker's name for its leases. */
#include <signal.h>
#include <stddef.h>

#include "base/clock.h"
#include "cli/cli.h"
#include "store/db.h"

/* --once, --interval SECONDS, --max N and (CLI_WORKER_LEASE) --lease SECONDS.  The caller sets the
 * defaults before parsing. */
struct cli_worker {
	int once, interval_s, lease_s;
	long max;
};
#define CLI_WORKER_LEASE 1u

/* Pull the common options (cli_common_parse), then the worker options out of argv, compacting it;
 * returns the new argc, or -1 when a worker option lacks its value (a usage error). */
int cli_worker_args(int argc, char **argv, struct cli_common *co, struct cli_worker *w, unsigned flags);

/* Set (to the signal) by SIGTERM or SIGINT once cli_worker_open has run: finish and stop. */
extern volatile sig_atomic_t cli_stopping;

/* Open the database at url for a worker (CLI_DB_USE), start its clock (real, or for tests manual
 * from *manual_start) and catch SIGTERM/SIGINT.  Returns 0 with *d open, or the command's exit code
 * (cli_open_failed) after printing why. */
int cli_worker_open(const char *url, const int64_t *manual_start, db **d, fl_clock *clk);

/* Print "usage: frontline " and text (its lines end in \n) on stderr; returns 2, the usage exit code. */
int cli_usage(const char *text);

/* The worker's name in its leases: "HOST:PID". */
void cli_worker_name(char *buf, size_t n);

#endif
