#ifndef FL_HTTP_METRICS_H
#define FL_HTTP_METRICS_H
/* GET /metrics in the Prometheus text format (0.0.4): requests by route, method and status with
 * a latency histogram, requests in flight, the database pool and the units of work (store/tx.h),
 * and the database gauges of svc/metrics.h (scheduler lag, outbox, promises and breaches per
 * organization).  Served on the main address to a Bearer token (serve --metrics-token-file or
 * FRONTLINE_METRICS_TOKEN), or on a separate address of its own (--metrics-listen); without
 * either /metrics does not exist (404).  Thread-safe. */
#include <stddef.h>
#include <stdint.h>

#include "base/clock.h"
#include "store/replica.h"
#include "store/tx.h"

struct http_metrics;

struct http_metrics *http_metrics_new(void);
void http_metrics_free(struct http_metrics *m);

/* Count one answered request.  route is a route pattern ("/api/v1/cases/{id}") or a fixed name
 * ("static", "unrouted"), in static storage: it is kept by pointer.  us: its time in the server. */
void http_metrics_observe(struct http_metrics *m, const char *route, const char *method, int status, int64_t us);
/* A request started (+1) or finished (-1); the count is served as frontline_http_requests_in_flight. */
void http_metrics_in_flight(struct http_metrics *m, int delta);
long http_metrics_in_flight_now(struct http_metrics *m);

/* The whole exposition (a new string, *len its length): the counters above, tx's statistics and
 * the database gauges read in one read transaction at clock's now, and the read replica's lag when r
 * is not NULL. */
char *http_metrics_render(struct http_metrics *m, tx_runner *tx, replica *r, fl_clock *clock, size_t *len);

#endif
