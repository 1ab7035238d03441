#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "store/search.h"

/* Statements sent by this thread (db_thread_statements). */
static _Thread_local int64_t thread_statements;

/* SQLite virtual machine steps this thread's statements ran (db_thread_steps). */
static _Thread_local int64_t thread_steps;

int64_t db_thread_statements(void) { return thread_statements; }
void db_thread_statements_credit(int64_t n) { thread_statements += n; }
int64_t db_thread_steps(void) { return thread_steps; }
void db_thread_steps_add(int64_t n) { thread_steps += n; }

int db_open(const char *url, db **out, char *err, unsigned long errlen)
{
	if (!url || !*url) {
		snprintf(err, errlen, "no database given (--db PATH or FRONTLINE_DB)");
		return DB_ERROR;
	}
	if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0)
		return db_pg_open(url, out, err, errlen);
	if (strncmp(url, "sqlite:", 7) == 0)
		url += 7;
	return db_sqlite_open(url, out, err, errlen);
}

void db_close(db *d)
{
	if (d)
		d->ops->close(d);
}

const char *db_errmsg(db *d) { return d->ops->errmsg(d); }
enum db_dialect db_dialect(db *d) { return d->ops->dialect; }

void db_hold(db *d, db_send_fn send) { d->held = send; }

int db_release(db *d)
{
	db_send_fn send = d->held;
	d->held = NULL; /* what send sends is not held again */
	return send ? send(d) : DB_OK;
}

int db_begin(db *d, int write)
{
	int rc = db_release(d);
	if (rc != DB_OK)
		return rc;
	thread_statements++;
	rc = d->ops->begin(d, write);
	if (rc == DB_OK) {
		d->in_tx = 1;
		d->in_write = write;
	}
	return rc;
}

int db_tx_snapshot(db *d) { return d->ops->dialect == DB_SQLITE; }

int db_commit(db *d)
{
	int hrc = db_release(d);
	if (hrc != DB_OK) {
		db_rollback(d);
		return hrc;
	}
	if (d->in_write) {
		int frc = search_flush(d);
		if (frc != DB_OK) { /* nothing is committed without its search documents */
			db_rollback(d);
			return frc;
		}
	}
	thread_statements++;
	int rc = d->ops->commit(d);
	if (rc == DB_OK)
		d->in_tx = 0;
	return rc;
}

int db_rollback(db *d)
{
	d->held = NULL;
	if (!d->in_tx)
		return DB_OK;
	d->in_tx = 0;
	thread_statements++;
	return d->ops->rollback(d);
}

int db_exec(db *d, const char *sql, const db_arg *args, int n, int64_t *changes)
{
	int rc = db_release(d);
	if (rc != DB_OK)
		return rc;
	thread_statements++;
	return d->ops->exec(d, sql, args, n, changes);
}

int db_exec_script(db *d, const char *sql)
{
	int rc = db_release(d);
	if (rc != DB_OK)
		return rc;
	thread_statements++;
	return d->ops->exec_script(d, sql);
}

int db_query(db *d, const char *sql, const db_arg *args, int n, db_res **out)
{
	int rc = db_release(d);
	if (rc != DB_OK)
		return rc;
	thread_statements++;
	return d->ops->query(d, sql, args, n, out);
}

int db_next(db_res *r)
{
	if (r->err != DB_OK)
		return r->err;
	int rc = r->ops->next(r);
	if (rc < 0)
		r->err = rc;
	return rc;
}

int db_is_null(db_res *r, int col) { return r->ops->is_null(r, col); }
int64_t db_int(db_res *r, int col) { return r->ops->col_int(r, col); }
const char *db_text(db_res *r, int col) { return r->ops->col_text(r, col); }

int db_col_count(db_res *r) { return r->ops->col_count(r); }
const char *db_col_name(db_res *r, int col) { return r->ops->col_name(r, col); }

int db_res_close(db_res *r)
{
	if (!r)
		return DB_OK;
	int rc = r->err;
	r->ops->res_free(r);
	return rc;
}

void db_res_discard(db_res *r)
{
	if (r)
		r->ops->res_free(r);
}

int db_scalar_int(db *d, const char *sql, const db_arg *args, int n, int64_t *out, int *found)
{
	db_res *r;
	int rc = db_query(d, sql, args, n, &r);
	if (rc != DB_OK)
		return rc;
	rc = db_next(r);
	if (found)
		*found = rc == 1;
	if (rc == 1)
		*out = db_int(r, 0);
	return db_res_close(r);
}

int db_backup(db *d, const char *dest)
{
	if (!d->ops->backup)
		return DB_ERROR;
	int rc = db_release(d);
	if (rc != DB_OK)
		return rc;
	return d->ops->backup(d, dest);
}

void db_defer_begin(db *d)
{
	if (d->ops->defer_writes)
		(void)d->ops->defer_writes(d, 1); /* turning it on sends nothing */
}

int db_defer_end(db *d)
{
	int rc = db_release(d); /* its error stands, and deferring ends all the same */
	int end = d->ops->defer_writes ? d->ops->defer_writes(d, 0) : DB_OK;
	return rc != DB_OK ? rc : end;
}

int db_lock_scheduler(db *d)
{
	int rc = db_release(d);
	if (rc != DB_OK)
		return rc;
	return d->ops->lock_scheduler ? d->ops->lock_scheduler(d) : DB_OK;
}

/* A bulk load: the backend's own, or (insert != NULL) an INSERT per row through db_exec. */
struct db_load {
	db *d;
	char *insert;
	int ncols;
	int64_t rows;
};

int db_load_begin(db *d, const char *table, const char *const *cols, int ncols, db_load **out)
{
	*out = NULL;
	if (ncols < 1 || ncols > DB_LOAD_MAX_COLS)
		return DB_ERROR;
	char *list = NULL, *marks = NULL;
	size_t ll = 0, lc = 0, ml = 0, mc = 0;
	for (int i = 0; i < ncols; i++) {
		if (i) {
			xappend(&list, &ll, &lc, 256, ", ", 2);
			xappend(&marks, &ml, &mc, 64, ",", 1);
		}
		xappend(&list, &ll, &lc, 256, cols[i], strlen(cols[i]));
		xappend(&marks, &ml, &mc, 64, "?", 1);
	}
	db_load *l = xcalloc(1, sizeof *l);
	l->d = d;
	l->ncols = ncols;
	int rc = db_release(d);
	if (rc == DB_OK && d->ops->load_begin) {
		thread_statements++;
		rc = d->ops->load_begin(d, table, list);
	} else if (rc == DB_OK) {
		l->insert = xasprintf("INSERT INTO %s (%s) VALUES (%s)", table, list, marks);
	}
	free(list);
	free(marks);
	if (rc != DB_OK) {
		free(l);
		return rc;
	}
	*out = l;
	return DB_OK;
}

int db_load_row(db_load *l, const db_arg *vals, int n)
{
	if (n != l->ncols)
		return DB_ERROR;
	int rc = l->insert ? db_exec(l->d, l->insert, vals, n, NULL) : l->d->ops->load_row(l->d, vals, n);
	if (rc == DB_OK)
		l->rows++;
	return rc;
}

static int load_finish(db_load *l, int cancel, int64_t *rows)
{
	int rc = l->insert ? DB_OK : l->d->ops->load_end(l->d, cancel, rows);
	if (l->insert && rows)
		*rows = l->rows;
	free(l->insert);
	free(l);
	return rc;
}

int db_load_end(db_load *l, int64_t *rows) { return load_finish(l, 0, rows); }

void db_load_cancel(db_load *l) { (void)load_finish(l, 1, NULL); }
