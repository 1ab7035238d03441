/* CSV from JSON rows: header from the first row, RFC 4180 quoting, nested objects by name,
 * formula-injection guard. */
#include <jansson.h>
#include <stdlib.h>

#include "base/csv.h"
#include "harness.h"

static char *csv_of(const char *json)
{
	json_error_t je;
	json_t *rows = json_loads(json, 0, &je);
	char *s = csv_from_rows(rows);
	json_decref(rows);
	return s;
}

TEST(header_and_rows)
{
	char *s = csv_of("[{\"id\":\"c1\",\"subject\":\"Phones\",\"n\":3},{\"id\":\"c2\",\"subject\":\"Tablet\",\"n\":4}]");
	CHECK_STR(s, "id,subject,n\r\nc1,Phones,3\r\nc2,Tablet,4\r\n");
	free(s);
}

TEST(quoting)
{
	char *s = csv_of("[{\"a\":\"x,y\",\"b\":\"say \\\"hi\\\"\",\"c\":\"two\\nlines\"}]");
	CHECK_STR(s, "a,b,c\r\n\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n");
	free(s);
}

/* found by fuzz/csv.c (fuzz/crashes/csv/header-with-comma): column names were written unquoted */
TEST(header_quoted_like_cells)
{
	char *s = csv_of("[{\"a,b\":\"x\",\"say \\\"hi\\\"\":\"y\",\"=cmd\":\"z\"}]");
	CHECK_STR(s, "\"a,b\",\"say \"\"hi\"\"\",\"'=cmd\"\r\nx,y,z\r\n");
	free(s);
}

TEST(missing_null_and_extra)
{
	/* columns come from the first row; a missing or null cell is empty; extra keys are ignored */
	char *s = csv_of("[{\"a\":\"1\",\"b\":null},{\"a\":\"2\",\"z\":\"ignored\"}]");
	CHECK_STR(s, "a,b\r\n1,\r\n2,\r\n");
	free(s);
}

TEST(nested)
{
	char *s = csv_of("[{\"owner\":{\"id\":\"per_1\",\"name\":\"Pat Morgan\"},\"team\":{\"id\":\"team_1\"},"
			 "\"tags\":[1,2],\"ok\":true}]");
	CHECK_STR(s, "owner,team,tags,ok\r\nPat Morgan,team_1,\"[1,2]\",true\r\n");
	free(s);
}

TEST(formula_guard)
{
	char *s = csv_of("[{\"a\":\"=HYPERLINK(1)\",\"b\":\"+1 217\",\"c\":\"-x\",\"d\":\"@sum\",\"n\":-5}]");
	CHECK_STR(s, "a,b,c,d,n\r\n\"'=HYPERLINK(1)\",\"'+1 217\",\"'-x\",\"'@sum\",-5\r\n");
	free(s);
}

/* Item 10 of issue 13: OWASP's whole list, and leading spaces before any of it. */
TEST(formula_guard_owasp)
{
	char *s = csv_of("[{\"tab\":\"\\t=1+1\",\"cr\":\"\\r=1+1\",\"sp\":\"  =HYPERLINK(1)\",\"spat\":\" @SUM(A1)\","
			 "\"plain\":\" hello\",\"mid\":\"a=b\"}]");
	CHECK_STR(s, "tab,cr,sp,spat,plain,mid\r\n\"'\t=1+1\",\"'\r=1+1\",\"'  =HYPERLINK(1)\",\"' @SUM(A1)\", hello,a=b\r\n");
	free(s);
	CHECK(csv_formula_like("\t"));
	CHECK(csv_formula_like("   -2"));
	CHECK(!csv_formula_like(""));
	CHECK(!csv_formula_like("   "));
	CHECK(!csv_formula_like("x=1"));
}

TEST(empty)
{
	char *s = csv_of("[]");
	CHECK_STR(s, "");
	free(s);
}

int main(void)
{
	RUN(header_and_rows);
	RUN(quoting);
	RUN(header_quoted_like_cells);
	RUN(missing_null_and_extra);
	RUN(nested);
	RUN(formula_guard);
	RUN(formula_guard_owasp);
	RUN(empty);
	DONE();
}
