/* The PostgreSQL backend's pure part: `?` -> $n translation.  Starts no server (the backend
 * itself is tested end to end against a real cluster: scripts/run-tests.sh, FRONTLINE_PG). */
#include <stdlib.h>

#include "harness.h"
#include "store/db.h"

static void tr(const char *sql, const char *want, int want_n)
{
	int n = -1;
	char *got = db_pg_translate(sql, &n);
	CHECK_STR(got, want);
	CHECK(n == want_n);
	free(got);
}

TEST(placeholders_numbered)
{
	tr("SELECT 1", "SELECT 1", 0);
	tr("SELECT a FROM t WHERE x = ? AND y = ?", "SELECT a FROM t WHERE x = $1 AND y = $2", 2);
	tr("INSERT INTO t VALUES (?,?,?,?,?,?,?,?,?,?,?)", "INSERT INTO t VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)", 11);
}

TEST(quotes_and_comments_untouched)
{
	tr("SELECT '?', \"a?\" FROM t WHERE x = ?", "SELECT '?', \"a?\" FROM t WHERE x = $1", 1);
	tr("SELECT 'it''s ?' WHERE x = ?", "SELECT 'it''s ?' WHERE x = $1", 1);
	tr("SELECT x -- why?\nFROM t WHERE y = ?", "SELECT x -- why?\nFROM t WHERE y = $1", 1);
	tr("SELECT x -- trailing ?", "SELECT x -- trailing ?", 0);
}

TEST(null_tests_typed)
{
	tr("WHERE (? IS NULL OR slug = ?)", "WHERE ($1::text IS NULL OR slug = $2)", 2);
	tr("WHERE ?  is not\n null", "WHERE $1::text  is not\n null", 1);
	tr("WHERE ? IS NULLX", "WHERE $1 IS NULLX", 1);
	tr("WHERE ? ISNULL", "WHERE $1 ISNULL", 1);
}

int main(void)
{
	RUN(placeholders_numbered);
	RUN(quotes_and_comments_untouched);
	RUN(null_tests_typed);
	DONE();
}
