#ifndef FL_HTTP_OFFLOAD_H
#define FL_HTTP_OFFLOAD_H
/* Threads that wait for the group commit in place of the server's threads.
 *
 * On SQLite a write waits for the writer thread's commit (store/tx.h).  A server thread that waits
 * serves none of its other connections meanwhile, and the server has few of them (serve's
 * --threads), so at most that many writes could be in one batch.  http/server.c suspends the
 * connection of a write, queues it here and goes on serving; one of these threads runs the request
 * (http_api_handle, which waits for the commit) and resumes the connection, whose answer the
 * server thread then sends.  A job runs exactly once, on one thread. */
#include <pthread.h>

/* A job, owned by the caller until fn has run; fn must not touch it after it returns. */
struct offload_job {
	void (*fn)(struct offload_job *job);
	struct offload_job *next;
};

struct offload;

/* A pool of `threads` waiting threads; NULL when a thread could not start (none is left running). */
struct offload *offload_new(unsigned threads);
/* Queue job: 0, or -1 once offload_stop has begun (the caller then runs the work itself). */
int offload_push(struct offload *o, struct offload_job *job);
/* Refuse new jobs, run every queued one, join the threads.  Safe to call twice and on NULL. */
void offload_stop(struct offload *o);
/* Stop (as above) and free. */
void offload_free(struct offload *o);

#endif
