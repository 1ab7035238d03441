/* in_check: the gate every request passes before a service runs. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "harness.h"
#include "base/util.h"
#include "svc/input.h"
#include "svc/svc.h"

static const char *const COLOURS[] = {"red", "green", NULL};
static const struct in_field CHILD[] = {
	{"title", IN_STR, 1, 1, 10, NULL, "a title"},
	{"rows", IN_ARR, 0, 0, 3, NULL, "plain values"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
static const struct in_field ROW[] = {
	{"n", IN_INT, 1, 1, 9, NULL, "1..9"},
	{"child", IN_OBJ, 0, 0, 0, CHILD, "an object in an object in an array"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
static const struct in_field SPEC[] = {
	{"name", IN_STR, 1, 1, 10, NULL, "a name"},
	{"note", IN_STR, 0, 0, 0, NULL, "default limit"},
	{"count", IN_INT, 0, 1, 5, NULL, "1..5"},
	{"flag", IN_BOOL, 0, 0, 0, NULL, "bool"},
	{"when", IN_TIME, 0, 0, 0, NULL, "time"},
	{"colour", IN_ENUM, 0, 0, 0, COLOURS, "enum"},
	{"extra", IN_MAP, 0, 0, 0, NULL, "object with keys of the caller's choosing"},
	{"items", IN_ARR, 0, 0, 2, NULL, "array of at most 2"},
	{"child", IN_OBJ, 0, 0, 0, CHILD, "a described object"},
	{"rows", IN_ARR, 0, 0, 3, ROW, "described objects"},
	{"ratio", IN_NUM, 0, 0, 1, NULL, "0..1"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};

/* Checks body (JSON text) against SPEC; returns the error code ("" when accepted). */
static const char *check(const char *body, fl_err *e)
{
	json_error_t je;
	json_t *in = json_loads(body, 0, &je);
	err_clear(e);
	if (!in) {
		fprintf(stderr, "  bad test JSON: %s\n", body);
		return "?";
	}
	int rc = in_check(in, SPEC, e);
	json_decref(in);
	return rc == 0 ? "" : e->code;
}

TEST(accepts_valid)
{
	fl_err e;
	CHECK_STR(check("{\"name\":\"Sam\"}", &e), "");
	CHECK_STR(check("{\"name\":\"Sam\",\"count\":5,\"flag\":false,\"when\":\"2026-11-25T15:00:00+01:00\","
			"\"colour\":\"green\",\"extra\":{\"a\":1},\"items\":[1,2],\"ratio\":0.5,\"note\":\"x\"}",
			&e),
		  "");
	CHECK_STR(check("{\"name\":\"Sam\",\"count\":null}", &e), ""); /* null = absent for optional */
	CHECK_STR(check("{\"name\":\"0123456789\"}", &e), "");         /* exactly at the limit */
}

TEST(unknown_field)
{
	fl_err e;
	CHECK_STR(check("{\"name\":\"Sam\",\"owner_id\":\"per_x\"}", &e), "unknown_field");
	CHECK_STR(e.field, "owner_id");
	CHECK(e.kind == ERR_INVALID);
}

TEST(wrong_types)
{
	fl_err e;
	CHECK_STR(check("{\"name\":5}", &e), "wrong_type");
	CHECK_STR(e.field, "name");
	CHECK_STR(check("{\"name\":\"a\",\"count\":\"3\"}", &e), "wrong_type");
	CHECK_STR(e.field, "count");
	CHECK_STR(check("{\"name\":\"a\",\"count\":2.5}", &e), "wrong_type");
	CHECK_STR(check("{\"name\":\"a\",\"flag\":1}", &e), "wrong_type");
	CHECK_STR(check("{\"name\":\"a\",\"when\":12}", &e), "wrong_type");
	CHECK_STR(check("{\"name\":\"a\",\"colour\":1}", &e), "wrong_type");
	CHECK_STR(check("{\"name\":\"a\",\"extra\":[]}", &e), "wrong_type");
	CHECK_STR(check("{\"name\":\"a\",\"items\":{}}", &e), "wrong_type");
	CHECK_STR(check("{\"name\":\"a\",\"ratio\":\"0.5\"}", &e), "wrong_type");
	CHECK_STR(check("{\"name\":[\"a\"]}", &e), "wrong_type");
}

TEST(not_an_object)
{
	fl_err e;
	json_t *arr = json_array();
	CHECK(in_check(arr, SPEC, &e) == -1);
	CHECK_STR(e.code, "not_an_object");
	json_decref(arr);
}

TEST(required)
{
	fl_err e;
	CHECK_STR(check("{}", &e), "required");
	CHECK_STR(e.field, "name");
	CHECK_STR(check("{\"name\":null}", &e), "required");
	CHECK_STR(check("{\"name\":\"\"}", &e), "required"); /* min 1 */
}

TEST(too_long)
{
	fl_err e;
	CHECK_STR(check("{\"name\":\"01234567890\"}", &e), "too_long");
	CHECK_STR(e.field, "name");
	/* no explicit max: FL_MAX_TEXT applies */
	size_t n = FL_MAX_TEXT + 1;
	char *big = malloc(n + 40);
	int k = snprintf(big, 40, "{\"name\":\"a\",\"note\":\"");
	memset(big + k, 'x', n);
	memcpy(big + k + n, "\"}", 3);
	CHECK_STR(check(big, &e), "too_long");
	CHECK_STR(e.field, "note");
	big[k + n - 1] = '"';
	big[k + n] = '}';
	big[k + n + 1] = '\0';
	CHECK_STR(check(big, &e), ""); /* FL_MAX_TEXT exactly */
	free(big);
}

TEST(invalid_text)
{
	fl_err e;
	CHECK_STR(check("{\"name\":\"a\\u0001b\"}", &e), "invalid_text");
	CHECK_STR(check("{\"name\":\"a\\u001bb\"}", &e), "invalid_text");
	CHECK_STR(check("{\"name\":\"a\\u007fb\"}", &e), "invalid_text");
	CHECK_STR(check("{\"name\":\"a\\tb\\nc\"}", &e), ""); /* tab and newline are text */
	CHECK_STR(check("{\"name\":\"Zo\\u00eb\"}", &e), "");
	/* invalid UTF-8 can't come through jansson; in_text_ok guards the other ways in */
	CHECK(in_text_ok("ab\xff", 10, "x", &e) == -1);
	CHECK_STR(e.code, "invalid_text");
	CHECK(in_text_ok("\xc3\x28", 10, "x", &e) == -1);       /* bad continuation */
	CHECK(in_text_ok("\xe2\x82", 10, "x", &e) == -1);       /* truncated */
	CHECK(in_text_ok("\xc0\xaf", 10, "x", &e) == -1);       /* overlong '/' */
	CHECK(in_text_ok("\xed\xa0\x80", 10, "x", &e) == -1);   /* UTF-16 surrogate */
	CHECK(in_text_ok("\xe2\x82\xac", 10, "x", &e) == 0);    /* the euro sign */
	CHECK(in_text_ok("\xf0\x9f\x98\x80", 10, "x", &e) == 0); /* an emoji */
	CHECK(in_text_ok("abc", 2, "x", &e) == -1);
	CHECK_STR(e.code, "too_long");
}

TEST(enum_values)
{
	fl_err e;
	CHECK_STR(check("{\"name\":\"a\",\"colour\":\"red\"}", &e), "");
	CHECK_STR(check("{\"name\":\"a\",\"colour\":\"Red\"}", &e), "invalid_value");
	CHECK_STR(check("{\"name\":\"a\",\"colour\":\"\"}", &e), "invalid_value");
	CHECK_STR(e.field, "colour");
}

TEST(ranges)
{
	fl_err e;
	CHECK_STR(check("{\"name\":\"a\",\"count\":0}", &e), "out_of_range");
	CHECK_STR(check("{\"name\":\"a\",\"count\":6}", &e), "out_of_range");
	CHECK_STR(check("{\"name\":\"a\",\"count\":-9223372036854775807}", &e), "out_of_range");
	CHECK_STR(check("{\"name\":\"a\",\"count\":1}", &e), "");
	CHECK_STR(check("{\"name\":\"a\",\"ratio\":1.5}", &e), "out_of_range");
	CHECK_STR(check("{\"name\":\"a\",\"ratio\":-0.1}", &e), "out_of_range");
	CHECK_STR(check("{\"name\":\"a\",\"items\":[1,2,3]}", &e), "too_many");
	CHECK_STR(check("{\"name\":\"a\",\"when\":\"yesterday\"}", &e), "invalid_time");
}

TEST(period)
{
	fl_err e = {0};
	long long from, to;
	json_t *none = json_object();
	CHECK(in_period(none, 1000, &from, &to, &e) == 0);
	CHECK(from == 0 && to == 1001);
	json_t *both = json_pack("{s:s,s:s}", "from", "2026-01-01T00:00:00Z", "to", "2026-01-02T00:00:00Z");
	CHECK(in_period(both, 0, &from, &to, &e) == 0);
	CHECK(to - from == 86400000);
	json_t *backwards = json_pack("{s:s,s:s}", "from", "2026-01-02T00:00:00Z", "to", "2026-01-01T00:00:00Z");
	CHECK(in_period(backwards, 0, &from, &to, &e) == -1);
	CHECK_STR(e.code, "bad_range");
	CHECK_STR(e.field, "to");
	json_decref(none);
	json_decref(both);
	json_decref(backwards);
}

TEST(too_many_fields)
{
	fl_err e;
	json_t *in = json_object();
	char k[16];
	for (int i = 0; i <= FL_MAX_FIELDS; i++) {
		snprintf(k, sizeof k, "f%d", i);
		json_object_set_new(in, k, json_true());
	}
	CHECK(in_check(in, SPEC, &e) == -1);
	CHECK_STR(e.code, "too_many_fields");
	json_decref(in);
}

TEST(nesting_depth)
{
	fl_err e;
	/* {"name":"a","extra":{"a":{"a":...}}}: FL_MAX_JSON_DEPTH levels pass, one more is refused */
	for (int levels = FL_MAX_JSON_DEPTH; levels <= FL_MAX_JSON_DEPTH + 1; levels++) {
		json_t *in = json_pack("{s:s}", "name", "a");
		json_t *inner = json_object();
		for (int i = 2; i < levels; i++)
			inner = json_pack("{s:o}", "a", inner);
		json_object_set_new(in, "extra", inner);
		int rc = in_check(in, SPEC, &e);
		CHECK(levels == FL_MAX_JSON_DEPTH ? rc == 0 : rc == -1);
		if (rc)
			CHECK_STR(e.code, "too_deep");
		json_decref(in);
	}
	json_t *in = json_loads("{\"name\":\"a\",\"items\":[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]}", 0, NULL);
	CHECK(in_check(in, SPEC, &e) == -1);
	CHECK_STR(e.code, "too_deep");
	json_decref(in);
}

/* Issue 13 item 17: unknown keys inside nested objects are refused like those at the top, and a
 * nested field is named by its path. */
TEST(nested_objects)
{
	fl_err e;
	CHECK_STR(check("{\"name\":\"a\",\"child\":{\"title\":\"t\",\"rows\":[1,\"x\"]},"
			"\"rows\":[{\"n\":1},{\"n\":2,\"child\":{\"title\":\"u\"}}]}",
			&e),
		  "");
	CHECK_STR(check("{\"name\":\"a\",\"child\":{\"title\":\"t\",\"raised_by\":\"per_x\"}}", &e), "unknown_field");
	CHECK_STR(e.field, "child.raised_by");
	CHECK_STR(check("{\"name\":\"a\",\"rows\":[{\"n\":1},{\"n\":2,\"respondent\":\"per_x\"}]}", &e), "unknown_field");
	CHECK_STR(e.field, "rows[1].respondent");
	CHECK_STR(check("{\"name\":\"a\",\"rows\":[{\"n\":1,\"child\":{\"title\":\"t\",\"x\":1}}]}", &e), "unknown_field");
	CHECK_STR(e.field, "rows[0].child.x");
	CHECK_STR(check("{\"name\":\"a\",\"rows\":[{\"n\":\"one\"}]}", &e), "wrong_type");
	CHECK_STR(e.field, "rows[0].n");
	CHECK_STR(check("{\"name\":\"a\",\"rows\":[{}]}", &e), "required");
	CHECK_STR(e.field, "rows[0].n");
	CHECK_STR(check("{\"name\":\"a\",\"child\":{}}", &e), "required");
	CHECK_STR(e.field, "child.title");
	CHECK_STR(check("{\"name\":\"a\",\"rows\":[{\"n\":10}]}", &e), "out_of_range");
	CHECK_STR(check("{\"name\":\"a\",\"rows\":[1]}", &e), "wrong_type");
	CHECK_STR(e.field, "rows[0]");
	CHECK_STR(check("{\"name\":\"a\",\"items\":[{\"a\":1}]}", &e), "wrong_type"); /* plain values only */
	CHECK_STR(e.field, "items[0]");
	CHECK_STR(check("{\"name\":\"a\",\"child\":[]}", &e), "wrong_type");
	CHECK_STR(check("{\"name\":\"a\",\"extra\":{\"anything\":{\"goes\":1}}}", &e), ""); /* a map: the service checks */
	/* a long unknown key with 3-byte characters: the error names it cut on a character boundary */
	char body[400] = "{\"name\":\"a\",\"child\":{\"title\":\"t\",\"";
	size_t at = strlen(body);
	for (int i = 0; i < 40; i++)
		at += (size_t)snprintf(body + at, sizeof body - at, "\u20ac");
	snprintf(body + at, sizeof body - at, "\":1}}");
	CHECK_STR(check(body, &e), "unknown_field");
	CHECK(utf8_valid_text(e.field, strlen(e.field)) && strlen(e.field) > 40);
	CHECK(utf8_valid_text(e.message, strlen(e.message)));
}

/* Every nested object in every route's input is described (IN_OBJ has its fields, IN_ARR items
 * are described or plain), so no service has to remember to refuse unknown keys itself. */
static int described(const struct in_field *spec, int depth)
{
	for (const struct in_field *f = spec; f && f->name; f++) {
		if ((f->type == IN_OBJ || f->type == IN_ENUM) && !f->of) {
			fprintf(stderr, "  field %s has no %s\n", f->name, f->type == IN_OBJ ? "fields" : "values");
			return 0;
		}
		if ((f->type == IN_OBJ || f->type == IN_ARR) && f->of && (depth > 8 || !described(in_fields(f), depth + 1)))
			return 0;
	}
	return 1;
}

TEST(route_specs_describe_nested_objects)
{
	int n = 0;
	for (const struct route *const *t = svc_route_tables(); *t; t++)
		for (const struct route *r = *t; r->method; r++, n++)
			if (!described(r->input, 0)) {
				fprintf(stderr, "  %s %s leaves a nested object undescribed\n", r->method, r->pattern);
				CHECK(0);
			}
	CHECK(n > 50);
}

TEST(from_text)
{
	fl_err e;
	json_t *v = in_from_text(&SPEC[2], "4", &e);
	CHECK(json_is_integer(v) && json_integer_value(v) == 4);
	json_decref(v);
	CHECK(in_from_text(&SPEC[2], "4x", &e) == NULL);
	CHECK_STR(e.code, "wrong_type");
	CHECK(in_from_text(&SPEC[2], "", &e) == NULL);
	v = in_from_text(&SPEC[3], "yes", &e);
	CHECK(json_is_true(v));
	json_decref(v);
	CHECK(in_from_text(&SPEC[3], "maybe", &e) == NULL);
	v = in_from_text(&SPEC[6], "{\"a\":1}", &e);
	CHECK(json_is_object(v));
	json_decref(v);
	CHECK(in_from_text(&SPEC[6], "{", &e) == NULL);
	CHECK_STR(e.code, "malformed_json");
	CHECK(in_from_text(&SPEC[0], "bad\xff", &e) == NULL); /* jansson refuses invalid UTF-8 */
}

int main(void)
{
	RUN(accepts_valid);
	RUN(unknown_field);
	RUN(wrong_types);
	RUN(not_an_object);
	RUN(required);
	RUN(too_long);
	RUN(invalid_text);
	RUN(enum_values);
	RUN(ranges);
	RUN(period);
	RUN(too_many_fields);
	RUN(nesting_depth);
	RUN(nested_objects);
	RUN(route_specs_describe_nested_objects);
	RUN(from_text);
	DONE();
}
