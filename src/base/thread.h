#ifndef FL_THREAD_H
#define FL_THREAD_H
/* Worker threads that sleep on a condition variable until there is work or they are told to stop. */
#include <pthread.h>

/* Stop such a thread and wait for it to end: set *stop under mu, wake the thread (signal cv), join
 * it.  The thread reads *stop under mu before each wait. */
void thread_stop(pthread_t thread, pthread_mutex_t *mu, pthread_cond_t *cv, int *stop);

#endif
