/* Case pages kept rendered, with the versions they were rendered at (case_cache.h). */
#include "svc/ledger/case_cache.h"

#include <pthread.h>
#include <string.h>

#include "base/id.h"
#include "base/util.h"

struct slot {
	char org_id[ID_SIZE], case_id[ID_SIZE];
	int64_t cv, ov;
	uint64_t used; /* its set's clock when last read or written: the least recent is replaced */
	char *text;    /* NULL: empty */
	size_t len;
	unsigned bits;
};

/* CASE_CACHE_WAYS slots per set, one lock per set: a case may live in any slot of its set, so
 * pages whose ids hash alike do not keep replacing each other. */
struct set {
	pthread_mutex_t mu;
	uint64_t clock;
	struct slot slot[CASE_CACHE_WAYS];
};

struct case_cache {
	size_t mask; /* sets - 1 */
	size_t max_text, budget;
	size_t used; /* bytes of text kept, all sets (atomic) */
	struct set *sets;
};

struct case_cache *case_cache_new(size_t slots, size_t max_text, size_t budget)
{
	size_t n = 1;
	while (n * CASE_CACHE_WAYS < slots)
		n <<= 1;
	struct case_cache *k = xcalloc(1, sizeof *k);
	k->mask = n - 1;
	k->max_text = max_text;
	k->budget = budget;
	k->sets = xcalloc(n, sizeof *k->sets);
	for (size_t i = 0; i < n; i++)
		pthread_mutex_init(&k->sets[i].mu, NULL);
	return k;
}

void case_cache_free(struct case_cache *k)
{
	if (!k)
		return;
	for (size_t i = 0; i <= k->mask; i++) {
		pthread_mutex_destroy(&k->sets[i].mu);
		for (int w = 0; w < CASE_CACHE_WAYS; w++)
			free(k->sets[i].slot[w].text);
	}
	free(k->sets);
	free(k);
}

/* The set of a case, locked (FNV-1a of both ids). */
static struct set *set_lock(struct case_cache *k, const char *org_id, const char *case_id)
{
	uint64_t h = 1469598103934665603ULL;
	for (const char *s = org_id; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	for (const char *s = case_id; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	struct set *t = &k->sets[(h ^ h >> 29) & k->mask];
	pthread_mutex_lock(&t->mu);
	return t;
}

/* The slot holding the case in its locked set (marked used), or NULL. */
static struct slot *slot_of(struct set *t, const char *org_id, const char *case_id)
{
	for (int w = 0; w < CASE_CACHE_WAYS; w++) {
		struct slot *l = &t->slot[w];
		if (l->text && strcmp(l->case_id, case_id) == 0 && strcmp(l->org_id, org_id) == 0) {
			l->used = ++t->clock;
			return l;
		}
	}
	return NULL;
}

/* Where a new page goes in its locked set: an empty slot, else the least recently used. */
static struct slot *slot_for(struct set *t)
{
	struct slot *l = NULL, *old = &t->slot[0];
	for (int w = 0; !l && w < CASE_CACHE_WAYS; w++) {
		if (!t->slot[w].text)
			l = &t->slot[w];
		else if (t->slot[w].used < old->used)
			old = &t->slot[w];
	}
	l = l ? l : old;
	l->used = ++t->clock;
	return l;
}

int case_cache_known(struct case_cache *k, const char *org_id, const char *case_id, int64_t *cv, int64_t *ov)
{
	struct set *t = set_lock(k, org_id, case_id);
	struct slot *l = slot_of(t, org_id, case_id);
	if (l) {
		*cv = l->cv;
		*ov = l->ov;
	}
	pthread_mutex_unlock(&t->mu);
	return l != NULL;
}

char *case_cache_get(struct case_cache *k, const char *org_id, const char *case_id, int64_t cv, int64_t ov, size_t *len,
		     unsigned *bits)
{
	char *text = NULL;
	struct set *t = set_lock(k, org_id, case_id);
	struct slot *l = slot_of(t, org_id, case_id);
	if (l && l->cv == cv && l->ov == ov) {
		text = xmalloc(l->len + 1);
		memcpy(text, l->text, l->len + 1);
		*len = l->len;
		if (bits)
			*bits = l->bits;
	}
	pthread_mutex_unlock(&t->mu);
	return text;
}

int case_cache_emit(struct case_cache *k, const char *org_id, const char *case_id, int64_t cv, int64_t ov,
		    void (*add)(void *arg, const char *text, size_t len), void *arg)
{
	struct set *t = set_lock(k, org_id, case_id);
	struct slot *l = slot_of(t, org_id, case_id);
	int kept = l && l->cv == cv && l->ov == ov;
	if (kept)
		add(arg, l->text, l->len);
	pthread_mutex_unlock(&t->mu);
	return kept;
}

/* Empty a slot of its locked set, giving its bytes back to the budget. */
static void slot_empty(struct case_cache *k, struct slot *l)
{
	if (!l->text)
		return;
	__atomic_fetch_sub(&k->used, l->len, __ATOMIC_RELAXED);
	free(l->text);
	l->text = NULL;
}

/* 1 when len more bytes fit the budget (and are counted), else 0. */
static int budget_take(struct case_cache *k, size_t len)
{
	if (__atomic_add_fetch(&k->used, len, __ATOMIC_RELAXED) <= k->budget)
		return 1;
	__atomic_fetch_sub(&k->used, len, __ATOMIC_RELAXED);
	return 0;
}

void case_cache_put(struct case_cache *k, const char *org_id, const char *case_id, int64_t cv, int64_t ov, const char *text,
		    size_t len, unsigned bits)
{
	size_t no = strlen(org_id) + 1, nc = strlen(case_id) + 1;
	if (no > ID_SIZE || nc > ID_SIZE)
		return;
	char *copy = NULL;
	if (len <= k->max_text) {
		copy = xmalloc(len + 1);
		memcpy(copy, text, len);
		copy[len] = '\0';
	}
	struct set *t = set_lock(k, org_id, case_id);
	struct slot *l = slot_of(t, org_id, case_id);
	if (l)
		slot_empty(k, l); /* its page of other versions */
	if (copy) {
		l = slot_for(t);
		slot_empty(k, l);
		if (budget_take(k, len)) {
			l->text = copy;
			l->len = len;
			l->bits = bits;
			l->cv = cv;
			l->ov = ov;
			memcpy(l->org_id, org_id, no); /* lengths checked above */
			memcpy(l->case_id, case_id, nc);
			copy = NULL;
		}
	}
	pthread_mutex_unlock(&t->mu);
	free(copy);
}
