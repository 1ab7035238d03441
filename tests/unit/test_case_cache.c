/* case_cache: a page is given back only at the versions it was kept at, only for its own
 * organization and case, and a slot holds the newest page put there. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "svc/ledger/case_cache.h"

static int got(struct case_cache *k, const char *org, const char *id, int64_t cv, int64_t ov, const char *want)
{
	size_t len = 0;
	char *text = case_cache_get(k, org, id, cv, ov, &len, NULL);
	int ok = want ? text && strcmp(text, want) == 0 && len == strlen(want) : text == NULL;
	free(text);
	return ok;
}

TEST(a_page_is_given_back_at_its_versions_only)
{
	struct case_cache *k = case_cache_new(8, CASE_CACHE_MAX_TEXT, CASE_CACHE_BUDGET);
	int64_t cv = 0, ov = 0;
	CHECK(!case_cache_known(k, "org_a", "case_1", &cv, &ov));
	CHECK(got(k, "org_a", "case_1", 0, 0, NULL));
	case_cache_put(k, "org_a", "case_1", 3, 7, "{\"id\":1}", 8, 0);
	CHECK(case_cache_known(k, "org_a", "case_1", &cv, &ov) && cv == 3 && ov == 7);
	CHECK(got(k, "org_a", "case_1", 3, 7, "{\"id\":1}"));
	CHECK(got(k, "org_a", "case_1", 4, 7, NULL)); /* the case changed */
	CHECK(got(k, "org_a", "case_1", 3, 8, NULL)); /* the organization's directory changed */
	CHECK(got(k, "org_b", "case_1", 3, 7, NULL)); /* another organization, the same id */
	CHECK(!case_cache_known(k, "org_b", "case_1", &cv, &ov));
	case_cache_put(k, "org_a", "case_1", 4, 7, "{\"id\":2}", 8, 0);
	CHECK(got(k, "org_a", "case_1", 4, 7, "{\"id\":2}"));
	CHECK(got(k, "org_a", "case_1", 3, 7, NULL));
	case_cache_free(k);
}

TEST(slots_are_bounded_and_replaced)
{
	struct case_cache *k = case_cache_new(CASE_CACHE_WAYS, CASE_CACHE_MAX_TEXT, CASE_CACHE_BUDGET); /* one set */
	char id[32];
	for (int i = 0; i < 100; i++) {
		snprintf(id, sizeof id, "case_%d", i);
		case_cache_put(k, "org_a", id, i, 0, id, strlen(id), 0);
	}
	int kept = 0;
	int64_t cv, ov;
	for (int i = 0; i < 100; i++) {
		snprintf(id, sizeof id, "case_%d", i);
		if (case_cache_known(k, "org_a", id, &cv, &ov)) {
			kept++;
			CHECK(cv == i && got(k, "org_a", id, i, 0, id));
		}
	}
	CHECK(kept == CASE_CACHE_WAYS);
	char *big = malloc(CASE_CACHE_MAX_TEXT + 2);
	memset(big, 'x', CASE_CACHE_MAX_TEXT + 1);
	big[CASE_CACHE_MAX_TEXT + 1] = '\0';
	case_cache_put(k, "org_a", "case_big", 1, 1, big, CASE_CACHE_MAX_TEXT, 0); /* as long as may be */
	CHECK(case_cache_known(k, "org_a", "case_big", &cv, &ov));
	case_cache_put(k, "org_a", "case_big", 2, 1, big, CASE_CACHE_MAX_TEXT + 1, 0); /* too long */
	CHECK(!case_cache_known(k, "org_a", "case_big", &cv, &ov)); /* and its older page is gone */
	CHECK(got(k, "org_a", "case_big", 1, 1, NULL));
	free(big);
	case_cache_free(k);
}

TEST(the_texts_stay_within_the_budget)
{
	struct case_cache *k = case_cache_new(64, 100, 20); /* 20 bytes of text in all */
	int64_t cv, ov;
	case_cache_put(k, "org_a", "case_1", 1, 0, "0123456789", 10, 0);
	case_cache_put(k, "org_a", "case_2", 1, 0, "0123456789", 10, 0);
	case_cache_put(k, "org_a", "case_3", 1, 0, "0123456789", 10, 0); /* over: not kept */
	CHECK(got(k, "org_a", "case_1", 1, 0, "0123456789") && got(k, "org_a", "case_2", 1, 0, "0123456789"));
	CHECK(!case_cache_known(k, "org_a", "case_3", &cv, &ov));
	case_cache_put(k, "org_a", "case_1", 2, 0, "01234", 5, 0); /* a shorter page gives bytes back */
	case_cache_put(k, "org_a", "case_3", 1, 0, "01234", 5, 0);
	CHECK(got(k, "org_a", "case_1", 2, 0, "01234") && got(k, "org_a", "case_3", 1, 0, "01234"));
	case_cache_put(k, "org_a", "case_2", 2, 0, "0123456789ab", 12, 0); /* over: keeps no page at all */
	CHECK(!case_cache_known(k, "org_a", "case_2", &cv, &ov));
	case_cache_put(k, "org_a", "case_4", 1, 0, "0123456789", 10, 0); /* case_2's bytes came back */
	CHECK(got(k, "org_a", "case_4", 1, 0, "0123456789"));
	case_cache_free(k);
}

TEST(a_full_set_replaces_its_least_recently_used_page)
{
	struct case_cache *k = case_cache_new(CASE_CACHE_WAYS, CASE_CACHE_MAX_TEXT, CASE_CACHE_BUDGET); /* one set: every case hashes to it */
	char id[32];
	int64_t cv, ov;
	for (int i = 0; i < CASE_CACHE_WAYS; i++) {
		snprintf(id, sizeof id, "case_%d", i);
		case_cache_put(k, "org_a", id, i, 0, id, strlen(id), 0);
	}
	CHECK(got(k, "org_a", "case_0", 0, 0, "case_0")); /* read: now the most recent */
	case_cache_put(k, "org_a", "case_new", 9, 0, "new", 3, 0);
	CHECK(case_cache_known(k, "org_a", "case_0", &cv, &ov));
	CHECK(!case_cache_known(k, "org_a", "case_1", &cv, &ov)); /* the least recently used */
	CHECK(got(k, "org_a", "case_new", 9, 0, "new"));
	case_cache_put(k, "org_a", "case_new", 10, 0, "newer", 5, 0); /* a newer page takes its own slot */
	for (int i = 0; i < CASE_CACHE_WAYS; i++) {
		snprintf(id, sizeof id, "case_%d", i);
		CHECK(i == 1 || case_cache_known(k, "org_a", id, &cv, &ov));
	}
	CHECK(got(k, "org_a", "case_new", 10, 0, "newer"));
	case_cache_free(k);
}

int main(void)
{
	RUN(a_page_is_given_back_at_its_versions_only);
	RUN(slots_are_bounded_and_replaced);
	RUN(a_full_set_replaces_its_least_recently_used_page);
	RUN(the_texts_stay_within_the_budget);
	DONE();
}
