#include "core/words.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

const char *const WORDS_PLACEHOLDERS[] = {
	"customer", "promise",	 "promise_due", "waiting_on", "waiting_for", "new_time",
	"policy",   "next_time", "senior",	"likely_by",  NULL,
};

const char *const WORDS_KEYS[] = {"broken", "promise",   "honest_time", "waiting",	   "asked",
				  "deferred", "policy", "next_step",	"speak_senior", NULL};

static const char *const DEFAULTS[] = {
	"I'm sorry, {customer}: we promised you “{promise}” by {promise_due}, and we did not keep that promise.",
	"We promised you “{promise}” by {promise_due}.",
	"To be straight with you: from what we see, “{promise}” is more likely by {likely_by} than by {promise_due}.",
	("I'm sorry, {customer}, we haven't received what we need from {waiting_on} yet. "
	 "Let me track it down and we'll get this handled for you."),
	"We have asked {waiting_on} for what we need, and we are following it up.",
	"This has been moved by {waiting_on} to {new_time}.",
	"This is because of our policy \"{policy}\", which conflicts with what we promised you. That is on us, not you.",
	"Next, I will follow up with {waiting_on}, and you will hear from us by {next_time}.",
	"Would you like to speak with {senior} directly?",
};

const char *words_default(const char *key)
{
	for (size_t i = 0; WORDS_KEYS[i]; i++)
		if (strcmp(WORDS_KEYS[i], key) == 0)
			return DEFAULTS[i];
	return NULL;
}

size_t words_select(const struct words_situation *s, const char **keys, size_t max)
{
	size_t n = 0;
#define OFFER(cond, key)                 \
	do {                             \
		if ((cond) && n < max)   \
			keys[n++] = key; \
	} while (0)
	/* once the case is resolved only a broken promise is still worth saying: nothing is awaited */
	int open = !s->resolved, waiting = open && s->waiting, late = s->late || s->deferred;
	OFFER(s->has_promise && s->promise_broken, "broken");
	OFFER(open && s->has_promise && !s->promise_broken, "promise");
	OFFER(open && s->has_promise && !s->promise_broken && s->unlikely, "honest_time");
	OFFER(waiting && late, "waiting"); /* an apology only for a wait that went wrong */
	OFFER(waiting && !late, "asked");
	OFFER(waiting && s->deferred, "deferred");
	OFFER(waiting && s->policy, "policy");
	OFFER(waiting && s->next_time, "next_step");
	OFFER(open && s->senior, "speak_senior");
#undef OFFER
	return n;
}

void words_quotable(const char *text, char *out, size_t size)
{
	if (!size)
		return;
	out[0] = '\0';
	if (!text)
		return;
	while (*text == ' ' || *text == '\t' || *text == '\n' || *text == '\r')
		text++;
	size_t n = strlen(text);
	/* what fits, cut on a whole UTF-8 character */
	if (n >= size) {
		n = size - 1;
		while (n && ((unsigned char)text[n] & 0xC0) == 0x80)
			n--;
	}
	/* spaces and closing marks at the end would fight the quotation marks around it */
	while (n && strchr(" \t\r\n.;:,", text[n - 1]))
		n--;
	memcpy(out, text, n);
	out[n] = '\0';
}

static int known(const char *name, size_t len)
{
	for (const char *const *p = WORDS_PLACEHOLDERS; *p; p++)
		if (strlen(*p) == len && strncmp(*p, name, len) == 0)
			return 1;
	return 0;
}

int words_check(const char *tmpl, const char **bad)
{
	*bad = NULL;
	if (!tmpl || !*tmpl)
		return -1;
	for (const char *p = tmpl; *p; p++) {
		if (*p == '}')
			return -1;
		if (*p != '{')
			continue;
		const char *end = strchr(p + 1, '}');
		if (!end || memchr(p + 1, '{', (size_t)(end - p - 1)))
			return -1;
		if (!known(p + 1, (size_t)(end - p - 1))) {
			*bad = p;
			return -1;
		}
		p = end;
	}
	return 0;
}

static const struct words_fact *fact(const struct words_fact *facts, size_t n, const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(facts[i].name) == len && strncmp(facts[i].name, name, len) == 0)
			return &facts[i];
	return NULL;
}

/* One pass over tmpl: with out == NULL only measures.  Returns the length, or -1 when a
 * placeholder's fact is absent or unknown. */
static long render(const char *tmpl, const struct words_fact *facts, size_t nfacts, char *out, const char **used, size_t *nused)
{
	long len = 0;
	for (const char *p = tmpl; *p;) {
		if (*p != '{') {
			if (out)
				out[len] = *p;
			len++;
			p++;
			continue;
		}
		const char *end = strchr(p + 1, '}');
		const struct words_fact *f = end ? fact(facts, nfacts, p + 1, (size_t)(end - p - 1)) : NULL;
		if (!f || !f->value || !*f->value)
			return -1;
		size_t vl = strlen(f->value);
		if (out) {
			memcpy(out + len, f->value, vl);
			int seen = 0;
			for (size_t i = 0; i < *nused; i++)
				seen |= strcmp(used[i], f->name) == 0;
			if (!seen && *nused < WORDS_MAX_USED)
				used[(*nused)++] = f->name;
		}
		len += (long)vl;
		p = end + 1;
	}
	return len;
}

char *words_render(const char *tmpl, const struct words_fact *facts, size_t nfacts, const char **used, size_t *nused)
{
	*nused = 0;
	long len = render(tmpl, facts, nfacts, NULL, used, nused);
	if (len < 0)
		return NULL;
	char *out = xmalloc((size_t)len + 1);
	render(tmpl, facts, nfacts, out, used, nused);
	out[len] = '\0';
	return out;
}
