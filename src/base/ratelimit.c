#include "base/ratelimit.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

#define RL_SLOTS 4096
#define RL_KEY 320

struct slot {
	char key[RL_KEY];
	int fails;
	int64_t first;
};

struct ratelimit {
	pthread_mutex_t mu;
	int max;
	int64_t window;
	struct slot slots[RL_SLOTS];
};

ratelimit *ratelimit_new(int max, int64_t window_ms)
{
	ratelimit *rl = xcalloc(1, sizeof *rl);
	pthread_mutex_init(&rl->mu, NULL);
	rl->max = max;
	rl->window = window_ms;
	return rl;
}

void ratelimit_free(ratelimit *rl)
{
	if (!rl)
		return;
	pthread_mutex_destroy(&rl->mu);
	free(rl);
}

static unsigned hash(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* Open addressing over 8 probes; a stale or the oldest slot is reused. */
static struct slot *find(ratelimit *rl, const char *key, int64_t now, int create)
{
	unsigned h = hash(key);
	struct slot *victim = NULL;
	for (int i = 0; i < 8; i++) {
		struct slot *s = &rl->slots[(h + (unsigned)i) % RL_SLOTS];
		if (s->key[0] && strncmp(s->key, key, RL_KEY - 1) == 0) { /* keys are stored truncated */
			if (now - s->first > rl->window) {
				s->fails = 0;
				s->first = now;
			}
			return s;
		}
		if (!victim || !s->key[0] || s->first < victim->first)
			victim = s;
	}
	if (!create)
		return NULL;
	if (str_copy(victim->key, sizeof victim->key, key) != 0) {
		/* a longer key is kept cut on purpose: lookups compare its first RL_KEY - 1 bytes */
	}
	victim->fails = 0;
	victim->first = now;
	return victim;
}

int ratelimit_allowed(ratelimit *rl, const char *key, int64_t now)
{
	pthread_mutex_lock(&rl->mu);
	struct slot *s = find(rl, key, now, 0);
	int ok = !s || s->fails < rl->max;
	pthread_mutex_unlock(&rl->mu);
	return ok;
}

void ratelimit_fail(ratelimit *rl, const char *key, int64_t now)
{
	pthread_mutex_lock(&rl->mu);
	find(rl, key, now, 1)->fails++;
	pthread_mutex_unlock(&rl->mu);
}

void ratelimit_reset(ratelimit *rl, const char *key)
{
	pthread_mutex_lock(&rl->mu);
	struct slot *s = find(rl, key, 0, 0);
	if (s)
		s->key[0] = '\0';
	pthread_mutex_unlock(&rl->mu);
}
