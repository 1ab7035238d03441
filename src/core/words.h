#ifndef FL_WORDS_H
#define FL_WORDS_H
/* Suggested words: short, honest messages for the customer, built only from facts the record
 * shows.  Pure functions: the service gathers the facts and the organization's templates.
 *
 * A template is text with {placeholders} naming facts (WORDS_PLACEHOLDERS).  A message is rendered
 * only when every fact it names is present: a template can never make the words claim something
 * the record does not show. */
#include <stddef.h>

#define WORDS_MAX_USED 16

struct words_fact {
	const char *name;  /* a placeholder name */
	const char *value; /* NULL when the record does not show it */
};

/* What the case's state is; decides which messages apply. */
struct words_situation {
	int has_promise;     /* a promise is pending or broken */
	int promise_broken;
	int waiting;         /* a request a promise depends on is not done */
	int deferred;        /* ... and it was deferred to a new time */
	int policy;          /* ... citing a policy that conflicts with the promise */
	int senior;          /* a leader holds it up (or owns the policy that does) */
	int next_time;       /* we know when the customer will hear next */
	int unlikely;	     /* the pending promise was made against an estimate's warning (docs/promises.md) */
	int late;            /* the request waited on is overdue or declined: an apology is due (a fresh one gets none) */
	int resolved;        /* the case is resolved: nothing is awaited any more, only a broken promise is said */
};

/* Placeholder names a template may use, NULL-terminated. */
extern const char *const WORDS_PLACEHOLDERS[];
/* The message keys, in the order they are offered, and their default templates (NULL-terminated). */
extern const char *const WORDS_KEYS[];
const char *words_default(const char *key); /* NULL for an unknown key */

/* The keys of the messages that apply to s, in order; returns how many were written to keys. */
size_t words_select(const struct words_situation *s, const char **keys, size_t max);

/* Check a template: every {name} is a known placeholder, braces balance, text is not empty.
 * Returns 0, or -1 and *bad points at the offending placeholder (or NULL for syntax). */
int words_check(const char *tmpl, const char **bad);

/* A promise's own words made ready to stand inside quotation marks: leading blanks and trailing
 * blanks and punctuation (".", ";", ":", ",") removed, cut to size on a whole UTF-8 character. */
void words_quotable(const char *text, char *out, size_t size);

/* Render tmpl with facts.  Returns a new string (caller frees), or NULL when a placeholder's fact
 * is absent or unknown.  used[] gets the names of the facts used (borrowed from facts), *nused
 * their number. */
char *words_render(const char *tmpl, const struct words_fact *facts, size_t nfacts, const char **used, size_t *nused);

#endif
