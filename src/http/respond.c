#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "http/respond.h"

#define CSP                                                                                                  \
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " \
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

void http_security_headers(struct MHD_Response *r, int is_api)
{
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Content-Security-Policy", CSP);
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
	if (is_api)
		MHD_add_response_header(r, "Cache-Control", "no-store");
}

enum MHD_Result http_json(struct MHD_Connection *con, int status, json_t *body, const char *set_cookie,
			  const char *request_id)
{
	return http_json_counted(con, status, body, set_cookie, request_id, NULL);
}

enum MHD_Result http_json_counted(struct MHD_Connection *con, int status, json_t *body, const char *set_cookie,
				  const char *request_id, const char *statements)
{
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (!text)
		fl_die("out of memory");
	size_t len = strlen(text);
	struct MHD_Response *r = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(r, "Content-Type", "application/json; charset=utf-8");
	http_security_headers(r, 1);
	if (set_cookie)
		MHD_add_response_header(r, "Set-Cookie", set_cookie);
	if (request_id)
		MHD_add_response_header(r, "X-Request-Id", request_id);
	if (statements)
		MHD_add_response_header(r, "X-Statements", statements);
	enum MHD_Result ret = MHD_queue_response(con, (unsigned)status, r);
	MHD_destroy_response(r);
	return ret;
}

enum MHD_Result http_error(struct MHD_Connection *con, const fl_err *err, const char *request_id)
{
	json_t *e = json_pack("{s:s,s:s}", "code", err->code[0] ? err->code : "error", "message", err->message);
	if (err->field[0])
		json_object_set_new(e, "field", json_string(err->field));
	return http_json(con, err_http_status(err->kind), json_pack("{s:o}", "error", e), NULL, request_id);
}
