/* Suggested words (core/words.c): rendering, honesty, selection, template checks. */
#include <stdlib.h>
#include <string.h>

#include "core/words.h"
#include "harness.h"

static const struct words_fact FACTS[] = {
	{"customer", "Mr. Jones"},
	{"promise", "insurance forms ready at your appointment"},
	{"promise_due", "Tue 3 Mar 10:00"},
	{"waiting_on", "our Physicians team"},
	{"waiting_for", "sign Mr. Jones's forms"},
	{"senior", "Dr. Jordan Lee"},
	{"new_time", NULL},
};
#define NF (sizeof FACTS / sizeof FACTS[0])

TEST(renders_facts_and_lists_them)
{
	const char *used[WORDS_MAX_USED];
	size_t n;
	char *s = words_render("I'm sorry, {customer}. Would you like to speak with {senior} directly? {customer}?", FACTS, NF,
			       used, &n);
	CHECK_STR(s, "I'm sorry, Mr. Jones. Would you like to speak with Dr. Jordan Lee directly? Mr. Jones?");
	CHECK(n == 2);
	CHECK_STR(used[0], "customer");
	CHECK_STR(used[1], "senior");
	free(s);
}

TEST(repeats_a_fact_any_number_of_times)
{
	const char *used[WORDS_MAX_USED];
	size_t n;
	char tmpl[400] = "", want[400] = "";
	size_t tl = 0, wl = 0;
	for (int i = 0; i < 12; i++) {
		tl += (size_t)snprintf(tmpl + tl, sizeof tmpl - tl, "{customer} ");
		wl += (size_t)snprintf(want + wl, sizeof want - wl, "Mr. Jones ");
	}
	char *s = words_render(tmpl, FACTS, NF, used, &n);
	CHECK_STR(s, want);
	CHECK(n == 1);
	free(s);
}

TEST(never_claims_a_missing_fact)
{
	const char *used[WORDS_MAX_USED];
	size_t n;
	CHECK(words_render("It moved to {new_time}.", FACTS, NF, used, &n) == NULL);   /* fact absent */
	CHECK(words_render("Hello {nobody}.", FACTS, NF, used, &n) == NULL);          /* unknown */
	CHECK(words_render("Hello {customer", FACTS, NF, used, &n) == NULL);          /* unclosed */
	char *s = words_render("No placeholders.", FACTS, NF, used, &n);
	CHECK_STR(s, "No placeholders.");
	CHECK(n == 0);
	free(s);
}

TEST(every_default_template_is_valid)
{
	const char *bad;
	for (const char *const *k = WORDS_KEYS; *k; k++)
		CHECK(words_check(words_default(*k), &bad) == 0);
	CHECK(words_default("nope") == NULL);
}

TEST(check_refuses_bad_templates)
{
	const char *bad;
	CHECK(words_check("Hi {customer}", &bad) == 0);
	CHECK(words_check("Hi {colleague_name}", &bad) == -1 && bad != NULL);
	CHECK(words_check("Hi {customer", &bad) == -1);
	CHECK(words_check("Hi customer}", &bad) == -1);
	CHECK(words_check("", &bad) == -1);
	CHECK(words_check("{{customer}}", &bad) == -1);
}

static int offered(const char **keys, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(keys[i], key) == 0)
			return 1;
	return 0;
}

TEST(selection_follows_the_situation)
{
	const char *keys[8];
	struct words_situation s = {0};
	CHECK(words_select(&s, keys, 8) == 0);

	s.has_promise = 1;
	s.waiting = 1;
	s.senior = 1;
	size_t n = words_select(&s, keys, 8);
	/* a request asked a moment ago: said plainly, no apology */
	CHECK(offered(keys, n, "promise") && offered(keys, n, "asked") && offered(keys, n, "speak_senior"));
	CHECK(!offered(keys, n, "waiting"));
	CHECK(!offered(keys, n, "broken") && !offered(keys, n, "deferred") && !offered(keys, n, "policy"));
	s.late = 1; /* once it is overdue (or declined), the apology */
	n = words_select(&s, keys, 8);
	CHECK(offered(keys, n, "waiting") && !offered(keys, n, "asked"));

	struct words_situation s1 = {.has_promise = 1, .waiting = 1, .deferred = 1, .policy = 1, .next_time = 1};
	n = words_select(&s1, keys, 8);
	CHECK(offered(keys, n, "deferred") && offered(keys, n, "policy") && offered(keys, n, "next_step"));
	CHECK(!offered(keys, n, "speak_senior"));

	struct words_situation s2 = {.has_promise = 1, .promise_broken = 1};
	n = words_select(&s2, keys, 8);
	CHECK(n == 1 && offered(keys, n, "broken"));
	CHECK(words_select(&s1, keys, 2) == 2); /* respects max */

	/* a pending promise made against an estimate's warning: the honest time too, right after it */
	struct words_situation s3 = {.has_promise = 1, .unlikely = 1};
	n = words_select(&s3, keys, 8);
	CHECK(n == 2 && strcmp(keys[0], "promise") == 0 && strcmp(keys[1], "honest_time") == 0);
	s3.promise_broken = 1;
	n = words_select(&s3, keys, 8);
	CHECK(n == 1 && offered(keys, n, "broken"));
}

TEST(a_resolved_case_awaits_nothing)
{
	const char *keys[12];
	struct words_situation s = {.has_promise = 1, .waiting = 1, .late = 1, .deferred = 1, .policy = 1, .next_time = 1, .senior = 1,
				    .resolved = 1};
	CHECK(words_select(&s, keys, 12) == 0); /* no "we haven't received", no "you will hear from us" */
	s.promise_broken = 1;
	size_t n = words_select(&s, keys, 12);
	CHECK(n == 1 && strcmp(keys[0], "broken") == 0); /* a broken promise is still owned up to */
}

TEST(the_promise_is_quoted_whole)
{
	char q[32];
	words_quotable("  a technician calls you back.  ", q, sizeof q);
	CHECK_STR(q, "a technician calls you back");
	words_quotable("ready by Friday;", q, sizeof q);
	CHECK_STR(q, "ready by Friday");
	words_quotable(NULL, q, sizeof q);
	CHECK_STR(q, "");
	char small[5];
	words_quotable("caf\xc3\xa9s", small, sizeof small); /* "cafés" cut on a whole character, not inside the é */
	CHECK_STR(small, "caf");
	const struct words_fact f[] = {{"customer", "Sam"}, {"promise", "a technician calls you back"}, {"promise_due", "Mon 2 Mar 2026 19:15 Chicago time"}};
	const char *used[WORDS_MAX_USED];
	size_t n;
	char *s = words_render(words_default("promise"), f, 3, used, &n);
	CHECK_STR(s, "We promised you \xe2\x80\x9c" "a technician calls you back\xe2\x80\x9d by Mon 2 Mar 2026 19:15 Chicago time.");
	free(s);
}

TEST(no_internal_request_text_in_the_defaults)
{
	/* {waiting_for} is the colleague's request, written for colleagues: never read to the customer */
	for (const char *const *k = WORDS_KEYS; *k; k++)
		CHECK(strstr(words_default(*k), "{waiting_for}") == NULL);
}

int main(void)
{
	RUN(renders_facts_and_lists_them);
	RUN(repeats_a_fact_any_number_of_times);
	RUN(never_claims_a_missing_fact);
	RUN(every_default_template_is_valid);
	RUN(check_refuses_bad_templates);
	RUN(selection_follows_the_situation);
	RUN(a_resolved_case_awaits_nothing);
	RUN(the_promise_is_quoted_whole);
	RUN(no_internal_request_text_in_the_defaults);
	DONE();
}
