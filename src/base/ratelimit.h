#ifndef FL_RATELIMIT_H
#define FL_RATELIMIT_H
/* Slowing down sign-in guessing without locking anyone out, and bounding the password-hashing
 * work a flood of sign-ins can cause.
 *
 * Delays: after `free` consecutive failures on one counter, each further failure makes the next
 * attempt wait base_ms, then twice as long, and so on up to cap_ms.  The counters themselves
 * live in the database (svc/throttle.c), so no flood of made-up names can push one out.
 *
 * Gate: at most `slots` password checks run at once; an attempt that finds every slot taken is
 * answered at once (busy, retry) instead of holding a worker thread.  Thread-safe. */
#include <stdint.h>

struct ratelimit_rule {
	int64_t free;    /* failures allowed without any delay */
	int64_t base_ms; /* delay after the first counted failure */
	int64_t cap_ms;  /* the delay never grows beyond this */
};

/* Milliseconds the next attempt must wait after `failures` consecutive failures (0 .. cap_ms). */
int64_t ratelimit_delay(const struct ratelimit_rule *rule, int64_t failures);

typedef struct ratelimit_gate ratelimit_gate;

/* A gate with slots >= 1 places.  Free with ratelimit_gate_free (NULL is fine). */
ratelimit_gate *ratelimit_gate_new(int slots);
void ratelimit_gate_free(ratelimit_gate *g);
/* Places for a server with `threads` workers on this machine: one worker and one processor stay
 * free for everything else (at least 1). */
int ratelimit_gate_slots(int threads);
/* Take a place: 1 when taken (give it back with ratelimit_gate_leave), 0 when all are taken. */
int ratelimit_gate_enter(ratelimit_gate *g);
void ratelimit_gate_leave(ratelimit_gate *g);

#endif
