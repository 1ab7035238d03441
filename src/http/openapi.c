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
		if (f->of)
			json_object_set_new(s, "items", body_schema(in_fields(f)));
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

static json_t *error_ref(const char *desc)
{
	return json_pack("{s:s,s:{s:{s:{s:s}}}}", "description", desc, "content", "application/json", "schema", "$ref",
			 "#/components/schemas/Error");
}

static json_t *operation(const struct route *r)
{
	json_t *op = json_pack("{s:s,s:o}", "summary", r->summary, "responses", json_object());
	json_t *params = json_array();
	for (const char *p = r->pattern; (p = strchr(p, '{')); p++) {
		const char *e = strchr(p, '}');
		char name[64];
		snprintf(name, sizeof name, "%.*s", (int)(e - p - 1), p + 1);
		json_array_append_new(params, json_pack("{s:s,s:s,s:b,s:{s:s}}", "name", name, "in", "path", "required", 1,
							"schema", "type", "string"));
	}
	int is_get = strcmp(r->method, "GET") == 0;
	if (is_get) {
		for (const struct in_field *f = r->input; f && f->name; f++)
			json_array_append_new(params, json_pack("{s:s,s:s,s:b,s:o}", "name", f->name, "in", "query", "required",
								f->required, "schema", field_schema(f)));
	} else if (r->input) {
		json_object_set_new(op, "requestBody",
				    json_pack("{s:b,s:{s:{s:o}}}", "required", 1, "content", "application/json", "schema",
					      body_schema(r->input)));
	}
	if (json_array_size(params))
		json_object_set_new(op, "parameters", params);
	else
		json_decref(params);
	if (r->flags & R_PUBLIC)
		json_object_set_new(op, "security", json_array());
	if (r->flags & R_TEST_ONLY)
		json_object_set_new(op, "x-test-only", json_true());
	json_t *resp = json_object_get(op, "responses");
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
	json_object_set_new(resp, "400", error_ref("invalid input"));
	if (!(r->flags & R_PUBLIC)) {
		json_object_set_new(resp, "401", error_ref("not signed in"));
		json_object_set_new(resp, "403", error_ref("not allowed"));
	}
	if (r->flags & R_SESSION)
		json_object_set_new(resp, "401", error_ref("wrong organization, email or password"));
	json_object_set_new(resp, "414", error_ref("URL (path and query) over 2048 bytes"));
	json_object_set_new(resp, "404", error_ref("not found (also for other organizations' ids)"));
	if (!is_get) {
		json_object_set_new(resp, "409", error_ref("conflicting state"));
		json_object_set_new(resp, "413", error_ref("body over 1 MiB"));
		json_object_set_new(resp, "415", error_ref("body is not JSON"));
		json_object_set_new(resp, "422", error_ref("refused by a rule"));
	}
	json_object_set_new(resp, "500", error_ref("storage failure: nothing was changed"));
	json_t *busy = error_ref("busy or unavailable: nothing was changed; retry after Retry-After seconds");
	json_object_set_new(busy, "headers",
			    json_pack("{s:{s:s,s:{s:s}}}", "Retry-After", "description", "seconds to wait", "schema", "type", "integer"));
	json_object_set_new(resp, "503", busy);
	if (r->flags & R_SESSION) {
		json_object_set_new(resp, "401", error_ref("wrong credentials, or a used or expired link"));
		json_object_set_new(resp, "429", error_ref("too many attempts"));
	}
	if (r->flags & R_PASSWORD) /* (its 503 signin_busy is the 503 every operation has) */
		json_object_set_new(resp, "429", error_ref("too many failed password checks: wait Retry-After seconds"));
	return op;
}

json_t *openapi_document(int include_test_routes)
{
	json_t *paths = json_object();
	for (const struct route *const *t = svc_route_tables(); *t; t++) {
		for (const struct route *r = *t; r->method; r++) {
			if ((r->flags & R_CLI_ONLY) || ((r->flags & R_TEST_ONLY) && !include_test_routes))
				continue;
			char oapath[256];
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
		}
	}
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
	json_t *doc = json_object();
	json_object_set_new(doc, "openapi", json_string("3.0.3"));
	json_object_set_new(doc, "info",
			    json_pack("{s:s,s:s,s:s}", "title", "Frontline API", "version", "1", "description",
				      "Customer-service desk that tracks accountability. Errors are "
				      "{\"error\":{\"code\",\"message\",\"field\"}}. POSTs accept an Idempotency-Key header. "
				      "Cookie sessions send X-CSRF-Token on unsafe methods."));
	json_object_set_new(doc, "servers", json_pack("[{s:s}]", "url", "/"));
	json_object_set_new(doc, "paths", paths);
	json_t *sec = json_pack("{s:{s:s,s:s,s:s},s:{s:s,s:s}}", "cookie", "type", "apiKey", "in", "cookie", "name",
				"fl_session", "bearer", "type", "http", "scheme", "bearer");
	json_object_set_new(doc, "components", json_pack("{s:o,s:o}", "schemas", schemas, "securitySchemes", sec));
	json_object_set_new(doc, "security", json_pack("[{s:[]},{s:[]}]", "bearer", "cookie"));
	return doc;
}
