#include "http/offload.h"

#include <stdlib.h>

#include "base/util.h"

struct offload {
	pthread_mutex_t mu;
	pthread_cond_t has_jobs;
	struct offload_job *head, *tail;
	pthread_t *threads;
	unsigned n;
	int stop, joined;
};

static void *waiter_main(void *arg)
{
	struct offload *o = arg;
	for (;;) {
		pthread_mutex_lock(&o->mu);
		while (!o->head && !o->stop)
			pthread_cond_wait(&o->has_jobs, &o->mu);
		struct offload_job *j = o->head;
		if (!j) { /* stopping, and nothing left to run */
			pthread_mutex_unlock(&o->mu);
			return NULL;
		}
		o->head = j->next;
		if (!o->head)
			o->tail = NULL;
		pthread_mutex_unlock(&o->mu);
		j->next = NULL;
		j->fn(j);
	}
}

struct offload *offload_new(unsigned threads)
{
	struct offload *o = xcalloc(1, sizeof *o);
	pthread_mutex_init(&o->mu, NULL);
	pthread_cond_init(&o->has_jobs, NULL);
	o->threads = xcalloc(threads ? threads : 1, sizeof *o->threads);
	for (; o->n < threads; o->n++) {
		if (pthread_create(&o->threads[o->n], NULL, waiter_main, o)) {
			offload_free(o);
			return NULL;
		}
	}
	return o;
}

int offload_push(struct offload *o, struct offload_job *job)
{
	pthread_mutex_lock(&o->mu);
	int stopped = o->stop;
	if (!stopped) {
		job->next = NULL;
		if (o->tail)
			o->tail->next = job;
		else
			o->head = job;
		o->tail = job;
		pthread_cond_signal(&o->has_jobs);
	}
	pthread_mutex_unlock(&o->mu);
	return stopped ? -1 : 0;
}

void offload_stop(struct offload *o)
{
	if (!o)
		return;
	pthread_mutex_lock(&o->mu);
	o->stop = 1;
	int joined = o->joined;
	o->joined = 1;
	pthread_cond_broadcast(&o->has_jobs);
	pthread_mutex_unlock(&o->mu);
	if (joined)
		return;
	for (unsigned i = 0; i < o->n; i++)
		pthread_join(o->threads[i], NULL);
}

void offload_free(struct offload *o)
{
	if (!o)
		return;
	offload_stop(o);
	pthread_mutex_destroy(&o->mu);
	pthread_cond_destroy(&o->has_jobs);
	free(o->threads);
	free(o);
}
