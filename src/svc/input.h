#ifndef FL_INPUT_H
#define FL_INPUT_H
/* Input specs: the fields a request may carry, their types and limits.  A request with an
 * unknown field, a wrong type, a missing required field, text over its limit or containing
 * control characters is refused before any service runs (error 400, field named). */
#include <jansson.h>
#include <stddef.h>

#include "base/err.h"

enum in_type {
	IN_STR,  /* text, max bytes = max */
	IN_INT,  /* integer in [min, max] */
	IN_BOOL,
	IN_TIME, /* RFC 3339 time text */
	IN_ENUM, /* one of values (NULL-terminated) */
	IN_OBJ,  /* a JSON object with the fields `of`, checked like the request itself (unknown keys,
		  * types, limits, required fields), to any depth */
	IN_ARR,  /* a JSON array of at most max items: with `of`, every item is an object with those
		  * fields (checked as for IN_OBJ); without, items are plain values (no objects or arrays)
		  * that the service checks */
	IN_NUM,  /* a number (integer or real) in [min, max] */
	IN_MAP,  /* a JSON object whose keys are data, not field names (days, setting names, limit
		  * names): the service checks every key and value */
};

struct in_field {
	const char *name; /* NULL ends the list */
	enum in_type type;
	int required;
	long long min, max;
	/* IN_ENUM: the allowed values (const char *const[], NULL-terminated); IN_OBJ (needed) and
	 * IN_ARR (optional): the nested object's fields (const struct in_field[]).  Read it through
	 * in_values() / in_fields(). */
	const void *of;
	const char *doc; /* for the API document */
};

static inline const char *const *in_values(const struct in_field *f)
{
	return f->of;
}
static inline const struct in_field *in_fields(const struct in_field *f)
{
	return f->of;
}

/* Lists and reports take {"format", IN_ENUM, 0, 0, 0, IN_FORMATS, ...}: json (default) or csv; with csv
 * the HTTP layer and the command line write the `items` rows as CSV (base/csv.h). */
extern const char *const IN_FORMATS[];
#define IN_FORMAT_FIELD {"format", IN_ENUM, 0, 0, 0, IN_FORMATS, "json (default) or csv (the items as CSV)"}

/* The reason a person gives for a decision ("why": refusing, withdrawing, releasing ...), optional
 * (0) or required (1); and a skill named by id or name (required). */
#define IN_REASON_FIELD(required) {"reason", IN_STR, (required), (required), FL_MAX_TEXT, NULL, "why"}
#define IN_SKILL_FIELD {"skill", IN_STR, 1, 1, FL_MAX_SHORT, NULL, "skill (id or name)"}

/* Check in (an object) against spec, nested objects against their `of` fields.  Returns 0 or -1
 * with err; a nested field is named by its path ("answers[0].respondent", "raise_issue.title"). */
int in_check(json_t *in, const struct in_field *spec, fl_err *err);
/* Check a text value (UTF-8, no control characters except \t\n\r, length). */
int in_text_ok(const char *s, size_t max, const char *field, fl_err *err);

/* Accessors; NULL / dflt when absent or null. */
const char *in_str(json_t *in, const char *name);
long long in_int(json_t *in, const char *name, long long dflt);
int in_bool(json_t *in, const char *name, int dflt);
double in_num(json_t *in, const char *name, double dflt);
/* Parsed IN_TIME field; returns 1 and *ms when present, 0 when absent. */
int in_time(json_t *in, const char *name, long long *ms);
/* The period of the IN_TIME fields "from" (default 0) and "to" (default now + 1): 0, or -1 with
 * ERR_INVALID "bad_range" on "to" when to is not after from. */
int in_period(json_t *in, long long now, long long *from, long long *to, fl_err *err);

/* Convert a text value (from a query string or command-line flag) to the field's JSON type.
 * Returns a new reference or NULL with err set. */
json_t *in_from_text(const struct in_field *f, const char *text, fl_err *err);

/* The one place that decides "unknown field", for body fields, query parameters and command-line
 * flags alike: the field of spec (NULL = takes none) called name, or NULL with err set to
 * ERR_INVALID "unknown_field" (field = name). */
const struct in_field *in_field_of(const struct in_field *spec, const char *name, fl_err *err);

#endif
