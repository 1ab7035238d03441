#ifndef FL_HTTP_LIFECYCLE_H
#define FL_HTTP_LIFECYCLE_H
/* The server under a service manager (systemd, docs/OPERATIONS.md): the signals it answers and
 * what it tells the manager through sd_notify (libsystemd; nothing happens when it was not
 * started by one).
 *   SIGTERM, SIGINT: stop taking connections, let the requests in flight and the scheduler pass
 *                    under way finish (up to the drain time), then exit 0.
 *   SIGHUP:          reopen the log file (after logrotate moved it).
 *   READY=1 once the database is open and the server listens; STOPPING=1 when it drains;
 *   WATCHDOG=1 from the main loop at half the unit's WatchdogSec, so a main loop (and scheduler)
 *   stuck for longer gets the server restarted. */
#include <signal.h>
#include <stdint.h>

struct lifecycle {
	volatile sig_atomic_t stop;   /* SIGTERM / SIGINT came */
	volatile sig_atomic_t reopen; /* SIGHUP came */
	uint64_t watchdog_us;	      /* the manager's watchdog interval, 0 = none */
	int64_t last_ping_ms;
};

/* Install the handlers (once per process; the last call's lc is the one they set). */
void life_signals(struct lifecycle *lc);
/* Tell the manager the server is ready (status: a line for `systemctl status`). */
void life_ready(struct lifecycle *lc, const char *status);
/* Call often from the main loop: pings the watchdog when it is due.  now_ms: a monotonic clock. */
void life_tick(struct lifecycle *lc, int64_t now_ms);
/* Tell the manager the server is stopping (draining). */
void life_stopping(const char *status);

#endif
