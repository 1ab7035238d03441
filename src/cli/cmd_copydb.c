/* copy-db: move an installation between databases (SQLite <-> PostgreSQL), history intact. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "store/copy.h"

int cmd_copydb(int argc, char **argv)
{
	const char *from = NULL, *to = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--from") && i + 1 < argc)
			from = argv[++i];
		else if (!strcmp(argv[i], "--to") && i + 1 < argc)
			to = argv[++i];
		else {
			from = NULL;
			break;
		}
	}
	if (!from || !to) {
		fprintf(stderr, "usage: frontline copy-db --from sqlite:PATH|postgres://... --to postgres://...|sqlite:PATH\n");
		return 2;
	}
	char err[1024];
	db *a = NULL, *b = NULL;
	if (db_open(from, &a, err, sizeof err) != DB_OK || db_open(to, &b, err, sizeof err) != DB_OK) {
		fprintf(stderr, "frontline: %s\n", err);
		db_close(a);
		return 1;
	}
	int64_t rows = 0;
	int rc = db_copy(a, b, &rows, err, sizeof err);
	db_close(a);
	db_close(b);
	if (rc) {
		fprintf(stderr, "frontline: copy-db: %s\n", err);
		return 1;
	}
	printf("copied %" PRId64 " rows from %s to %s; run `frontline audit verify --db %s` to check the history\n", rows,
	       from, to, to);
	return 0;
}
