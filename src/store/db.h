#ifndef FL_DB_H
#define FL_DB_H
/* Storage interface.  Everything above this header speaks portable SQL with `?` placeholders
 * through these functions; each backend (db_sqlite.c, db_pg.c) translates and keeps its own
 * types and calls to itself.  No SQLite or libpq type appears outside its backend file.
 *
 * A `db` is one connection, used by one thread at a time.  Writes happen inside
 * db_begin(db, 1) ... db_commit(db); db_commit returning DB_OK means the transaction is durable.
 * Dialect differences that SQL text can't hide are asked of the backend through db_dialect(). */
#include <stdint.h>

enum {
	DB_OK = 0,
	DB_ERROR = -1,      /* anything else; message in db_errmsg() */
	DB_CONSTRAINT = -2, /* unique / foreign key / check violation */
	DB_RETRY = -3,      /* busy, deadlock or serialization failure: roll back and run the transaction again */
	DB_UNAVAILABLE = -4, /* the database cannot be reached (connection lost, server restarting): the
			      * outcome of a commit in flight is unknown, so it is not retried blindly */
};

enum db_type { DB_T_NULL, DB_T_INT, DB_T_TEXT };

typedef struct db_arg {
	enum db_type type;
	int64_t i;
	const char *s; /* borrowed for the duration of the call */
} db_arg;

#define DB_INT(x) ((db_arg){DB_T_INT, (int64_t)(x), 0})
/* Text argument; a NULL pointer binds SQL NULL. */
static inline db_arg DB_TXT(const char *s)
{
	return (db_arg){s ? DB_T_TEXT : DB_T_NULL, 0, s};
}
#define DB_NULL ((db_arg){DB_T_NULL, 0, 0})
/* DB_ARGS(a, b, c) expands to "array, count" for the functions below. */
#define DB_ARGS(...) ((db_arg[]){__VA_ARGS__}), (int)(sizeof((db_arg[]){__VA_ARGS__}) / sizeof(db_arg))
#define DB_NOARGS NULL, 0

typedef struct db db;
typedef struct db_res db_res;

#define DB_MUST_CHECK __attribute__((warn_unused_result))

enum db_dialect { DB_SQLITE, DB_POSTGRES };

struct db_ops {
	const char *name;
	enum db_dialect dialect;
	int (*begin)(db *d, int write);
	int (*commit)(db *d);
	int (*rollback)(db *d);
	int (*query)(db *d, const char *sql, const db_arg *args, int n, db_res **out);
	int (*exec)(db *d, const char *sql, const db_arg *args, int n, int64_t *changes);
	int (*exec_script)(db *d, const char *sql);
	int (*next)(db_res *r);
	int (*is_null)(db_res *r, int col);
	int64_t (*col_int)(db_res *r, int col);
	const char *(*col_text)(db_res *r, int col);
	int (*col_count)(db_res *r);
	const char *(*col_name)(db_res *r, int col);
	void (*res_free)(db_res *r);
	int (*backup)(db *d, const char *dest);
	void (*close)(db *d);
	const char *(*errmsg)(db *d);
	/* Serialize scheduler passes across processes sharing the database (NULL: nothing to do). */
	int (*lock_scheduler)(db *d);
	/* db_defer_begin (on 1) and db_defer_end (on 0) (NULL: nothing to do) */
	int (*defer_writes)(db *d, int on);
	/* A bulk load (db_load_begin; NULL: one INSERT per row): start one into `table` (cols is the
	 * column list, "a, b, c"), send a row, end it (cancel != 0: fail it on purpose). */
	int (*load_begin)(db *d, const char *table, const char *cols);
	int (*load_row)(db *d, const db_arg *vals, int n);
	int (*load_end)(db *d, int cancel, int64_t *rows);
};

typedef int (*db_send_fn)(struct db *d);

struct db {
	const struct db_ops *ops;
	int in_tx;
	int in_write; /* the transaction was begun for writing (db_commit flushes the search documents) */
	db_send_fn held; /* db_hold: sends the rows kept back before the next statement (NULL: none) */
};

/* Every backend's result begins with this header; db_next() keeps the first error in err. */
struct db_res {
	const struct db_ops *ops;
	int err; /* DB_OK, or the first error a db_next() returned (sticky) */
};

/* Open "sqlite:PATH", "postgres://..." / "postgresql://...", or a plain PATH (SQLite).
 * Returns DB_OK and *out, or DB_ERROR with a message in err. */
int db_open(const char *url, db **out, char *err, unsigned long errlen);
void db_close(db *d);
const char *db_errmsg(db *d);
enum db_dialect db_dialect(db *d);

int db_begin(db *d, int write);
/* 1 when the statements of a transaction read one snapshot (SQLite), 0 when each statement reads
 * its own (PostgreSQL: READ COMMITTED): there a reader that needs no more than that skips the
 * transaction, which would only cost two round trips. */
int db_tx_snapshot(db *d);
int db_commit(db *d);
int db_rollback(db *d); /* safe to call when no transaction is open */

/* The most arguments one statement takes, on both backends (SQLite's own limit is 32,766). */
#define DB_MAX_ARGS 2000

/* Run a statement; *changes (may be NULL) gets the number of rows changed.
 * Returns DB_OK, or DB_CONSTRAINT / DB_RETRY / DB_ERROR: pass the code on (svc_db_err) so the caller
 * learns its kind. */
int db_exec(db *d, const char *sql, const db_arg *args, int n, int64_t *changes) DB_MUST_CHECK;
int db_exec_script(db *d, const char *sql);

/* Run a query.  Returns DB_OK and *out (a result the caller closes), or an error code (nothing to close).
 * Iterate with db_next(): 1 = a row is ready, 0 = done, <0 = error.  An error is sticky: every
 * later db_next() returns it again, and db_res_close() reports it, so the usual loop is
 *
 *	while (db_next(r) == 1)
 *		...;
 *	if ((rc = db_res_close(r)) != DB_OK)
 *		return svc_db_err(c, rc);
 *
 * Column values are valid until the next db_next() or until the result is closed. */
int db_query(db *d, const char *sql, const db_arg *args, int n, db_res **out) DB_MUST_CHECK;
int db_next(db_res *r);
int db_is_null(db_res *r, int col);
int64_t db_int(db_res *r, int col);
const char *db_text(db_res *r, int col); /* "" for NULL */
int db_col_count(db_res *r);
const char *db_col_name(db_res *r, int col); /* borrowed, valid while r lives */
/* Free r (NULL is fine) and return DB_OK if every db_next() on it ended normally (a row or the end),
 * else the first error one of them returned.  Its result must be checked: a loop that stops at the
 * first non-row can't tell the end from a failure without it. */
int db_res_close(db_res *r) DB_MUST_CHECK;
/* Free r (NULL is fine) without reporting.  Allowed only where no error can be lost: the caller is
 * already returning an error, or it has checked the return value of every db_next() it called on r
 * (e.g. it read one row with `rc = db_next(r)` and handles rc < 0). */
void db_res_discard(db_res *r);

/* Convenience: first column of the first row as integer (*found = 0 when no row, may be NULL).
 * Returns DB_OK or the error code; *out is untouched when there is no row. */
int db_scalar_int(db *d, const char *sql, const db_arg *args, int n, int64_t *out, int *found) DB_MUST_CHECK;

int db_backup(db *d, const char *dest);

/* How many statements the calling thread has sent through this interface since it started
 * (db_exec, db_query, db_exec_script, and BEGIN, COMMIT and ROLLBACK each count one).  The
 * difference over a piece of work is its statement count: the server reports it per request
 * (X-Statements, FRONTLINE_COUNT_STATEMENTS=1, http/api.c) so tests can pin it (tests/e2e/test_statement_counts.py). */
int64_t db_thread_statements(void);
/* Count n statements another thread sent on this one's behalf (the group-commit writer's share of
 * a request, store/tx.c). */
void db_thread_statements_credit(int64_t n);
/* How many virtual machine steps the calling thread's SQLite statements ran (SQLITE_STMTSTATUS_VM_STEP,
 * added as each statement is released: db_thread_steps_add, the SQLite backend's): about the rows
 * and index entries they visited, a count that no machine's speed moves.  A plan that walks a
 * table instead of seeking in it shows here (tests/e2e/test_statement_counts.py pins the scheduler
 * pass's).  Always 0 on PostgreSQL. */
int64_t db_thread_steps(void);
void db_thread_steps_add(int64_t n);

/* Inside a write transaction, before a scheduler pass: wait until no other process runs one.
 * PostgreSQL: pg_advisory_xact_lock (released at commit/rollback).  SQLite: nothing (BEGIN
 * IMMEDIATE already serializes writers). */
int db_lock_scheduler(db *d);

/* Deferred writes, for work that sends many small writes and handles none of their errors itself
 * (a scheduler pass).  From db_defer_begin to db_defer_end, inside a transaction, db_exec of an INSERT, UPDATE or DELETE with
 * changes == NULL may return DB_OK before the database has run it: PostgreSQL queues it (libpq's
 * pipeline mode) and sends it with the next statement that waits for an answer, so a run of writes
 * costs one round trip; the database runs everything in order, so every later read sees the write.
 * A queued write's error is returned by that next statement (db_query, db_exec asking for changes,
 * db_commit, ...) or by db_defer_end, which sends what is queued and returns its outcome (DB_OK
 * or the error code).  SQLite runs every statement at once: nothing to do. */
void db_defer_begin(db *d);
int db_defer_end(db *d) DB_MUST_CHECK;

/* Held rows, for a writer that gathers the rows of many small writes and sends them as one
 * multi-row statement (store/event.c's batch: a scheduler pass's history events).  After keeping a
 * row back, it calls db_hold(d, send): before the next statement of any kind goes to d (db_exec,
 * db_query, db_scalar_int, db_exec_script, db_begin, db_commit, db_defer_end, db_lock_scheduler,
 * db_load_begin, db_backup), send(d) runs once and sends what was kept, so the database runs every
 * statement in the order the work made it: the rows kept between two other statements go as one,
 * and every read sees them.  send's error is what that call returns (its own statement is then not
 * sent).  db_release(d) runs send now (DB_OK when nothing is held); db_hold(d, NULL) and
 * db_rollback drop the hold without sending (the writer forgets its rows itself). */
void db_hold(db *d, db_send_fn send);
int db_release(db *d) DB_MUST_CHECK;

/* Bulk load: many rows into one table, for copying a whole installation (store/copy.c).  Inside a
 * write transaction,
 *
 *	db_load *l;
 *	if ((rc = db_load_begin(d, "notes", cols, ncols, &l)) != DB_OK) ...;   (nothing to end)
 *	while (...) if ((rc = db_load_row(l, vals, ncols)) != DB_OK) break;
 *	rc = rc != DB_OK ? (db_load_cancel(l), rc) : db_load_end(l, &rows);
 *
 * cols are ncols column names (1 to DB_LOAD_MAX_COLS) the caller has checked to be plain
 * identifiers, as is table; each row is ncols text, integer or NULL values in that order, copied
 * before db_load_row returns.  db_load_end finishes the load, frees l and returns its outcome:
 * DB_OK and *rows (may be NULL) = rows loaded, or the error kind of the first row the database
 * refused (DB_CONSTRAINT for a duplicate key, DB_ERROR for a value of the wrong type, ...), with
 * its message in db_errmsg().  db_load_cancel frees l and leaves the transaction failed: roll it
 * back.  Triggers and constraints apply as for an INSERT.
 * PostgreSQL: COPY table (cols) FROM STDIN in text format, the rows streamed 64 KiB at a time
 * (PQputCopyData); a refused row's error comes from the server with db_load_end (a row already
 * sent is not checked at db_load_row, which fails only when the connection does); nothing else may
 * be sent on the connection from db_load_begin to db_load_end or db_load_cancel.  Counts as one
 * statement.  SQLite (no bulk load of its own): one prepared INSERT per row, each counted, its
 * error returned by db_load_row at once. */
#define DB_LOAD_MAX_COLS 200
typedef struct db_load db_load;
int db_load_begin(db *d, const char *table, const char *const *cols, int ncols, db_load **out) DB_MUST_CHECK;
int db_load_row(db_load *l, const db_arg *vals, int n) DB_MUST_CHECK;
int db_load_end(db_load *l, int64_t *rows) DB_MUST_CHECK;
void db_load_cancel(db_load *l);

/* SQLite: from now on, connections this process opens leave checkpoints to a background thread
 * (one per database file, with its own connection; PASSIVE, each time the log has grown by
 * DB_CHECKPOINT_FRAMES pages) instead of running one inside the COMMIT that crossed the threshold:
 * a write is acknowledged when its log reached the disk, never later because the pages are being
 * copied back.  A log still longer than DB_RESTART_FRAMES after such a checkpoint is checkpointed
 * whole (RESTART, holding writers back for that long) so that it starts again from its beginning:
 * a log that is always being written to never does by itself.  The server calls it; short
 * commands keep SQLite's own checkpoints.  PostgreSQL: nothing. */
#define DB_CHECKPOINT_FRAMES 8192
#define DB_RESTART_FRAMES 32768
void db_background_checkpoints(void);

/* Backend constructors (used by db_open).  db_sqlite_open refuses a SQLite library older than
 * DB_SQLITE_MIN_VERSION with db_sqlite_version_check's message. */
int db_sqlite_open(const char *path, db **out, char *err, unsigned long errlen);
int db_pg_open(const char *conninfo, db **out, char *err, unsigned long errlen);
/* The oldest SQLite library Frontline runs on, as sqlite3_libversion_number() counts: 3.35.0, the
 * first with UPDATE ... RETURNING (the history chain, case numbers and portal links use it). */
#define DB_SQLITE_MIN_VERSION 3035000
/* 0 when a SQLite library numbered `number` (X*1000000 + Y*1000 + Z) is new enough; otherwise -1
 * and a message in err naming that version and the minimum.  Exposed for unit tests. */
int db_sqlite_version_check(int number, char *err, unsigned long errlen);
/* The PostgreSQL backend's placeholder translation (`?` -> $n outside quotes); returns a new
 * string (caller frees), *count = number of placeholders.  Exposed for unit tests. */
char *db_pg_translate(const char *sql, int *count);

#endif
