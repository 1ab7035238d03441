/* The fault-injecting VFS's control line (src/store/faultvfs.c), and the VFS itself on a real
 * SQLite file: the named write fails, the others pass, and nothing is injected without a rule. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "store/faultvfs.h"

TEST(parse_rules)
{
	struct faultvfs_rule r;
	CHECK(faultvfs_parse("write 3 ioerr", &r) == 0 && r.op == FAULT_WRITE && r.nth == 3 && !r.full && !r.sticky);
	CHECK(faultvfs_parse("sync 1 full sticky\n", &r) == 0 && r.op == FAULT_SYNC && r.full && r.sticky);
	CHECK(faultvfs_parse("read 12 full", &r) == 0 && r.op == FAULT_READ && r.nth == 12);
}

TEST(parse_refuses_malformed)
{
	struct faultvfs_rule r;
	CHECK(faultvfs_parse("", &r) == -1);
	CHECK(faultvfs_parse("write 0 ioerr", &r) == -1);
	CHECK(faultvfs_parse("write -2 ioerr", &r) == -1);
	CHECK(faultvfs_parse("erase 1 ioerr", &r) == -1);
	CHECK(faultvfs_parse("write 1 oops", &r) == -1);
	CHECK(faultvfs_parse("write 1 full forever", &r) == -1);
	CHECK(faultvfs_parse("write", &r) == -1);
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	usleep(2000); /* the VFS notices changes by size or modification time */
}

TEST(injects_the_named_fault)
{
	char dir[] = "/tmp/fl-faultvfs-XXXXXX", db[64], ctl[64];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(db, sizeof db, "%s/t.db", dir);
	snprintf(ctl, sizeof ctl, "%s/faults", dir);
	put(ctl, "");
	setenv("FRONTLINE_FAULT_FILE", ctl, 1);
	const char *vfs = faultvfs_name();
	CHECK_STR(vfs, "fl-fault");
	sqlite3 *h = NULL;
	CHECK(sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs) == SQLITE_OK);
	CHECK(sqlite3_exec(h, "CREATE TABLE t (x); INSERT INTO t VALUES (1)", NULL, NULL, NULL) == SQLITE_OK);
	put(ctl, "write 1 full sticky");
	CHECK(sqlite3_exec(h, "INSERT INTO t VALUES (2)", NULL, NULL, NULL) == SQLITE_FULL);
	put(ctl, "");
	CHECK(sqlite3_exec(h, "INSERT INTO t VALUES (3)", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_stmt *st;
	CHECK(sqlite3_prepare_v2(h, "SELECT group_concat(x) FROM t", -1, &st, NULL) == SQLITE_OK);
	CHECK(sqlite3_step(st) == SQLITE_ROW);
	CHECK_STR((const char *)sqlite3_column_text(st, 0), "1,3");
	sqlite3_finalize(st);
	sqlite3_close(h);
	unsetenv("FRONTLINE_FAULT_FILE");
	unlink(db);
	unlink(ctl);
	rmdir(dir);
}

int main(void)
{
	RUN(parse_rules);
	RUN(parse_refuses_malformed);
	RUN(injects_the_named_fault);
	DONE();
}
