#include "base/jsontext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

struct out {
	char *b;
	size_t n, cap;
};

static void grow(struct out *o, size_t more)
{
	if (o->n + more <= o->cap)
		return;
	size_t cap = o->cap ? o->cap : 4096;
	while (cap < o->n + more)
		cap *= 2;
	o->b = xrealloc(o->b, cap);
	o->cap = cap;
}

static void put(struct out *o, const char *s, size_t len)
{
	grow(o, len);
	memcpy(o->b + o->n, s, len);
	o->n += len;
}

/* jansson's escapes: the quote, the backslash and control characters; UTF-8 as it is. */
static void put_string(struct out *o, const char *s, size_t len)
{
	grow(o, len + 2);
	o->b[o->n++] = '"';
	size_t run = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch >= 0x20 && ch != '"' && ch != '\\')
			continue;
		put(o, s + run, i - run);
		run = i + 1;
		char esc[8];
		switch (ch) {
		case '"': put(o, "\\\"", 2); break;
		case '\\': put(o, "\\\\", 2); break;
		case '\b': put(o, "\\b", 2); break;
		case '\f': put(o, "\\f", 2); break;
		case '\n': put(o, "\\n", 2); break;
		case '\r': put(o, "\\r", 2); break;
		case '\t': put(o, "\\t", 2); break;
		default: put(o, esc, (size_t)snprintf(esc, sizeof esc, "\\u%04X", ch)); break;
		}
	}
	put(o, s + run, len - run);
	put(o, "\"", 1);
}

static int put_value(struct out *o, const json_t *v, int depth)
{
	if (depth > JSONTEXT_MAX_DEPTH)
		return -1;
	switch (json_typeof(v)) {
	case JSON_NULL: put(o, "null", 4); return 0;
	case JSON_TRUE: put(o, "true", 4); return 0;
	case JSON_FALSE: put(o, "false", 5); return 0;
	case JSON_INTEGER: {
		char num[32];
		put(o, num, (size_t)snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v)));
		return 0;
	}
	case JSON_REAL: { /* rare: jansson's own digits */
		char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		if (!t)
			return -1;
		put(o, t, strlen(t));
		free(t);
		return 0;
	}
	case JSON_STRING: put_string(o, json_string_value(v), json_string_length(v)); return 0;
	case JSON_ARRAY: {
		put(o, "[", 1);
		for (size_t i = 0, n = json_array_size(v); i < n; i++) {
			if (i)
				put(o, ",", 1);
			if (put_value(o, json_array_get(v, i), depth + 1))
				return -1;
		}
		put(o, "]", 1);
		return 0;
	}
	case JSON_OBJECT: {
		put(o, "{", 1);
		int first = 1;
		for (void *it = json_object_iter((json_t *)v); it; it = json_object_iter_next((json_t *)v, it)) {
			if (!first)
				put(o, ",", 1);
			first = 0;
			const char *key = json_object_iter_key(it);
			put_string(o, key, strlen(key));
			put(o, ":", 1);
			if (put_value(o, json_object_iter_value(it), depth + 1))
				return -1;
		}
		put(o, "}", 1);
		return 0;
	}
	}
	return -1;
}

char *json_text(const json_t *v, size_t *len)
{
	struct out o = {0};
	if (!v || put_value(&o, v, 0)) {
		free(o.b);
		return NULL;
	}
	grow(&o, 1);
	o.b[o.n] = '\0';
	if (len)
		*len = o.n;
	return o.b;
}
