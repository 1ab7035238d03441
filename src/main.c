/* frontline: one binary, subcommands in a table (see src/cli/). */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static int cmd_help(int argc, char **argv);

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} COMMANDS[] = {
	{"init", cmd_init, "init --db PATH            create or migrate a database"},
	{"demo", cmd_demo, "demo --db PATH [--days 90]   the five stories' organizations, after N days of everyday work"},
	{"serve", cmd_serve, "serve --db PATH [--listen 127.0.0.1:8080] [--test-clock]   answer the API and the web UI"},
	{"tick", cmd_tick, "tick --db PATH            run one scheduler pass now (cron)"},
	{"audit", cmd_audit,
	 "audit verify --db PATH [--org SLUG] [--checkpoint FILE --public-key FILE.pub]\n"
	 "                            check the history hash chains (and that they still hold a signed checkpoint)\n"
	 "  frontline audit keygen --key FILE        make the Ed25519 key pair that signs checkpoints\n"
	 "  frontline audit checkpoint --db PATH --key FILE [--previous FILE] [--out FILE]\n"
	 "                            sign every organization's chain head (that still matches the previous checkpoint)"},
	{"backup", cmd_backup, "backup --db PATH DEST     consistent copy of a live database"},
	{"search-optimize", cmd_search_optimize,
	 "search-optimize --db PATH   merge the case search indexes into one b-tree each (when the desk is quiet)"},
	{"copy-db", cmd_copydb, "copy-db --from URL --to URL   copy an installation (sqlite:PATH <-> postgres://...)"},
	{"mailgate", cmd_mailgate, "mailgate --db PATH|--url URL --mailbox ADDRESS   one message on stdin (exit 75: retry later)"},
	{"mail-deliver", cmd_mail_deliver, "mail-deliver --db PATH --smtp smtp://HOST:PORT [--once]   send the outbox"},
	{"mail-poll", cmd_mail_poll, "mail-poll --db PATH --mailbox ADDRESS --imap imaps://HOST/INBOX ...   take an IMAP mailbox's mail"},
	{"webhook-deliver", cmd_webhook_deliver,
	 "webhook-deliver --db PATH [--once] [--allow loopback,private]   send the webhooks' events"},
	{"commands", cmd_routes, "commands                  list the API commands (case, person, offer, ...)"},
	{"help", cmd_help, "help [NOUN]               this text, or the commands of one noun (help case)"},
	{"bench-seed", cmd_bench_seed, NULL}, /* hidden: scripts/bench.sh */
	{"bench-promises", cmd_bench_promises, NULL}, /* hidden: scripts/bench-promises.sh */
	{"bench-estimates", cmd_bench_estimates, NULL}, /* hidden: scripts/bench-estimates.sh */
	{"bench-seed-learning", cmd_bench_seed_learning, NULL}, /* hidden: scripts/bench-learning.sh */
	{NULL, NULL, NULL},
};

static int cmd_help(int argc, char **argv)
{
	if (argc >= 2 && argv[1][0] != '-') {
		if (cli_noun_help(argv[1], stdout) == 0)
			return 0;
		fprintf(stderr, "frontline: no command or group of commands called '%s' (try: frontline help)\n", argv[1]);
		return 2;
	}
	printf("usage: frontline COMMAND [options]\n\n");
	for (const struct command *c = COMMANDS; c->name; c++)
		if (c->help)
			printf("  frontline %s\n", c->help);
	printf("\nand the API commands (`frontline commands` lists them), for example:\n"
	       "  frontline case open --db D --as EMAIL --subject S --channel chat --customer-name NAME\n"
	       "  frontline case offer CASE_ID --to EMAIL --db D --as EMAIL\n\n"
	       "common options: --db PATH|postgres://... (or FRONTLINE_DB), --as EMAIL, --org SLUG, --json\n"
	       "exit codes: 0 ok, 1 storage or internal error, 2 usage or invalid input, 3 not found,\n"
	       "            4 not allowed, 5 refused by a rule or conflicting state\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "frontline: cannot initialise libsodium\n");
		return 1;
	}
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return cmd_help(argc, argv) == 0 && argc >= 2 ? 0 : 2;
	for (const struct command *c = COMMANDS; c->name; c++)
		if (strcmp(argv[1], c->name) == 0)
			return c->fn(argc - 1, argv + 1);
	int handled = 0;
	int rc = cmd_generic(argc - 1, argv + 1, &handled);
	if (handled)
		return rc;
	fprintf(stderr, "frontline: unknown command '%s' (try: frontline help)\n", argv[1]);
	return 2;
}
