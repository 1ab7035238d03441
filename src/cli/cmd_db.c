/* init, backup, tick, search-optimize. */
#include <stdio.h>
#include <string.h>

#include "base/util.h"
#include "cli/cli.h"
#include "store/migrate.h"
#include "store/search.h"
#include "svc/tick.h"

int cmd_init(int argc, char **argv)
{
	struct cli_common o;
	argc = cli_common_parse(argc, argv, &o);
	char err[512];
	db *d;
	int applied = 0, version = 0;
	if (argc > 1) {
		fprintf(stderr, "frontline: init takes no '%s' (usage: frontline init --db PATH)\n", argv[1]);
		return 2;
	}
	if (cli_db_check(o.db, CLI_DB_CREATE))
		return 2;
	if (db_open(o.db, &d, err, sizeof err) != DB_OK) {
		fprintf(stderr, "frontline: %s\n", err);
		return 1;
	}
	if (migrate_up(d, &applied, &version, err, sizeof err)) {
		fprintf(stderr, "frontline: %s\n", err);
		db_close(d);
		return 1;
	}
	if (applied)
		printf("database %s: applied %d migration%s, now at schema version %d\n", o.db, applied, applied == 1 ? "" : "s",
		       version);
	else
		printf("database %s: already current (schema version %d)\n", o.db, version);
	db_close(d);
	return 0;
}

int cmd_backup(int argc, char **argv)
{
	struct cli_common o;
	argc = cli_common_parse(argc, argv, &o);
	if (argc != 2) {
		fprintf(stderr, "usage: frontline backup --db PATH DEST\n");
		return 2;
	}
	db *d = cli_open_db(o.db, CLI_DB_USE);
	if (!d)
		return cli_open_failed(o.db, CLI_DB_USE);
	int rc = db_backup(d, argv[1]);
	if (rc != DB_OK) {
		if (db_dialect(d) == DB_POSTGRES) /* not supported: the message says what to use */
			fprintf(stderr, "frontline: %s\n", db_errmsg(d));
		else
			fprintf(stderr, "frontline: backup to %s failed\n", argv[1]);
		db_close(d);
		return 1;
	}
	db_close(d);
	printf("backed up %s to %s\n", o.db, argv[1]);
	return 0;
}

int cmd_tick(int argc, char **argv)
{
	struct cli_common o;
	argc = cli_common_parse(argc, argv, &o);
	if (cli_db_check(o.db, CLI_DB_USE))
		return 2;
	db *d = cli_open_db(o.db, CLI_DB_USE);
	if (!d)
		return cli_open_failed(o.db, CLI_DB_USE);
	fl_clock clk;
	clock_init_real(&clk);
	svc_ctx c = {.db = d, .clock = &clk, .now = clock_now(&clk)};
	json_t *summary = json_object();
	int rc = db_begin(d, 1);
	if (rc == DB_OK)
		rc = tick_run(&c, summary);
	else
		rc = svc_db_err(&c, rc);
	if (rc == 0 && (rc = db_commit(d)) != DB_OK)
		rc = svc_db_err(&c, rc);
	if (rc) {
		db_rollback(d);
		rc = cli_fail(&c.err, o.json);
	} else {
		cli_print(summary, o.json);
	}
	json_decref(summary);
	svc_ctx_release(&c);
	db_close(d);
	return rc;
}

int cmd_search_optimize(int argc, char **argv)
{
	struct cli_common o;
	argc = cli_common_parse(argc, argv, &o);
	if (argc > 1) {
		fprintf(stderr, "frontline: search-optimize takes no '%s' (usage: frontline search-optimize --db PATH)\n", argv[1]);
		return 2;
	}
	db *d = cli_open_db(o.db, CLI_DB_USE);
	if (!d)
		return cli_open_failed(o.db, CLI_DB_USE);
	int rc = search_optimize(d);
	if (rc != DB_OK)
		fprintf(stderr, "frontline: search-optimize failed: %s\n", db_errmsg(d));
	db_close(d);
	return rc == DB_OK ? 0 : 1;
}
