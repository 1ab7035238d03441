#ifndef FL_HTTP_WORKERS_H
#define FL_HTTP_WORKERS_H
/* The server's delivery workers (http/workers.c): threads of their own, each with its own
 * database connection, running the same loops as the commands operators may run apart (today:
 * the webhook deliveries, `frontline webhook-deliver`, svc/notify/whworker.h).  Leases keep one
 * delivery attempt at a time across threads, processes and servers sharing a database. */
#include <signal.h>

#include "base/clock.h"
#include "http/server.h"

struct workers;

/* Start the workers o asks for (none on the manual test clock, like the scheduler): NULL when
 * there are none or one could not start (logged; the server serves without it). */
struct workers *workers_start(const struct serve_opts *o, fl_clock *clk);
/* Ask them to stop, let each finish and record the attempt under way, join them and free w
 * (NULL is fine). */
void workers_stop(struct workers *w);

#endif
