/* Signals and sd_notify for the server (http/lifecycle.h). */
#include "http/lifecycle.h"

#include <stdio.h>
#include <string.h>
#include <systemd/sd-daemon.h>

static struct lifecycle *g_life; /* for the signal handlers only */

static void on_stop(int sig)
{
	(void)sig;
	if (g_life)
		g_life->stop = 1;
}

static void on_hup(int sig)
{
	(void)sig;
	if (g_life)
		g_life->reopen = 1;
}

void life_signals(struct lifecycle *lc)
{
	g_life = lc;
	struct sigaction stop = {0}, hup = {0};
	stop.sa_handler = on_stop;
	hup.sa_handler = on_hup;
	sigaction(SIGINT, &stop, NULL);
	sigaction(SIGTERM, &stop, NULL);
	sigaction(SIGHUP, &hup, NULL);
	signal(SIGPIPE, SIG_IGN);
}

void life_ready(struct lifecycle *lc, const char *status)
{
	uint64_t us = 0;
	lc->watchdog_us = sd_watchdog_enabled(0, &us) > 0 ? us : 0;
	sd_notifyf(0, "READY=1\nSTATUS=%s", status);
}

void life_tick(struct lifecycle *lc, int64_t now_ms)
{
	if (!lc->watchdog_us || now_ms - lc->last_ping_ms < (int64_t)(lc->watchdog_us / 2000))
		return;
	sd_notify(0, "WATCHDOG=1");
	lc->last_ping_ms = now_ms;
}

void life_stopping(const char *status) { sd_notifyf(0, "STOPPING=1\nSTATUS=%s", status); }
