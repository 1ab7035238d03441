/* Suggested-words templates (core/words.c): an organization's template text as an admin sends it.
 *
 * Input: a byte of situation bits, a byte saying which facts the record shows, then NUL-separated
 * texts: the template and the facts' values (in WORDS_PLACEHOLDERS order).  A template that
 * words_check accepts renders whenever every fact it names is shown, into exactly the template with
 * each placeholder replaced; a template it refuses never renders anything unchecked. */
#include "core/words.h"

#include "fuzz.h"

#define NFACTS 10

/* The rendering, built independently: each {name} replaced by its value; NULL when one is missing. */
static char *expected(const char *tmpl, const struct words_fact *facts, size_t n)
{
	size_t longest = 0, braces = 0, len = 0;
	for (size_t i = 0; i < n; i++)
		if (facts[i].value && strlen(facts[i].value) > longest)
			longest = strlen(facts[i].value);
	for (const char *p = tmpl; *p; p++)
		braces += *p == '{';
	size_t cap = strlen(tmpl) + 1 + braces * longest;
	char *out = xmalloc(cap);
	for (const char *p = tmpl; *p;) {
		const char *end = *p == '{' ? strchr(p, '}') : NULL;
		if (!end) {
			out[len++] = *p++;
			continue;
		}
		const char *v = NULL;
		for (size_t i = 0; i < n; i++)
			if (strlen(facts[i].name) == (size_t)(end - p - 1) && memcmp(facts[i].name, p + 1, (size_t)(end - p - 1)) == 0)
				v = facts[i].value;
		if (!v || !*v) {
			free(out);
			return NULL;
		}
		memcpy(out + len, v, strlen(v));
		len += strlen(v);
		p = end + 1;
	}
	out[len] = '\0';
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FUZZ_ASSERT(WORDS_PLACEHOLDERS[NFACTS - 1] && !WORDS_PLACEHOLDERS[NFACTS]);
	unsigned bits = fuzz_byte(&data, &size), shown = fuzz_byte(&data, &size), more = fuzz_byte(&data, &size);
	struct words_situation s = {bits & 1,      bits >> 1 & 1, bits >> 2 & 1, bits >> 3 & 1, bits >> 4 & 1,
				    bits >> 5 & 1, bits >> 6 & 1, bits >> 7 & 1, more & 1,	 more >> 1 & 1};
	size_t nkeys = 0;
	while (WORDS_KEYS[nkeys])
		nkeys++;
	const char *keys[16];
	FUZZ_ASSERT(nkeys <= 16);
	size_t nk = words_select(&s, keys, 16);
	FUZZ_ASSERT(nk < nkeys); /* an apology for a late request and "we have asked" never go together */
	int waiting = 0, asked = 0;
	for (size_t i = 0; i < nk; i++) {
		const char *bad = "";
		FUZZ_ASSERT(words_default(keys[i]) && words_check(words_default(keys[i]), &bad) == 0 && !bad);
		waiting |= strcmp(keys[i], "waiting") == 0;
		asked |= strcmp(keys[i], "asked") == 0;
	}
	FUZZ_ASSERT(!(waiting && asked));
	if (s.resolved) /* a resolved case awaits nothing: only a broken promise is still said */
		FUZZ_ASSERT(nk == 0 || (nk == 1 && strcmp(keys[0], "broken") == 0));

	char *tmpl = fuzz_field(&data, &size);
	char *values[NFACTS];
	struct words_fact facts[NFACTS];
	for (size_t i = 0; i < NFACTS; i++) {
		values[i] = fuzz_field(&data, &size);
		facts[i] = (struct words_fact){WORDS_PLACEHOLDERS[i], shown >> (i % 8) & 1 ? values[i] : NULL};
	}
	const char *bad = NULL;
	int ok = words_check(tmpl, &bad) == 0;
	FUZZ_ASSERT(!ok || !bad);
	if (bad)
		FUZZ_ASSERT(bad >= tmpl && bad < tmpl + strlen(tmpl) && *bad == '{');
	const char *used[WORDS_MAX_USED];
	size_t nused = 99;
	char *got = words_render(tmpl, facts, NFACTS, used, &nused);
	if (ok) {
		char *want = expected(tmpl, facts, NFACTS);
		FUZZ_ASSERT((got == NULL) == (want == NULL));
		if (got)
			FUZZ_ASSERT(strcmp(got, want) == 0);
		free(want);
	}
	FUZZ_ASSERT(nused <= WORDS_MAX_USED);
	for (size_t i = 0; got && i < nused; i++) {
		int named = 0;
		for (size_t j = 0; j < NFACTS; j++)
			named |= used[i] == facts[j].name;
		FUZZ_ASSERT(named);
	}
	free(got);
	free(tmpl);
	for (size_t i = 0; i < NFACTS; i++)
		free(values[i]);
	return 0;
}
