#ifndef FL_HTTP_RESPOND_H
#define FL_HTTP_RESPOND_H
#include <jansson.h>
#include <microhttpd.h>

#include "base/err.h"

/* Security headers every response carries (CSP without inline script, nosniff, ...). */
void http_security_headers(struct MHD_Response *r, int is_api);
/* Queue a JSON body (stolen) with status; returns the MHD result. */
enum MHD_Result http_json(struct MHD_Connection *con, int status, json_t *body, const char *set_cookie,
			  const char *request_id);
/* The same, with an X-Statements header when statements is not NULL (a test hook, see db.h). */
enum MHD_Result http_json_counted(struct MHD_Connection *con, int status, json_t *body, const char *set_cookie,
				  const char *request_id, const char *statements);
/* Queue {"error":{code,message,field}} for err. */
enum MHD_Result http_error(struct MHD_Connection *con, const fl_err *err, const char *request_id);
/* Static files of the web UI compiled into the binary (http/static.c); MHD_NO when none. */
enum MHD_Result http_static(struct MHD_Connection *con, const char *url, int *status);
/* The OpenAPI 3 document built from the route tables (http/openapi.c).  New reference. */
json_t *openapi_document(int include_test_routes);

#endif
