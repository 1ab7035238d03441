#ifndef FL_HTTP_SERVER_H
#define FL_HTTP_SERVER_H
/* The HTTP server: libmicrohttpd in front of the router.  One request = one database connection
 * from the pool, one transaction, one log line.  A success status is sent only after commit. */

struct serve_opts {
	const char *db_url;
	const char *listen; /* "127.0.0.1:8080" */
	int threads;        /* worker threads (and database connections) */
	int test_clock;     /* start on a manual clock with /api/v1/test/clock */
	const char *test_clock_start; /* RFC 3339, optional */
	int scheduler_interval_s;     /* real clock only; 0 = no scheduler thread */
	int max_connections;
	int timeout_s;
	const char *cookie_flags; /* extra cookie attributes, e.g. "; Secure" behind TLS */
	const char *trusted_proxies; /* addresses / CIDR ranges whose X-Forwarded-For is believed (base/netaddr.h); NULL = none */
};

/* Runs until SIGINT/SIGTERM.  Returns a process exit code. */
int http_serve(const struct serve_opts *o);

#endif
