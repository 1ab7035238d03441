/* log: a request's line written by log_http_request is the very text log_json writes for the
 * same fields (quotes, backslashes, control characters and UTF-8 in the path; with and without a
 * request id). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "harness.h"

static char log_path[64];

/* What the log holds, from offset *at on (a new string). */
static char *log_since(long *at)
{
	fflush(stderr);
	FILE *f = fopen(log_path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long end = ftell(f);
	char *text = calloc(1, (size_t)(end - *at) + 1);
	fseek(f, *at, SEEK_SET);
	size_t n = fread(text, 1, (size_t)(end - *at), f);
	text[n] = '\0';
	fclose(f);
	*at = end;
	return text;
}

static int same_line(const char *method, const char *path, int status, long long us, const char *person)
{
	static long at;
	log_http_request(LOG_INFO, method, path, status, us, person);
	char *fast = log_since(&at);
	log_json(LOG_INFO, json_pack("{s:s,s:s,s:i,s:I,s:s}", "method", method, "path", path, "status", status, "us",
				     (json_int_t)us, "person", person));
	char *slow = log_since(&at);
	int ok = fast && slow && *fast && strcmp(fast, slow) == 0;
	if (!ok)
		fprintf(stdout, "  fast: %s  slow: %s", fast ? fast : "(none)", slow ? slow : "(none)");
	free(fast);
	free(slow);
	return ok;
}

TEST(a_request_line_is_what_log_json_writes)
{
	CHECK(same_line("GET", "/api/v1/cases/case_01", 200, 57, "per_01"));
	log_set_request("4f2a9c0d11e2b3a4");
	CHECK(same_line("GET", "/api/v1/cases/case_01", 200, 57, "per_01"));
	CHECK(same_line("POST", "/a \"quoted\" \\ path/\x01\x1f\t\n\r\b\f", 500, 1234567890123LL, ""));
	CHECK(same_line("GET", "/caf\xc3\xa9/\xe2\x82\xac", 404, 0, "cus_01"));
	log_set_request(NULL);
	CHECK(same_line("DELETE", "/", 204, 3, "per_02"));
}

TEST(a_disabled_level_writes_nothing)
{
	long at = 0;
	free(log_since(&at));
	log_set_level(LOG_ERROR);
	log_http_request(LOG_INFO, "GET", "/healthz", 200, 1, "");
	char *text = log_since(&at);
	CHECK(text && *text == '\0');
	free(text);
	log_set_level(LOG_INFO);
}

int main(void)
{
	snprintf(log_path, sizeof log_path, "/tmp/fl-test-log-%ld.log", (long)getpid());
	if (log_open(log_path) != 0)
		return 1;
	RUN(a_request_line_is_what_log_json_writes);
	RUN(a_disabled_level_writes_nothing);
	unlink(log_path);
	DONE();
}
