
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/limits.h"
#include "base/util.h"
#include "svc/input.h"

const char *const IN_FORMATS[] = {"json", "csv", NULL};

#define IN_PATH 64 /* a field's path in errors, as long as fl_err's field */

const struct in_field *in_field_of(const struct in_field *spec, const char *name, fl_err *err)
{
	for (const struct in_field *f = spec; f && f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	err_set(err, ERR_INVALID, "unknown_field", name, "unknown field \"%.*s\"", (int)utf8_cut(name, 40), name);
	return NULL;
}

int in_text_ok(const char *s, size_t max, const char *field, fl_err *err)
{
	size_t len = strlen(s);
	if (len > max)
		return err_set(err, ERR_INVALID, "too_long", field, "%s is longer than %zu bytes", field, max);
	if (!utf8_valid_text(s, len))
		return err_set(err, ERR_INVALID, "invalid_text", field, "%s must be UTF-8 text without control characters",
			       field);
	return 0;
}

static int check_object(json_t *in, const struct in_field *spec, const char *path, fl_err *err);

/* out = text, cut to IN_PATH on a character boundary (str_copy). */
static void field_name(char out[IN_PATH], char *text)
{
	if (str_copy(out, IN_PATH, text) != 0) {
		/* a long path is shown cut, on a character boundary: it only names the field in an error */
	}
	free(text);
}

static int wrong_type(fl_err *err, const char *name, const char *what)
{
	return err_set(err, ERR_INVALID, "wrong_type", name, "%s must be %s", name, what);
}

static int out_of_range(fl_err *err, const char *name, const struct in_field *f)
{
	return err_set(err, ERR_INVALID, "out_of_range", name, "%s must be between %lld and %lld", name, f->min, f->max);
}

/* Check the items of an array field f (named name): objects with f->of, or plain values. */
static int check_items(const struct in_field *f, const char *name, json_t *v, fl_err *err)
{
	size_t i;
	json_t *x;
	char path[IN_PATH];
	json_array_foreach(v, i, x)
	{
		field_name(path, xasprintf("%s[%zu]", name, i));
		if (f->of && !json_is_object(x))
			return wrong_type(err, path, "an object");
		if (!f->of && (json_is_object(x) || json_is_array(x)))
			return wrong_type(err, path, "a plain value");
		if (f->of && check_object(x, in_fields(f), path, err))
			return -1;
	}
	return 0;
}

static int check_one(const struct in_field *f, const char *name, json_t *v, fl_err *err)
{
	switch (f->type) {
	case IN_STR:
		if (!json_is_string(v))
			return wrong_type(err, name, "a string");
		if (in_text_ok(json_string_value(v), f->max ? (size_t)f->max : FL_MAX_TEXT, name, err))
			return -1;
		if (f->min && json_string_length(v) < (size_t)f->min)
			return err_set(err, ERR_INVALID, f->min == 1 ? "required" : "too_short", name,
				       "%s must be at least %lld characters", name, f->min);
		return 0;
	case IN_INT:
		if (!json_is_integer(v))
			return wrong_type(err, name, "an integer");
		if (json_integer_value(v) < f->min || json_integer_value(v) > f->max)
			return out_of_range(err, name, f);
		return 0;
	case IN_NUM:
		if (!json_is_number(v))
			return wrong_type(err, name, "a number");
		if (json_number_value(v) < (double)f->min || json_number_value(v) > (double)f->max)
			return out_of_range(err, name, f);
		return 0;
	case IN_BOOL:
		if (!json_is_boolean(v))
			return wrong_type(err, name, "true or false");
		return 0;
	case IN_TIME: {
		int64_t ms;
		if (!json_is_string(v))
			return wrong_type(err, name, "a time string");
		if (time_parse(json_string_value(v), &ms))
			return err_set(err, ERR_INVALID, "invalid_time", name,
				       "%s must be an RFC 3339 time such as 2026-11-25T15:00:00Z", name);
		return 0;
	}
	case IN_ENUM:
		if (!json_is_string(v))
			return wrong_type(err, name, "a string");
		for (const char *const *e = in_values(f); *e; e++)
			if (strcmp(*e, json_string_value(v)) == 0)
				return 0;
		return err_set(err, ERR_INVALID, "invalid_value", name, "%s has an unknown value", name);
	case IN_OBJ:
		if (!json_is_object(v))
			return wrong_type(err, name, "an object");
		return check_object(v, in_fields(f), name, err);
	case IN_MAP:
		if (!json_is_object(v))
			return wrong_type(err, name, "an object");
		return 0;
	case IN_ARR:
		if (!json_is_array(v))
			return wrong_type(err, name, "an array");
		if (f->max && json_array_size(v) > (size_t)f->max)
			return err_set(err, ERR_INVALID, "too_many", name, "%s has more than %lld items", name, f->max);
		return check_items(f, name, v, err);
	}
	return 0;
}

/* 1 when v nests no deeper than max levels (the object itself is level 1). */
static int depth_ok(json_t *v, int max)
{
	if (max <= 0)
		return 0;
	const char *key;
	json_t *x;
	size_t i;
	if (json_is_object(v)) {
		json_object_foreach(v, key, x)
		{
			if ((json_is_object(x) || json_is_array(x)) && !depth_ok(x, max - 1))
				return 0;
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x)
		{
			if ((json_is_object(x) || json_is_array(x)) && !depth_ok(x, max - 1))
				return 0;
		}
	}
	return 1;
}

/* The fields of one object (the request, or a nested object at path: "" for the request). */
static int check_object(json_t *in, const struct in_field *spec, const char *path, fl_err *err)
{
	const char *key;
	json_t *v;
	char name[IN_PATH];
	json_object_foreach(in, key, v)
	{
		const struct in_field *f = in_field_of(spec, key, err);
		field_name(name, xasprintf("%s%s%s", path, *path ? "." : "", key));
		if (!f) /* nested: name the path */
			return *path ? err_set(err, ERR_INVALID, "unknown_field", name, "unknown field \"%s\"", name) : -1;
		if (json_is_null(v)) {
			if (f->required)
				return err_set(err, ERR_INVALID, "required", name, "%s is required", name);
			continue;
		}
		if (check_one(f, name, v, err))
			return -1;
	}
	for (const struct in_field *f = spec; f && f->name; f++) {
		json_t *x = json_object_get(in, f->name);
		field_name(name, xasprintf("%s%s%s", path, *path ? "." : "", f->name));
		if (f->required && (!x || json_is_null(x)))
			return err_set(err, ERR_INVALID, "required", name, "%s is required", name);
	}
	return 0;
}

int in_check(json_t *in, const struct in_field *spec, fl_err *err)
{
	if (!json_is_object(in))
		return err_set(err, ERR_INVALID, "not_an_object", NULL, "the request body must be a JSON object");
	if (!depth_ok(in, FL_MAX_JSON_DEPTH))
		return err_set(err, ERR_INVALID, "too_deep", NULL, "the JSON nests deeper than %d levels", FL_MAX_JSON_DEPTH);
	if (json_object_size(in) > FL_MAX_FIELDS)
		return err_set(err, ERR_INVALID, "too_many_fields", NULL, "too many fields");
	return check_object(in, spec, "", err);
}

const char *in_str(json_t *in, const char *name)
{
	json_t *v = json_object_get(in, name);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

long long in_int(json_t *in, const char *name, long long dflt)
{
	json_t *v = json_object_get(in, name);
	return json_is_integer(v) ? json_integer_value(v) : dflt;
}

double in_num(json_t *in, const char *name, double dflt)
{
	json_t *v = json_object_get(in, name);
	return json_is_number(v) ? json_number_value(v) : dflt;
}

int in_bool(json_t *in, const char *name, int dflt)
{
	json_t *v = json_object_get(in, name);
	return json_is_boolean(v) ? json_is_true(v) : dflt;
}

int in_time(json_t *in, const char *name, long long *ms)
{
	const char *s = in_str(in, name);
	int64_t t;
	if (!s || time_parse(s, &t))
		return 0;
	*ms = t;
	return 1;
}

int in_period(json_t *in, long long now, long long *from, long long *to, fl_err *err)
{
	*from = 0;
	*to = now + 1;
	in_time(in, "from", from);
	in_time(in, "to", to);
	return *to <= *from ? err_set(err, ERR_INVALID, "bad_range", "to", "to must be after from") : 0;
}

json_t *in_from_text(const struct in_field *f, const char *text, fl_err *err)
{
	switch (f->type) {
	case IN_INT: {
		char *end;
		errno = 0;
		long long v = strtoll(text, &end, 10);
		if (errno || end == text || *end) {
			wrong_type(err, f->name, "an integer");
			return NULL;
		}
		return json_integer(v);
	}
	case IN_NUM: {
		char *end;
		double v = strtod(text, &end);
		if (end == text || *end) {
			wrong_type(err, f->name, "a number");
			return NULL;
		}
		return json_real(v);
	}
	case IN_BOOL:
		if (strcmp(text, "true") == 0 || strcmp(text, "1") == 0 || strcmp(text, "yes") == 0)
			return json_true();
		if (strcmp(text, "false") == 0 || strcmp(text, "0") == 0 || strcmp(text, "no") == 0)
			return json_false();
		wrong_type(err, f->name, "true or false");
		return NULL;
	case IN_OBJ:
	case IN_ARR:
	case IN_MAP: {
		json_error_t je;
		json_t *v = json_loads(text, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
		if (!v)
			err_set(err, ERR_INVALID, "malformed_json", f->name, "%s must be JSON", f->name);
		return v;
	}
	default: {
		json_t *v = json_string(text);
		if (!v)
			err_set(err, ERR_INVALID, "invalid_text", f->name, "%s must be UTF-8 text", f->name);
		return v;
	}
	}
}
