#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "store/event.h"
#include "svc/hooks.h"
#include "svc/svc.h"

int svc_db_err(svc_ctx *c, int rc)
{
	if (rc == DB_CONSTRAINT)
		err_set(&c->err, ERR_CONFLICT, "conflict", NULL, "this conflicts with existing data");
	else if (rc == DB_RETRY)
		err_set(&c->err, ERR_BUSY, "busy", NULL, "the database is busy; try again");
	else if (rc == DB_UNAVAILABLE)
		err_set(&c->err, ERR_UNAVAILABLE, "database_unavailable", NULL, "the database cannot be reached; try again");
	else
		err_set(&c->err, ERR_INTERNAL, "storage_error", NULL, "storage error: %s", db_errmsg(c->db));
	if (c->db_err.kind == ERR_NONE)
		c->db_err = c->err;
	return -1;
}

void svc_copy(svc_ctx *c, char *dst, size_t n, const char *src)
{
	if (str_copy(dst, n, src) == 0)
		return;
	err_set(&c->err, ERR_INTERNAL, "value_too_long", NULL, "a stored value is longer than its %zu-byte buffer", n);
	if (c->db_err.kind == ERR_NONE)
		c->db_err = c->err;
}

void svc_copy_cols(svc_ctx *c, db_res *r, int first, size_t n, const struct svc_buf *bufs)
{
	for (size_t i = 0; i < n; i++)
		svc_copy(c, bufs[i].dst, bufs[i].n, db_text(r, first + (int)i));
}

int svc_db_outcome(svc_ctx *c, int rc)
{
	if (c->db_err.kind == ERR_NONE)
		return rc;
	c->err = c->db_err;
	return -1;
}

int svc_event(svc_ctx *c, const char *kind, const char *entity_type, const char *entity_id, const char *case_id,
	      json_t *data_new)
{
	return svc_event_as(c, c->actor.person_id, kind, entity_type, entity_id, case_id, data_new);
}

int svc_event_as(svc_ctx *c, const char *actor_id, const char *kind, const char *entity_type, const char *entity_id,
		 const char *case_id, json_t *data_new)
{
	int rc = event_append_on(c->db, case_id ? case_id : c->event_chain, c->actor.org_id, c->now, actor_id, kind, entity_type,
				 entity_id, case_id, data_new, c->request_id);
	int ret = rc == DB_OK ? 0 : svc_db_err(c, rc);
	for (const event_hook_fn *h = svc_event_hooks(); !ret && *h; h++)
		ret = (*h)(c, actor_id, kind, entity_type, entity_id, case_id, data_new);
	json_decref(data_new);
	return ret;
}

int svc_person_ref(svc_ctx *c, const char *ref, const char *field, char id[ID_SIZE])
{
	db_res *r;
	if (!ref || !*ref)
		return err_set(&c->err, ERR_INVALID, "required", field, "%s is required", field);
	int by_email = strchr(ref, '@') != NULL;
	char *key = by_email ? str_lower(ref) : xstrdup(ref);
	int ret = svc_load_one(c, "person_not_found", field, "no such person", &r,
			       by_email ? "SELECT id FROM people WHERE org_id = ? AND email = ?"
					: "SELECT id FROM people WHERE org_id = ? AND id = ?",
			       DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(key)));
	free(key);
	if (ret)
		return -1;
	svc_copy(c, id, ID_SIZE, db_text(r, 0));
	db_res_discard(r);
	return 0;
}

json_t *svc_time(int64_t ms)
{
	char buf[40];
	if (ms <= 0)
		return json_null();
	return json_string(time_format(ms, buf, sizeof buf));
}

json_t *svc_col_str(db_res *r, int col)
{
	if (db_is_null(r, col))
		return json_null();
	return json_string(db_text(r, col));
}

json_t *svc_col_time(db_res *r, int col)
{
	if (db_is_null(r, col))
		return json_null();
	return svc_time(db_int(r, col));
}

void svc_cache_forget(svc_ctx *c)
{
	if (c->cache)
		memset(c->cache, 0, sizeof *c->cache);
}

struct svc_cache *svc_cache_of(svc_ctx *c)
{
	if (!c->cache)
		c->cache = xcalloc(1, sizeof *c->cache);
	return c->cache;
}

void svc_ctx_release(svc_ctx *c)
{
	free(c->cache);
	c->cache = NULL;
	svc_answer_text(c, NULL, 0);
}

void svc_answer_text(svc_ctx *c, char *text, size_t len)
{
	free(c->answer);
	c->answer = text;
	c->answer_len = len;
}

int svc_answer_after(svc_ctx *c, svc_after_fn fn, const char *id, const char *id2, json_t **out)
{
	if (!c->answer_later)
		return fn(c, id, id2, out);
	c->after.fn = fn;
	svc_copy(c, c->after.id, ID_SIZE, id);
	svc_copy(c, c->after.id2, ID_SIZE, id2 ? id2 : "");
	return 0;
}

/* A person's brief is nine fields: made from the row once per request, then from the memo. */
#define BRIEF_FIELDS 9
#define BRIEF_TEXT_MAX (BRIEF_FIELDS * (FL_MAX_TEXT + 1))
static const char *const BRIEF_KEYS[BRIEF_FIELDS] = {"id", "name", "role", "team_id", "team", "email", "phone", "manager_id", "title"};
static const unsigned short BRIEF_NULLABLE = 1 << 3 | 1 << 4 | 1 << 7; /* team_id, team, manager_id */

static json_t *brief_json(const char *text, unsigned short nulls)
{
	json_t *o = json_object();
	for (int i = 0; i < BRIEF_FIELDS; i++) {
		json_object_set_new_nocheck(o, BRIEF_KEYS[i], nulls & 1u << i ? json_null() : json_string(text));
		text += strlen(text) + 1;
	}
	return o;
}

/* r's row (SVC_PERSON_BRIEF_COLS from column first) as the memo's text: 1, or -2 when too long for size. */
static int brief_fill(db_res *r, int first, char *text, size_t size, unsigned short *nulls)
{
	size_t n = 0;
	*nulls = 0;
	for (int i = 0; i < BRIEF_FIELDS; i++) {
		int null = (BRIEF_NULLABLE & 1u << i) && db_is_null(r, first + i);
		const char *v = null ? "" : db_text(r, first + i);
		size_t len = strlen(v);
		if (n + len + 1 > size)
			return -2; /* too long for the memo: made from the row, not kept */
		memcpy(text + n, v, len + 1);
		n += len + 1;
		*nulls |= (unsigned short)(null << i);
	}
	return 1;
}

/* Read a person's row into the memo slot; 1 found, 0 not, -1 storage error (kept in c). */
static int person_brief_read(svc_ctx *c, const char *person_id, char *text, size_t size, unsigned short *nulls)
{
	int rc;
	db_res *r;
	if ((rc = db_query(c->db, SVC_PERSON_BRIEF_SQL " WHERE p.org_id = ? AND p.id = ?",
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(person_id)), &r)) != DB_OK)
		return svc_db_err(c, rc);
	int found = db_next(r) == 1;
	if (found)
		found = brief_fill(r, 0, text, size, nulls);
	if ((rc = db_res_close(r)) != DB_OK)
		return svc_db_err(c, rc);
	return found;
}

/* The memo's slot of the person (key: their memo key), or -1. */
static int memo_find(svc_ctx *c, const char *person_id, char key[2 * ID_SIZE])
{
	snprintf(key, 2 * ID_SIZE, "%s/%.*s", c->actor.org_id, ID_SIZE - 1, person_id);
	struct svc_cache *m = svc_cache_of(c);
	for (int i = 0; i < SVC_CACHE_PEOPLE; i++)
		if (m->people[i].key[0] && strcmp(m->people[i].key, key) == 0)
			return i;
	return -1;
}

void svc_person_memo_row(svc_ctx *c, db_res *r) { svc_person_memo_row_at(c, r, 0); }

void svc_person_memo_row_at(svc_ctx *c, db_res *r, int first)
{
	char key[2 * ID_SIZE];
	if (!*db_text(r, first) || memo_find(c, db_text(r, first), key) >= 0)
		return;
	struct svc_cache *m = c->cache;
	int i = m->next_person;
	m->people[i].key[0] = '\0';
	if (brief_fill(r, first, m->people[i].text, sizeof m->people[i].text, &m->people[i].nulls) != 1)
		return;
	m->next_person = (i + 1) % SVC_CACHE_PEOPLE;
	STR_COPY(m->people[i].key, key);
}

json_t *svc_person_brief(svc_ctx *c, const char *person_id)
{
	if (!person_id || !*person_id)
		return json_null();
	if (strcmp(person_id, "system") == 0)
		return json_pack("{s:s,s:s,s:s}", "id", "system", "name", "Frontline", "role", "system");
	char key[2 * ID_SIZE];
	struct svc_cache *m = svc_cache_of(c);
	int i = memo_find(c, person_id, key);
	if (i >= 0)
		return brief_json(m->people[i].text, m->people[i].nulls); /* new each time: callers may add */
	i = m->next_person;
	m->people[i].key[0] = '\0'; /* the slot is rewritten below */
	int found = person_brief_read(c, person_id, m->people[i].text, sizeof m->people[i].text, &m->people[i].nulls);
	if (found == -2) { /* a field longer than the memo holds: a brief of its own, not memoized */
		char *big = xmalloc(BRIEF_TEXT_MAX);
		unsigned short nulls;
		found = person_brief_read(c, person_id, big, BRIEF_TEXT_MAX, &nulls);
		json_t *o = found == 1 ? brief_json(big, nulls) : json_null();
		free(big);
		return o;
	}
	if (found != 1)
		return json_null();
	m->next_person = (i + 1) % SVC_CACHE_PEOPLE;
	STR_COPY(m->people[i].key, key);
	return brief_json(m->people[i].text, m->people[i].nulls);
}

size_t person_managers(svc_ctx *c, const char *person_id, char chain[][ID_SIZE], size_t max)
{
	int rc;
	char cur[ID_SIZE];
	size_t n = 0;
	svc_copy(c, cur, sizeof cur, person_id);
	while (*cur && n < max) {
		db_res *r;
		if (db_query(c->db, "SELECT manager_id FROM people WHERE org_id = ? AND id = ?",
			     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(cur)), &r) != DB_OK)
			break;
		cur[0] = '\0';
		if (db_next(r) == 1 && !db_is_null(r, 0))
			svc_copy(c, cur, sizeof cur, db_text(r, 0));
		if ((rc = db_res_close(r)) != DB_OK)
			svc_db_err(c, rc);
		if (*cur)
			STR_COPY(chain[n++], cur);
	}
	return n;
}

int person_depth(svc_ctx *c, const char *person_id)
{
	char chain[PERSON_MAX_DEPTH][ID_SIZE];
	return (int)person_managers(c, person_id, chain, PERSON_MAX_DEPTH);
}

int svc_query(svc_ctx *c, const char *sql, const db_arg *args, int n, db_res **r)
{
	int rc = db_query(c->db, sql, args, n, r);
	if (rc == DB_OK)
		return 1;
	svc_db_err(c, rc);
	return 0;
}

int svc_close(svc_ctx *c, db_res *r)
{
	int rc = db_res_close(r);
	return rc == DB_OK ? 0 : svc_db_err(c, rc);
}

int svc_first(svc_ctx *c, db_res **r, const char *sql, const db_arg *args, int n)
{
	int rc = db_query(c->db, sql, args, n, r);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	rc = db_next(*r);
	if (rc == 1)
		return 1;
	db_res_discard(*r);
	*r = NULL;
	return rc < 0 ? svc_db_err(c, rc) : 0;
}

int svc_load_one(svc_ctx *c, const char *not_found_code, const char *field, const char *message, db_res **r, const char *sql,
		 const db_arg *args, int n)
{
	int rc = svc_first(c, r, sql, args, n);
	if (rc != 0)
		return rc == 1 ? 0 : -1;
	return err_set(&c->err, ERR_NOT_FOUND, not_found_code, field, "%s", message);
}

int svc_db_conflict(svc_ctx *c, int rc, const char *code, const char *field, const char *message)
{
	if (rc == DB_CONSTRAINT)
		return err_set(&c->err, ERR_CONFLICT, code, field, "%s", message);
	return svc_db_err(c, rc);
}

int svc_load_id(svc_ctx *c, const char *prefix, const char *id, const char *not_found_code, const char *message,
		db_res **r, const char *sql)
{
	*r = NULL;
	if (!id_valid(id, prefix))
		return err_set(&c->err, ERR_NOT_FOUND, not_found_code, "id", "%s", message);
	return svc_load_one(c, not_found_code, "id", message, r, sql, DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id)));
}

int svc_text(svc_ctx *c, char *dst, size_t n, const char *sql, const db_arg *args, int nargs)
{
	db_res *r;
	int rc = db_query(c->db, sql, args, nargs, &r);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (db_next(r) == 1)
		svc_copy(c, dst, n, db_text(r, 0));
	rc = db_res_close(r);
	return rc == DB_OK ? 0 : svc_db_err(c, rc);
}

/* Columns 0..ncols-1 of the row as text: one string, or an array of them. */
static json_t *text_cols(db_res *r, int ncols)
{
	if (ncols == 1)
		return json_string(db_text(r, 0));
	json_t *row = json_array();
	for (int i = 0; i < ncols; i++)
		json_array_append_new(row, json_string(db_text(r, i)));
	return row;
}

/* Every row of sql as row(c, r), or (row NULL) as its first ncols columns of text: 0 with *out a
 * new array, or -1 with the storage error's kind (*out NULL). */
static int rows_query(svc_ctx *c, json_t **out, svc_row_fn row, int ncols, const char *sql, const db_arg *args, int n)
{
	db_res *r;
	*out = NULL;
	int rc = db_query(c->db, sql, args, n, &r);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	json_t *rows = json_array();
	while (db_next(r) == 1)
		json_array_append_new(rows, row ? row(c, r) : text_cols(r, ncols));
	if ((rc = db_res_close(r)) != DB_OK) {
		json_decref(rows);
		return svc_db_err(c, rc);
	}
	*out = rows;
	return 0;
}

int svc_strings(svc_ctx *c, json_t **out, int ncols, const char *sql, const db_arg *args, int n)
{
	return rows_query(c, out, NULL, ncols, sql, args, n);
}

int svc_rows_of(svc_ctx *c, json_t **items, svc_row_fn row, const char *sql, const db_arg *args, int n)
{
	return rows_query(c, items, row, 0, sql, args, n);
}

int svc_items(svc_ctx *c, json_t **out, svc_row_fn row, const char *sql, const db_arg *args, int n)
{
	json_t *items;
	if (svc_rows_of(c, &items, row, sql, args, n))
		return -1;
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

int svc_view_rows(svc_ctx *c, json_t *view, const char *key, svc_row_fn row, const char *sql, const db_arg *args, int n)
{
	json_t *items;
	if (svc_rows_of(c, &items, row, sql, args, n))
		return -1;
	json_object_set_new(view, key, items);
	return 0;
}

json_t *svc_rows(svc_ctx *c, const char *sql, const db_arg *args, int n, svc_row_fn row)
{
	db_res *r;
	json_t *a = json_array();
	if (svc_query(c, sql, args, n, &r))
		(void)svc_rows_append(c, r, a, row);
	return a;
}

int svc_rows_append(svc_ctx *c, db_res *r, json_t *a, svc_row_fn row)
{
	while (db_next(r) == 1)
		json_array_append_new(a, row(c, r));
	int rc = db_res_close(r);
	return rc == DB_OK ? 0 : svc_db_err(c, rc);
}

int svc_load_row(svc_ctx *c, const char *prefix, const char *id, const char *not_found_code, const char *message, const char *sql,
		 svc_row_fn row, json_t **out)
{
	db_res *r;
	if (prefix ? svc_load_id(c, prefix, id, not_found_code, message, &r, sql)
		   : svc_load_one(c, not_found_code, "id", message, &r, sql, DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id))))
		return -1;
	*out = row(c, r);
	db_res_discard(r);
	return 0;
}

json_t *svc_one_row(svc_ctx *c, const char *sql, const char *id, svc_row_fn row)
{
	db_res *r;
	int rc = svc_first(c, &r, sql, DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id)));
	if (rc <= 0)
		return rc < 0 ? NULL : json_null();
	json_t *o = row(c, r);
	db_res_discard(r);
	return o;
}

int svc_require(svc_ctx *c, enum perm p)
{
	if (role_may(c->actor.role, p))
		return 0;
	return err_set(&c->err, ERR_FORBIDDEN, "role_required", NULL, "your role (%s) may not do this",
		       role_name(c->actor.role));
}

int64_t svc_limit(json_t *in)
{
	long long l = in_int(in, "limit", FL_DEFAULT_LIST);
	if (l < 1)
		l = 1;
	if (l > FL_MAX_LIST)
		l = FL_MAX_LIST;
	return l;
}

json_t *svc_case_brief(svc_ctx *c, const char *case_id)
{
	db_res *r;
	json_t *o = NULL;
	int rc;
	if (!svc_query(c,
		       "SELECT ca.number, ca.subject, cu.name, ca.status FROM cases ca "
		       "JOIN customers cu ON cu.org_id = ca.org_id AND cu.id = ca.customer_id WHERE ca.org_id = ? AND ca.id = ?",
		       DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id)), &r))
		return NULL;
	if (db_next(r) == 1)
		o = json_pack("{s:s,s:I,s:s,s:s,s:s}", "id", case_id, "number", (json_int_t)db_int(r, 0), "subject",
			      db_text(r, 1), "customer", db_text(r, 2), "status", db_text(r, 3));
	if ((rc = db_res_close(r)) != DB_OK)
		svc_db_err(c, rc);
	return o;
}
