/* Keyset paging for every list route (svc/page.h). */
#include "svc/page.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

static int nkeys(const struct page_list *L)
{
	int k = 0;
	while (k < PAGE_MAX_KEYS && L->keys[k].expr)
		k++;
	return k;
}

char *page_cursor_encode(const struct page_list *L, json_t *vals)
{
	json_t *a = json_pack("[s]", L->name);
	json_array_extend(a, vals);
	char *text = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	size_t len = strlen(text);
	size_t cap = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *b64 = xmalloc(cap);
	sodium_bin2base64(b64, cap, (const unsigned char *)text, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	free(text);
	return b64;
}

static int bad_cursor(svc_ctx *c)
{
	return err_set(&c->err, ERR_INVALID, "invalid_cursor", "cursor",
		       "cursor is not one this list gave out (use the `next` of its previous page)");
}

/* The key values a cursor carries (a new array, one per key), or NULL with err set. */
static json_t *cursor_decode(svc_ctx *c, const struct page_list *L, const char *cursor)
{
	unsigned char bin[PAGE_MAX_CURSOR];
	size_t len = 0;
	if (sodium_base642bin(bin, sizeof bin - 1, cursor, strlen(cursor), NULL, &len, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
		bad_cursor(c);
		return NULL;
	}
	json_t *a = json_loadb((const char *)bin, len, JSON_REJECT_DUPLICATES, NULL);
	int k = nkeys(L), ok = json_is_array(a) && (int)json_array_size(a) == k + 1 && json_is_string(json_array_get(a, 0)) &&
			       strcmp(json_string_value(json_array_get(a, 0)), L->name) == 0;
	for (int i = 0; ok && i < k; i++) {
		json_t *v = json_array_get(a, (size_t)i + 1);
		ok = L->keys[i].type == DB_T_INT ? json_is_integer(v) : json_is_string(v);
	}
	if (!ok) {
		json_decref(a);
		bad_cursor(c);
		return NULL;
	}
	json_array_remove(a, 0);
	return a;
}

static db_arg key_arg(const struct page_key *key, json_t *v)
{
	return key->type == DB_T_INT ? DB_INT(json_integer_value(v)) : DB_TXT(json_string_value(v));
}

/* "(k1 > ?) OR (k1 = ? AND k2 < ?) OR ..." for the rows after the cursor, its values appended to args. */
static char *after_sql(const struct page_list *L, json_t *vals, db_arg *args, int *n)
{
	char *sql = xstrdup("");
	int k = nkeys(L);
	for (int i = 0; i < k; i++) {
		char *term = xstrdup("");
		for (int j = 0; j < i; j++) {
			char *t = xasprintf("%s%s = ? AND ", term, L->keys[j].expr);
			free(term);
			term = t;
			args[(*n)++] = key_arg(&L->keys[j], json_array_get(vals, (size_t)j));
		}
		char *s = xasprintf("%s%s(%s%s %c ?)", sql, i ? " OR " : "", term, L->keys[i].expr, L->keys[i].desc ? '<' : '>');
		free(term);
		free(sql);
		sql = s;
		args[(*n)++] = key_arg(&L->keys[i], json_array_get(vals, (size_t)i));
	}
	return sql;
}

static char *select_sql(const struct page_list *L, const char *cols, const char *from, const char *where, const char *after)
{
	char *keys = xstrdup(""), *order = xstrdup("");
	for (int i = 0; i < nkeys(L); i++) {
		char *k = xasprintf("%s, %s", keys, L->keys[i].expr);
		char *o = xasprintf("%s%s%s%s", order, i ? ", " : "", L->keys[i].expr, L->keys[i].desc ? " DESC" : "");
		free(keys);
		free(order);
		keys = k;
		order = o;
	}
	char *sql = xasprintf("SELECT %s%s FROM %s WHERE (%s) AND (%s) ORDER BY %s LIMIT ?", cols, keys, from,
			      where && *where ? where : "1 = 1", after ? after : "1 = 1", order);
	free(keys);
	free(order);
	return sql;
}

/* The current row's key values (the last nkeys columns). */
static json_t *row_keys(const struct page_list *L, db_res *r)
{
	int k = nkeys(L), first = db_col_count(r) - k;
	json_t *vals = json_array();
	for (int i = 0; i < k; i++)
		json_array_append_new(vals, L->keys[i].type == DB_T_INT ? json_integer(db_int(r, first + i))
									: json_string(db_text(r, first + i)));
	return vals;
}

/* Read up to limit rows into items (or, for by_id lists, their key values into ids); *more when
 * the query found a row past the page.  Returns the key values of the page's last row (new) or NULL. */
static int read_rows(svc_ctx *c, const struct page_list *L, db_res *r, int64_t limit, json_t *items, json_t *ids, json_t **last)
{
	int rc;
	int64_t got = 0;
	json_t *memo = json_object();
	*last = NULL;
	while ((rc = db_next(r)) == 1) {
		if (got == limit) { /* the row after the page: there is a next page */
			db_res_discard(r);
			json_decref(memo);
			return 1;
		}
		got++;
		json_decref(*last);
		*last = row_keys(L, r);
		if (L->row)
			json_array_append_new(items, L->row(c, r));
		else if (L->row_memo)
			json_array_append_new(items, L->row_memo(c, r, memo));
		else
			json_array_append(ids, json_array_get(*last, json_array_size(*last) - 1));
	}
	db_res_discard(r);
	json_decref(memo);
	return rc < 0 ? rc : 0;
}

/* A growing text. */
struct sbuf {
	char *s;
	size_t len, cap;
};

static void sbuf_add(struct sbuf *b, const char *t, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2 > 4096 ? (b->len + n + 1) * 2 : 4096;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, t, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* The rows as JSON text (L->row_text): up to limit items between "[" and "]" in *buf; *more when
 * the query found a row past the page, *last the page's last row's key values (new) or NULL. */
static int read_texts(svc_ctx *c, const struct page_list *L, db_res *r, int64_t limit, struct sbuf *buf, json_t **last)
{
	int rc;
	int64_t got = 0;
	json_t *memo = json_object();
	*last = NULL;
	sbuf_add(buf, "{\"items\":[", 10);
	while ((rc = db_next(r)) == 1) {
		if (got == limit) {
			db_res_discard(r);
			json_decref(memo);
			return 1;
		}
		if (got == limit - 1) /* the only row a next cursor can name */
			*last = row_keys(L, r);
		size_t len = 0;
		char *t = L->row_text(c, r, memo, &len);
		if (got++)
			sbuf_add(buf, ",", 1);
		sbuf_add(buf, t ? t : "null", t ? len : 4);
		free(t);
	}
	db_res_discard(r);
	json_decref(memo);
	return rc < 0 ? rc : 0;
}

/* Close the page's text in buf (its items written): the next cursor when there is more (last: the
 * page's last row's key values, taken), and answer with it (svc_answer_text). */
static int page_finish(svc_ctx *c, const struct page_list *L, struct sbuf buf, int more, json_t *last, json_t **out)
{
	sbuf_add(&buf, "],\"next\":", 9);
	if (more && last) {
		char *cur = page_cursor_encode(L, last); /* URL-safe base64: nothing to escape */
		sbuf_add(&buf, "\"", 1);
		sbuf_add(&buf, cur, strlen(cur));
		sbuf_add(&buf, "\"", 1);
		free(cur);
	} else {
		sbuf_add(&buf, "null", 4);
	}
	sbuf_add(&buf, "}", 1);
	json_decref(last);
	svc_answer_text(c, buf.s, buf.len); /* sent as it is: *out stays an empty object */
	*out = json_object();
	return 0;
}

/* The page as text: {"items": [...], "next": ...} from the items' texts. */
static int page_text(svc_ctx *c, const struct page_list *L, db_res *r, int64_t limit, json_t **out)
{
	struct sbuf buf = {0};
	json_t *last;
	int more = read_texts(c, L, r, limit, &buf, &last);
	if (more < 0) {
		free(buf.s);
		json_decref(last);
		return svc_db_err(c, more);
	}
	return page_finish(c, L, buf, more, last, out);
}

static void sbuf_add_to(void *b, const char *t, size_t n) { sbuf_add(b, t, n); }

/* The page from the probe (L->probe_cols) when every row of it is kept: 1 answered, 0 a row is not
 * kept (nothing answered), -1 storage error (c->err).  args[0..n) are page_run's, the limit's last. */
static int page_probe(svc_ctx *c, const struct page_list *L, const char *where, const char *after, const db_arg *args,
		      int n, int64_t limit, json_t **out)
{
	db_arg all[PAGE_MAX_ARGS + PAGE_MAX_KEYS * (PAGE_MAX_KEYS + 1) / 2 + 1 + PAGE_MAX_PROBE_ARGS];
	int m = 0;
	for (const char *q = L->probe_cols; (q = strchr(q, '?')) != NULL; q++) {
		if (m == PAGE_MAX_PROBE_ARGS)
			fl_die("page_run: more than %d organization arguments in list %s's probe", PAGE_MAX_PROBE_ARGS, L->name);
		all[m++] = DB_TXT(c->actor.org_id);
	}
	memcpy(all + m, args, sizeof *args * (size_t)n);
	char *sql = select_sql(L, L->probe_cols, L->probe_from, where, after);
	db_res *r;
	int rc = db_query(c->db, sql, all, m + n, &r);
	free(sql);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	struct sbuf buf = {0};
	json_t *last = NULL;
	int64_t got = 0;
	int more = 0;
	sbuf_add(&buf, "{\"items\":[", 10);
	while ((rc = db_next(r)) == 1) {
		if (got == limit) {
			more = 1;
			break;
		}
		if (got == limit - 1)
			last = row_keys(L, r);
		if (got++)
			sbuf_add(&buf, ",", 1);
		if (!L->row_kept(c, r, sbuf_add_to, &buf)) {
			rc = 0;
			break;
		}
	}
	db_res_discard(r);
	if (rc <= 0) { /* a row not kept, or a storage error */
		free(buf.s);
		json_decref(last);
		return rc < 0 ? svc_db_err(c, rc) : 0;
	}
	return page_finish(c, L, buf, more, last, out) == 0 ? 1 : -1;
}

int page_run(svc_ctx *c, const struct page_list *L, json_t *in, const char *where, const db_arg *args, int n, json_t **out)
{
	db_arg all[PAGE_MAX_ARGS + PAGE_MAX_KEYS * (PAGE_MAX_KEYS + 1) / 2 + 1];
	if (n > PAGE_MAX_ARGS)
		fl_die("page_run: %d filter arguments (max %d) for list %s", n, PAGE_MAX_ARGS, L->name);
	memcpy(all, args, sizeof *args * (size_t)n);
	json_t *vals = NULL;
	const char *cursor = in_str(in, "cursor");
	if (cursor && !(vals = cursor_decode(c, L, cursor)))
		return -1;
	char *after = vals ? after_sql(L, vals, all, &n) : NULL;
	int64_t limit = svc_limit(in);
	all[n++] = DB_INT(limit + 1);
	const char *fmt = in_str(in, "format");
	int text = L->row_text && (!fmt || strcmp(fmt, "json") == 0), rc = 0;
	if (text && L->row_kept && (rc = page_probe(c, L, where, after, all, n, limit, out)) != 0) {
		free(after);
		json_decref(vals); /* after the statements: the cursor's text arguments point into it */
		return rc < 0 ? -1 : 0;
	}
	char *sql = select_sql(L, L->cols, L->from, where, after);
	db_res *r;
	rc = db_query(c->db, sql, all, n, &r);
	free(sql);
	free(after);
	json_decref(vals);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (text)
		return page_text(c, L, r, limit, out);
	json_t *items = json_array(), *ids = json_array(), *last;
	int more = read_rows(c, L, r, limit, items, ids, &last);
	if (more < 0) {
		json_decref(items);
		json_decref(ids);
		json_decref(last);
		return svc_db_err(c, more);
	}
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v) json_array_append_new(items, L->by_id(c, json_string_value(v)));
	json_decref(ids);
	json_t *next = json_null();
	if (more && last) {
		char *cur = page_cursor_encode(L, last);
		next = json_string(cur);
		free(cur);
	}
	json_decref(last);
	*out = json_pack("{s:o,s:o}", "items", items, "next", next);
	return 0;
}
