/* A small unit-test harness: TEST(name) functions registered in main via RUN(name).
 * Each CHECK that fails prints where and marks the test failed; a test that ran no CHECK fails too
 * (it could not have failed).  The program prints "N passed, N failed" and exits non-zero on any
 * failure. */
#ifndef FL_HARNESS_H
#define FL_HARNESS_H
#include <stdio.h>
#include <string.h>

static int h_failed_checks, h_checks;
static int h_passed, h_failed;

#define CHECK(cond)                                                                      \
	do {                                                                             \
		h_checks++;                                                              \
		if (!(cond)) {                                                           \
			fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
			h_failed_checks++;                                               \
		}                                                                        \
	} while (0)

#define CHECK_STR(a, b)                                                                             \
	do {                                                                                        \
		const char *a_ = (a), *b_ = (b);                                                    \
		h_checks++;                                                                         \
		if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                            \
			fprintf(stderr, "  %s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__, a_ ? a_ : "(null)", \
				b_ ? b_ : "(null)");                                                \
			h_failed_checks++;                                                          \
		}                                                                                   \
	} while (0)

#define TEST(name) static void name(void)

#define RUN(name)                                                        \
	do {                                                             \
		int before_ = h_failed_checks, checks_ = h_checks;       \
		name();                                                  \
		if (h_checks == checks_) {                               \
			fprintf(stderr, "  %s checked nothing\n", #name); \
			h_failed_checks++;                               \
		}                                                        \
		if (h_failed_checks == before_) {                        \
			h_passed++;                                      \
			printf("ok   %s\n", #name);                      \
		} else {                                                 \
			h_failed++;                                      \
			printf("FAIL %s\n", #name);                      \
		}                                                        \
	} while (0)

#define DONE()                                                      \
	do {                                                        \
		printf("%d passed, %d failed\n", h_passed, h_failed); \
		return h_failed ? 1 : 0;                            \
	} while (0)

#endif
