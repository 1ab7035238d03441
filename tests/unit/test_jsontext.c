/* json_text: the same bytes as jansson's compact dump, for every kind of value and escape. */
#include <stdlib.h>
#include <string.h>

#include "base/jsontext.h"
#include "harness.h"

static int same_as_jansson(json_t *v)
{
	size_t len = 0;
	char *mine = json_text(v, &len), *theirs = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	int ok = mine && theirs && strcmp(mine, theirs) == 0 && len == strlen(theirs);
	if (!ok)
		fprintf(stderr, "  json_text: %s\n  json_dumps: %s\n", mine ? mine : "(null)", theirs ? theirs : "(null)");
	free(mine);
	free(theirs);
	json_decref(v);
	return ok;
}

TEST(scalars_and_containers)
{
	CHECK(same_as_jansson(json_object()));
	CHECK(same_as_jansson(json_array()));
	CHECK(same_as_jansson(json_pack("{s:n,s:b,s:b,s:I,s:I,s:f,s:f}", "null", "t", 1, "f", 0, "int", (json_int_t)-42, "big",
					(json_int_t)9007199254740993LL, "real", 0.1, "whole", 3.0)));
	CHECK(same_as_jansson(json_pack("[[],{},[{}],{s:[i,i,{s:[]}]}]", "a", 1, 2, "b")));
	CHECK(same_as_jansson(json_string("just text")));
}

TEST(strings_escape_as_jansson_does)
{
	CHECK(same_as_jansson(json_pack("{s:s}", "quote \" back \\ slash /", "tab\there\nnew\rret\bbs\fff\x01\x1f\x7f")));
	CHECK(same_as_jansson(json_pack("{s:s}", "caf\xc3\xa9", "\xe2\x82\xac \xf0\x9f\x98\x80 \xe2\x80\xa8")));
	CHECK(same_as_jansson(json_stringn("nul\0inside", 10)));
	CHECK(same_as_jansson(json_pack("{s:s,s:s,s:s}", "order", "1", "keeps", "2", "insertion", "3")));
}

TEST(a_too_deep_tree_gives_null)
{
	json_t *v = json_array(), *top = v;
	for (int i = 0; i < JSONTEXT_MAX_DEPTH + 2; i++) {
		json_t *a = json_array();
		json_array_append_new(v, a);
		v = a;
	}
	CHECK(json_text(top, NULL) == NULL);
	json_decref(top);
}

int main(void)
{
	RUN(scalars_and_containers);
	RUN(strings_escape_as_jansson_does);
	RUN(a_too_deep_tree_gives_null);
	DONE();
}
