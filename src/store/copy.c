#include "store/copy.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "store/event.h"
#include "store/migrate.h"

#define MAX_COLS DB_LOAD_MAX_COLS

/* A list of names (tables, columns, constraints, triggers), as long as the catalog's. */
struct names {
	char **v;
	int n;
	size_t cap;
};

static void names_add(struct names *t, const char *name)
{
	t->v = xgrow(t->v, (size_t)t->n, &t->cap, 32, sizeof *t->v);
	t->v[t->n++] = xstrdup(name);
}

static void names_free(struct names *t)
{
	for (int i = 0; i < t->n; i++)
		free(t->v[i]);
	free(t->v);
	*t = (struct names){0};
}

static int has(const struct names *t, const char *name)
{
	for (int i = 0; i < t->n; i++)
		if (!strcmp(t->v[i], name))
			return 1;
	return 0;
}

/* Tables in creation order.  SQLite: virtual tables (FTS5) are listed, their shadow tables
 * (NAME_data, NAME_idx, ...) are not - copying a virtual table's rows rebuilds them. */
static int list_tables(db *d, struct names *out)
{
	const char *sql = db_dialect(d) == DB_POSTGRES
				  ? "SELECT c.relname, 0 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
				    "WHERE c.relkind IN ('r','p') AND n.nspname = current_schema() ORDER BY c.oid"
				  : "SELECT name, sql LIKE 'CREATE VIRTUAL%' FROM sqlite_master WHERE type = 'table' "
				    "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid";
	db_res *r;
	struct names virt = {0};
	int rc = db_query(d, sql, DB_NOARGS, &r);
	if (rc != DB_OK)
		return rc;
	while ((rc = db_next(r)) == 1) {
		if (db_int(r, 1))
			names_add(&virt, db_text(r, 0));
		names_add(out, db_text(r, 0));
	}
	db_res_discard(r);
	int keep = 0;
	for (int i = 0; i < out->n; i++) {
		int shadow = 0;
		for (int j = 0; j < virt.n && !shadow; j++) {
			size_t l = strlen(virt.v[j]);
			shadow = strncmp(out->v[i], virt.v[j], l) == 0 && out->v[i][l] == '_';
		}
		if (shadow)
			free(out->v[i]);
		else
			out->v[keep++] = out->v[i];
	}
	out->n = keep;
	names_free(&virt);
	return rc < 0 ? rc : DB_OK;
}

static int identifier_ok(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

/* The columns of a table that can be written: PostgreSQL leaves out generated columns (such as
 * articles.search, the full-text vector), SQLite hidden and generated ones. */
static int list_columns(db *d, const char *table, struct names *out)
{
	const char *sql = db_dialect(d) == DB_POSTGRES
				  ? "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
				    "AND table_name = ? AND is_generated = 'NEVER' ORDER BY ordinal_position"
				  : "SELECT name FROM pragma_table_xinfo(?) WHERE hidden = 0 ORDER BY cid";
	db_res *r;
	int rc = db_query(d, sql, DB_ARGS(DB_TXT(table)), &r);
	if (rc != DB_OK)
		return rc;
	while ((rc = db_next(r)) == 1)
		names_add(out, db_text(r, 0));
	db_res_discard(r);
	return rc < 0 ? rc : DB_OK;
}

/* Read a table in batches: PostgreSQL would otherwise hold a whole table (events!) in memory;
 * a cursor in the source's snapshot transaction hands it over 5,000 rows at a time. */
static int open_batch(db *from, const char *select, int first, db_res **r)
{
	if (db_dialect(from) != DB_POSTGRES)
		return first ? db_query(from, select, DB_NOARGS, r) : DB_ERROR;
	if (first) {
		char *decl = xasprintf("DECLARE fl_copy NO SCROLL CURSOR FOR %s", select);
		int rc = db_exec_script(from, decl);
		free(decl);
		if (rc != DB_OK)
			return rc;
	}
	return db_query(from, "FETCH 5000 FROM fl_copy", DB_NOARGS, r);
}

/* Every row of the source's SELECT sel into the load (a PostgreSQL source's cursor batch by batch;
 * the caller closes the cursor).  Returns 0, or -1 with err filled. */
static int load_rows(db *from, db *to, const char *table, const char *sel, int ncol, db_load *load, char *err,
		     unsigned long errlen)
{
	db_arg args[MAX_COLS];
	db_res *r = NULL;
	int rc = open_batch(from, sel, 1, &r), cursor = db_dialect(from) == DB_POSTGRES;
	while (rc == DB_OK) {
		int got = 0;
		while ((rc = db_next(r)) == 1) {
			got++;
			for (int i = 0; i < ncol; i++)
				args[i] = db_is_null(r, i) ? DB_NULL : DB_TXT(db_text(r, i));
			if (db_load_row(load, args, ncol) != DB_OK) {
				snprintf(err, errlen, "writing %s: %s", table, db_errmsg(to));
				db_res_discard(r);
				return -1;
			}
		}
		db_res_discard(r);
		r = NULL;
		if (rc < 0)
			break;
		if (!got || !cursor)
			return 0;
		rc = open_batch(from, sel, 0, &r);
	}
	snprintf(err, errlen, "reading %s: %s", table, db_errmsg(from));
	return -1;
}

/* One table's rows, read in the source's order and written with the target's bulk load (COPY on
 * PostgreSQL, an INSERT per row on SQLite); *rows counts them. */
static int copy_table(db *from, db *to, const char *table, int64_t *rows, char *err, unsigned long errlen)
{
	struct names src = {0}, dst = {0};
	const char *cols[MAX_COLS];
	char *list = NULL, *sel = NULL;
	size_t ll = 0, lc = 0;
	int ncol = 0, res = -1, cursor = 0, rc;
	db_load *load = NULL;
	if (list_columns(from, table, &src) != DB_OK || list_columns(to, table, &dst) != DB_OK) {
		snprintf(err, errlen, "table %s: cannot list columns: %s / %s", table, db_errmsg(from), db_errmsg(to));
		goto done;
	}
	/* the columns both sides have and the target can write, in the source's order */
	for (int i = 0; i < src.n; i++) {
		if (!has(&dst, src.v[i]))
			continue;
		if (!identifier_ok(src.v[i]) || ncol >= MAX_COLS) {
			snprintf(err, errlen, "table %s: unexpected column %s", table, src.v[i]);
			goto done;
		}
		if (ncol)
			xappend(&list, &ll, &lc, 256, ", ", 2);
		xappend(&list, &ll, &lc, 256, src.v[i], strlen(src.v[i]));
		cols[ncol++] = src.v[i];
	}
	if (ncol == 0) {
		res = 0;
		goto done;
	}
	sel = xasprintf("SELECT %s FROM %s", list, table);
	cursor = db_dialect(from) == DB_POSTGRES;
	if (db_load_begin(to, table, cols, ncol, &load) != DB_OK) {
		snprintf(err, errlen, "writing %s: %s", table, db_errmsg(to));
		goto done;
	}
	if (load_rows(from, to, table, sel, ncol, load, err, errlen))
		goto done;
	int64_t n = 0;
	rc = db_load_end(load, &n);
	load = NULL;
	if (rc != DB_OK) {
		snprintf(err, errlen, "writing %s: %s", table, db_errmsg(to));
		goto done;
	}
	*rows += n;
	res = 0;
done:
	if (load)
		db_load_cancel(load);
	if (cursor)
		db_exec_script(from, "CLOSE fl_copy");
	names_free(&src);
	names_free(&dst);
	free(list);
	free(sel);
	return res;
}

/* Tables derived from others on one backend only, rebuilt on a target of that dialect when the
 * source has no such table: the knowledge search index on SQLite, the case search documents on
 * PostgreSQL (see store/search.c; the statements are the migrations' own first fills). */
static const struct derived {
	const char *table;
	enum db_dialect dialect;
	const char *rebuild;
} DERIVED[] = {
	{"articles_fts", DB_SQLITE,
	 "INSERT INTO articles_fts (title, body, tags, org_id, article_id) "
	 "SELECT a.title, a.body, COALESCE((SELECT group_concat(value, ' ') FROM json_each(a.tags)), ''), "
	 "a.org_id, a.id FROM articles a"},
	{"case_search", DB_POSTGRES,
	 "INSERT INTO case_search (org_id, case_id, head, body, phones) "
	 "SELECT org_id, case_id, head, body, phones FROM case_search_docs"},
	{NULL, DB_SQLITE, NULL},
};

/* Tables the target's triggers fill as the rows they derive from are copied (the case search
 * index, the report rollups of migrations 0012, 0029, 0030 and 0031, the case and organization versions
 * of 0024): never copied to a SQLite target, whose triggers rebuild them. */
static int kept_by_triggers(const char *table)
{
	static const char *const DERIVED_BY_TRIGGERS[] = {
		"cases_fts",	"cases_words",	"case_search_keys", "case_search",   "case_search_dirty", "breach_daily",
		"keeping_daily", "overdue_daily", "duty_daily",	    "intake_daily", "case_versions",	  "org_versions",
		"calibration_daily", NULL};
	for (const char *const *t = DERIVED_BY_TRIGGERS; *t; t++)
		if (!strcmp(table, *t))
			return 1;
	return 0;
}

/* PostgreSQL target: its triggers, off while the rows are loaded (on=0: every enabled trigger of
 * our tables, listed in *off) and back on (on=1: those in *off).  ALTER TABLE is transactional, so
 * a failed copy's rollback turns them back on too. */
static int pg_triggers(db *d, int on, struct names *off, char *err, unsigned long errlen)
{
	if (!on) {
		db_res *r;
		int rc = db_query(d,
				  "SELECT cl.relname || ' ' || t.tgname FROM pg_trigger t JOIN pg_class cl ON cl.oid = t.tgrelid "
				  "JOIN pg_namespace n ON n.oid = cl.relnamespace WHERE NOT t.tgisinternal AND t.tgenabled = 'O' "
				  "AND n.nspname = current_schema() ORDER BY cl.oid, t.oid",
				  DB_NOARGS, &r);
		if (rc == DB_OK) {
			while (db_next(r) == 1)
				names_add(off, db_text(r, 0));
			rc = db_res_close(r);
		}
		if (rc != DB_OK) {
			snprintf(err, errlen, "cannot list triggers: %s", db_errmsg(d));
			return -1;
		}
	}
	for (int i = 0; i < off->n; i++) {
		char *sp = strchr(off->v[i], ' ');
		if (!sp)
			continue;
		*sp = '\0';
		int ok = identifier_ok(off->v[i]) && identifier_ok(sp + 1);
		char *sql = ok ? xasprintf("ALTER TABLE %s %s TRIGGER %s", off->v[i], on ? "ENABLE" : "DISABLE", sp + 1) : NULL;
		*sp = ' ';
		if (!ok) {
			snprintf(err, errlen, "unexpected trigger name %s", off->v[i]);
			return -1;
		}
		int rc = db_exec_script(d, sql);
		if (rc != DB_OK)
			snprintf(err, errlen, "%s: %s", sql, db_errmsg(d));
		free(sql);
		if (rc != DB_OK)
			return -1;
	}
	return 0;
}

/* The source is at this binary's schema version, the target is migrated to it and holds no
 * organization.  Returns 0, or -1 with err filled. */
static int copy_check(db *from, db *to, char *err, unsigned long errlen)
{
	int vfrom = migrate_current(from);
	if (vfrom < 0) {
		snprintf(err, errlen, "cannot read the source's schema version: %s", db_errmsg(from));
		return -1;
	}
	if (vfrom != migrate_latest(from)) {
		snprintf(err, errlen, "the source is at schema version %d, this frontline at %d: run `frontline init` on it first",
			 vfrom, migrate_latest(from));
		return -1;
	}
	int applied, vto;
	if (migrate_up(to, &applied, &vto, err, errlen))
		return -1;
	if (vto != vfrom) {
		snprintf(err, errlen, "schema versions differ: source %d, target %d", vfrom, vto);
		return -1;
	}
	int64_t n = 0;
	int found;
	if (db_scalar_int(to, "SELECT COUNT(*) FROM orgs", DB_NOARGS, &n, &found) != DB_OK || n != 0) {
		snprintf(err, errlen, "the target must be empty (it holds %" PRId64 " organizations)", n);
		return -1;
	}
	return 0;
}

/* Inside the target's transaction: every table both sides have (not the migrations' own; on a
 * SQLite target not what its triggers keep); *rows counts the rows copied.  Returns 0, or -1 with
 * err filled. */
static int copy_tables(db *from, db *to, const struct names *src, const struct names *dst, int64_t *rows, char *err,
		       unsigned long errlen)
{
	int carry = db_dialect(to) == DB_POSTGRES; /* its triggers are off: what they keep is copied */
	for (int i = 0; i < src->n; i++) {
		if (!strcmp(src->v[i], "schema_migrations") || (!carry && kept_by_triggers(src->v[i])) || !has(dst, src->v[i]) ||
		    !identifier_ok(src->v[i]))
			continue;
		if (copy_table(from, to, src->v[i], rows, err, errlen))
			return -1;
	}
	return 0;
}

/* A table of the target's dialect the source lacks, rebuilt from the others (DERIVED). */
static int rebuilt(db *to, const struct names *src, const struct names *dst, const char *table)
{
	for (const struct derived *x = DERIVED; x->table; x++)
		if (!strcmp(x->table, table))
			return x->dialect == db_dialect(to) && !has(src, x->table) && has(dst, x->table);
	return 0;
}

static int rebuild_derived(db *to, const struct names *src, const struct names *dst, char *err, unsigned long errlen)
{
	for (const struct derived *x = DERIVED; x->table; x++) {
		if (!rebuilt(to, src, dst, x->table))
			continue;
		if (db_exec(to, x->rebuild, DB_NOARGS, NULL) != DB_OK) {
			snprintf(err, errlen, "rebuilding %s: %s", x->table, db_errmsg(to));
			return -1;
		}
	}
	return 0;
}

/* What the catalog lists of a kind of object dropped for the copy: per row its table, its name and
 * the statement (or clause) that makes it again. */
struct catalog {
	struct names table, name, def;
};

/* What a PostgreSQL target changes for the load and puts back: its enabled triggers, its foreign
 * keys, and its indexes that no constraint uses, dropped before the rows and made again after them
 * - one sort per index instead of an insertion per row, as pg_restore does. */
struct pg_target {
	struct names triggers;
	struct catalog idx, fk;
};

static void catalog_free(struct catalog *c)
{
	names_free(&c->table);
	names_free(&c->name);
	names_free(&c->def);
}

static void pg_target_free(struct pg_target *t)
{
	names_free(&t->triggers);
	catalog_free(&t->idx);
	catalog_free(&t->fk);
}

/* List into c what list_sql selects (table, name, definition), then drop each: a constraint of its
 * table, or an index. */
static int catalog_drop(db *d, struct catalog *c, const char *list_sql, int constraint, char *err, unsigned long errlen)
{
	const char *what = constraint ? "foreign key" : "index";
	db_res *r;
	int rc = db_query(d, list_sql, DB_NOARGS, &r);
	if (rc == DB_OK) {
		while (db_next(r) == 1) {
			names_add(&c->table, db_text(r, 0));
			names_add(&c->name, db_text(r, 1));
			names_add(&c->def, db_text(r, 2));
		}
		rc = db_res_close(r);
	}
	if (rc != DB_OK) {
		snprintf(err, errlen, "cannot list the %s definitions: %s", what, db_errmsg(d));
		return -1;
	}
	for (int i = 0; i < c->name.n; i++) {
		const char *table = c->table.v[i], *name = c->name.v[i];
		if (!identifier_ok(table) || !identifier_ok(name)) {
			snprintf(err, errlen, "unexpected %s %s.%s", what, table, name);
			return -1;
		}
		char *sql = constraint ? xasprintf("ALTER TABLE %s DROP CONSTRAINT %s", table, name) : xasprintf("DROP INDEX %s", name);
		rc = db_exec_script(d, sql);
		if (rc != DB_OK)
			snprintf(err, errlen, "%s: %s", sql, db_errmsg(d));
		free(sql);
		if (rc != DB_OK)
			return -1;
	}
	return 0;
}

/* The foreign keys, dropped before the rows (so no row order is needed: people.manager_id points
 * into its own table) and added again after them: each is checked by one query over its table
 * (PostgreSQL's initial check of a new foreign key), not row by row at commit. */
static int pg_drop_fks(db *d, struct pg_target *t, char *err, unsigned long errlen)
{
	return catalog_drop(d, &t->fk,
			    "SELECT cl.relname, co.conname, pg_get_constraintdef(co.oid) FROM pg_constraint co JOIN pg_class cl "
			    "ON cl.oid = co.conrelid JOIN pg_namespace n ON n.oid = cl.relnamespace WHERE co.contype = 'f' "
			    "AND n.nspname = current_schema() ORDER BY cl.oid, co.oid",
			    1, err, errlen);
}

static int pg_add_fks(db *d, struct pg_target *t, char *err, unsigned long errlen)
{
	for (int i = 0; i < t->fk.name.n; i++) {
		char *sql = xasprintf("ALTER TABLE %s ADD CONSTRAINT %s %s", t->fk.table.v[i], t->fk.name.v[i], t->fk.def.v[i]);
		int rc = db_exec_script(d, sql);
		if (rc != DB_OK)
			snprintf(err, errlen, "foreign key check failed on the copy: %s", db_errmsg(d));
		free(sql);
		if (rc != DB_OK)
			return -1;
	}
	return 0;
}

static int pg_drop_indexes(db *d, struct pg_target *t, char *err, unsigned long errlen)
{
	return catalog_drop(d, &t->idx,
			    "SELECT tb.relname, ix.relname, pg_get_indexdef(ix.oid) FROM pg_index x JOIN pg_class ix ON ix.oid = x.indexrelid "
			    "JOIN pg_class tb ON tb.oid = x.indrelid JOIN pg_namespace n ON n.oid = tb.relnamespace "
			    "WHERE n.nspname = current_schema() AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) "
			    "ORDER BY ix.oid",
			    0, err, errlen);
}

/* Make again the dropped indexes of the tables rebuilt or not (later = 1: only those of the tables
 * rebuild_derived fills, made after it). */
static int pg_make_indexes(db *to, struct pg_target *t, const struct names *src, const struct names *dst, int later, char *err,
			   unsigned long errlen)
{
	for (int i = 0; i < t->idx.def.n; i++) {
		if (rebuilt(to, src, dst, t->idx.table.v[i]) != later)
			continue;
		if (db_exec_script(to, t->idx.def.v[i]) != DB_OK) {
			snprintf(err, errlen, "%s: %s", t->idx.def.v[i], db_errmsg(to));
			return -1;
		}
	}
	return 0;
}

static int analyze(db *to, char *err, unsigned long errlen)
{
	if (db_exec_script(to, "ANALYZE") == DB_OK)
		return 0;
	snprintf(err, errlen, "ANALYZE failed on the copy: %s", db_errmsg(to));
	return -1;
}

/* Inside the target's transaction, the rows and what is derived from them.  A SQLite target defers
 * its foreign key checks to commit.  A PostgreSQL target turns its triggers off and drops its
 * foreign keys and its indexes (struct pg_target); after the rows it makes the indexes again,
 * gathers the planner's statistics (so what follows, and the first queries on a large copy, are
 * planned for its size), adds the foreign keys again (each checked by one query), rebuilds its own
 * derived tables and their indexes and turns the triggers back on. */
static int copy_all(db *from, db *to, const struct names *src, const struct names *dst, int64_t *rows, char *err,
		    unsigned long errlen)
{
	if (db_dialect(to) != DB_POSTGRES) {
		if (db_exec(to, "PRAGMA defer_foreign_keys = ON", DB_NOARGS, NULL) != DB_OK) {
			snprintf(err, errlen, "cannot defer foreign keys: %s", db_errmsg(to));
			return -1;
		}
		return copy_tables(from, to, src, dst, rows, err, errlen) || rebuild_derived(to, src, dst, err, errlen) ? -1 : 0;
	}
	struct pg_target t = {0};
	int res = -1;
	if (db_exec_script(to, "SET LOCAL maintenance_work_mem = '256MB'") != DB_OK) {
		snprintf(err, errlen, "cannot set up the target: %s", db_errmsg(to));
		goto done;
	}
	if (pg_triggers(to, 0, &t.triggers, err, errlen) || pg_drop_fks(to, &t, err, errlen) || pg_drop_indexes(to, &t, err, errlen) ||
	    copy_tables(from, to, src, dst, rows, err, errlen) || pg_make_indexes(to, &t, src, dst, 0, err, errlen) ||
	    analyze(to, err, errlen) || pg_add_fks(to, &t, err, errlen) || rebuild_derived(to, src, dst, err, errlen) ||
	    pg_make_indexes(to, &t, src, dst, 1, err, errlen) || pg_triggers(to, 1, &t.triggers, err, errlen) ||
	    analyze(to, err, errlen))
		goto done;
	res = 0;
done:
	pg_target_free(&t);
	return res;
}

int db_copy(db *from, db *to, int64_t *rows_out, char *err, unsigned long errlen)
{
	struct names src = {0}, dst = {0};
	int64_t rows = 0;
	int res = -1, to_tx = 0;
	if (copy_check(from, to, err, errlen))
		goto done;
	if (list_tables(from, &src) != DB_OK || list_tables(to, &dst) != DB_OK) {
		snprintf(err, errlen, "cannot list tables: %s / %s", db_errmsg(from), db_errmsg(to));
		goto done;
	}
	/* a consistent snapshot of the source */
	if (db_begin(from, 0) != DB_OK || (db_dialect(from) == DB_POSTGRES &&
					   db_exec(from, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", DB_NOARGS, NULL) != DB_OK)) {
		snprintf(err, errlen, "cannot open the source: %s", db_errmsg(from));
		goto done;
	}
	if (db_begin(to, 1) != DB_OK) {
		snprintf(err, errlen, "cannot write the target: %s", db_errmsg(to));
		goto done;
	}
	to_tx = 1;
	if (copy_all(from, to, &src, &dst, &rows, err, errlen))
		goto done;
	/* seq and case numbers go on past the copied ones (PostgreSQL's sequences, SQLite's counters) */
	if (event_sync_counters(to) != DB_OK) {
		snprintf(err, errlen, "cannot set the counters of the target: %s", db_errmsg(to));
		goto done;
	}
	if (db_commit(to) != DB_OK) {
		snprintf(err, errlen, "commit failed on the target: %s", db_errmsg(to));
		to_tx = 0;
		goto done;
	}
	to_tx = 0;
	res = 0;
	if (rows_out)
		*rows_out = rows;
done:
	if (to_tx)
		db_rollback(to);
	db_rollback(from);
	names_free(&src);
	names_free(&dst);
	return res;
}
