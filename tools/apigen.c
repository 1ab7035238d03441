/* apigen: a service file's API description, kept as data in NAME.api.json beside NAME.c, to the C
 * tables it stands for.  NAME.c includes the result (build/gen/.../NAME.api.inc) at its end, so its
 * static handlers stay static.  Usage: apigen IN.api.json OUT.inc
 *
 * IN is a JSON array of definitions, written out in its order (define a name before its use):
 *   {"values": "NAME", "items": ["a", "b"]}          static const char *const NAME[] = {"a", "b", NULL};
 *   {"input": "NAME", "fields": [FIELD, ...]}        static const struct in_field NAME[] = {..., {NULL, ...}};
 *   {"routes": "name", "items": [ROUTE, ...]}        const struct route name[] = {..., {NULL, ...}};
 *   {"list": "NAME", "name": ..., "cols": ..., "from": ..., "keys": [KEY, ...], "row": "fn"}
 *                                                    static const struct page_list NAME = {...}; (svc/page.h;
 *                                                    also "row_memo", "by_id", "row_text", "probe_cols",
 *                                                    "probe_from", "row_kept"; the C file
 *                                                    declares `static const struct page_list NAME;` before its use)
 *   {"fields": "MACRO", "params": ["req"], "items": [FIELD, ...]}   #define MACRO(req) FIELD, ... (no terminator)
 *   {"text": "MACRO", "value": "words"}              #define MACRO "words"
 * Any definition may carry "comment" (written above it); "export": true drops `static` from values
 * and input that other files use (routes are always exported: svc/routes.c collects them).
 *   FIELD: {"name", "type", "required", "min", "max", "of", "doc"}, struct in_field (svc/input.h);
 *          type is str, int, bool, time, enum, obj, arr, num or map (IN_STR ...); or {"use": "PAGE_FIELDS"},
 *          a macro that stands for fields (PAGE_FIELDS, IN_FORMAT_FIELD, IN_REASON_FIELD(0)), written as is.
 *   ROUTE: {"method", "path", "fn", "input", "status", "summary", "response", "cli", "flags"}, struct route
 *          (svc/svc.h).
 *   KEY:   {"by": SQL expression, "type": "int" or "text", "desc": true / false}, struct page_key.
 * required, min, max, status and flags are JSON integers or C expressions in a string ("FL_MAX_SUBJECT",
 * "R_OWN_TX | R_CASE_PAGE"), required also true / false; fn, of, input and the list's functions name
 * C identifiers; the other values are texts: a JSON string, {"c": "MACRO"} for a C text macro, or an
 * array of those written one after the other (["cases ca", {"c": "CASE_CUSTOMER"}]).  An absent key
 * is 0 / NULL; name, type and doc of a field, method, path, fn, status and summary of a route, and
 * name, cols, keys and a row function of a list are required.  A malformed file, an unknown or
 * missing key or a value of the wrong kind stops the build: a message naming the file and the
 * place, exit status 1, no output. */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *in_path, *tmp_path;
static FILE *out;

static void die(const char *where, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "apigen: %s: %s: ", in_path, where);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	if (out) {
		fclose(out);
		remove(tmp_path);
	}
	exit(1);
}

/* the keys obj may have, NULL-terminated; names the first other one */
static void check_keys(json_t *obj, const char *where, const char *const *allowed)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v)
	{
		const char *const *a = allowed;
		while (*a && strcmp(*a, key) != 0)
			a++;
		if (!*a)
			die(where, "unknown key \"%s\"", key);
	}
}

static int is_ident(const char *s)
{
	if (!(*s == '_' || (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')))
		return 0;
	return strspn(s, "_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") == strlen(s);
}

/* a C expression of names, numbers and operators: no strings, braces or statements */
static int is_expr(const char *s)
{
	return *s && strspn(s, "_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz |&+-*/()<>~,") == strlen(s);
}

static json_t *need(json_t *obj, const char *key, const char *where)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		die(where, "\"%s\" is missing", key);
	return v;
}

static const char *ident(json_t *v, const char *key, const char *where)
{
	if (!json_is_string(v) || !is_ident(json_string_value(v)))
		die(where, "\"%s\" must be a C identifier", key);
	return json_string_value(v);
}

static void put_text(const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", out);
		else if (*p == '\t')
			fputs("\\t", out);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(out, "\\%03o", *p);
		else if (*p == '?' && p[1] == '?')
			fputs("?\\", out); /* no trigraphs */
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

/* one part of a text: a JSON string, or {"c": "MACRO"} for a C text macro */
static int put_text_part(json_t *v)
{
	if (json_is_string(v))
		put_text(json_string_value(v));
	else if (json_is_object(v) && json_object_size(v) == 1 && json_is_string(json_object_get(v, "c")) &&
		 is_ident(json_string_value(json_object_get(v, "c"))))
		fputs(json_string_value(json_object_get(v, "c")), out);
	else
		return -1;
	return 0;
}

/* a text value: absent = NULL, a part, or an array of parts written one after the other (C joins them) */
static void put_text_value(json_t *obj, const char *key, const char *where)
{
	json_t *v = json_object_get(obj, key), *part;
	size_t i;
	if (!v || json_is_null(v)) {
		fputs("NULL", out);
		return;
	}
	if (!json_is_array(v)) {
		if (put_text_part(v))
			die(where, "\"%s\" must be a text, {\"c\": \"MACRO\"} or an array of those", key);
		return;
	}
	if (!json_array_size(v))
		die(where, "\"%s\" is an empty array", key);
	json_array_foreach(v, i, part)
	{
		if (i)
			fputc(' ', out);
		if (put_text_part(part))
			die(where, "\"%s\"[%zu] must be a text or {\"c\": \"MACRO\"}", key, i);
	}
}

/* a number value: absent = 0, an integer, true / false, or a C expression in a string */
static void put_number(json_t *obj, const char *key, const char *where)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		fputc('0', out);
	else if (json_is_integer(v))
		fprintf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_boolean(v))
		fputc(json_is_true(v) ? '1' : '0', out);
	else if (json_is_string(v) && is_expr(json_string_value(v)))
		fputs(json_string_value(v), out);
	else
		die(where, "\"%s\" must be an integer or a C expression", key);
}

static void put_name_value(json_t *obj, const char *key, const char *where)
{
	json_t *v = json_object_get(obj, key);
	fputs(v ? ident(v, key, where) : "NULL", out);
}

static json_t *array_of(json_t *obj, const char *key, const char *where)
{
	json_t *v = need(obj, key, where);
	if (!json_is_array(v))
		die(where, "\"%s\" must be an array", key);
	return v;
}

static const char *const IN_TYPES[][2] = {{"str", "IN_STR"},   {"int", "IN_INT"},   {"bool", "IN_BOOL"},
					  {"time", "IN_TIME"}, {"enum", "IN_ENUM"}, {"obj", "IN_OBJ"},
					  {"arr", "IN_ARR"},   {"num", "IN_NUM"},   {"map", "IN_MAP"}};

static void put_field(json_t *f, const char *where, const char *end)
{
	static const char *const KEYS[] = {"name", "type", "required", "min", "max", "of", "doc", NULL};
	static const char *const USE[] = {"use", NULL};
	if (!json_is_object(f))
		die(where, "a field must be an object");
	json_t *use = json_object_get(f, "use");
	if (use) {
		check_keys(f, where, USE);
		if (!json_is_string(use) || !is_expr(json_string_value(use)))
			die(where, "\"use\" must name a macro (PAGE_FIELDS, IN_REASON_FIELD(0))");
		fprintf(out, "\t%s%s", json_string_value(use), end);
		return;
	}
	check_keys(f, where, KEYS);
	json_t *name = need(f, "name", where), *type = need(f, "type", where);
	need(f, "doc", where);
	if (!json_is_string(name))
		die(where, "\"name\" must be a text");
	size_t t = 0;
	while (t < sizeof IN_TYPES / sizeof *IN_TYPES &&
	       !(json_is_string(type) && strcmp(IN_TYPES[t][0], json_string_value(type)) == 0))
		t++;
	if (t == sizeof IN_TYPES / sizeof *IN_TYPES)
		die(where, "\"type\" must be one of str, int, bool, time, enum, obj, arr, num, map");
	fputs("\t{", out);
	put_text(json_string_value(name));
	fprintf(out, ", %s, ", IN_TYPES[t][1]);
	put_number(f, "required", where);
	fputs(", ", out);
	put_number(f, "min", where);
	fputs(", ", out);
	put_number(f, "max", where);
	fputs(", ", out);
	put_name_value(f, "of", where);
	fputs(", ", out);
	put_text_value(f, "doc", where);
	fprintf(out, "}%s", end);
}

static void put_route(json_t *r, const char *where)
{
	static const char *const KEYS[] = {"method",  "path",	  "fn",	 "input", "status",
					   "summary", "response", "cli", "flags", NULL};
	static const char *const METHODS[] = {"GET", "POST", "PUT", "PATCH", "DELETE", NULL};
	if (!json_is_object(r))
		die(where, "a route must be an object");
	check_keys(r, where, KEYS);
	json_t *method = need(r, "method", where), *path = need(r, "path", where);
	need(r, "fn", where);
	need(r, "status", where);
	need(r, "summary", where);
	const char *const *m = METHODS;
	while (*m && !(json_is_string(method) && strcmp(*m, json_string_value(method)) == 0))
		m++;
	if (!*m)
		die(where, "\"method\" must be GET, POST, PUT, PATCH or DELETE");
	if (!json_is_string(path) || json_string_value(path)[0] != '/')
		die(where, "\"path\" must be a text starting with /");
	fprintf(out, "\t{\"%s\", ", *m);
	put_text(json_string_value(path));
	fputs(", ", out);
	put_name_value(r, "fn", where);
	fputs(", ", out);
	put_name_value(r, "input", where);
	fputs(", ", out);
	put_number(r, "status", where);
	fputs(", ", out);
	put_text_value(r, "summary", where);
	fputs(", ", out);
	put_text_value(r, "response", where);
	fputs(", ", out);
	put_text_value(r, "cli", where);
	fputs(", ", out);
	put_number(r, "flags", where);
	fputs("},\n", out);
}

/* struct page_list (svc/page.h): the members given, in the struct's order */
static void put_list(json_t *d, const char *name, const char *where)
{
	static const char *const FNS[] = {"row", "row_memo", "by_id", "row_text"};
	static const char *const KEY[] = {"by", "type", "desc", NULL};
	char at[260];
	size_t i;
	json_t *k;
	need(d, "name", where);
	need(d, "cols", where);
	fprintf(out, "static const struct page_list %s = {.name = ", name);
	put_text_value(d, "name", where);
	fputs(", .cols = ", out);
	put_text_value(d, "cols", where);
	if (json_object_get(d, "from")) {
		fputs(", .from = ", out);
		put_text_value(d, "from", where);
	}
	json_t *keys = array_of(d, "keys", where);
	if (!json_array_size(keys))
		die(where, "\"keys\" is empty: a list needs its order, the unique key last");
	fputs(", .keys = {", out);
	json_array_foreach(keys, i, k)
	{
		snprintf(at, sizeof at, "%s keys[%zu]", where, i);
		if (!json_is_object(k))
			die(at, "a key must be an object");
		check_keys(k, at, KEY);
		json_t *type = need(k, "type", at), *desc = json_object_get(k, "desc");
		need(k, "by", at);
		if (!json_is_string(type) || (strcmp(json_string_value(type), "int") && strcmp(json_string_value(type), "text")))
			die(at, "\"type\" must be int or text");
		if (desc && !json_is_boolean(desc))
			die(at, "\"desc\" must be true or false");
		fputs(i ? ", {" : "{", out);
		put_text_value(k, "by", at);
		fprintf(out, ", %s, %d}", strcmp(json_string_value(type), "int") == 0 ? "DB_T_INT" : "DB_T_TEXT",
			json_is_true(desc));
	}
	fputc('}', out);
	int fns = 0;
	for (i = 0; i < sizeof FNS / sizeof *FNS; i++) {
		json_t *f = json_object_get(d, FNS[i]);
		if (f) {
			fprintf(out, ", .%s = %s", FNS[i], ident(f, FNS[i], where));
			fns += i < 3;
		}
	}
	if (!fns)
		die(where, "say how a row becomes an item: \"row\", \"row_memo\" or \"by_id\"");
	static const char *const PROBE[] = {"probe_cols", "probe_from"};
	for (i = 0; i < sizeof PROBE / sizeof *PROBE; i++)
		if (json_object_get(d, PROBE[i])) {
			fprintf(out, ", .%s = ", PROBE[i]);
			put_text_value(d, PROBE[i], where);
		}
	if (json_object_get(d, "row_kept"))
		fprintf(out, ", .row_kept = %s", ident(json_object_get(d, "row_kept"), "row_kept", where));
	fputs("};\n", out);
}

static void put_comment(json_t *d, const char *where)
{
	json_t *c = json_object_get(d, "comment");
	if (!c)
		return;
	if (!json_is_string(c) || strstr(json_string_value(c), "*/"))
		die(where, "\"comment\" must be a text without */");
	fputs("/* ", out);
	for (const char *p = json_string_value(c); *p; p++)
		if (*p == '\n')
			fputs("\n * ", out);
		else
			fputc(*p, out);
	fputs(" */\n", out);
}

static const char *linkage(json_t *d, const char *where)
{
	json_t *e = json_object_get(d, "export");
	if (e && !json_is_boolean(e))
		die(where, "\"export\" must be true or false");
	return json_is_true(e) ? "" : "static ";
}

static void put_definition(json_t *d, size_t i)
{
	static const char *const VALUES[] = {"values", "items", "comment", "export", NULL};
	static const char *const INPUT[] = {"input", "fields", "comment", "export", NULL};
	static const char *const ROUTES[] = {"routes", "items", "comment", NULL};
	static const char *const MACRO[] = {"fields", "params", "items", "comment", NULL};
	static const char *const TEXT[] = {"text", "value", "comment", NULL};
	static const char *const LIST[] = {"list",	 "comment",    "name",	   "cols",	"from", "keys", "row",
					   "row_memo", "by_id",	       "row_text", "probe_cols", "probe_from", "row_kept", NULL};
	char where[200], at[260];
	size_t j;
	json_t *v;
	snprintf(where, sizeof where, "definition %zu", i + 1);
	if (!json_is_object(d))
		die(where, "a definition must be an object");
	const char *kind = json_object_get(d, "values")			  ? "values"
			   : json_object_get(d, "input")		  ? "input"
			   : json_object_get(d, "routes")		  ? "routes"
			   : json_object_get(d, "text")			  ? "text"
			   : json_object_get(d, "list")			  ? "list"
			   : json_is_string(json_object_get(d, "fields")) ? "fields"
									  : NULL;
	if (!kind)
		die(where, "say what it defines: \"values\", \"input\", \"routes\", \"list\", \"fields\" (a macro) or \"text\"");
	const char *name = ident(json_object_get(d, kind), kind, where);
	snprintf(where, sizeof where, "definition %zu (%s %s)", i + 1, kind, name);
	put_comment(d, where);
	if (strcmp(kind, "values") == 0) {
		check_keys(d, where, VALUES);
		fprintf(out, "%sconst char *const %s[] = {", linkage(d, where), name);
		json_array_foreach(array_of(d, "items", where), j, v)
		{
			if (!json_is_string(v))
				die(where, "items[%zu] must be a text", j);
			put_text(json_string_value(v));
			fputs(", ", out);
		}
		fputs("NULL};\n", out);
	} else if (strcmp(kind, "input") == 0) {
		check_keys(d, where, INPUT);
		fprintf(out, "%sconst struct in_field %s[] = {\n", linkage(d, where), name);
		json_array_foreach(array_of(d, "fields", where), j, v)
		{
			snprintf(at, sizeof at, "%s fields[%zu]", where, j);
			put_field(v, at, ",\n");
		}
		fputs("\t{NULL, 0, 0, 0, 0, NULL, NULL},\n};\n", out);
	} else if (strcmp(kind, "routes") == 0) {
		check_keys(d, where, ROUTES);
		fprintf(out, "const struct route %s[] = {\n", name);
		json_array_foreach(array_of(d, "items", where), j, v)
		{
			snprintf(at, sizeof at, "%s items[%zu]", where, j);
			put_route(v, at);
		}
		fputs("\t{NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, 0},\n};\n", out);
	} else if (strcmp(kind, "fields") == 0) {
		check_keys(d, where, MACRO);
		fprintf(out, "#define %s", name);
		json_t *params = json_object_get(d, "params");
		if (params) {
			if (!json_is_array(params) || !json_array_size(params))
				die(where, "\"params\" must be an array of C identifiers");
			json_array_foreach(params, j, v) fprintf(out, "%s%s", j ? ", " : "(", ident(v, "params", where));
			fputc(')', out);
		}
		json_t *items = array_of(d, "items", where);
		if (!json_array_size(items))
			die(where, "\"items\" is empty");
		json_array_foreach(items, j, v)
		{
			snprintf(at, sizeof at, "%s items[%zu]", where, j);
			fputs(" \\\n", out);
			put_field(v, at, j + 1 < json_array_size(items) ? "," : "");
		}
		fputc('\n', out);
	} else if (strcmp(kind, "list") == 0) {
		check_keys(d, where, LIST);
		put_list(d, name, where);
	} else {
		check_keys(d, where, TEXT);
		fprintf(out, "#define %s ", name);
		if (!json_is_string(need(d, "value", where)))
			die(where, "\"value\" must be a text");
		put_text(json_string_value(json_object_get(d, "value")));
		fputc('\n', out);
	}
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: apigen IN.api.json OUT.inc\n");
		return 2;
	}
	in_path = argv[1];
	json_error_t jerr;
	json_t *root = json_load_file(in_path, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		char where[64];
		snprintf(where, sizeof where, "line %d, column %d", jerr.line, jerr.column);
		die(where, "%s", jerr.text);
	}
	if (!json_is_array(root))
		die("top level", "must be an array of definitions");
	size_t n = strlen(argv[2]) + 5;
	char *tmp = malloc(n);
	if (!tmp)
		abort();
	snprintf(tmp, n, "%s.tmp", argv[2]);
	tmp_path = tmp;
	out = fopen(tmp_path, "w");
	if (!out) {
		perror(tmp_path);
		return 1;
	}
	fprintf(out, "/* generated by tools/apigen.c from %s; do not edit */\n", in_path);
	size_t i;
	json_t *d;
	json_array_foreach(root, i, d) put_definition(d, i);
	if (fclose(out) != 0 || rename(tmp_path, argv[2]) != 0) {
		perror(argv[2]);
		remove(tmp_path);
		return 1;
	}
	json_decref(root);
	free(tmp);
	return 0;
}
