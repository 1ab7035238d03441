#ifndef FL_SVC_METRICS_H
#define FL_SVC_METRICS_H
/* The operator's gauges that live in the database, for GET /metrics (http/metrics.c writes the
 * request counters and the pool's; this writes what only a query can tell), in the Prometheus
 * text format (version 0.0.4): scheduler lag, the mail outbox's backlog and failures, webhook
 * deliveries, and per organization its open and at-risk promises and its breaches.  Every query is a range over an
 * index or a rollup, so a scrape costs about the same whatever the history holds.
 *
 * Each capability that has a backlog adds a part to METRICS_PARTS[] in svc/registry.c. */
#include <stdio.h>

#include "svc/svc.h"

/* A part writes its metric families (# HELP, # TYPE, samples) to out; it runs as the system, in
 * a read transaction, at c->now.  Returns 0 or -1 (c->err set). */
typedef int (*metrics_fn)(svc_ctx *c, FILE *out);
const metrics_fn *svc_metrics_parts(void);

/* Run every part.  Returns 0, or -1 when one failed (what the others wrote stays). */
int metrics_write_db(svc_ctx *c, FILE *out);

/* The parts this file has (registered in svc/registry.c). */
int metrics_scheduler(svc_ctx *c, FILE *out);
int metrics_outbox(svc_ctx *c, FILE *out);
int metrics_promises(svc_ctx *c, FILE *out);
int metrics_webhooks(svc_ctx *c, FILE *out);

/* A label value written the way the format wants it: backslash, quote and newline escaped. */
void metrics_label(FILE *out, const char *value);

#endif
