/* Migrations on real SQLite files: a fresh database migrates to the latest version; a second run
 * is a no-op; a database left at any older version upgrades to the same schema as a fresh one; a
 * migration that fails leaves nothing of itself behind and the version where it was; a database
 * from a newer Frontline is refused with a clear message and left untouched; both dialects ship
 * the same numbered files (their contents are compared by tests/e2e/test_schema.py). */
#include <stdlib.h>
#include <string.h>

#include "base/embed.h"
#include "harness.h"
#include "store/db.h"
#include "store/migrate.h"

#define SQLITE_DIR "migrations/sqlite/"

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

/* Bring a database to version k by running the embedded files 1..k as migrate_up would. */
static void migrate_to(db *d, int k)
{
	CHECK(migrate_current(d) == 0); /* creates schema_migrations */
	int n = 0;
	for (const struct embed_file *f = embed_files; f->name && n < k; f++) {
		if (strncmp(f->name, SQLITE_DIR, strlen(SQLITE_DIR)) != 0)
			continue;
		n++;
		CHECK(db_exec_script(d, f->data) == DB_OK);
		CHECK(db_exec(d, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, 0)", DB_ARGS(DB_INT(n)),
			      NULL) == DB_OK);
	}
	CHECK(n == k);
}

/* Every object of the schema, one per line ("type name sql"), sorted; the caller frees. */
static char *schema_text(db *d)
{
	db_res *r;
	size_t cap = 1 << 20, len = 0;
	char *out = calloc(1, cap);
	CHECK(db_query(d, "SELECT type, name, COALESCE(sql, '') FROM sqlite_master ORDER BY type, name", DB_NOARGS,
		       &r) == DB_OK);
	while (out && db_next(r) == 1)
		len += (size_t)snprintf(out + len, cap - len, "%s %s %s\n", db_text(r, 0), db_text(r, 1), db_text(r, 2));
	CHECK(db_res_close(r) == DB_OK);
	CHECK(len > 0 && len < cap);
	return out;
}

TEST(upgrade_from_every_older_version)
{
	db *d = open_db("fresh.db");
	char err[256] = "";
	CHECK(migrate_up(d, NULL, NULL, err, sizeof err) == 0);
	int latest = migrate_latest(d);
	char *want = schema_text(d);
	db_close(d);
	for (int k = 0; k < latest; k++) {
		char name[32];
		snprintf(name, sizeof name, "at%d.db", k);
		d = open_db(name);
		migrate_to(d, k);
		int applied = -1, version = -1;
		CHECK(migrate_up(d, &applied, &version, err, sizeof err) == 0);
		CHECK(applied == latest - k);
		CHECK(version == latest);
		char *got = schema_text(d);
		CHECK_STR(got, want);
		free(got);
		db_close(d);
	}
	free(want);
}

/* The tables a migration file creates, in order (at most 8); returns how many. */
static int tables_created(const char *sql, char names[][64])
{
	int n = 0;
	for (const char *p = sql; n < 8 && (p = strstr(p, "CREATE TABLE ")) != NULL; n++) {
		p += strlen("CREATE TABLE ");
		size_t len = strcspn(p, " (\n");
		snprintf(names[n], 64, "%.*s", (int)len, p);
	}
	return n;
}

/* The newest SQLite migration that creates at least two tables: its number, name and tables. */
static int newest_with_two_tables(char names[][64], int *ntables, const char **file)
{
	int number = 0, k = 0;
	for (const struct embed_file *f = embed_files; f->name; f++) {
		if (strncmp(f->name, SQLITE_DIR, strlen(SQLITE_DIR)) != 0)
			continue;
		k++;
		char tmp[8][64];
		int n = tables_created(f->data, tmp);
		/* a migration that rebuilds a table (SQLite's CREATE new, copy, DROP, RENAME) does not keep
		 * the names it creates: the check below looks for them */
		if (n >= 2 && !strstr((const char *)f->data, "RENAME TO")) {
			memcpy(names, tmp, sizeof tmp);
			*ntables = n;
			*file = f->name;
			number = k;
		}
	}
	return number;
}

static int table_exists(db *d, const char *name)
{
	int64_t n = 0;
	int found;
	CHECK(db_scalar_int(d, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
			    DB_ARGS(DB_TXT(name)), &n, &found) == DB_OK);
	return n > 0;
}

TEST(failed_migration_leaves_nothing_behind)
{
	/* a migration's last table already exists (as a stray object would): the migration fails at
	 * that statement, and the tables it created before it are rolled back with it */
	char names[8][64];
	const char *file = "";
	int ntables = 0;
	int k = newest_with_two_tables(names, &ntables, &file);
	CHECK(k > 0);
	db *d = open_db("fail.db");
	int latest = migrate_latest(d);
	migrate_to(d, k - 1);
	char sql[128], err[256] = "";
	snprintf(sql, sizeof sql, "CREATE TABLE %s (x INTEGER)", names[ntables - 1]);
	CHECK(db_exec(d, sql, DB_NOARGS, NULL) == DB_OK);
	CHECK(migrate_up(d, NULL, NULL, err, sizeof err) == -1);
	CHECK(strstr(err, file) != NULL); /* names the migration */
	CHECK(strstr(err, names[ntables - 1]) != NULL); /* and what went wrong */
	CHECK(migrate_current(d) == k - 1);
	CHECK(!table_exists(d, names[0]));
	/* once the stray table is gone, the rest applies */
	snprintf(sql, sizeof sql, "DROP TABLE %s", names[ntables - 1]);
	CHECK(db_exec(d, sql, DB_NOARGS, NULL) == DB_OK);
	int applied = -1;
	CHECK(migrate_up(d, &applied, NULL, err, sizeof err) == 0);
	CHECK(applied == latest - k + 1);
	CHECK(table_exists(d, names[0]) && table_exists(d, names[ntables - 1]));
	db_close(d);
}

/* How many SQLite migration files come before the one whose name holds `number` ("0026_"). */
static int files_before(const char *number)
{
	int n = 0;
	for (const struct embed_file *f = embed_files; f->name; f++)
		if (strncmp(f->name, SQLITE_DIR, strlen(SQLITE_DIR)) == 0) {
			if (strstr(f->name, number))
				return n;
			n++;
		}
	return -1;
}

static long long count_of(db *d, const char *sql)
{
	int64_t n = -1;
	int found;
	CHECK(db_scalar_int(d, sql, DB_NOARGS, &n, &found) == DB_OK);
	return (long long)n;
}

/* 0026: staff mail (notify_mail) moves into the outbox, from the organization's mailbox or from
 * frontline@localhost without one; the outbox's rows and the proposals that refer to them stay.
 * (Parent rows are left out, with the foreign keys off; the demo's data upgrades with them on.) */
TEST(staff_mail_moves_into_the_outbox)
{
	db *d = open_db("staff.db");
	char err[256] = "";
	int k = files_before("0026_");
	CHECK(k > 0);
	migrate_to(d, k);
	CHECK(db_exec_script(d, "PRAGMA foreign_keys = OFF;"
				"INSERT INTO mailboxes (org_id, id, name, address, team_id, owner_id, created_at) "
				"VALUES ('o1', 'mb1', 'support', 'support@one.example', 't', 'p', 1);"
				"INSERT INTO notify_mail (org_id, id, person_id, kind, to_addr, subject, body, status, attempts, "
				"next_at, created_at) VALUES ('o1', 'NML1', 'p1', 'notice', 'a@one.example', 's', 'b', 'sent', 1, 5, 4),"
				"('o2', 'NML2', 'p2', 'digest', 'b@two.example', 's', 'b', 'queued', 0, 6, 6);"
				"INSERT INTO mail_out (org_id, id, case_id, kind, mailbox_id, from_addr, reply_to, to_addr, subject, "
				"body, message_id, status, next_at, created_at) VALUES ('o1', 'mo1', 'c1', 'proposal', 'mb1', "
				"'support@one.example', 'r', 'x@example.com', 's', 'b', 'mo1@one.example', 'sent', 1, 1);"
				"INSERT INTO mail_proposals (org_id, id, case_id, promise_id, due_at, mail_id, proposed_by, status, "
				"created_at) VALUES ('o1', 'pr1', 'c1', 'pm1', 9, 'mo1', 'p', 'pending', 1);") == DB_OK);
	CHECK(migrate_up(d, NULL, NULL, err, sizeof err) == 0);
	CHECK(count_of(d, "SELECT COUNT(*) FROM mail_out") == 3);
	CHECK(count_of(d, "SELECT COUNT(*) FROM mail_proposals WHERE mail_id = 'mo1'") == 1);
	CHECK(count_of(d, "SELECT COUNT(*) FROM mail_out WHERE id = 'NML1' AND kind = 'notice' AND mailbox_id = 'mb1' "
			  "AND from_addr = 'support@one.example' AND person_id = 'p1' AND status = 'sent' AND case_id IS NULL "
			  "AND message_id = 'nml1@frontline.invalid' AND auto = 1") == 1);
	CHECK(count_of(d, "SELECT COUNT(*) FROM mail_out WHERE id = 'NML2' AND kind = 'digest' AND mailbox_id IS NULL "
			  "AND from_addr = 'frontline@localhost' AND status = 'queued' AND next_at = 6") == 1);
	CHECK(count_of(d, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'notify_mail'") == 0);
	db_close(d);
}

TEST(both_dialects_ship_the_same_files)
{
	const char *dirs[] = {SQLITE_DIR, "migrations/pg/"};
	char list[2][4096] = {"", ""};
	for (int i = 0; i < 2; i++)
		for (const struct embed_file *f = embed_files; f->name; f++)
			if (strncmp(f->name, dirs[i], strlen(dirs[i])) == 0) {
				size_t used = strlen(list[i]);
				int n = snprintf(list[i] + used, sizeof list[i] - used, "%s ", f->name + strlen(dirs[i]));
				CHECK(n > 0 && (size_t)n < sizeof list[i] - used);
			}
	CHECK(strlen(list[0]) > 0);
	CHECK_STR(list[0], list[1]);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(fresh_then_noop);
	RUN(newer_database_refused);
	RUN(upgrade_from_every_older_version);
	RUN(failed_migration_leaves_nothing_behind);
	RUN(staff_mail_moves_into_the_outbox);
	RUN(both_dialects_ship_the_same_files);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	DONE();
}
