#include "base/ratelimit.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/util.h"

int64_t ratelimit_delay(const struct ratelimit_rule *rule, int64_t failures)
{
	if (failures < rule->free)
		return 0;
	int64_t d = rule->base_ms;
	for (int64_t i = rule->free; i < failures && d < rule->cap_ms; i++)
		d *= 2;
	return d < rule->cap_ms ? d : rule->cap_ms;
}

struct ratelimit_gate {
	pthread_mutex_t mu;
	int free;
};

ratelimit_gate *ratelimit_gate_new(int slots)
{
	ratelimit_gate *g = xcalloc(1, sizeof *g);
	pthread_mutex_init(&g->mu, NULL);
	g->free = slots > 0 ? slots : 1;
	return g;
}

void ratelimit_gate_free(ratelimit_gate *g)
{
	if (!g)
		return;
	pthread_mutex_destroy(&g->mu);
	free(g);
}

int ratelimit_gate_slots(int threads)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	long n = cpus - 1 < threads - 1 ? cpus - 1 : threads - 1;
	return n > 0 ? (int)n : 1;
}

int ratelimit_gate_enter(ratelimit_gate *g)
{
	pthread_mutex_lock(&g->mu);
	int ok = g->free > 0;
	if (ok)
		g->free--;
	pthread_mutex_unlock(&g->mu);
	return ok;
}

void ratelimit_gate_leave(ratelimit_gate *g)
{
	pthread_mutex_lock(&g->mu);
	g->free++;
	pthread_mutex_unlock(&g->mu);
}
