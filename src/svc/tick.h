#ifndef FL_SVC_TICK_H
#define FL_SVC_TICK_H
/* The scheduler.  A pass catches up to c->now in time order: it steps to each time something came
 * due (the earliest first), sets c->now to that time and runs every registered part there, so one
 * pass covering hours or days (after downtime, or `frontline tick` from cron) writes the same
 * history, with the same times, as passes at each of those times would have.
 *
 * A part finds what has come due at c->now (by indexed range queries over all organizations) and
 * acts on it, inside the caller's transaction; it adds its counts to summary ({"reminders": 3, ...}).
 * Returns 0 or -1 (err set). */
#include "svc/svc.h"

typedef int (*tick_fn)(svc_ctx *c, json_t *summary);
/* Lower *next to the earliest time <= until at which the part has something due (leave it when
 * nothing is).  Every part that acts on due rows needs one: a pass runs the parts only at those
 * times.  Returns 0 or -1 (err set). */
typedef int (*tick_due_fn)(svc_ctx *c, int64_t until, int64_t *next);

/* One pass up to c->now (restored on return).  Parts run only at times something is due (every
 * part registers a due function), and at each such time only the parts that have something due
 * then: a part's due function is asked again, at that time, after an earlier part acted (its work
 * may make more due at the same instant, e.g. an escalation putting a promise at risk).  At most
 * TICK_MAX_STEPS steps; what is left then is done at c->now. */
#define TICK_MAX_STEPS 10000
int tick_run(svc_ctx *c, json_t *summary);
/* A part of the pass and its due function: a step runs only the parts due then. */
struct tick_part {
	tick_fn run;
	tick_due_fn due;
};
const struct tick_part *svc_tick_parts(void); /* in order, ended by run == NULL */
const tick_due_fn *svc_tick_due(void);	      /* each due function once */

/* For due functions: run sql (one `?` bound to until; it selects one MIN(...) or NULL) and lower
 * *next to its value. */
int tick_due_min(svc_ctx *c, const char *sql, int64_t until, int64_t *next);

/* Around a pass's parts (tick_run; the benchmark, which runs the parts itself): the history's heads
 * kept in memory for the pass (store/event.h's batch).  tick_batch_end takes the pass's outcome
 * (0 or -1) and returns it, or -1 when writing the heads back failed. */
void tick_batch_begin(svc_ctx *c);
int tick_batch_end(svc_ctx *c, int rc);
/* The pass this thread is in (a number new at each tick_batch_begin), 0 outside one: what a pass
 * does not change (people, their notification choices) may be read once per pass. */
uint64_t tick_pass(void);
/* Insert one row: `head` is a constant "INSERT INTO t (a, b, ...)" (compared by address), args its
 * ncols values.  Inside a pass the row is kept (texts copied) and written with the others of the
 * same head by tick_flush, which runs after each part and at the pass's end (a failed write fails
 * the pass): for rows nothing in the same part reads back.  Outside a pass, written at once.
 * Returns 0 or -1 (err set). */
int tick_insert(svc_ctx *c, const char *head, const db_arg *args, int ncols);
/* Add n to a rollup's counter: `head` a constant "INSERT INTO t (k1, ..., kN, n)" and `tail` a
 * constant " ON CONFLICT (...) DO UPDATE SET n = t.n + excluded.n" (compared by address), keys the
 * row's nkeys key values.  Inside a pass the additions to the same keys are summed and written by
 * tick_flush with the others of the same head (a row once per statement, as PostgreSQL's ON
 * CONFLICT needs); outside a pass, written at once.  Returns 0 or -1 (err set). */
int tick_add(svc_ctx *c, const char *head, const char *tail, const db_arg *keys, int nkeys, int64_t n);
/* Write what tick_insert and tick_add kept, after the history events the part appended and kept
 * back (db_release).  Returns 0 or -1 (err set). */
int tick_flush(svc_ctx *c);
/* Inside a pass, texts kept under keys for the rest of it: what a pass does not change (people's
 * managers and roles), read once.  tick_memo returns the kept text (borrowed, valid until the pass
 * ends) or NULL (not kept, or outside a pass); tick_memo_keep keeps a copy (nothing outside a pass,
 * nor past TICK_MEMO_MAX keys). */
#define TICK_MEMO_MAX 10000
const char *tick_memo(const char *key);
void tick_memo_keep(const char *key, const char *value);
typedef void (*tick_end_fn)(void);
const tick_end_fn *svc_tick_pass_ends(void); /* called by tick_batch_end */

/* Act as the system in organization org_id (the scheduler switches between organizations). */
void tick_as_system(svc_ctx *c, const char *org_id);

/* Rows one scheduler part handles per pass; the rest wait for the next pass. */
#define TICK_BATCH 5000

/* Add n to summary[key] (summary may be NULL; n == 0 adds nothing). */
void tick_count(json_t *summary, const char *key, long long n);

/* A scheduler part's loop: every row of sql (two `?` bound to c->now and TICK_BATCH; its ncols
 * columns read as text before anything is changed) is handled by each(c, row, arg), acting as the
 * system in the row's organization (its column 0; tick_col reads a column).  each returns 1 when it
 * acted (counted in summary[key]), 0 when there was nothing left to do (another pass got there
 * first), -1 to stop with the error.  Returns 0 or -1 (err set). */
typedef int (*tick_row_fn)(svc_ctx *c, json_t *row, void *arg);
int tick_each(svc_ctx *c, json_t *summary, const char *key, int ncols, const char *sql, tick_row_fn each, void *arg);
/* Column i of a due row (text). */
const char *tick_col(json_t *row, size_t i);

#endif
