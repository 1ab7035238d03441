#ifndef FL_SVC_ESTIMATE_ROLLUP_H
#define FL_SVC_ESTIMATE_ROLLUP_H
/* The estimate rollups (svc/promises/estimate_rollup.c, table estimate_rollups of migration 0014):
 * one row per (team, kind, time bucket) and its three wider levels (enum est_level in
 * core/estimate.h: the team and kind, the team, every team), each holding a count, the sum of
 * the outstanding load at creation and a histogram of business durations.  A completed request
 * adds to the four rows; an estimate reads them.  The svc_ctx functions run inside the caller's
 * transaction and return 0 or -1 with c->err set. */
#include "core/estimate.h"
#include "svc/svc.h"

/* Load the four levels of (team, kind, bucket) into h[] (have[l] = 1 when that row exists) and
 * the team's usual outstanding load into *usual (-1 when unknown). */
int estimate_rollup_load(svc_ctx *c, const char *team, const char *kind, int bucket, struct est_hist h[4], int have[4],
			 double *usual);
/* Add one completion to the four rows: ms business milliseconds, completed at t, load = the
 * team's outstanding requests when it was created.  Two completions of the same row never lose
 * one another (the row is locked by an upsert before it is read). */
int estimate_rollup_add(svc_ctx *c, const char *team, const char *kind, int bucket, int64_t ms, int64_t t, int64_t load);

/* The histogram h as the stored text (a new string the caller frees), and back: text (NULL reads
 * as empty) with count n into *h. */
char *estimate_rollup_hist_text(const struct est_hist *h);
void estimate_rollup_hist_parse(const char *text, int64_t n, struct est_hist *h);

#endif
