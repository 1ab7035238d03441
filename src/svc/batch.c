/* Rows of many items in one statement (svc/batch.h). */
#include "svc/batch.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

char *batch_marks(size_t n)
{
	char *s = xmalloc(2 * n + 1);
	for (size_t i = 0; i < n; i++) {
		s[2 * i] = '?';
		s[2 * i + 1] = ',';
	}
	s[n ? 2 * n - 1 : 0] = '\0';
	return s;
}

size_t batch_padded(size_t k)
{
	size_t marks = 8;
	while (marks < k)
		marks *= 2;
	return marks;
}

char *batch_sql(const char *sql, size_t n)
{
	const char *at = strstr(sql, "%s");
	if (!at)
		return xstrdup(sql);
	char *marks = batch_marks(n);
	char *text = xasprintf("%.*s%s%s", (int)(at - sql), sql, marks, at + 2);
	free(marks);
	return text;
}

int batch_rows(svc_ctx *c, const char *sql, const char *const *ids, size_t n, int key_col, svc_row_fn row, json_t *by_key)
{
	if (n == 0)
		return 0;
	if (n > BATCH_IDS)
		return err_set(&c->err, ERR_INTERNAL, "internal", NULL, "too many ids in one statement");
	char *text = batch_sql(sql, n);
	db_arg args[BATCH_IDS + 1];
	args[0] = DB_TXT(c->actor.org_id);
	for (size_t i = 0; i < n; i++)
		args[i + 1] = DB_TXT(ids[i]);
	db_res *r;
	int ok = svc_query(c, text, args, (int)n + 1, &r);
	free(text);
	if (!ok)
		return -1;
	while (db_next(r) == 1) {
		const char *key = db_text(r, key_col);
		json_t *a = json_object_get(by_key, key);
		if (!a) {
			a = json_array();
			json_object_set_new(by_key, key, a);
		}
		json_array_append_new(a, row(c, r));
	}
	return svc_close(c, r);
}

int batch_each(svc_ctx *c, const struct breach_item *items, size_t n, enum batch_id which, batch_chunk_fn fn, void *arg)
{
	json_t *done = json_object(); /* organizations read */
	const char **ids = xcalloc(BATCH_IDS, sizeof *ids);
	svc_actor saved = c->actor;
	int ret = 0;
	for (size_t i = 0; ret == 0 && i < n; i++) {
		if (json_object_get(done, items[i].org_id))
			continue;
		json_object_set_new(done, items[i].org_id, json_true());
		svc_copy(c, c->actor.org_id, sizeof c->actor.org_id, items[i].org_id);
		json_t *seen = json_object();
		size_t k = 0;
		for (size_t j = i; ret == 0 && j < n; j++) {
			const char *id = which == BATCH_CASES ? items[j].case_id : items[j].breach_id;
			if (strcmp(items[j].org_id, items[i].org_id) != 0 || json_object_get(seen, id))
				continue;
			json_object_set_new(seen, id, json_true());
			ids[k++] = id;
			if (k == BATCH_IDS) {
				ret = fn(c, ids, k, arg);
				k = 0;
			}
		}
		if (ret == 0 && k > 0)
			ret = fn(c, ids, k, arg);
		json_decref(seen);
	}
	c->actor = saved;
	free(ids);
	json_decref(done);
	return ret;
}
