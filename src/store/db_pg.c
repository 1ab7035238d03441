/* PostgreSQL backend of the storage interface (libpq).
 *
 * - `?` placeholders become $1..$n (not inside quoted strings or identifiers).  A placeholder
 *   followed by IS [NOT] NULL becomes `$n::text` so PostgreSQL can type it.
 * - Statements are prepared once per connection and cached by (SQL, argument types).  Integers
 *   are declared int8; text and NULL are left for the server to infer from context; every value
 *   is sent in text format.
 * - SQLSTATE class 23 -> DB_CONSTRAINT; 40001, 40P01, 55P03 -> DB_RETRY; a lost connection, class 08
 *   and 57P01-57P03 -> DB_UNAVAILABLE; the rest -> DB_ERROR.  A lock held longer than lock_timeout
 *   (10 s, as SQLite's busy timeout) is 55P03: busy.
 * - Transactions are READ COMMITTED: writers guard transitions with conditional UPDATEs and the
 *   history chain heads (case_heads, org_heads) are locked by the appends (store/event.c).
 * - Booleans read as 1/0 and NULL reads as "" (as on SQLite).
 * - Deferred writes (db_defer_writes): inside a transaction, an INSERT, UPDATE or DELETE run with
 *   db_exec and no count asked for, whose statement is already prepared, is queued in libpq's
 *   pipeline mode and not waited for.  The next statement that waits (a query, a write asking for
 *   its count, BEGIN/COMMIT/ROLLBACK, a script) is sent behind the queue, and the queue's results
 *   are read with its own: one round trip for all of them.  The server runs them in order, so a
 *   read sees every queued write; a queued write's error is what the waiting statement returns (the
 *   transaction is aborted by it anyway, as it would have been at once).
 * - A transaction's BEGIN is not sent by db_begin: it is queued ahead of the transaction's first
 *   statement (one round trip for both), and a transaction that runs no statement costs none.
 * - Bulk loads (db_load_*) are COPY ... FROM STDIN in text format: a tab between values, a newline
 *   after each row, \N for NULL, and a backslash, tab, newline or carriage return inside a value
 *   written as \\, \t, \n, \r.  Rows are gathered and sent 64 KiB at a time. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/util.h"
#include "store/db.h"

#define BUCKETS 512
#define MAX_CACHED 2000
#define BOOLOID 16
#define INT8OID 20
/* pg_advisory_xact_lock key of the scheduler: "FLSCHED1" as a number. */
#define SCHED_LOCK_KEY 0x464c534348454431LL

struct stmt {
	char *key; /* type signature, '\n', SQL */
	char name[24];
	struct stmt *next;
};

typedef struct {
	struct db base;
	PGconn *c;
	struct stmt *buckets[BUCKETS];
	int nstmt, seq;
	int defer;   /* db_defer_writes is on */
	int piped;   /* in pipeline mode, `pending` results not read yet */
	int begin_owed; /* a transaction begun whose BEGIN is not sent yet (begin_queue) */
	int pending;
	char *load;  /* a bulk load's rows not sent yet (db_load_*, COPY's text format) */
	size_t load_len, load_cap;
	int load_failed; /* sending failed: db_load_end reports it */
	char err[512];
} pg_db;

typedef struct {
	struct db_res base; /* first: the interface's header (ops, sticky error) */
	pg_db *d;
	PGresult *r;
	int row, nrows;
} pg_res;

static const struct db_ops pg_ops;

static void set_err(pg_db *d, const char *msg)
{
	snprintf(d->err, sizeof d->err, "%s", msg && *msg ? msg : "unknown PostgreSQL error");
	size_t n = strlen(d->err);
	while (n && (d->err[n - 1] == '\n' || d->err[n - 1] == ' '))
		d->err[--n] = '\0';
}

/* Map a result to DB_OK / DB_CONSTRAINT / DB_RETRY / DB_ERROR, keeping the message. */
static int map_res(pg_db *d, PGresult *r)
{
	ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_EMPTY_QUERY)
		return DB_OK;
	set_err(d, r ? PQresultErrorMessage(r) : PQerrorMessage(d->c));
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	/* class 08 connection exception, 57P01-57P03 shutting down or starting up */
	if ((!state && PQstatus(d->c) != CONNECTION_OK) || (state && (!strncmp(state, "08", 2) || !strncmp(state, "57P0", 4))))
		return DB_UNAVAILABLE;
	if (!state)
		return DB_ERROR;
	if (strncmp(state, "23", 2) == 0)
		return DB_CONSTRAINT;
	if (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03"))
		return DB_RETRY;
	return DB_ERROR;
}

static unsigned hash_str(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static int is_space(char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'; }

static int starts_word(const char *p, const char *w)
{
	size_t n = strlen(w);
	return strncasecmp(p, w, n) == 0 && !((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') ||
					       (p[n] >= '0' && p[n] <= '9') || p[n] == '_');
}

/* After a placeholder: does "IS NULL" / "IS NOT NULL" follow? */
static int null_test_follows(const char *p)
{
	while (is_space(*p))
		p++;
	if (!starts_word(p, "IS"))
		return 0;
	p += 2;
	while (is_space(*p))
		p++;
	if (starts_word(p, "NOT")) {
		p += 3;
		while (is_space(*p))
			p++;
	}
	return starts_word(p, "NULL");
}

/* Translate `?` to $n outside quotes.  Returns a new string; *count gets the number of placeholders. */
char *db_pg_translate(const char *sql, int *count)
{
	size_t len = strlen(sql), o = 0, marks = 0;
	for (const char *q = sql; *q; q++)
		marks += *q == '?';
	size_t cap = len + marks * 16 + 1; /* "?" becomes at most "$NNNNNNNNN::text" */
	char *out = xmalloc(cap);
	int n = 0;
	char quote = 0;
	for (const char *p = sql; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0; /* a doubled quote closes and reopens: same result */
			out[o++] = *p;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
			out[o++] = *p;
		} else if (*p == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				out[o++] = *p++;
			if (!*p)
				break;
			out[o++] = *p;
		} else if (*p == '?') {
			n++;
			o += (size_t)snprintf(out + o, cap - o, null_test_follows(p + 1) ? "$%d::text" : "$%d", n);
		} else {
			out[o++] = *p;
		}
	}
	out[o] = '\0';
	if (count)
		*count = n;
	return out;
}

static void reset_cache(pg_db *d)
{
	for (int i = 0; i < BUCKETS; i++) {
		struct stmt *s = d->buckets[i], *nx;
		for (; s; s = nx) {
			nx = s->next;
			free(s->key);
			free(s);
		}
		d->buckets[i] = NULL;
	}
	d->nstmt = 0;
}

/* Reconnect a broken connection (only outside a transaction; prepared statements are gone). */
static void heal(pg_db *d)
{
	if (PQstatus(d->c) == CONNECTION_OK)
		return;
	PQreset(d->c);
	reset_cache(d);
}

/* Most statements a pipeline holds before it is read: the server's answers to them wait in the
 * socket's buffers meanwhile. */
#define PIPE_MAX 256

/* Read every queued result and the sync that ends them, and leave pipeline mode.  Returns the
 * first queued statement's error (message in d->err), else DB_OK; with last != NULL, the last
 * queued statement's result is given to the caller there (NULL when none came) instead of being
 * cleared. */
static int pipe_sync(pg_db *d, PGresult **last)
{
	int rc = DB_OK;
	if (last)
		*last = NULL;
	if (!d->piped)
		return DB_OK;
	if (!PQpipelineSync(d->c)) {
		set_err(d, PQerrorMessage(d->c));
		rc = PQstatus(d->c) == CONNECTION_OK ? DB_ERROR : DB_UNAVAILABLE;
	}
	for (int i = 0; rc == DB_OK && i < d->pending; i++) {
		PGresult *r = PQgetResult(d->c);
		int mrc;
		if (!r) {
			set_err(d, PQerrorMessage(d->c));
			mrc = PQstatus(d->c) == CONNECTION_OK ? DB_ERROR : DB_UNAVAILABLE;
		} else {
			mrc = map_res(d, r);
		}
		for (PGresult *end; r && (end = PQgetResult(d->c));) /* each statement's results end with NULL */
			PQclear(end);
		if (last && i == d->pending - 1)
			*last = r;
		else
			PQclear(r);
		rc = mrc;
	}
	/* up to the sync (after an error, past the statements behind it: PGRES_PIPELINE_ABORTED, each
	 * with its NULL) */
	for (int left = 2 * d->pending + 2; left > 0 && PQstatus(d->c) == CONNECTION_OK; left--) {
		PGresult *r = PQgetResult(d->c);
		ExecStatusType st = r ? PQresultStatus(r) : PGRES_EMPTY_QUERY;
		PQclear(r);
		if (st == PGRES_PIPELINE_SYNC)
			break;
	}
	PQexitPipelineMode(d->c);
	d->piped = d->pending = 0;
	return rc;
}

/* Queue prepared statement s in the pipeline (entered if need be); s NULL: the transaction's BEGIN. */
static int pipe_send(pg_db *d, const struct stmt *s, int n, const char *const *vals)
{
	if (!d->piped) {
		if (!PQenterPipelineMode(d->c)) {
			set_err(d, PQerrorMessage(d->c));
			return DB_ERROR;
		}
		d->piped = 1;
	}
	if (!(s ? PQsendQueryPrepared(d->c, s->name, n, vals, NULL, NULL, 0) : PQsendQueryParams(d->c, "BEGIN", 0, NULL, NULL, NULL, NULL, 0))) {
		set_err(d, PQerrorMessage(d->c));
		return PQstatus(d->c) == CONNECTION_OK ? DB_ERROR : DB_UNAVAILABLE;
	}
	d->pending++;
	return DB_OK;
}

/* A transaction's BEGIN goes to the server with its first statement, queued ahead of it in the
 * pipeline: no round trip of its own, and none at all for a transaction that runs no statement.
 * Under READ COMMITTED each statement takes its own snapshot, so a transaction that starts at its
 * first statement sees what one started earlier would. */
static int begin_queue(pg_db *d)
{
	if (!d->begin_owed)
		return DB_OK;
	d->begin_owed = 0;
	return pipe_send(d, NULL, 0, NULL);
}

/* Prepared statement s through the pipeline: a queued write (queue) returns at once, DB_OK and *out
 * NULL, until the queue is full; any other statement goes behind what is queued (the transaction's
 * BEGIN, deferred writes) and is read with it: one round trip for all. */
static int pipe_run(pg_db *d, const struct stmt *s, int n, const char *const *vals, int queue, PGresult **out)
{
	int rc = pipe_send(d, s, n, vals);
	if (rc != DB_OK) {
		PGresult *ignored;
		pipe_sync(d, &ignored);
		PQclear(ignored);
		return rc;
	}
	if (queue && d->pending < PIPE_MAX)
		return DB_OK;
	rc = pipe_sync(d, out);
	return rc != DB_OK ? rc : map_res(d, *out);
}

/* A write that may be queued: INSERT, UPDATE or DELETE (never a savepoint or a lock). */
static int deferrable(const char *sql)
{
	while (is_space(*sql))
		sql++;
	return starts_word(sql, "INSERT") || starts_word(sql, "UPDATE") || starts_word(sql, "DELETE");
}

/* The arguments as libpq takes them: values as text (numbers printed into nums), their types (int8
 * or unknown) and sig, one letter per argument ('i' or 't'), which keys the prepared statement. */
static void bind_args(const db_arg *args, int n, char *sig, Oid *types, const char **vals, char (*nums)[24])
{
	for (int i = 0; i < n; i++) {
		vals[i] = NULL;
		types[i] = 0;
		sig[i] = 't';
		if (args[i].type == DB_T_INT) {
			snprintf(nums[i], sizeof nums[i], "%lld", (long long)args[i].i);
			vals[i] = nums[i];
			types[i] = INT8OID;
			sig[i] = 'i';
		} else if (args[i].type == DB_T_TEXT) {
			vals[i] = args[i].s;
		}
	}
	sig[n] = '\0';
}

/* run() with its n arguments bound (bind_args). */
static int run_bound(pg_db *d, const char *sql, int n, PGresult **out, int may_defer, const char *sig, const Oid *types,
		     const char *const *vals)
{
	int brc = begin_queue(d);
	if (brc != DB_OK)
		return brc;
	char *key = xasprintf("%s\n%s", sig, sql);
	unsigned b = hash_str(key) % BUCKETS;
	struct stmt *s = d->buckets[b];
	while (s && strcmp(s->key, key) != 0)
		s = s->next;
	int count = 0, rc;
	PGresult *r;
	int queue = may_defer && d->defer && deferrable(sql);
	if (s && d->base.in_tx && (queue || d->piped)) {
		free(key);
		return pipe_run(d, s, n, vals, queue, out);
	}
	if (d->piped && (rc = pipe_sync(d, NULL)) != DB_OK) {
		free(key);
		return rc;
	}
	if (!s) {
		char *text = db_pg_translate(sql, &count);
		if (count != n) {
			snprintf(d->err, sizeof d->err, "statement has %d placeholders but %d arguments", count, n);
			free(text);
			free(key);
			return DB_ERROR;
		}
		if (d->nstmt >= MAX_CACHED) {
			r = PQexecParams(d->c, text, n, types, vals, NULL, NULL, 0);
			free(text);
			free(key);
			*out = r;
			return map_res(d, r);
		}
		s = xcalloc(1, sizeof *s);
		s->key = key;
		key = NULL;
		snprintf(s->name, sizeof s->name, "fl%d", ++d->seq);
		r = PQprepare(d->c, s->name, text, n, types);
		free(text);
		rc = map_res(d, r);
		PQclear(r);
		if (rc != DB_OK) {
			free(s->key);
			free(s);
			return rc;
		}
		s->next = d->buckets[b];
		d->buckets[b] = s;
		d->nstmt++;
	}
	free(key);
	r = PQexecPrepared(d->c, s->name, n, vals, NULL, NULL, 0);
	*out = r;
	return map_res(d, r);
}

/* Arguments bound on the stack up to this many, in memory of their own beyond (up to DB_MAX_ARGS). */
#define STACK_ARGS 200

/* Run a statement with arguments; returns the PGresult (caller clears) and the mapped code.  With
 * may_defer, a prepared write inside a transaction with deferred writes on is queued instead:
 * DB_OK and *out NULL. */
static int run(pg_db *d, const char *sql, const db_arg *args, int n, PGresult **out, int may_defer)
{
	*out = NULL;
	if (n > DB_MAX_ARGS) {
		set_err(d, "too many arguments");
		return DB_ERROR;
	}
	char sig_s[STACK_ARGS + 1], nums_s[STACK_ARGS][24];
	Oid types_s[STACK_ARGS];
	const char *vals_s[STACK_ARGS];
	int big = n > STACK_ARGS;
	char *sig = big ? xmalloc((size_t)n + 1) : sig_s;
	char(*nums)[24] = big ? xmalloc((size_t)n * sizeof *nums) : nums_s;
	Oid *types = big ? xmalloc((size_t)n * sizeof *types) : types_s;
	const char **vals = big ? xmalloc((size_t)n * sizeof *vals) : vals_s;
	bind_args(args, n, sig, types, vals, nums);
	int rc = run_bound(d, sql, n, out, may_defer, sig, types, vals);
	if (big) {
		free(sig);
		free(nums);
		free(types);
		free(vals);
	}
	return rc;
}

/* A statement that failed because the connection broke (database restarted since the last use) is
 * run again once on a new connection when nothing can have come of it: a read outside a
 * transaction, or a transaction's first statement (sent with its BEGIN: whatever reached the
 * server was never committed).  Other writes are not: whether one committed before the break is
 * unknown, so its failure is reported. */
static int run_healing(db *base, const char *sql, const db_arg *args, int n, PGresult **r, int may_defer)
{
	pg_db *d = (pg_db *)base;
	if (!base->in_tx)
		heal(d);
	int first = base->in_tx && d->begin_owed;
	int rc = run(d, sql, args, n, r, may_defer);
	if (rc != DB_OK && PQstatus(d->c) != CONNECTION_OK && (first || (!base->in_tx && strncasecmp(sql, "SELECT", 6) == 0))) {
		PQclear(*r);
		heal(d);
		d->begin_owed = first;
		rc = run(d, sql, args, n, r, may_defer);
	}
	return rc;
}

static int pg_exec(db *base, const char *sql, const db_arg *args, int n, int64_t *changes)
{
	PGresult *r;
	int rc = run_healing(base, sql, args, n, &r, changes == NULL);
	if (changes)
		*changes = rc == DB_OK && r ? strtoll(PQcmdTuples(r), NULL, 10) : 0;
	PQclear(r);
	return rc;
}

static int pg_query(db *base, const char *sql, const db_arg *args, int n, db_res **out)
{
	pg_db *d = (pg_db *)base;
	PGresult *r;
	int rc = run_healing(base, sql, args, n, &r, 0);
	if (rc != DB_OK) {
		PQclear(r);
		return rc;
	}
	pg_res *res = xcalloc(1, sizeof *res);
	res->base.ops = &pg_ops;
	res->d = d;
	res->r = r;
	res->row = -1;
	res->nrows = PQntuples(r);
	*out = (db_res *)res;
	return DB_OK;
}

static int pg_next(db_res *res)
{
	pg_res *r = (pg_res *)res;
	if (r->row + 1 >= r->nrows) {
		r->row = r->nrows;
		return 0;
	}
	r->row++;
	return 1;
}

static int valid(pg_res *r, int col) { return r->row >= 0 && r->row < r->nrows && col >= 0 && col < PQnfields(r->r); }

static int pg_is_null(db_res *res, int col)
{
	pg_res *r = (pg_res *)res;
	return !valid(r, col) || PQgetisnull(r->r, r->row, col);
}

static const char *pg_text(db_res *res, int col)
{
	pg_res *r = (pg_res *)res;
	if (!valid(r, col) || PQgetisnull(r->r, r->row, col))
		return "";
	const char *v = PQgetvalue(r->r, r->row, col);
	if (PQftype(r->r, col) == BOOLOID)
		return v[0] == 't' ? "1" : "0";
	return v;
}

static int64_t pg_int(db_res *res, int col)
{
	const char *v = pg_text(res, col);
	return strtoll(v, NULL, 10);
}

static int pg_ncols(db_res *res) { return PQnfields(((pg_res *)res)->r); }

static const char *pg_colname(db_res *res, int col)
{
	const char *n = PQfname(((pg_res *)res)->r, col);
	return n ? n : "";
}

static void pg_res_free(db_res *res)
{
	pg_res *r = (pg_res *)res;
	PQclear(r->r);
	free(r);
}

static int pg_exec_script(db *base, const char *sql)
{
	pg_db *d = (pg_db *)base;
	int rc = begin_queue(d);
	if (rc == DB_OK)
		rc = pipe_sync(d, NULL);
	if (rc != DB_OK)
		return rc;
	if (!base->in_tx)
		heal(d);
	/* PQexec runs every statement of a multi-statement string and returns the last result;
	 * an error stops it and is what comes back. */
	PGresult *r = PQexec(d->c, sql);
	rc = map_res(d, r);
	PQclear(r);
	return rc;
}

static int pg_begin(db *base, int write)
{
	pg_db *d = (pg_db *)base;
	heal(d);
	/* READ COMMITTED for both: each statement sees what is committed when it starts.  A read
	 * transaction is not READ ONLY: as on SQLite (deferred BEGIN) it may still write.  Its BEGIN
	 * goes with its first statement (begin_queue). */
	(void)write;
	d->begin_owed = 1;
	return DB_OK;
}

static int pg_commit(db *base)
{
	pg_db *d = (pg_db *)base;
	if (d->begin_owed) { /* no statement ran: nothing was begun */
		d->begin_owed = 0;
		return DB_OK;
	}
	int rc = pipe_sync(d, NULL);
	if (rc != DB_OK) { /* a queued write failed: the transaction is aborted */
		if (PQtransactionStatus(d->c) != PQTRANS_IDLE && PQtransactionStatus(d->c) != PQTRANS_UNKNOWN)
			PQclear(PQexec(d->c, "ROLLBACK"));
		return rc;
	}
	PGresult *r = PQexec(d->c, "COMMIT");
	rc = map_res(d, r);
	/* COMMIT of an aborted transaction "succeeds" as ROLLBACK: that is a failure for us. */
	if (rc == DB_OK && strcmp(PQcmdStatus(r), "COMMIT") != 0) {
		set_err(d, "the transaction was aborted by an earlier error and rolled back");
		rc = DB_ERROR;
	}
	PQclear(r);
	if (rc != DB_OK && PQtransactionStatus(d->c) != PQTRANS_IDLE && PQtransactionStatus(d->c) != PQTRANS_UNKNOWN)
		PQclear(PQexec(d->c, "ROLLBACK"));
	return rc;
}

static int pg_rollback(db *base)
{
	pg_db *d = (pg_db *)base;
	d->begin_owed = 0;
	pipe_sync(d, NULL); /* what was queued is thrown away with the rest */
	PGTransactionStatusType t = PQtransactionStatus(d->c);
	if (t == PQTRANS_IDLE || t == PQTRANS_UNKNOWN)
		return DB_OK;
	PGresult *r = PQexec(d->c, "ROLLBACK");
	int rc = map_res(d, r);
	PQclear(r);
	return rc;
}

static int pg_defer_writes(db *base, int on)
{
	pg_db *d = (pg_db *)base;
	d->defer = on;
	return on ? DB_OK : pipe_sync(d, NULL);
}

/* --- bulk loads: COPY ... FROM STDIN --- */

#define LOAD_CHUNK 65536

static int pg_load_begin(db *base, const char *table, const char *cols)
{
	pg_db *d = (pg_db *)base;
	int rc = begin_queue(d);
	if (rc == DB_OK)
		rc = pipe_sync(d, NULL);
	if (rc != DB_OK)
		return rc;
	char *sql = xasprintf("COPY %s (%s) FROM STDIN", table, cols);
	PGresult *r = PQexec(d->c, sql);
	free(sql);
	if (PQresultStatus(r) == PGRES_COPY_IN) {
		PQclear(r);
		d->load_len = 0;
		d->load_failed = 0;
		return DB_OK;
	}
	rc = map_res(d, r);
	PQclear(r);
	return rc != DB_OK ? rc : DB_ERROR;
}

/* Send what is gathered.  A failure to send is kept for pg_load_end, which reports it. */
static int load_send(pg_db *d)
{
	if (d->load_failed || d->load_len == 0)
		return d->load_failed;
	if (PQputCopyData(d->c, d->load, (int)d->load_len) != 1) {
		set_err(d, PQerrorMessage(d->c));
		d->load_failed = PQstatus(d->c) == CONNECTION_OK ? DB_ERROR : DB_UNAVAILABLE;
	}
	d->load_len = 0;
	return d->load_failed;
}

static void load_put(pg_db *d, const char *s, size_t n) { xappend(&d->load, &d->load_len, &d->load_cap, LOAD_CHUNK * 2, s, n); }

static int pg_load_row(db *base, const db_arg *vals, int n)
{
	pg_db *d = (pg_db *)base;
	for (int i = 0; i < n; i++) {
		if (i)
			load_put(d, "\t", 1);
		if (vals[i].type == DB_T_NULL) {
			load_put(d, "\\N", 2);
		} else if (vals[i].type == DB_T_INT) {
			char num[24];
			load_put(d, num, (size_t)snprintf(num, sizeof num, "%lld", (long long)vals[i].i));
		} else {
			const char *s = vals[i].s, *run = s;
			for (; *s; s++) {
				const char *esc = *s == '\\' ? "\\\\" : *s == '\t' ? "\\t" : *s == '\n' ? "\\n" : *s == '\r' ? "\\r" : NULL;
				if (!esc)
					continue;
				load_put(d, run, (size_t)(s - run));
				load_put(d, esc, 2);
				run = s + 1;
			}
			load_put(d, run, (size_t)(s - run));
		}
	}
	load_put(d, "\n", 1);
	return d->load_len >= LOAD_CHUNK ? load_send(d) : d->load_failed;
}

static int pg_load_end(db *base, int cancel, int64_t *rows)
{
	pg_db *d = (pg_db *)base;
	int rc = cancel ? DB_OK : load_send(d);
	d->load_len = 0;
	if (PQputCopyEnd(d->c, cancel || rc != DB_OK ? "the load was cancelled" : NULL) != 1 && rc == DB_OK) {
		set_err(d, PQerrorMessage(d->c));
		rc = PQstatus(d->c) == CONNECTION_OK ? DB_ERROR : DB_UNAVAILABLE;
	}
	PGresult *r = PQgetResult(d->c);
	if (rc == DB_OK) /* else the failure to send is the message to keep */
		rc = map_res(d, r);
	if (rows)
		*rows = rc == DB_OK && r ? strtoll(PQcmdTuples(r), NULL, 10) : 0;
	PQclear(r);
	for (PGresult *more; (more = PQgetResult(d->c));)
		PQclear(more);
	return rc;
}

static int pg_lock_scheduler(db *base)
{
	return pg_exec(base, "SELECT pg_advisory_xact_lock(?)", DB_ARGS(DB_INT(SCHED_LOCK_KEY)), NULL);
}

static int pg_backup(db *base, const char *dest)
{
	pg_db *d = (pg_db *)base;
	(void)dest;
	set_err(d, "backup is not supported on PostgreSQL: use pg_dump (or continuous archiving / PITR); "
		   "see docs/OPERATIONS.md");
	return DB_ERROR;
}

static void pg_close(db *base)
{
	pg_db *d = (pg_db *)base;
	reset_cache(d);
	free(d->load);
	PQfinish(d->c);
	free(d);
}

static const char *pg_errmsg(db *base)
{
	pg_db *d = (pg_db *)base;
	return d->err[0] ? d->err : PQerrorMessage(d->c);
}

static const struct db_ops pg_ops = {
	.name = "postgres",
	.dialect = DB_POSTGRES,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.query = pg_query,
	.exec = pg_exec,
	.exec_script = pg_exec_script,
	.next = pg_next,
	.is_null = pg_is_null,
	.col_int = pg_int,
	.col_text = pg_text,
	.col_count = pg_ncols,
	.col_name = pg_colname,
	.res_free = pg_res_free,
	.backup = pg_backup,
	.close = pg_close,
	.errmsg = pg_errmsg,
	.lock_scheduler = pg_lock_scheduler,
	.defer_writes = pg_defer_writes,
	.load_begin = pg_load_begin,
	.load_row = pg_load_row,
	.load_end = pg_load_end,
};

static void quiet(void *arg, const PGresult *r)
{
	(void)arg;
	(void)r;
}

int db_pg_open(const char *conninfo, db **out, char *err, unsigned long errlen)
{
	PGconn *c = PQconnectdb(conninfo);
	if (!c || PQstatus(c) != CONNECTION_OK) {
		snprintf(err, errlen, "cannot connect to PostgreSQL: %s", c ? PQerrorMessage(c) : "out of memory");
		size_t n = strlen(err);
		while (n && err[n - 1] == '\n')
			err[--n] = '\0';
		PQfinish(c);
		return DB_ERROR;
	}
	PQsetNoticeReceiver(c, quiet, NULL);
	PGresult *r = PQexec(c, "SET client_encoding = 'UTF8'; SET synchronous_commit = on; "
				"SET default_transaction_isolation = 'read committed'; SET lock_timeout = '10s'");
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	if (!ok) {
		snprintf(err, errlen, "cannot set up the PostgreSQL session: %s", PQerrorMessage(c));
		PQfinish(c);
		return DB_ERROR;
	}
	pg_db *d = xcalloc(1, sizeof *d);
	d->base.ops = &pg_ops;
	d->c = c;
	*out = &d->base;
	return DB_OK;
}
