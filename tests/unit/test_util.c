/* Text helpers: cutting on a UTF-8 character boundary, scrubbing to valid UTF-8, str_copy. */
#include "base/err.h"
#include "base/util.h"
#include "harness.h"

TEST(cut_backs_off_to_a_character_boundary)
{
	const char *s = "aaa\xe2\x82\xac"; /* "aaa€": the euro sign is 3 bytes */
	CHECK(utf8_cut(s, 3) == 3);
	CHECK(utf8_cut(s, 4) == 3); /* inside the euro sign: back off */
	CHECK(utf8_cut(s, 5) == 3);
	CHECK(utf8_cut(s, 6) == 6);
	CHECK(utf8_cut(s, 100) == 6);
	CHECK(utf8_cut("", 5) == 0);
	CHECK(utf8_cut("abc", 0) == 0);
}

TEST(str_copy_never_splits_a_character)
{
	char buf[5];
	CHECK(str_copy(buf, sizeof buf, "aaa\xe2\x82\xac") == -1);
	CHECK_STR(buf, "aaa");
	CHECK(utf8_valid_text(buf, strlen(buf)));
	CHECK(str_copy(buf, sizeof buf, "abcd") == 0);
	CHECK_STR(buf, "abcd");
}

TEST(scrub_makes_any_bytes_valid)
{
	char s[] = "ok\xff\xfe-\xe2\x82-\x01";
	utf8_scrub(s);
	CHECK_STR(s, "ok?" "?-?" "?-?");
	char t[] = "caf\xc3\xa9 \xe2\x82\xac";
	utf8_scrub(t);
	CHECK_STR(t, "caf\xc3\xa9 \xe2\x82\xac");
}

TEST(errors_are_always_renderable)
{
	fl_err e = FL_ERR_INIT;
	char field[100];
	memset(field, 'a', sizeof field);
	memcpy(field + 62, "\xe2\x82\xac", 3); /* the euro sign straddles the field's 64-byte cut */
	field[sizeof field - 1] = '\0';
	err_set(&e, ERR_INVALID, "unknown_field", field, "unknown field \"%.*s\" \xff", (int)utf8_cut(field, 40), field);
	CHECK(utf8_valid_text(e.field, strlen(e.field)));
	CHECK(utf8_valid_text(e.message, strlen(e.message)));
	CHECK(strlen(e.field) == 62);
}

TEST(append_grows_and_terminates)
{
	char *p = NULL;
	size_t len = 0, cap = 0;
	xappend(&p, &len, &cap, 4, "", 0);
	CHECK(p && len == 0 && cap == 4 && p[0] == '\0');
	xappend(&p, &len, &cap, 4, "abc", 3);
	CHECK(len == 3 && cap == 4);
	CHECK_STR(p, "abc");
	xappend(&p, &len, &cap, 4, "defghijkl", 9); /* 13 bytes: the capacity doubles to 16 */
	CHECK(len == 12 && cap == 16);
	CHECK_STR(p, "abcdefghijkl");
	free(p);
}

int main(void)
{
	RUN(cut_backs_off_to_a_character_boundary);
	RUN(str_copy_never_splits_a_character);
	RUN(scrub_makes_any_bytes_valid);
	RUN(errors_are_always_renderable);
	RUN(append_grows_and_terminates);
	DONE();
}
