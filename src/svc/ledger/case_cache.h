#ifndef FL_SVC_LEDGER_CASE_CACHE_H
#define FL_SVC_LEDGER_CASE_CACHE_H
/* Case pages kept rendered (issue 14): the JSON text of GET /api/v1/cases/{id}, kept per case with
 * the versions it was rendered at (migration 0024: case_versions.v, org_versions.v, bumped by
 * triggers in every writer's transaction).  A read whose versions are still those is a copy of the
 * text.  One per server (svc_ctx.case_cache), shared by its threads; a fixed number of slots, each
 * holding one case, in sets of CASE_CACHE_WAYS (a case whose ids hash to a full set replaces the
 * set's least recently used page).  Its texts' memory is bounded by a budget of bytes: a page that
 * would pass it is not kept (it is rendered at every read until others are replaced). */
#include <stddef.h>
#include <stdint.h>

#define CASE_CACHE_MAX_TEXT (256 * 1024)	 /* a longer page is rendered at every read */
#define CASE_CACHE_SLOTS    4096		 /* a server's pages (most are 3-20 KiB; a tenth of the demo's are over 16) */
#define CASE_CACHE_BUDGET   (64 * 1024 * 1024) /* the bytes of text they may hold together */
#define CASE_CACHE_WAYS     4			 /* slots per set */

struct case_cache;

/* slots rounded up to a power of two, at least CASE_CACHE_WAYS; texts longer than max_text are never
 * kept, and all kept texts together hold at most budget bytes. */
struct case_cache *case_cache_new(size_t slots, size_t max_text, size_t budget);
void case_cache_free(struct case_cache *k);

/* 1 and the versions of the page kept for (org_id, case_id), or 0 when none is kept. */
int case_cache_known(struct case_cache *k, const char *org_id, const char *case_id, int64_t *cv, int64_t *ov);
/* A copy of the page (the caller frees it; the answer's one copy, handed to the HTTP layer as it is)
 * and the bits kept with it (*bits, when bits is not NULL) if it was rendered at exactly cv and ov,
 * else NULL. */
char *case_cache_get(struct case_cache *k, const char *org_id, const char *case_id, int64_t cv, int64_t ov, size_t *len,
		     unsigned *bits);
/* The same without a copy of its own: if the page kept for (org_id, case_id) was rendered at exactly
 * cv and ov, hand its text to add(arg, text, len) (called with the case's set locked: add must
 * not use the cache) and return 1; else 0. */
int case_cache_emit(struct case_cache *k, const char *org_id, const char *case_id, int64_t cv, int64_t ov,
		    void (*add)(void *arg, const char *text, size_t len), void *arg);
/* Keep text (copied) and bits (the caller's: case_view's parts to run at every read) as the page of
 * (org_id, case_id) at versions cv, ov, replacing the case's page of other versions; when the text
 * is too long or the budget is spent, the case keeps no page. */
void case_cache_put(struct case_cache *k, const char *org_id, const char *case_id, int64_t cv, int64_t ov, const char *text,
		    size_t len, unsigned bits);

#endif
