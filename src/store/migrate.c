#include "store/migrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/embed.h"

static const char *dir_of(db *d)
{
	return db_dialect(d) == DB_POSTGRES ? "migrations/pg/" : "migrations/sqlite/";
}

/* Embedded files are sorted by name, so migrations come in number order. */
static int number_of(const char *name, const char *dir)
{
	size_t dl = strlen(dir);
	if (strncmp(name, dir, dl) != 0)
		return -1;
	int n = atoi(name + dl);
	return n > 0 ? n : -1;
}

int migrate_latest(db *d)
{
	int max = 0;
	for (const struct embed_file *f = embed_files; f->name; f++) {
		int n = number_of(f->name, dir_of(d));
		if (n > max)
			max = n;
	}
	return max;
}

int migrate_current(db *d)
{
	int64_t v = 0;
	int found;
	/* read first: a read-only role (an auditor's, docs/SECURITY.md) may not create tables */
	if (db_scalar_int(d, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", DB_NOARGS, &v, &found) == DB_OK)
		return (int)v;
	if (db_exec(d, "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)",
		    DB_NOARGS, NULL) != DB_OK)
		return -1;
	return 0;
}

static int up(db *d, int *applied, int *version, char *err, unsigned long errlen);

/* PostgreSQL: servers starting together against a new database must not both apply a migration;
 * a session advisory lock ("FLMIGRAT") makes the second wait and then find nothing to do. */
#define MIGRATE_LOCK_KEY 0x464c4d4947524154LL

int migrate_up(db *d, int *applied, int *version, char *err, unsigned long errlen)
{
	if (db_dialect(d) != DB_POSTGRES)
		return up(d, applied, version, err, errlen);
	if (db_exec(d, "SELECT pg_advisory_lock(?)", DB_ARGS(DB_INT(MIGRATE_LOCK_KEY)), NULL) != DB_OK) {
		snprintf(err, errlen, "cannot lock the schema for migration: %s", db_errmsg(d));
		return -1;
	}
	int rc = up(d, applied, version, err, errlen);
	if (db_exec(d, "SELECT pg_advisory_unlock(?)", DB_ARGS(DB_INT(MIGRATE_LOCK_KEY)), NULL) != DB_OK && rc == 0) {
		snprintf(err, errlen, "cannot unlock the schema after migration: %s", db_errmsg(d));
		rc = -1;
	}
	return rc;
}

static int up(db *d, int *applied, int *version, char *err, unsigned long errlen)
{
	int cur = migrate_current(d);
	int latest = migrate_latest(d);
	int count = 0;
	if (cur < 0) {
		snprintf(err, errlen, "cannot read schema version: %s", db_errmsg(d));
		return -1;
	}
	if (cur > latest) {
		snprintf(err, errlen,
			 "database schema version %d is newer than this frontline (knows up to %d); "
			 "use a newer frontline binary",
			 cur, latest);
		return -1;
	}
	for (const struct embed_file *f = embed_files; f->name; f++) {
		int n = number_of(f->name, dir_of(d));
		if (n <= cur)
			continue;
		if (db_begin(d, 1) != DB_OK || db_exec_script(d, f->data) != DB_OK ||
		    db_exec(d, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, 0)", DB_ARGS(DB_INT(n)),
			    NULL) != DB_OK) {
			snprintf(err, errlen, "migration %s failed: %s", f->name, db_errmsg(d));
			db_rollback(d);
			return -1;
		}
		if (db_commit(d) != DB_OK) {
			snprintf(err, errlen, "migration %s: commit failed: %s", f->name, db_errmsg(d));
			return -1;
		}
		cur = n;
		count++;
	}
	if (applied)
		*applied = count;
	if (version)
		*version = cur;
	return 0;
}
