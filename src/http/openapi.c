/* The OpenAPI 3 document, built from the route tables (paths, parameters, request schemas from
 * the input specs) and the component schemas in api/schemas-*.json.  Built once per request to
 * /api/v1/openapi.json; it is small. */
#include <stdio.h>
#include <string.h>

#include "base/embed.h"
#include "base/util.h"
#include "http/api.h"
#include "svc/svc.h"

static json_t *body_schema(const struct in_field *spec);

static json_t *field_schema(const struct in_field *f)
{
	json_t *s = json_object();
	switch (f->type) {
	case IN_STR:
		json_object_set_new(s, "type", json_string("string"));
		if (f->max)
			json_object_set_new(s, "maxLength", json_integer(f->max));
		if (f->min)
			json_object_set_new(s, "minLength", json_integer(f->min));
		break;
	case IN_INT:
		json_object_set_new(s, "type", json_string("integer"));
		json_object_set_new(s, "minimum", json_integer(f->min));
		json_object_set_new(s, "maximum", json_integer(f->max));
		break;
	case IN_NUM:
		json_object_set_new(s, "type", json_string("number"));
		json_object_set_new(s, "minimum", json_integer(f->min));
		json_object_set_new(s, "maximum", json_integer(f->max));
		break;
	case IN_BOOL: json_object_set_new(s, "type", json_string("boolean")); break;
	case IN_TIME:
		json_object_set_new(s, "type", json_string("string"));
		json_object_set_new(s, "format", json_string("date-time"));
		break;
	case IN_ENUM: {
		json_t *e = json_array();
		for (const char *const *v = in_values(f); *v; v++)
			json_array_append_new(e, json_string(*v));
		json_object_set_new(s, "type", json_string("string"));
		json_object_set_new(s, "enum", e);
		break;
	}
	case IN_OBJ: json_object_update_new(s, body_schema(in_fields(f))); break;
	case IN_MAP: json_object_set_new(s, "type", json_string("object")); break;
	case IN_ARR:
		json_object_set_new(s, "type", json_string("array"));
		if (f->max)
			json_object_set_new(s, "maxItems", json_integer(f->max));
		json_object_set_new(s, "items",
				    f->of ? body_schema(in_fields(f))
					  : json_pack("{s:s}", "description", "a plain value (text, number or boolean)"));
		break;
	}
	if (f->doc)
		json_object_set_new(s, "description", json_string(f->doc));
	return s;
}

static json_t *body_schema(const struct in_field *spec)
{
	json_t *props = json_object(), *req = json_array();
	for (const struct in_field *f = spec; f && f->name; f++) {
		json_object_set_new(props, f->name, field_schema(f));
		if (f->required)
			json_array_append_new(req, json_string(f->name));
	}
	json_t *s = json_pack("{s:s,s:o,s:b}", "type", "object", "properties", props, "additionalProperties", 0);
	if (json_array_size(req))
		json_object_set_new(s, "required", req);
	else
		json_decref(req);
	return s;
}

/* The error answers every operation shares, as components/responses (name, status, description). */
static const struct shared_error {
	const char *name;
	const char *status;
	const char *desc;
} ERRORS[] = {
	{"BadRequest", "400", "invalid input: the error names the field; nothing was changed"},
	{"Unauthorized", "401", "not signed in (no, an expired or a revoked credential)"},
	{"SignInFailed", "401", "wrong organization, email or password, or a used or expired link"},
	{"Forbidden", "403", "your role may not do this (code role_required), or a CSRF token is missing"},
	{"NotFound", "404", "not found (also for other organizations' ids)"},
	{"Conflict", "409", "conflicting state: the object changed meanwhile or is in a state that refuses this"},
	{"PayloadTooLarge", "413", "body over 1 MiB"},
	{"UriTooLong", "414", "URL (path and query) over 2048 bytes"},
	{"UnsupportedMediaType", "415", "body is not JSON"},
	{"Unprocessable", "422", "refused by a rule (the code names it)"},
	{"TooManyRequests", "429", "too many attempts: wait Retry-After seconds"},
	{"InternalError", "500", "storage failure: nothing was changed"},
	{"Unavailable", "503", "busy or unavailable: nothing was changed; retry after Retry-After seconds"},
	{NULL, NULL, NULL},
};

static void error_ref(json_t *resp, const char *name)
{
	for (const struct shared_error *e = ERRORS; e->name; e++)
		if (strcmp(e->name, name) == 0)
			json_object_set_new(resp, e->status, json_pack("{s:s+}", "$ref", "#/components/responses/", name));
}

static json_t *shared_responses(void)
{
	json_t *out = json_object();
	for (const struct shared_error *e = ERRORS; e->name; e++) {
		json_t *r = json_pack("{s:s,s:{s:{s:{s:s}}}}", "description", e->desc, "content", "application/json", "schema",
				      "$ref", "#/components/schemas/Error");
		if (strcmp(e->status, "503") == 0 || strcmp(e->status, "429") == 0)
			json_object_set_new(r, "headers",
					    json_pack("{s:{s:s,s:{s:s}}}", "Retry-After", "description", "seconds to wait",
						      "schema", "type", "integer"));
		json_object_set_new(out, e->name, r);
	}
	return out;
}

/* The tag of a route: the first path segment after /api/v1/ ("cases", "reports", "portal"). */
static void route_tag(const struct route *r, char *tag, size_t size)
{
	const char *p = r->pattern + strlen("/api/v1/");
	size_t n = strcspn(p, "/{");
	snprintf(tag, size, "%.*s", (int)n, p);
}

/* A stable operationId: the command-line words in camelCase ("case offer" -> caseOffer), else the
 * method and the path ("GET /api/v1/cases/{id}/history" -> getCasesByIdHistory).  Both are kept
 * unique by the tables (tests/e2e/test_openapi.py checks). */
static json_t *operation_id(const struct route *r)
{
	char id[256];
	size_t o = 0;
	int up = 0;
	const char *src = r->cli;
	if (!src) {
		for (const char *m = r->method; *m && o < 8; m++)
			id[o++] = (char)(*m - 'A' + 'a');
		src = r->pattern + strlen("/api/v1");
	}
	for (const char *s = src; *s && o < sizeof id - 3; s++) {
		if (*s == '{') {
			id[o++] = 'B';
			id[o++] = 'y';
			up = 1;
			continue;
		}
		if (*s == ' ' || *s == '/' || *s == '-' || *s == '_' || *s == '}' || *s == '.') {
			up = 1;
			continue;
		}
		id[o] = up && o ? (char)(*s >= 'a' && *s <= 'z' ? *s - 'a' + 'A' : *s) : *s;
		o++;
		up = 0;
	}
	id[o] = '\0';
	return json_string(id);
}

/* What a client should know beyond the summary, from the route's flags and input. */
static json_t *description(const struct route *r, int is_get)
{
	char *d = xasprintf("%s.", r->summary);
#define ADD_(text)                                      \
	do {                                            \
		char *n_ = xasprintf("%s %s", d, text); \
		free(d);                                \
		d = n_;                                 \
	} while (0)
	if (r->flags & R_PORTAL)
		ADD_("For a customer signed in to the portal (its session cookie).");
	else if (r->flags & R_PUBLIC)
		ADD_("Needs no sign-in.");
	else
		ADD_("Needs a staff credential: a Bearer API token or the session cookie (then X-CSRF-Token on unsafe methods).");
	if (r->flags & R_TEST_ONLY)
		ADD_("Exists only on a server started with --test-clock.");
	if (r->flags & R_SESSION)
		ADD_("Answers a new session (and sets its cookie).");
	if (r->flags & R_SECRET)
		ADD_("The answer shows a secret once; a replay of the same Idempotency-Key does not show it again.");
	if (in_field_of(r->input, "cursor", &(fl_err){0}))
		ADD_("Pages by cursor: pass a page's `next` as `cursor` for the next page (null `next`: the last page).");
	if (in_field_of(r->input, "format", &(fl_err){0}))
		ADD_("`format=csv` answers the items as CSV.");
	if (!is_get)
		ADD_("An Idempotency-Key header makes a retry answer the first answer instead of acting twice.");
#undef ADD_
	json_t *out = json_string(d);
	free(d);
	return out;
}

static json_t *responses(const struct route *r, int is_get)
{
	json_t *resp = json_object();
	char code[8];
	snprintf(code, sizeof code, "%d", r->status);
	json_t *ok = json_pack("{s:s}", "description", "success");
	/* a response named by a media type ("text/calendar") is a raw body of that type */
	int raw = r->response && strchr(r->response, '/');
	json_t *schema = raw ? json_pack("{s:s}", "type", "string")
		       : r->response ? json_pack("{s:s+}", "$ref", "#/components/schemas/", r->response)
				     : json_pack("{s:s}", "type", "object");
	json_object_set_new(ok, "content", json_pack("{s:{s:o}}", raw ? r->response : "application/json", "schema", schema));
	json_object_set_new(resp, code, ok);
	error_ref(resp, "BadRequest");
	if (!(r->flags & R_PUBLIC)) {
		error_ref(resp, "Unauthorized");
		error_ref(resp, "Forbidden");
	}
	if (r->flags & R_SESSION) {
		error_ref(resp, "SignInFailed");
		error_ref(resp, "TooManyRequests");
	}
	if (r->flags & R_PASSWORD) /* (its 503 signin_busy is the 503 every operation has) */
		error_ref(resp, "TooManyRequests");
	error_ref(resp, "UriTooLong");
	error_ref(resp, "NotFound");
	if (!is_get) {
		error_ref(resp, "Conflict");
		error_ref(resp, "PayloadTooLarge");
		error_ref(resp, "UnsupportedMediaType");
		error_ref(resp, "Unprocessable");
	}
	error_ref(resp, "InternalError");
	error_ref(resp, "Unavailable");
	return resp;
}

static json_t *parameters(const struct route *r, int is_get)
{
	json_t *params = json_array();
	for (const char *p = r->pattern; (p = strchr(p, '{')); p++) {
		const char *e = strchr(p, '}');
		char name[64];
		snprintf(name, sizeof name, "%.*s", (int)(e - p - 1), p + 1);
		json_array_append_new(params, json_pack("{s:s,s:s,s:b,s:{s:s}}", "name", name, "in", "path", "required", 1,
							"schema", "type", "string"));
	}
	if (is_get) {
		for (const struct in_field *f = r->input; f && f->name; f++) {
			json_t *p = json_pack("{s:s,s:s,s:b,s:o}", "name", f->name, "in", "query", "required", f->required,
					      "schema", field_schema(f));
			if (f->doc)
				json_object_set_new(p, "description", json_string(f->doc));
			json_array_append_new(params, p);
		}
	} else {
		json_array_append_new(params, json_pack("{s:s}", "$ref", "#/components/parameters/IdempotencyKey"));
	}
	return params;
}

static json_t *operation(const struct route *r)
{
	int is_get = strcmp(r->method, "GET") == 0;
	char tag[64];
	route_tag(r, tag, sizeof tag);
	json_t *op = json_pack("{s:o,s:[s],s:s,s:o,s:o}", "operationId", operation_id(r), "tags", tag, "summary", r->summary,
			       "description", description(r, is_get), "responses", responses(r, is_get));
	json_t *params = parameters(r, is_get);
	if (json_array_size(params))
		json_object_set_new(op, "parameters", params);
	else
		json_decref(params);
	if (!is_get && r->input)
		json_object_set_new(op, "requestBody",
				    json_pack("{s:b,s:{s:{s:o}}}", "required", 1, "content", "application/json", "schema",
					      body_schema(r->input)));
	if (r->flags & R_PUBLIC)
		json_object_set_new(op, "security", json_array());
	if (r->flags & R_TEST_ONLY)
		json_object_set_new(op, "x-test-only", json_true());
	return op;
}

static json_t *api_paths(int include_test_routes, json_t *tags)
{
	json_t *paths = json_object();
	for (const struct route *const *t = svc_route_tables(); *t; t++) {
		for (const struct route *r = *t; r->method; r++) {
			if ((r->flags & R_CLI_ONLY) || ((r->flags & R_TEST_ONLY) && !include_test_routes))
				continue;
			char oapath[256], tag[64];
			if (str_copy(oapath, sizeof oapath, r->pattern))
				fl_die("route pattern longer than %zu bytes: %s", sizeof oapath - 1, r->pattern);
			json_t *item = json_object_get(paths, oapath);
			if (!item) {
				item = json_object();
				json_object_set_new(paths, oapath, item);
			}
			char m[8];
			size_t i;
			for (i = 0; r->method[i] && i < sizeof m - 1; i++)
				m[i] = (char)(r->method[i] - 'A' + 'a');
			m[i] = '\0';
			json_object_set_new(item, m, operation(r));
			route_tag(r, tag, sizeof tag);
			if (!json_object_get(tags, tag))
				json_object_set_new(tags, tag, json_sprintf("The operations under /api/v1/%s.", tag));
		}
	}
	return paths;
}

static json_t *component_schemas(void)
{
	json_t *schemas = json_object();
	for (const struct embed_file *f = embed_files; f->name; f++) {
		if (strncmp(f->name, "api/schemas", 11) != 0)
			continue;
		json_t *part = json_loads(f->data, 0, NULL);
		if (!part) { /* a broken build; the contract tests catch it, a request never ends the process */
			fprintf(stderr, "frontline: embedded %s is not JSON\n", f->name);
			continue;
		}
		json_object_update(schemas, part);
		json_decref(part);
	}
	return schemas;
}

json_t *openapi_document(int include_test_routes)
{
	json_t *tag_map = json_object();
	json_t *paths = api_paths(include_test_routes, tag_map);
	json_t *tags = json_array(), *v;
	const char *k;
	json_object_foreach(tag_map, k, v) json_array_append_new(tags, json_pack("{s:s,s:O}", "name", k, "description", v));
	json_decref(tag_map);
	json_t *doc = json_object();
	json_object_set_new(doc, "openapi", json_string("3.0.3"));
	json_object_set_new(doc, "info",
			    json_pack("{s:s,s:s,s:s,s:{s:s}}", "title", "Frontline API", "version", "1", "description",
				      "Customer-service desk that tracks accountability. Errors are "
				      "{\"error\":{\"code\",\"message\",\"field\"}} (codes in docs/API.md). POSTs accept an "
				      "Idempotency-Key header. Cookie sessions send X-CSRF-Token on unsafe methods. Every "
				      "answer carries X-Request-Id (the id of the request in the server's log and in the "
				      "events it caused). Lists page by cursor.",
				      "contact", "name", "the operators of this Frontline server"));
	json_object_set_new(doc, "servers",
			    json_pack("[{s:s,s:s}]", "url", "/", "description", "the server that serves this document"));
	json_object_set_new(doc, "tags", tags);
	json_object_set_new(doc, "paths", paths);
	json_t *sec = json_pack("{s:{s:s,s:s,s:s},s:{s:s,s:s}}", "cookie", "type", "apiKey", "in", "cookie", "name",
				"fl_session", "bearer", "type", "http", "scheme", "bearer");
	json_t *idem = json_pack("{s:s,s:s,s:b,s:s,s:{s:s,s:i,s:i}}", "name", "Idempotency-Key", "in", "header", "required", 0,
				 "description",
				 "a key of the client's choosing: a retry with the same key and body answers "
				 "the first answer (for 24 hours) instead of acting twice",
				 "schema", "type", "string", "minLength", 1, "maxLength", 200);
	json_object_set_new(doc, "components",
			    json_pack("{s:o,s:o,s:{s:o},s:o}", "schemas", component_schemas(), "responses", shared_responses(),
				      "parameters", "IdempotencyKey", idem, "securitySchemes", sec));
	json_object_set_new(doc, "security", json_pack("[{s:[]},{s:[]}]", "bearer", "cookie"));
	return doc;
}
