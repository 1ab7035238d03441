/* Case list rows kept rendered at their case's version (case_list_rows.h). */
#include "svc/ledger/case_list_rows.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsontext.h"
#include "base/util.h"
#include "svc/ledger/case_rows.h"
#include "svc/ledger/case_cache.h"

static struct case_cache *rows;
static pthread_once_t rows_once = PTHREAD_ONCE_INIT;

static void rows_make(void) { rows = case_cache_new(CASE_ROWS_SLOTS, CASE_ROWS_MAX_TEXT, (size_t)CASE_ROWS_SLOTS * CASE_ROWS_MAX_TEXT); }

/* The rows' cache when the server keeps pages, else NULL (commands, FRONTLINE_CASE_CACHE=0). */
static struct case_cache *rows_of(svc_ctx *c)
{
	if (!c->case_cache)
		return NULL;
	pthread_once(&rows_once, rows_make);
	return rows;
}

int case_row_kept(svc_ctx *c, db_res *r, void (*add)(void *buf, const char *text, size_t len), void *buf)
{
	struct case_cache *k = rows_of(c);
	return k && case_cache_emit(k, c->actor.org_id, db_text(r, 0), db_int(r, 1), db_int(r, 2), add, buf);
}

json_t *case_row_json(svc_ctx *c, db_res *r, json_t *memo)
{
	svc_person_memo_row_at(c, r, CASE_ROW_OWNER_COL);
	svc_person_memo_row_at(c, r, CASE_ROW_INTAKE_COL);
	return case_brief_json(c, r, memo);
}

char *case_row_text(svc_ctx *c, db_res *r, json_t *memo, size_t *len)
{
	struct case_cache *k = rows_of(c);
	const char *id = db_text(r, 0);
	int64_t cv = db_int(r, CASE_ALL_NCOLS), ov = db_int(r, CASE_ALL_NCOLS + 1);
	char *text = k ? case_cache_get(k, c->actor.org_id, id, cv, ov, len, NULL) : NULL;
	if (text)
		return text;
	json_t *o = case_row_json(c, r, memo);
	text = json_text(o, len);
	json_decref(o);
	if (text && k && c->db_err.kind == ERR_NONE)
		case_cache_put(k, c->actor.org_id, id, cv, ov, text, *len, 0);
	return text;
}
