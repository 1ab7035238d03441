/* The API without a socket (http/api.h), on an in-memory SQLite database: the way a fuzzing
 * harness drives the whole request path.  A request that used to end the process (an unknown
 * field cut inside a UTF-8 character) gets a JSON 400, and an answer that can't be rendered is the
 * fixed 500 body. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "harness.h"
#include "http/api.h"
#include "store/migrate.h"

static struct http_app app;

static struct http_answer call(const char *method, const char *path, const char *body)
{
	static const char *const json_headers[] = {"Content-Type", "application/json", NULL};
	static const char *const none[] = {NULL};
	struct http_request rq = {.method = method, .path = path, .query = none, .headers = json_headers,
				  .cookies = none, .body = body, .len = body ? strlen(body) : 0};
	struct http_answer a = HTTP_ANSWER_INIT;
	http_api_handle(&app, &rq, &a);
	return a;
}

static const char *error_code(const struct http_answer *a, json_t **keep)
{
	*keep = json_loadb(a->body, a->len, 0, NULL);
	return json_string_value(json_object_get(json_object_get(*keep, "error"), "code"));
}

TEST(cut_character_in_an_unknown_field)
{
	struct http_answer a = call("POST", "/api/v1/auth/login", "{\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xe2\x82\xac\":1}");
	json_t *j;
	CHECK(a.status == 400);
	CHECK_STR(error_code(&a, &j), "unknown_field");
	json_decref(j);
	http_answer_release(&a);
}

TEST(signed_out_and_health)
{
	struct http_answer a = call("GET", "/api/v1/cases", NULL);
	json_t *j;
	CHECK(a.status == 401);
	CHECK_STR(error_code(&a, &j), "unauthenticated");
	json_decref(j);
	http_answer_release(&a);
	a = call("GET", "/readyz", NULL);
	CHECK(a.status == 200);
	http_answer_release(&a);
}

TEST(unrenderable_answer_is_a_fixed_500)
{
	struct http_answer a = HTTP_ANSWER_INIT;
	http_answer_json(&a, 200, NULL);
	json_t *j;
	CHECK(a.status == 500);
	CHECK_STR(error_code(&a, &j), "internal_error");
	json_decref(j);
	http_answer_release(&a);
}

int main(void)
{
	char err[256];
	db *d = NULL;
	int applied, version;
	if (db_open(":memory:", &d, err, sizeof err) != DB_OK || migrate_up(d, &applied, &version, err, sizeof err)) {
		fprintf(stderr, "setup: %s\n", err);
		return 1;
	}
	fl_clock clock;
	clock_init_manual(&clock, 1772463600000LL);
	app = (struct http_app){.tx = tx_wrap(d), .clock = &clock, .idem_ttl_ms = 24 * 3600 * 1000LL};
	RUN(cut_character_in_an_unknown_field);
	RUN(signed_out_and_health);
	RUN(unrenderable_answer_is_a_fixed_500);
	tx_close(app.tx);
	db_close(d);
	DONE();
}
