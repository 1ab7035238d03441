#ifndef FL_CLI_H
#define FL_CLI_H
/* The command line.  Built-in commands (init, demo, serve, tick, audit, backup, ...) each live in
 * their own file and are listed in src/main.c; every API operation with a `cli` name is also a
 * command (cli/generic.c), so the command line and the API do the same things. */
#include <jansson.h>
#include <stdio.h>

#include "store/db.h"
#include "svc/svc.h"

/* Common options: --db PATH|URL (or FRONTLINE_DB), --as EMAIL, --org SLUG, --json. */
struct cli_common {
	const char *db;
	const char *as;
	const char *org;
	int json;
};

/* Pull the common options out of argv (compacting it); returns the new argc. */
int cli_common_parse(int argc, char **argv, struct cli_common *o);

/* How cli_open_db treats the database: only `init` (and the hidden benchmark seeders) may make
 * a new SQLite file; everything else refuses a path where there is none, so a mistyped --db never
 * leaves an empty database behind. */
enum cli_db_mode {
	CLI_DB_USE,     /* an existing database whose schema is current */
	CLI_DB_MIGRATE, /* an existing database, migrated to the current schema */
	CLI_DB_CREATE,  /* made when missing, then migrated */
};

/* 0 when url names a database this command may open in mode; else prints what to do and returns
 * the usage exit code 2 (no --db at all, or a SQLite file that does not exist). */
int cli_db_check(const char *url, enum cli_db_mode mode);

/* Open the database and check its schema is current (or migrate it, by mode).  Prints the problem
 * and returns NULL on failure (cli_db_check's refusals included). */
db *cli_open_db(const char *url, enum cli_db_mode mode);
/* The exit code for a command whose cli_open_db(url, mode) returned NULL: 2 (usage) when the
 * database was not named or is not there, 1 when it could not be opened. */
int cli_open_failed(const char *url, enum cli_db_mode mode);

/* Fill c->actor from --as/--org.  Returns 0; 2 (usage) when --as is missing; -1 after printing why
 * (no such active person, several organizations). */
int cli_actor(svc_ctx *c, const struct cli_common *o);

/* Print out: JSON when json is set, else a readable form. */
void cli_print(json_t *out, int json);
/* Print an error and return its exit code. */
int cli_fail(const fl_err *err, int json);

int cmd_generic(int argc, char **argv, int *handled);
int cmd_init(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_tick(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_search_optimize(int argc, char **argv);
int cmd_routes(int argc, char **argv);
/* Print the commands of one noun (`frontline help case`); 0 when it has any, else 2. */
int cli_noun_help(const char *noun, FILE *to);
int cmd_copydb(int argc, char **argv);
int cmd_mailgate(int argc, char **argv);     /* cli/cmd_mail.c */
int cmd_mail_deliver(int argc, char **argv);
int cmd_mail_poll(int argc, char **argv); /* cli/cmd_imap.c */
/* The first line of a file holding a secret (new), or NULL when it can't be read. */
char *cli_read_secret(const char *path);
struct mail_gate_in;
/* Take one message into the mailbox (address or SLUG/NAME) in its own transaction, retried on
 * conflicts and outages a few times.  Returns 0 once committed, or already there (*out new, its
 * "status" says which); -1 with err set when it could not be committed (retry later). */
int mail_take(db *d, fl_clock *clk, const char *mailbox, const struct mail_gate_in *gi, json_t **out, fl_err *err);
int cmd_webhook_deliver(int argc, char **argv); /* cli/cmd_webhook.c */
int cmd_bench_seed(int argc, char **argv); /* hidden: scripts/bench.sh */
int cmd_bench_promises(int argc, char **argv);
int cmd_bench_estimates(int argc, char **argv); /* hidden: scripts/bench-estimates.sh (cli/cmd_bench_promises.c) */
int cmd_bench_seed_learning(int argc, char **argv); /* hidden: scripts/bench-learning.sh */

#endif
