#ifndef FL_RATELIMIT_H
#define FL_RATELIMIT_H
/* Failure counting for sign-in: a key (an IP address, or organization + email) that failed
 * `max` times within `window_ms` is refused until the window passes.  Thread-safe.  The table
 * has a fixed size, so a flood of distinct keys can't grow memory; the oldest entry is reused. */
#include <stdint.h>

typedef struct ratelimit ratelimit;

ratelimit *ratelimit_new(int max, int64_t window_ms);
void ratelimit_free(ratelimit *rl);
/* 1 when the key may try now. */
int ratelimit_allowed(ratelimit *rl, const char *key, int64_t now);
void ratelimit_fail(ratelimit *rl, const char *key, int64_t now);
void ratelimit_reset(ratelimit *rl, const char *key);

#endif
