/* SQLite backend of the storage interface.  WAL mode, synchronous=FULL, foreign keys on:
 * a commit that returns means the transaction reached the disk.  The log's frames of a commit are
 * written with one write before its sync (store/walbuf.h).
 *
 * SQLite allows one writer at a time.  Connections of one process take an in-process lock for
 * their write transactions, so server threads queue for it in order instead of polling the
 * database lock with the busy handler's sleeps (which made write latency long-tailed); other
 * processes (the command line next to a running server) still wait through busy_timeout. */
#include <pthread.h>
#include <stdint.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "store/db.h"
#include "store/faultvfs.h"
#include "store/walbuf.h"

#define STMT_CACHE 96

struct cached {
	char *sql;
	uint64_t hash; /* of sql: most lookups compare this alone */
	uint64_t used; /* the connection's clock at the last use: the least recent is replaced when full */
	sqlite3_stmt *st;
	int busy;
};

/* held by a connection's write transaction, and by the checkpointer while it restarts the log */
static pthread_mutex_t write_mu = PTHREAD_MUTEX_INITIALIZER;

typedef struct {
	struct db base;
	sqlite3 *h;
	int holds_write; /* this connection holds write_mu */
	struct cached cache[STMT_CACHE];
	int ncache;
	uint64_t clock;
} sq_db;

typedef struct {
	struct db_res base; /* first: the interface's header (ops, sticky error) */
	sq_db *d;
	sqlite3_stmt *st;
	struct cached *c; /* NULL when not cached: finalize on free */
} sq_res;

static int map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW: return DB_OK;
	case SQLITE_CONSTRAINT: return DB_CONSTRAINT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED: return DB_RETRY;
	default: return DB_ERROR;
	}
}

static const struct db_ops sq_ops;

/* --- checkpoints outside the commit (db_background_checkpoints) --- */

struct checkpointer {
	char *path;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t due;
	int pending;
	int every; /* wake it each time the log has grown by this many pages */
	int woken_at; /* the log's length in pages when it was last woken (atomic: set by writers) */
	struct checkpointer *next;
};

static int background_checkpoints;
static pthread_mutex_t checkpointers_mu = PTHREAD_MUTEX_INITIALIZER;
static struct checkpointer *checkpointers; /* live for the process: a server checkpoints until it exits */

void db_background_checkpoints(void) { background_checkpoints = 1; }

/* FRONTLINE_LOG_CHECKPOINT_FRAMES and FRONTLINE_LOG_RESTART_FRAMES replace DB_CHECKPOINT_FRAMES
 * and DB_RESTART_FRAMES (for tests and measuring) */
static int env_frames(const char *name, int fallback)
{
	const char *e = getenv(name);
	return e && atoi(e) > 0 ? atoi(e) : fallback;
}

/* A log that a writer always appends to never starts again by itself: SQLite rewinds it only at
 * a write that begins when all of it is back in the database file, which checkpoints behind a busy
 * writer never reach (it grew by 200 MB a second under creates).  Past DB_RESTART_FRAMES pages the
 * checkpointer holds the writers back (in-process ones on write_mu, others through the file lock),
 * copies the rest and waits up to its busy timeout for the readers still on the log; the next
 * write then begins it again from the start, over pages the file already has. */
static void restart_log(sqlite3 *h)
{
	pthread_mutex_lock(&write_mu);
	sqlite3_wal_checkpoint_v2(h, NULL, SQLITE_CHECKPOINT_RESTART, NULL, NULL); /* busy: next time */
	pthread_mutex_unlock(&write_mu);
}

static sqlite3 *checkpointer_open(const char *path)
{
	sqlite3 *h = NULL;
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, faultvfs_name()) != SQLITE_OK ||
	    /* a connection opens the log at its first read: until then its checkpoints do nothing */
	    sqlite3_exec(h, "PRAGMA schema_version", NULL, NULL, NULL) != SQLITE_OK) {
		sqlite3_close(h);
		return NULL; /* tried again at the next threshold */
	}
	sqlite3_busy_timeout(h, 100); /* the restart's wait for writers and readers */
	return h;
}

/* A connection for each pass, closed after it: one kept open would be the last to close when the
 * server stops, and only the last connection to close checkpoints the log and removes it. */
static void *checkpointer_main(void *arg)
{
	struct checkpointer *k = arg;
	int restart_at = env_frames("FRONTLINE_LOG_RESTART_FRAMES", DB_RESTART_FRAMES);
	for (;;) {
		pthread_mutex_lock(&k->mu);
		while (!k->pending)
			pthread_cond_wait(&k->due, &k->mu);
		k->pending = 0;
		pthread_mutex_unlock(&k->mu);
		sqlite3 *h = checkpointer_open(k->path);
		if (!h)
			continue;
		/* PASSIVE: copies what no reader still needs, never waits for or blocks a writer; an
		 * error (busy, I/O) leaves the log as it was, for the next pass */
		int frames = 0;
		sqlite3_wal_checkpoint_v2(h, NULL, SQLITE_CHECKPOINT_PASSIVE, &frames, NULL);
		if (frames >= restart_at) {
			restart_log(h);
			/* the log starts again at the next write: what woke us since is stale */
			pthread_mutex_lock(&k->mu);
			k->pending = 0;
			__atomic_store_n(&k->woken_at, 0, __ATOMIC_RELAXED);
			pthread_mutex_unlock(&k->mu);
		}
		sqlite3_close(h);
	}
	return NULL;
}

static struct checkpointer *checkpointer_for(const char *path)
{
	pthread_mutex_lock(&checkpointers_mu);
	struct checkpointer *k = checkpointers;
	while (k && strcmp(k->path, path) != 0)
		k = k->next;
	if (!k) {
		k = xcalloc(1, sizeof *k);
		k->path = xstrdup(path);
		k->every = env_frames("FRONTLINE_LOG_CHECKPOINT_FRAMES", DB_CHECKPOINT_FRAMES);
		pthread_mutex_init(&k->mu, NULL);
		pthread_cond_init(&k->due, NULL);
		if (pthread_create(&k->thread, NULL, checkpointer_main, k) == 0) {
			pthread_detach(k->thread);
			k->next = checkpointers;
			checkpointers = k;
		} else {
			free(k->path);
			free(k);
			k = NULL;
		}
	}
	pthread_mutex_unlock(&checkpointers_mu);
	return k;
}

/* After each commit of a connection with background checkpoints: wake the file's checkpointer
 * once the log has grown by DB_CHECKPOINT_FRAMES pages since it was last woken (a page that many
 * commits in between wrote is copied once), instead of SQLite's automatic checkpoint here. */
static int wal_hook(void *arg, sqlite3 *h, const char *name, int frames)
{
	(void)h;
	(void)name;
	struct checkpointer *k = arg;
	int woken = __atomic_load_n(&k->woken_at, __ATOMIC_RELAXED);
	if (frames < woken)
		woken = 0; /* the log started again */
	if (frames - woken >= k->every) {
		__atomic_store_n(&k->woken_at, frames, __ATOMIC_RELAXED);
		pthread_mutex_lock(&k->mu);
		k->pending = 1;
		pthread_cond_signal(&k->due);
		pthread_mutex_unlock(&k->mu);
	}
	return SQLITE_OK;
}

/* The cache's hash of a statement's text: eight bytes at a time (a hot statement is 100-700 bytes
 * long and hashed at every run), FNV-1a's steps over words, the tail byte by byte. */
static uint64_t sql_hash(const char *sql)
{
	uint64_t h = 14695981039346656037ull, w;
	size_t n = strlen(sql), i = 0;
	for (; i + 8 <= n; i += 8) {
		memcpy(&w, sql + i, 8);
		h = (h ^ w) * 1099511628211ull;
		h ^= h >> 29;
	}
	for (; i < n; i++)
		h = (h ^ (unsigned char)sql[i]) * 1099511628211ull;
	return h;
}

/* The cache slot of sql: a free one, or the least recently used idle one when all are taken
 * (a server runs more distinct statements than the cache holds; the hot ones stay). */
static struct cached *cache_slot(sq_db *d)
{
	if (d->ncache < STMT_CACHE)
		return &d->cache[d->ncache++];
	struct cached *old = NULL;
	for (int i = 0; i < d->ncache; i++)
		if (!d->cache[i].busy && (!old || d->cache[i].used < old->used))
			old = &d->cache[i];
	if (old) {
		sqlite3_finalize(old->st);
		free(old->sql);
		old->sql = NULL;
	}
	return old;
}

static int prepare(sq_db *d, const char *sql, const db_arg *args, int n, sqlite3_stmt **out, struct cached **oc)
{
	struct cached *c = NULL;
	uint64_t h = sql_hash(sql);
	for (int i = 0; i < d->ncache; i++) {
		if (d->cache[i].hash == h && !d->cache[i].busy && d->cache[i].sql && strcmp(d->cache[i].sql, sql) == 0) {
			c = &d->cache[i];
			break;
		}
	}
	sqlite3_stmt *st;
	if (c) {
		st = c->st;
	} else {
		int rc = sqlite3_prepare_v3(d->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
		if (rc != SQLITE_OK)
			return map_rc(rc);
		if ((c = cache_slot(d))) {
			c->sql = xstrdup(sql);
			c->hash = h;
			c->st = st;
		}
	}
	if (c)
		c->used = ++d->clock;
	for (int i = 0; i < n; i++) {
		int rc;
		switch (args[i].type) {
		case DB_T_INT: rc = sqlite3_bind_int64(st, i + 1, args[i].i); break;
		case DB_T_TEXT: rc = sqlite3_bind_text(st, i + 1, args[i].s, -1, SQLITE_TRANSIENT); break;
		default: rc = sqlite3_bind_null(st, i + 1); break;
		}
		if (rc != SQLITE_OK) {
			if (c) {
				sqlite3_reset(st);
				sqlite3_clear_bindings(st);
			} else {
				sqlite3_finalize(st);
			}
			return map_rc(rc);
		}
	}
	if (c)
		c->busy = 1;
	*out = st;
	*oc = c;
	return DB_OK;
}

static void release(sqlite3_stmt *st, struct cached *c)
{
	db_thread_steps_add(sqlite3_stmt_status(st, SQLITE_STMTSTATUS_VM_STEP, 1));
	if (c) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		c->busy = 0;
	} else {
		sqlite3_finalize(st);
	}
}

static int sq_exec(db *base, const char *sql, const db_arg *args, int n, int64_t *changes)
{
	sq_db *d = (sq_db *)base;
	sqlite3_stmt *st;
	struct cached *c;
	int rc = prepare(d, sql, args, n, &st, &c);
	if (rc != DB_OK)
		return rc;
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW)
		;
	rc = map_rc(s);
	if (changes)
		*changes = sqlite3_changes64(d->h);
	release(st, c);
	return rc;
}

static int sq_query(db *base, const char *sql, const db_arg *args, int n, db_res **out)
{
	sq_db *d = (sq_db *)base;
	sqlite3_stmt *st;
	struct cached *c;
	int rc = prepare(d, sql, args, n, &st, &c);
	if (rc != DB_OK)
		return rc;
	sq_res *r = xcalloc(1, sizeof *r);
	r->base.ops = &sq_ops;
	r->d = d;
	r->st = st;
	r->c = c;
	*out = (db_res *)r;
	return DB_OK;
}

static int sq_next(db_res *res)
{
	sq_res *r = (sq_res *)res;
	int s = sqlite3_step(r->st);
	if (s == SQLITE_ROW)
		return 1;
	if (s == SQLITE_DONE)
		return 0;
	return map_rc(s) == DB_OK ? DB_ERROR : map_rc(s);
}

static int sq_is_null(db_res *res, int col) { return sqlite3_column_type(((sq_res *)res)->st, col) == SQLITE_NULL; }
static int64_t sq_int(db_res *res, int col) { return sqlite3_column_int64(((sq_res *)res)->st, col); }

static const char *sq_text(db_res *res, int col)
{
	const unsigned char *t = sqlite3_column_text(((sq_res *)res)->st, col);
	return t ? (const char *)t : "";
}

static int sq_ncols(db_res *res) { return sqlite3_column_count(((sq_res *)res)->st); }

static const char *sq_colname(db_res *res, int col)
{
	const char *n = sqlite3_column_name(((sq_res *)res)->st, col);
	return n ? n : "";
}

static void sq_res_free(db_res *res)
{
	sq_res *r = (sq_res *)res;
	release(r->st, r->c);
	free(r);
}

static int sq_exec_script(db *base, const char *sql)
{
	sq_db *d = (sq_db *)base;
	return map_rc(sqlite3_exec(d->h, sql, NULL, NULL, NULL));
}

static void release_write(sq_db *d)
{
	if (d->holds_write && sqlite3_get_autocommit(d->h)) {
		d->holds_write = 0;
		pthread_mutex_unlock(&write_mu);
	}
}

static int sq_begin(db *base, int write)
{
	sq_db *d = (sq_db *)base;
	if (write && !d->holds_write) {
		pthread_mutex_lock(&write_mu);
		d->holds_write = 1;
	}
	/* prepared once (the statement cache), not parsed again by sqlite3_exec every time */
	int rc = sq_exec(base, write ? "BEGIN IMMEDIATE" : "BEGIN", NULL, 0, NULL);
	if (rc != DB_OK)
		release_write(d);
	return rc;
}

static int sq_commit(db *base)
{
	sq_db *d = (sq_db *)base;
	int rc = sq_exec(base, "COMMIT", NULL, 0, NULL);
	if (rc != DB_OK) {
		/* A failed commit of a write is not retried silently: the caller reports it. */
		if (!sqlite3_get_autocommit(d->h))
			sqlite3_exec(d->h, "ROLLBACK", NULL, NULL, NULL);
	}
	release_write(d);
	return rc;
}

static int sq_rollback(db *base)
{
	sq_db *d = (sq_db *)base;
	int rc = DB_OK;
	if (!sqlite3_get_autocommit(d->h))
		rc = sq_exec(base, "ROLLBACK", NULL, 0, NULL);
	release_write(d);
	return rc;
}

static int sq_backup(db *base, const char *dest)
{
	sq_db *d = (sq_db *)base;
	sqlite3 *out;
	if (sqlite3_open_v2(dest, &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		sqlite3_close(out);
		return DB_ERROR;
	}
	sqlite3_backup *b = sqlite3_backup_init(out, "main", d->h, "main");
	int rc = DB_ERROR;
	if (b) {
		int s;
		while ((s = sqlite3_backup_step(b, 256)) == SQLITE_OK || s == SQLITE_BUSY || s == SQLITE_LOCKED)
			sqlite3_sleep(5);
		rc = s == SQLITE_DONE ? DB_OK : DB_ERROR;
		sqlite3_backup_finish(b);
	}
	if (rc == DB_OK)
		rc = map_rc(sqlite3_exec(out, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL));
	sqlite3_close(out);
	return rc;
}

static void sq_close(db *base)
{
	sq_db *d = (sq_db *)base;
	if (!sqlite3_get_autocommit(d->h))
		sqlite3_exec(d->h, "ROLLBACK", NULL, NULL, NULL);
	release_write(d);
	for (int i = 0; i < d->ncache; i++) {
		if (d->cache[i].sql)
			sqlite3_finalize(d->cache[i].st);
		free(d->cache[i].sql);
	}
	sqlite3_close(d->h);
	free(d);
}

static const char *sq_errmsg(db *base) { return sqlite3_errmsg(((sq_db *)base)->h); }

static const struct db_ops sq_ops = {
	.name = "sqlite",
	.dialect = DB_SQLITE,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.query = sq_query,
	.exec = sq_exec,
	.exec_script = sq_exec_script,
	.next = sq_next,
	.is_null = sq_is_null,
	.col_int = sq_int,
	.col_text = sq_text,
	.col_count = sq_ncols,
	.col_name = sq_colname,
	.res_free = sq_res_free,
	.backup = sq_backup,
	.close = sq_close,
	.errmsg = sq_errmsg,
};

/* No global memory statistics: with them every allocation of every connection takes one global
 * mutex, which server threads contended on. */
static void sq_global_init(void) { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

#if SQLITE_VERSION_NUMBER < DB_SQLITE_MIN_VERSION
#error "Frontline needs SQLite 3.35.0 or newer (UPDATE ... RETURNING)"
#endif

int db_sqlite_version_check(int number, char *err, unsigned long errlen)
{
	if (number >= DB_SQLITE_MIN_VERSION)
		return 0;
	snprintf(err, errlen, "SQLite %d.%d.%d is too old: Frontline needs %d.%d.%d or newer (for RETURNING); install a newer libsqlite3",
		 number / 1000000, number / 1000 % 1000, number % 1000, DB_SQLITE_MIN_VERSION / 1000000,
		 DB_SQLITE_MIN_VERSION / 1000 % 1000, DB_SQLITE_MIN_VERSION % 1000);
	return -1;
}

int db_sqlite_open(const char *path, db **out, char *err, unsigned long errlen)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	if (db_sqlite_version_check(sqlite3_libversion_number(), err, errlen) != 0)
		return DB_ERROR;
	pthread_once(&once, sq_global_init);
	sqlite3 *h;
	/* the log's frames gathered into one write per sync (store/walbuf.h), over the fault VFS when it is on */
	const char *vfs = walbuf_vfs_name();
	int rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
				 vfs ? vfs : faultvfs_name());
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", path, h ? sqlite3_errmsg(h) : "out of memory");
		sqlite3_close(h);
		return DB_ERROR;
	}
	sqlite3_busy_timeout(h, 10000);
	sqlite3_extended_result_codes(h, 1);
	/* secure_delete=FAST: Debian's SQLite zeroes every page it frees, one more page in the log
	 * each (82 -> 73.5 pages a case opening, mostly FTS5 segments merged away); FAST still
	 * overwrites deleted content on every page written anyway */
	const char *setup = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
			    "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-16000; PRAGMA secure_delete=FAST;";
	char *msg = NULL;
	if (sqlite3_exec(h, setup, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "cannot set up %s: %s", path, msg ? msg : "?");
		sqlite3_free(msg);
		sqlite3_close(h);
		return DB_ERROR;
	}
	(void)walbuf_enable(h); /* on only where every commit syncs: WAL and FULL, verified there */
	struct checkpointer *k = background_checkpoints ? checkpointer_for(path) : NULL;
	if (k)
		sqlite3_wal_hook(h, wal_hook, k); /* also turns SQLite's own checkpoint off here */
	sq_db *d = xcalloc(1, sizeof *d);
	d->base.ops = &sq_ops;
	d->h = h;
	*out = &d->base;
	return DB_OK;
}
