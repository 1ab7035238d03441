/* The JSON input checker (svc/input.c) and the error it produces, for every route that takes input.
 *
 * Input: one byte picks the route, the rest is what a client sends for it: a JSON body (parsed as
 * the HTTP server parses it), or for a GET route a query "k=v&k=v" (converted field by field with
 * in_from_text, as the server does).  Whatever the input, the checker accepts it or returns an error
 * whose HTTP answer can be rendered; accepted input reads back through the accessors. */
#include "svc/input.h"
#include "svc/svc.h"

#include "fuzz.h"

static const struct route **routes;
static size_t nroutes;

static void collect_routes(void)
{
	size_t cap = 0;
	for (const struct route *const *t = svc_route_tables(); *t; t++)
		for (const struct route *r = *t; r->method; r++) {
			if (!r->input || (r->flags & R_CLI_ONLY))
				continue;
			if (nroutes == cap) {
				cap = cap ? cap * 2 : 64;
				const struct route **n = realloc(routes, cap * sizeof *n);
				FUZZ_ASSERT(n);
				routes = n;
			}
			routes[nroutes++] = r;
		}
	FUZZ_ASSERT(nroutes > 0);
}

/* Accepted input: every declared field reads back with its type. */
static void read_back(json_t *in, const struct in_field *spec)
{
	for (const struct in_field *f = spec; f->name; f++) {
		json_t *v = json_object_get(in, f->name);
		if (!v || json_is_null(v)) {
			FUZZ_ASSERT(!f->required);
			continue;
		}
		long long ms;
		switch (f->type) {
		case IN_STR:
		case IN_ENUM: FUZZ_ASSERT(in_str(in, f->name)); break;
		case IN_INT: FUZZ_ASSERT(json_is_integer(v) && in_int(in, f->name, 0) >= f->min); break;
		case IN_NUM: (void)in_num(in, f->name, 0); break;
		case IN_BOOL: (void)in_bool(in, f->name, 0); break;
		case IN_TIME: FUZZ_ASSERT(in_time(in, f->name, &ms) == 1); break;
		case IN_OBJ:
		case IN_MAP: FUZZ_ASSERT(json_is_object(v)); break;
		case IN_ARR: FUZZ_ASSERT(json_is_array(v)); break;
		}
	}
}

/* A body, as the HTTP server reads it (http/api.c): JSON with no duplicate keys. */
static json_t *from_body(const uint8_t *data, size_t size, fl_err *err)
{
	json_error_t je;
	json_t *in = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
	if (!in) {
		err_set(err, ERR_INVALID, "malformed_json", NULL, "malformed JSON: %.*s", (int)utf8_cut(je.text, 100), je.text);
		return NULL;
	}
	return in;
}

/* A query string "k=v&k=v", as the HTTP server turns it into an object field by field. */
static json_t *from_query(const struct in_field *spec, const uint8_t *data, size_t size, fl_err *err)
{
	char *q = fuzz_cstr(data, size), *save = NULL;
	json_t *in = json_object();
	for (char *kv = strtok_r(q, "&", &save); kv; kv = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(kv, '=');
		if (eq)
			*eq = '\0';
		const struct in_field *f = in_field_of(spec, kv, err);
		json_t *v = f ? in_from_text(f, eq ? eq + 1 : "", err) : NULL;
		if (!v) {
			json_decref(in);
			in = NULL;
			break;
		}
		json_object_set_new(in, kv, v);
	}
	free(q);
	return in;
}

/* FUZZ_SEEDS=DIR build/fuzz/json_input: write a seed per route (every field with a valid value)
 * and the field names as a dictionary (DIR/json_input.dict), then exit. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	collect_routes();
	const char *dir = getenv("FUZZ_SEEDS");
	if (!dir)
		return 0;
	char *path = xasprintf("%s/json_input.dict", dir);
	FILE *dict = fopen(path, "w");
	free(path);
	FUZZ_ASSERT(dict);
	for (size_t i = 0; i < nroutes && i < 256; i++) {
		int query = strcmp(routes[i]->method, "GET") == 0;
		path = xasprintf("%s/route-%03zu", dir, i);
		FILE *out = fopen(path, "w");
		free(path);
		FUZZ_ASSERT(out);
		fputc((int)i, out);
		fputs(query ? "" : "{", out);
		for (const struct in_field *f = routes[i]->input; f->name; f++) {
			fprintf(out, query ? "%s%s=" : "%s\"%s\":", f == routes[i]->input ? "" : query ? "&" : ",", f->name);
			fuzz_sample(f, query, out);
			fprintf(dict, query ? "\"%s=\"\n" : "\"\\\"%s\\\":\"\n", f->name);
		}
		fputs(query ? "" : "}", out);
		fclose(out);
	}
	fclose(dict);
	exit(0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const struct route *r = routes[data[0] % nroutes];
	data++;
	size--;
	fl_err err = FL_ERR_INIT;
	json_t *in = strcmp(r->method, "GET") == 0 ? from_query(r->input, data, size, &err) : from_body(data, size, &err);
	if (!in) {
		fuzz_check_error(&err);
		return 0;
	}
	if (in_check(in, r->input, &err) == 0) {
		FUZZ_ASSERT(err.kind == ERR_NONE);
		read_back(in, r->input);
	} else {
		fuzz_check_error(&err);
	}
	json_decref(in);
	return 0;
}
