/* The threads writes wait on (http/offload.c): every job queued runs exactly once, on a thread of
 * the pool, several at once; stopping runs what is queued and refuses what comes after. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "harness.h"
#include "http/offload.h"

#define JOBS 200

struct counted {
	struct offload_job job; /* first */
	atomic_int runs;
	pthread_t ran_on;
};

static atomic_int waiting, most_waiting;
static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static int gate_open;

static void count_run(struct offload_job *job)
{
	struct counted *c = (struct counted *)job;
	c->ran_on = pthread_self();
	atomic_fetch_add(&c->runs, 1);
}

/* Waits until the gate opens: jobs that wait at once each hold a thread of the pool. */
static void gated_run(struct offload_job *job)
{
	int now = atomic_fetch_add(&waiting, 1) + 1;
	for (int seen = atomic_load(&most_waiting); now > seen && !atomic_compare_exchange_weak(&most_waiting, &seen, now);)
		;
	pthread_mutex_lock(&gate_mu);
	while (!gate_open)
		pthread_cond_wait(&gate_cv, &gate_mu);
	pthread_mutex_unlock(&gate_mu);
	atomic_fetch_sub(&waiting, 1);
	count_run(job);
}

TEST(every_job_runs_once_off_the_callers_thread)
{
	struct offload *o = offload_new(8);
	CHECK(o != NULL);
	if (!o)
		return;
	struct counted *jobs = calloc(JOBS, sizeof *jobs);
	for (int i = 0; i < JOBS; i++) {
		jobs[i].job.fn = count_run;
		CHECK(offload_push(o, &jobs[i].job) == 0);
	}
	offload_stop(o); /* runs what is queued */
	int once = 0, elsewhere = 0;
	for (int i = 0; i < JOBS; i++) {
		once += atomic_load(&jobs[i].runs) == 1;
		elsewhere += !pthread_equal(jobs[i].ran_on, pthread_self());
	}
	CHECK(once == JOBS);
	CHECK(elsewhere == JOBS);
	struct counted late = {.job.fn = count_run};
	CHECK(offload_push(o, &late.job) == -1); /* stopped: the caller runs it */
	CHECK(atomic_load(&late.runs) == 0);
	offload_free(o);
	free(jobs);
}

TEST(jobs_wait_at_once_up_to_the_pool)
{
	struct offload *o = offload_new(4);
	CHECK(o != NULL);
	if (!o)
		return;
	struct counted jobs[6] = {0};
	for (int i = 0; i < 6; i++) {
		jobs[i].job.fn = gated_run;
		CHECK(offload_push(o, &jobs[i].job) == 0);
	}
	while (atomic_load(&waiting) < 4) /* four threads, each holding a waiting job */
		sched_yield();
	CHECK(atomic_load(&waiting) == 4);
	pthread_mutex_lock(&gate_mu);
	gate_open = 1;
	pthread_cond_broadcast(&gate_cv);
	pthread_mutex_unlock(&gate_mu);
	offload_free(o);
	CHECK(atomic_load(&most_waiting) == 4);
	for (int i = 0; i < 6; i++)
		CHECK(atomic_load(&jobs[i].runs) == 1);
}

int main(void)
{
	RUN(every_job_runs_once_off_the_callers_thread);
	RUN(jobs_wait_at_once_up_to_the_pool);
	DONE();
}
