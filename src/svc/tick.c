/* The scheduler pass: catch up in time order (svc/tick.h).  The parts and their due functions are
 * registered in svc/routes.c. */
#include "svc/tick.h"

#include <stdio.h>
#include <string.h>

#include "base/util.h"
#include "store/event.h"

int tick_due_min(svc_ctx *c, const char *sql, int64_t until, int64_t *next)
{
	db_res *r;
	int rc = db_query(c->db, sql, DB_ARGS(DB_INT(until)), &r);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	rc = db_next(r);
	if (rc == 1 && !db_is_null(r, 0) && db_int(r, 0) < *next)
		*next = db_int(r, 0);
	db_res_discard(r);
	return rc < 0 ? svc_db_err(c, rc) : 0;
}

int tick_each(svc_ctx *c, json_t *summary, const char *key, int ncols, const char *sql, tick_row_fn each, void *arg)
{
	json_t *due, *row;
	if (svc_strings(c, &due, ncols, sql, DB_ARGS(DB_INT(c->now), DB_INT(TICK_BATCH))))
		return -1;
	size_t i;
	long long n = 0;
	int ret = 0;
	json_array_foreach(due, i, row)
	{
		tick_as_system(c, tick_col(row, 0));
		if ((ret = each(c, row, arg)) < 0)
			break;
		n += ret;
		ret = 0;
	}
	json_decref(due);
	tick_count(summary, key, n);
	return ret;
}

const char *tick_col(json_t *row, size_t i) { return json_string_value(json_array_get(row, i)); }

/* What each due function answered (up to until) before any part of this step acted. */
#define TICK_DUE_MAX 32
struct due_seen {
	int n;
	tick_due_fn fn[TICK_DUE_MAX];
	int64_t next[TICK_DUE_MAX];
};

/* When to run the parts next: the earliest time in (after, until] at which any part has something
 * due (what is due at or before `after` is left over from a full batch: it is done at until).
 * Returns 1 and *at, 0 when nothing is due, -1 on error. */
static int next_step(svc_ctx *c, int64_t after, int64_t until, int64_t *at, struct due_seen *seen)
{
	int64_t next = INT64_MAX;
	seen->n = 0;
	for (const tick_due_fn *d = svc_tick_due(); *d; d++) {
		int64_t mine = INT64_MAX;
		if ((*d)(c, until, &mine))
			return -1;
		if (seen->n < TICK_DUE_MAX) {
			seen->fn[seen->n] = *d;
			seen->next[seen->n++] = mine;
		}
		if (mine < next)
			next = mine;
	}
	if (next == INT64_MAX)
		return 0;
	*at = next > after ? next : until;
	return 1;
}

/* When the part's due function has something due next, up to c->now: what it answered for this step
 * while no part has acted yet, else asked again. */
static int part_due(svc_ctx *c, tick_due_fn fn, const struct due_seen *seen, int acted, int64_t *next)
{
	*next = INT64_MAX;
	for (int i = 0; !acted && i < seen->n; i++)
		if (seen->fn[i] == fn) {
			*next = seen->next[i];
			return 0;
		}
	return fn(c, c->now, next);
}

/* The parts due at c->now, in order. */
static int run_parts(svc_ctx *c, json_t *summary, const struct due_seen *seen)
{
	int acted = 0;
	for (const struct tick_part *t = svc_tick_parts(); t->run; t++) {
		int64_t next;
		if (part_due(c, t->due, seen, acted, &next))
			return -1;
		if (next > c->now)
			continue;
		if (t->run(c, summary) || tick_flush(c))
			return -1;
		acted = 1;
	}
	return 0;
}

int tick_run(svc_ctx *c, json_t *summary)
{
	svc_actor saved = c->actor;
	int64_t until = c->now, at = INT64_MIN;
	err_clear(&c->db_err);
	/* several servers on one database: one scheduler pass at a time, so each due event fires once */
	int rc = db_lock_scheduler(c->db);
	if (rc != DB_OK)
		rc = svc_db_err(c, rc);
	tick_batch_begin(c);
	for (int step = 0; rc == 0 && at < until; step++) {
		int due = 1;
		struct due_seen seen = {0};
		if (step + 1 < TICK_MAX_STEPS)
			due = next_step(c, at, until, &at, &seen);
		else
			at = until; /* seen is empty: every due function is asked at until */
		if (due <= 0) {
			rc = due;
			break;
		}
		c->now = at;
		rc = svc_db_outcome(c, run_parts(c, summary, &seen));
	}
	/* the case heads changed since the last pass, sealed into each organization's chain (store/event.h) */
	int sealed = rc == 0 ? event_seal_all(c->db, until) : DB_OK;
	if (sealed != DB_OK)
		rc = svc_db_err(c, sealed);
	rc = tick_batch_end(c, rc);
	c->now = until;
	c->actor = saved;
	return rc;
}

static _Thread_local uint64_t pass_now, pass_count;

/* Rows a pass writes and nothing in the same part reads (alerts, digest entries): kept per INSERT
 * head, in the order the heads were first used, and written by tick_flush in multi-row INSERTs of
 * up to DB_MAX_ARGS arguments. */
#define TICK_ADD_MAX_KEYS 31 /* tick_add's keys (a rollup's key columns) */
struct deferred {
	const char *head, *tail; /* tail: NULL, or tick_add's ON CONFLICT clause */
	int ncols;
	size_t nargs, cap;
	db_arg *args; /* texts owned */
	json_t *rows; /* tick_add: the keys' text -> their row */
};
static _Thread_local struct {
	struct deferred *v;
	size_t n, cap;
} defer;

static void defer_free(void)
{
	for (size_t i = 0; i < defer.n; i++) {
		for (size_t j = 0; j < defer.v[i].nargs; j++)
			free((char *)defer.v[i].args[j].s);
		free(defer.v[i].args);
		json_decref(defer.v[i].rows);
	}
	free(defer.v);
	memset(&defer, 0, sizeof defer);
}

static char *insert_sql(const char *head, int ncols, size_t nrows)
{
	size_t len = strlen(head) + 8 + nrows * ((size_t)ncols * 2 + 3), k = 0;
	char *sql = xmalloc(len + 1);
	k += (size_t)snprintf(sql, len + 1, "%s VALUES ", head);
	for (size_t r = 0; r < nrows; r++) {
		sql[k++] = r ? ',' : ' ';
		sql[k++] = '(';
		for (int i = 0; i < ncols; i++) {
			if (i)
				sql[k++] = ',';
			sql[k++] = '?';
		}
		sql[k++] = ')';
	}
	sql[k] = '\0';
	return sql;
}

/* The statement of n rows of d (new). */
static char *deferred_sql(const struct deferred *d, size_t nrows)
{
	char *sql = insert_sql(d->head, d->ncols, nrows);
	if (!d->tail)
		return sql;
	char *with = xasprintf("%s%s", sql, d->tail);
	free(sql);
	return with;
}

/* The rows kept for head (and tail), added when new. */
static struct deferred *deferred_of(const char *head, const char *tail, int ncols)
{
	for (size_t i = 0; i < defer.n; i++)
		if (defer.v[i].head == head)
			return &defer.v[i];
	defer.v = xgrow(defer.v, defer.n, &defer.cap, 4, sizeof *defer.v);
	struct deferred *d = &defer.v[defer.n++];
	*d = (struct deferred){head, tail, ncols, 0, 0, NULL, tail ? json_object() : NULL};
	return d;
}

/* Append n arguments to d's row list (texts copied: the caller's may not outlive the pass). */
static void append_args(struct deferred *d, const db_arg *args, int n)
{
	for (int i = 0; i < n; i++) {
		d->args = xgrow(d->args, d->nargs, &d->cap, 64, sizeof *d->args);
		db_arg a = args[i];
		if (a.type == DB_T_TEXT)
			a.s = xstrdup(a.s);
		d->args[d->nargs++] = a;
	}
}

int tick_add(svc_ctx *c, const char *head, const char *tail, const db_arg *keys, int nkeys, int64_t n)
{
	db_arg args[TICK_ADD_MAX_KEYS + 1];
	if (nkeys > TICK_ADD_MAX_KEYS)
		return err_set(&c->err, ERR_INTERNAL, "internal", NULL, "too many columns");
	memcpy(args, keys, (size_t)nkeys * sizeof *keys);
	args[nkeys] = DB_INT(n);
	if (!pass_now) {
		struct deferred one = {head, tail, nkeys + 1, 0, 0, NULL, NULL};
		char *sql = deferred_sql(&one, 1);
		int rc = db_exec(c->db, sql, args, nkeys + 1, NULL);
		free(sql);
		return rc == DB_OK ? 0 : svc_db_err(c, rc);
	}
	struct deferred *d = deferred_of(head, tail, nkeys + 1);
	/* the keys as text: type and value of each, separated */
	size_t len = 1;
	for (int i = 0; i < nkeys; i++)
		len += 24 + (keys[i].type == DB_T_TEXT ? strlen(keys[i].s) : 0);
	char *key = xmalloc(len);
	size_t k = 0;
	key[0] = '\0';
	for (int i = 0; i < nkeys; i++)
		k += (size_t)(keys[i].type == DB_T_TEXT  ? snprintf(key + k, len - k, "t%s\x1f", keys[i].s)
			      : keys[i].type == DB_T_INT ? snprintf(key + k, len - k, "i%lld\x1f", (long long)keys[i].i)
							 : snprintf(key + k, len - k, "n\x1f"));
	json_t *at = json_object_get(d->rows, key);
	if (at) { /* the same keys again: one row, the sum */
		d->args[(size_t)json_integer_value(at) * (size_t)d->ncols + (size_t)nkeys].i += n;
		free(key);
		return 0;
	}
	json_object_set_new(d->rows, key, json_integer((json_int_t)(d->nargs / (size_t)d->ncols)));
	free(key);
	append_args(d, args, nkeys + 1);
	return 0;
}

int tick_insert(svc_ctx *c, const char *head, const db_arg *args, int ncols)
{
	if (!pass_now) {
		char *sql = insert_sql(head, ncols, 1);
		int rc = db_exec(c->db, sql, args, ncols, NULL);
		free(sql);
		return rc == DB_OK ? 0 : svc_db_err(c, rc);
	}
	struct deferred *d = deferred_of(head, NULL, ncols);
	append_args(d, args, ncols);
	return 0;
}

int tick_flush(svc_ctx *c)
{
	int rc = db_release(c->db); /* the part's history events first (store/event.h's batch) */
	for (size_t i = 0; rc == DB_OK && i < defer.n; i++) {
		const struct deferred *d = &defer.v[i];
		size_t rows = d->nargs / (size_t)d->ncols, per = 1;
		while (per * 2 * (size_t)d->ncols <= DB_MAX_ARGS)
			per *= 2;
		/* statements of per, per / 2, ..., 1 rows (powers of two: a few statement texts per head) */
		for (size_t r = 0, n; rc == DB_OK && r < rows; r += n) {
			for (n = per; n > rows - r; n /= 2)
				;
			char *sql = deferred_sql(d, n);
			rc = db_exec(c->db, sql, d->args + r * (size_t)d->ncols, (int)(n * (size_t)d->ncols), NULL);
			free(sql);
		}
	}
	defer_free();
	return rc == DB_OK ? 0 : svc_db_err(c, rc);
}

uint64_t tick_pass(void) { return pass_now; }

static _Thread_local json_t *memo; /* key -> text, for the pass */

const char *tick_memo(const char *key)
{
	return pass_now && memo ? json_string_value(json_object_get(memo, key)) : NULL;
}

void tick_memo_keep(const char *key, const char *value)
{
	if (!pass_now)
		return;
	if (!memo)
		memo = json_object();
	if (json_object_size(memo) < TICK_MEMO_MAX)
		json_object_set_new(memo, key, json_string(value));
}

void tick_batch_begin(svc_ctx *c)
{
	pass_now = ++pass_count;
	event_batch_begin(c->db);
	/* nothing in a pass handles a write's failure but by failing the pass: on PostgreSQL its runs
	 * of writes go in one round trip each (store/db.h) */
	db_defer_begin(c->db);
}

int tick_batch_end(svc_ctx *c, int rc)
{
	pass_now = 0;
	if (rc == 0)
		rc = tick_flush(c);
	defer_free();
	json_decref(memo);
	memo = NULL;
	for (const tick_end_fn *f = svc_tick_pass_ends(); *f; f++)
		(*f)();
	int end = event_batch_end(c->db, rc == 0);
	if (rc == 0 && end != DB_OK)
		rc = svc_db_err(c, end);
	end = db_defer_end(c->db); /* what is still queued is sent: its outcome is the pass's */
	if (rc == 0 && end != DB_OK)
		rc = svc_db_err(c, end);
	return rc;
}

void tick_count(json_t *summary, const char *key, long long n)
{
	json_t *v = json_object_get(summary, key);
	json_object_set_new(summary, key, json_integer((json_is_integer(v) ? json_integer_value(v) : 0) + n));
}

void tick_as_system(svc_ctx *c, const char *org_id)
{
	svc_copy(c, c->actor.org_id, sizeof c->actor.org_id, org_id);
	STR_COPY(c->actor.person_id, "system");
	c->actor.team_id[0] = '\0';
	STR_COPY(c->actor.name, "Frontline");
	c->actor.role = ROLE_SYSTEM;
}
