/* The SQLite backend's version floor: the library this binary runs on is new enough, and an older
 * one is refused with a message that names both versions (docs/OPERATIONS.md, "SQLite version"). */
#include <sqlite3.h>

#include "harness.h"
#include "store/db.h"

TEST(this_library_is_new_enough)
{
	char err[256] = "";
	CHECK(sqlite3_libversion_number() >= DB_SQLITE_MIN_VERSION);
	CHECK(db_sqlite_version_check(sqlite3_libversion_number(), err, sizeof err) == 0);
	CHECK(db_sqlite_version_check(3035000, err, sizeof err) == 0); /* the floor itself */
	CHECK_STR(err, "");
}

TEST(older_library_refused_with_both_versions)
{
	char err[256] = "";
	CHECK(db_sqlite_version_check(3034001, err, sizeof err) == -1);
	CHECK(strstr(err, "SQLite 3.34.1 is too old") != NULL);
	CHECK(strstr(err, "3.35.0 or newer") != NULL);
	CHECK(strstr(err, "RETURNING") != NULL);
	CHECK(db_sqlite_version_check(3007017, err, sizeof err) == -1);
	CHECK(strstr(err, "SQLite 3.7.17 ") != NULL);
}

int main(void)
{
	RUN(this_library_is_new_enough);
	RUN(older_library_refused_with_both_versions);
	DONE();
}
