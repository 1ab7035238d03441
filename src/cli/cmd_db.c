/* init, backup, audit verify, tick. */
#include <stdio.h>
#include <string.h>

#include "base/util.h"
#include "cli/cli.h"
#include "store/event.h"
#include "store/migrate.h"
#include "svc/tick.h"

int cmd_init(int argc, char **argv)
{
	struct cli_common o;
	argc = cli_common_parse(argc, argv, &o);
	char err[512];
	db *d;
	int applied = 0, version = 0;
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
	db *d = cli_open_db(o.db, 0);
	if (!d)
		return 1;
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

int cmd_audit(int argc, char **argv)
{
	int rc;
	struct cli_common o;
	argc = cli_common_parse(argc, argv, &o);
	if (argc != 2 || strcmp(argv[1], "verify") != 0) {
		fprintf(stderr, "usage: frontline audit verify --db PATH [--org SLUG] [--json]\n");
		return 2;
	}
	db *d = cli_open_db(o.db, 0);
	if (!d)
		return 1;
	db_res *r;
	if (db_query(d, "SELECT id, slug FROM orgs WHERE (? IS NULL OR slug = ?) ORDER BY slug",
		     DB_ARGS(DB_TXT(o.org), DB_TXT(o.org)), &r) != DB_OK) {
		fprintf(stderr, "frontline: %s\n", db_errmsg(d));
		db_close(d);
		return 1;
	}
	json_t *orgs = json_array();
	while (db_next(r) == 1)
		json_array_append_new(orgs, json_pack("{s:s,s:s}", "id", db_text(r, 0), "slug", db_text(r, 1)));
	if ((rc = db_res_close(r)) != DB_OK) {
		fprintf(stderr, "frontline: %s\n", db_errmsg(d));
		json_decref(orgs);
		db_close(d);
		return 1;
	}
	int bad = 0, n = 0;
	json_t *results = json_array();
	size_t i;
	json_t *org;
	db_begin(d, 0);
	json_array_foreach(orgs, i, org)
	{
		int64_t seq = 0, count = 0;
		char msg[256];
		rc = event_verify(d, json_string_value(json_object_get(org, "id")), &seq, &count, msg, sizeof msg);
		n++;
		if (rc != 0)
			bad++;
		json_t *res = json_pack("{s:O,s:b,s:I,s:s}", "org", json_object_get(org, "slug"), "ok", rc == 0, "events",
					(json_int_t)count, "message", rc < 0 ? "storage error" : msg);
		if (rc == 1)
			json_object_set_new(res, "first_bad_seq", json_integer(seq));
		json_array_append_new(results, res);
		if (!o.json)
			printf("%s: %s\n", json_string_value(json_object_get(org, "slug")), rc < 0 ? "storage error" : msg);
	}
	db_rollback(d);
	if (o.json) {
		json_t *out = json_pack("{s:b,s:o}", "ok", bad == 0, "orgs", results);
		cli_print(out, 1);
		json_decref(out);
	} else {
		json_decref(results);
	}
	json_decref(orgs);
	db_close(d);
	if (o.org && n == 0) {
		fprintf(stderr, "frontline: no organization %s\n", o.org);
		return 3;
	}
	return bad ? 5 : 0;
}

int cmd_tick(int argc, char **argv)
{
	struct cli_common o;
	argc = cli_common_parse(argc, argv, &o);
	db *d = cli_open_db(o.db, 0);
	if (!d)
		return 1;
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
	db_close(d);
	return rc;
}
