/* The server's delivery workers (http/workers.h). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"
#include "http/workers.h"
#include "store/db.h"
#include "svc/notify/webhook.h"
#include "svc/notify/whworker.h"

#define WEBHOOK_INTERVAL_S 2 /* how often an idle worker looks for due events */
#define WEBHOOK_LEASE_S	   60

struct workers {
	pthread_t webhooks;
	volatile sig_atomic_t stop;
	db *d;
	fl_clock *clock;
	char name[96];
};

static void *webhooks_main(void *arg)
{
	struct workers *w = arg;
	struct webhook_work o = {0, WEBHOOK_INTERVAL_S, WEBHOOK_LEASE_S, webhook_allow_setting(), 0, w->name, &w->stop};
	long handled = 0;
	log_set_request("webhooks");
	webhook_work_run(w->d, w->clock, &o, &handled);
	log_json(LOG_INFO, json_pack("{s:s,s:I}", "webhook_worker", "stopped", "handled", (json_int_t)handled));
	log_set_request(NULL);
	return NULL;
}

struct workers *workers_start(const struct serve_opts *o, fl_clock *clk)
{
	char err[256], host[64] = "";
	if (o->test_clock || !o->webhook_worker)
		return NULL;
	struct workers *w = xmalloc(sizeof *w);
	*w = (struct workers){.clock = clk};
	gethostname(host, sizeof host - 1);
	snprintf(w->name, sizeof w->name, "%s:%ld:server", host, (long)getpid());
	if (db_open(o->db_url, &w->d, err, sizeof err) != DB_OK) {
		log_json(LOG_ERROR, json_pack("{s:s,s:s}", "webhook_worker", "not started", "error", err));
		free(w);
		return NULL;
	}
	if (pthread_create(&w->webhooks, NULL, webhooks_main, w) != 0) {
		log_json(LOG_ERROR, json_pack("{s:s}", "webhook_worker", "not started"));
		db_close(w->d);
		free(w);
		return NULL;
	}
	return w;
}

void workers_stop(struct workers *w)
{
	if (!w)
		return;
	w->stop = 1;
	pthread_join(w->webhooks, NULL);
	db_close(w->d);
	free(w);
}
