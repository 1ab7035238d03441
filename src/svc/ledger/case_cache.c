/* Case pages kept rendered, with the versions they were rendered at (case_cache.h). */
#include "svc/ledger/case_cache.h"

#include <pthread.h>
#include <string.h>

#include "base/id.h"
#include "base/util.h"

struct slot {
	pthread_mutex_t mu;
	char org_id[ID_SIZE], case_id[ID_SIZE];
	int64_t cv, ov;
	char *text; /* NULL: empty */
	size_t len;
};

struct case_cache {
	size_t mask;
	struct slot *slots;
};

struct case_cache *case_cache_new(size_t slots)
{
	size_t n = 1;
	while (n < slots)
		n <<= 1;
	struct case_cache *k = xcalloc(1, sizeof *k);
	k->mask = n - 1;
	k->slots = xcalloc(n, sizeof *k->slots);
	for (size_t i = 0; i < n; i++)
		pthread_mutex_init(&k->slots[i].mu, NULL);
	return k;
}

void case_cache_free(struct case_cache *k)
{
	if (!k)
		return;
	for (size_t i = 0; i <= k->mask; i++) {
		pthread_mutex_destroy(&k->slots[i].mu);
		free(k->slots[i].text);
	}
	free(k->slots);
	free(k);
}

/* The slot of a case, locked (FNV-1a of both ids). */
static struct slot *slot_lock(struct case_cache *k, const char *org_id, const char *case_id)
{
	uint64_t h = 1469598103934665603ULL;
	for (const char *s = org_id; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	for (const char *s = case_id; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	struct slot *t = &k->slots[h & k->mask];
	pthread_mutex_lock(&t->mu);
	return t;
}

static int slot_is(const struct slot *t, const char *org_id, const char *case_id)
{
	return t->text && strcmp(t->case_id, case_id) == 0 && strcmp(t->org_id, org_id) == 0;
}

int case_cache_known(struct case_cache *k, const char *org_id, const char *case_id, int64_t *cv, int64_t *ov)
{
	struct slot *t = slot_lock(k, org_id, case_id);
	int known = slot_is(t, org_id, case_id);
	if (known) {
		*cv = t->cv;
		*ov = t->ov;
	}
	pthread_mutex_unlock(&t->mu);
	return known;
}

json_t *case_cache_get(struct case_cache *k, const char *org_id, const char *case_id, int64_t cv, int64_t ov)
{
	json_t *text = NULL;
	struct slot *t = slot_lock(k, org_id, case_id);
	if (slot_is(t, org_id, case_id) && t->cv == cv && t->ov == ov)
		text = json_stringn_nocheck(t->text, t->len);
	pthread_mutex_unlock(&t->mu);
	return text;
}

void case_cache_put(struct case_cache *k, const char *org_id, const char *case_id, int64_t cv, int64_t ov, const char *text,
		    size_t len)
{
	size_t no = strlen(org_id) + 1, nc = strlen(case_id) + 1;
	if (len > CASE_CACHE_MAX_TEXT || no > ID_SIZE || nc > ID_SIZE)
		return;
	char *copy = xmalloc(len + 1);
	memcpy(copy, text, len);
	copy[len] = '\0';
	struct slot *t = slot_lock(k, org_id, case_id);
	free(t->text);
	t->text = copy;
	t->len = len;
	t->cv = cv;
	t->ov = ov;
	memcpy(t->org_id, org_id, no); /* lengths checked above */
	memcpy(t->case_id, case_id, nc);
	pthread_mutex_unlock(&t->mu);
}
