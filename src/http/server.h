#ifndef FL_HTTP_SERVER_H
#define FL_HTTP_SERVER_H
/* The HTTP server: libmicrohttpd in front of http/api.h.  It reads a request (with a body cap,
 * strict framing, a total time limit for the headers and a cap of connections per address),
 * hands it to http_api_handle, sends the answer, and writes one log line per request.  A success
 * status is sent only after commit. */

struct serve_opts {
	const char *db_url;
	const char *listen; /* "127.0.0.1:8080" */
	int threads;        /* worker threads (and database connections) */
	int test_clock;     /* start on a manual clock with /api/v1/test/clock */
	const char *test_clock_start; /* RFC 3339, optional */
	int scheduler_interval_s;     /* real clock only; 0 = no scheduler thread */
	int max_connections;
	int max_per_address;          /* connections from one client address */
	int timeout_s;                /* a connection idle this long is closed */
	int header_timeout_s;         /* a request's headers must all arrive within this time */
	const char *public_url;       /* how users reach the server ("https://desk.example.com"), or NULL */
	int secure_cookies;           /* 1 on, 0 off, -1 automatic: on when public_url is https; on, HSTS is sent too */
	int idempotency_hours;        /* how long an Idempotency-Key answer is replayed (and kept) */
	const char *trusted_proxies; /* addresses / CIDR ranges whose X-Forwarded-For is believed (base/netaddr.h); NULL = none */
	const char *metrics_listen;  /* "127.0.0.1:9464": GET /metrics there (only); NULL = none */
	const char *metrics_token;   /* GET /metrics on the main address to "Authorization: Bearer TOKEN"
				      * (and on metrics_listen too when both are set); NULL = none */
	int drain_s;		     /* after SIGTERM, how long requests in flight may take to finish */
	int log_level;		     /* enum log_level (base/log.h) */
	int webhook_worker;	     /* 1: deliver webhooks in a thread of the server (real clock only,
				      * http/workers.h); 0: leave it to `frontline webhook-deliver` */
	const char *read_replica;    /* a PostgreSQL hot standby for reports and searches (store/replica.h); NULL = none */
	int replica_max_lag_ms;	     /* how stale the standby may be before reads go back to the primary */
	int group_commit;	     /* 1 on (both backends), 0 off, -1 automatic: on for SQLite only (store/tx.h) */
};

/* Defaults of the limits above (cli/cmd_serve.c applies them). */
#define SERVE_MAX_CONNECTIONS 1024
#define SERVE_MAX_PER_ADDRESS 64
#define SERVE_TIMEOUT_S 30
#define SERVE_HEADER_TIMEOUT_S 15
#define SERVE_IDEMPOTENCY_HOURS 24

#define SERVE_DRAIN_S 30
#define SERVE_REPLICA_MAX_LAG_MS 5000

/* Runs until SIGINT/SIGTERM (then drains: http/lifecycle.h).  Returns a process exit code (1 when
 * the address is in use). */
int http_serve(const struct serve_opts *o);

#endif
