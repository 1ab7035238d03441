/* Migrations: a fresh database migrates to the latest version; a second run is a no-op; a
 * database from a newer Frontline is refused with a clear message and left untouched. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "store/db.h"
#include "store/migrate.h"

static char dir[] = "/tmp/fl-test-migrate-XXXXXX";

static db *open_db(const char *name)
{
	char path[256], err[256];
	db *d = NULL;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (db_open(path, &d, err, sizeof err) != DB_OK) {
		fprintf(stderr, "open: %s\n", err);
		exit(1);
	}
	return d;
}

TEST(fresh_then_noop)
{
	db *d = open_db("a.db");
	char err[256] = "";
	int applied = -1, version = -1;
	int latest = migrate_latest(d);
	CHECK(latest >= 1);
	CHECK(migrate_current(d) == 0);
	CHECK(migrate_up(d, &applied, &version, err, sizeof err) == 0);
	CHECK(applied == latest); /* numbered from 1 without gaps */
	CHECK(version == latest);
	CHECK(migrate_current(d) == latest);
	int64_t n;
	int found;
	CHECK(db_scalar_int(d, "SELECT COUNT(*) FROM events", DB_NOARGS, &n, &found) == DB_OK && n == 0);
	db_close(d);

	d = open_db("a.db");
	applied = -1;
	CHECK(migrate_up(d, &applied, &version, err, sizeof err) == 0);
	CHECK(applied == 0);
	CHECK(version == latest);
	CHECK(db_scalar_int(d, "SELECT COUNT(*) FROM schema_migrations", DB_NOARGS, &n, &found) == DB_OK && n == latest);
	db_close(d);
}

TEST(newer_database_refused)
{
	db *d = open_db("b.db");
	char err[256] = "";
	CHECK(migrate_up(d, NULL, NULL, err, sizeof err) == 0);
	int latest = migrate_latest(d);
	CHECK(db_exec(d, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, 0)", DB_ARGS(DB_INT(latest + 1)),
		      NULL) == DB_OK);
	int applied = -1;
	CHECK(migrate_up(d, &applied, NULL, err, sizeof err) == -1);
	CHECK(strstr(err, "newer") != NULL);
	char want[32];
	snprintf(want, sizeof want, "%d", latest + 1);
	CHECK(strstr(err, want) != NULL); /* names the version it found */
	CHECK(migrate_current(d) == latest + 1); /* untouched */
	db_close(d);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(fresh_then_noop);
	RUN(newer_database_refused);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	DONE();
}
