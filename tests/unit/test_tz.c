/* The TZif reader on hand-made files: what RFC 8536 refuses is refused, and the POSIX footer
 * cannot overflow (regressions found by fuzz/tz.c; inputs in fuzz/crashes/tz/). */
#include <stdint.h>

#include "base/tz.h"
#include "harness.h"

static size_t put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
	return 4;
}

/* One header + data block with no transitions and one local time type "STD". */
static size_t block(unsigned char *p, int32_t off, unsigned char isdst)
{
	size_t n = 0;
	memcpy(p, "TZif2", 5);
	memset(p + 5, 0, 15);
	n = 20;
	uint32_t counts[6] = {0, 0, 0, 0, 1, 4}; /* isut, isstd, leap, time, type, char */
	for (int i = 0; i < 6; i++)
		n += put32(p + n, counts[i]);
	n += put32(p + n, (uint32_t)off);
	p[n++] = isdst;
	p[n++] = 0;
	memcpy(p + n, "STD", 4);
	return n + 4;
}

/* A version 2 file: the version 1 block, the 64-bit block and "\nfooter\n". */
static size_t tzif(unsigned char *buf, int32_t off, unsigned char isdst, const char *footer)
{
	size_t n = block(buf, off, isdst);
	n += block(buf + n, off, isdst);
	buf[n++] = '\n';
	memcpy(buf + n, footer, strlen(footer));
	n += strlen(footer);
	buf[n++] = '\n';
	return n;
}

TEST(footer_rule)
{
	unsigned char buf[256];
	tz_zone *z = tz_parse(buf, tzif(buf, -21600, 0, "CST6CDT,M3.2.0,M11.1.0"));
	CHECK(z != NULL);
	int dst = 0;
	CHECK(z && tz_offset_at(z, 1782864000, &dst) == -18000 && dst == 1); /* 2026-07-01 */
	CHECK(z && tz_offset_at(z, 1767225600, &dst) == -21600 && dst == 0); /* 2026-01-01 */
	tz_free(z);
}

TEST(footer_with_huge_numbers_is_ignored)
{
	/* hours of 14 digits once overflowed an int while being read */
	const char *footers[] = {"AAA99999999999", "AAA1:99999999999", "AAA1BBB,M3.2.0/99999999999,M11.1.0",
				 "AAA1BBB,J99999999999,M11.1.0", "AAA1BBB,M99999999999.1.0,M11.1.0"};
	for (size_t i = 0; i < sizeof footers / sizeof *footers; i++) {
		unsigned char buf[256];
		tz_zone *z = tz_parse(buf, tzif(buf, 3600, 0, footers[i]));
		CHECK(z != NULL);
		CHECK(z && tz_offset_at(z, 1782864000, NULL) == 3600);
		tz_free(z);
	}
}

TEST(types_outside_rfc8536_refused)
{
	unsigned char buf[256];
	tz_zone *z = tz_parse(buf, tzif(buf, 3600, 2, "")); /* isdst must be 0 or 1 */
	CHECK(z == NULL);
	tz_free(z);
	z = tz_parse(buf, tzif(buf, INT32_MIN, 0, ""));
	CHECK(z == NULL);
	tz_free(z);
	z = tz_parse(buf, tzif(buf, 93600, 0, "")); /* over 26 hours */
	CHECK(z == NULL);
	tz_free(z);
	z = tz_parse(buf, tzif(buf, -89999, 1, ""));
	CHECK(z != NULL);
	tz_free(z);
}

int main(void)
{
	RUN(footer_rule);
	RUN(footer_with_huge_numbers_is_ignored);
	RUN(types_outside_rfc8536_refused);
	DONE();
}
