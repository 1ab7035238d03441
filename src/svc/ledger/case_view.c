/* The case page: the case row with its customer, touchpoints, notes, offers, history and every
 * capability's view part (svc/hooks.h), in as few statements as the case's contents allow. */
#include <pthread.h>
#include <string.h>

#include "base/jsontext.h"
#include "base/util.h"
#include "svc/hooks.h"
#include "svc/ledger/case_rows.h"
#include "svc/ledger/case_cache.h"
#include "svc/ledger/case_view.h"

/* The rows of sql (parameters: the actor's organization, case_id) as row()s, the page carrying on
 * without them on a storage error (svc_rows). */
static json_t *rows_of(svc_ctx *c, const char *sql, const char *case_id, svc_row_fn row)
{
	return svc_rows(c, sql, DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id)), row);
}

static json_t *tp_row(svc_ctx *c, db_res *r)
{
	return json_pack("{s:s,s:s,s:s,s:o,s:s,s:o,s:b}", "id", db_text(r, 0), "channel", db_text(r, 1), "direction",
			 db_text(r, 2), "by", svc_person_brief(c, db_text(r, 3)), "summary", db_text(r, 4), "at", svc_col_time(r, 5),
			 "customer_visible", (int)db_int(r, 6));
}

static json_t *note_row(svc_ctx *c, db_res *r)
{
	return json_pack("{s:s,s:o,s:s,s:s,s:o}", "id", db_text(r, 0), "author", svc_person_brief(c, db_text(r, 1)),
			 "visibility", db_text(r, 2), "body", db_text(r, 3), "at", svc_col_time(r, 4));
}

/* The case page reads its row, its customer and which of its side tables hold anything in one
 * query; the parts with nothing to show cost no statement of their own (svc_case_view_skips). */
#define VIEW_SKIPS_MAX 30
/* the versions the page is rendered at (migration 0024; a missing row is 0) */
#define VERSIONS                                                                                    \
	"COALESCE((SELECT v FROM case_versions WHERE org_id = ca.org_id AND case_id = ca.id), 0), " \
	"COALESCE((SELECT v FROM org_versions WHERE org_id = ca.org_id), 0)"
static char *view_sql;
static int view_nskips;

static char *has_rows(char *sql, const char *table)
{
	char *next = xasprintf("%s, CASE WHEN EXISTS (SELECT 1 FROM %s x WHERE x.org_id = ca.org_id AND x.case_id = ca.id) THEN 1 "
			       "ELSE 0 END", sql, table);
	free(sql);
	return next;
}

static void view_sql_make(void)
{
	char *sql = xstrdup("SELECT " CASE_COLS);
	sql = has_rows(has_rows(sql, "notes"), "offers");
	const struct case_view_skip *k = svc_case_view_skips();
	for (; k->fn && view_nskips < VIEW_SKIPS_MAX; k++, view_nskips++)
		for (int t = 0; t < 3 && k->tables[t]; t++)
			sql = has_rows(sql, k->tables[t]);
	view_sql = xasprintf("%s, " VERSIONS CASE_FROM " WHERE ca.org_id = ? AND ca.id = ?", sql);
	free(sql);
}

/* What case_view learnt besides the page: which tables hold rows of the case (has[0] notes, has[1]
 * offers, has[2 + i] the i-th skippable part) and the versions it read. */
struct view_facts {
	int has[VIEW_SKIPS_MAX + 2];
	int64_t cv, ov;
};

/* The row (case, customer) into *o, and the facts. */
static int view_row(svc_ctx *c, const char *case_id, json_t **o, struct view_facts *f)
{
	int *has = f->has;
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, view_sql_make);
	db_res *r;
	if (!id_valid(case_id, "case"))
		return err_set(&c->err, ERR_NOT_FOUND, "case_not_found", "id", "no such case");
	if (!svc_query(c, view_sql, DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id)), &r))
		return -1;
	int rc = db_next(r);
	if (rc == 1) {
		*o = case_brief_row(c, r);
		int col = CASE_ALL_NCOLS;
		has[0] = (int)db_int(r, col++);
		has[1] = (int)db_int(r, col++);
		const struct case_view_skip *k = svc_case_view_skips();
		for (int i = 0; i < view_nskips; i++, k++) {
			has[2 + i] = 0;
			for (int t = 0; t < 3 && k->tables[t]; t++)
				has[2 + i] |= (int)db_int(r, col++);
		}
		f->cv = db_int(r, col++);
		f->ov = db_int(r, col);
	}
	if ((rc = db_res_close(r)) != DB_OK) { /* db_next's error too: it stays on the result */
		json_decref(*o);
		*o = NULL;
		return svc_db_err(c, rc);
	}
	if (!*o)
		return err_set(&c->err, ERR_NOT_FOUND, "case_not_found", "id", "no such case");
	return 0;
}

/* Run a part, or merge what it shows when its tables hold nothing of the case. */
static int view_part(svc_ctx *c, const char *case_id, case_view_fn fn, const int *has, json_t *o)
{
	const struct case_view_skip *k = svc_case_view_skips();
	for (int i = 0; i < view_nskips; i++, k++) {
		if (k->fn != fn)
			continue;
		if (has[2 + i])
			break;
		json_t *empty = json_loads(k->empty, 0, NULL);
		json_object_update(o, empty);
		json_decref(empty);
		return 0;
	}
	return fn(c, case_id, o);
}

static int view_render(svc_ctx *c, const char *case_id, json_t **out, struct view_facts *f)
{
	json_t *o = NULL;
	int *has = f->has;
	if (view_row(c, case_id, &o, f))
		return -1;
	json_object_set_new(o, "touchpoints",
			    rows_of(c, "SELECT id, channel, direction, person_id, summary, at, customer_visible FROM touchpoints "
				       "WHERE org_id = ? AND case_id = ? ORDER BY at, id", case_id, tp_row));
	json_object_set_new(o, "notes",
			    has[0] ? rows_of(c, "SELECT id, author_id, visibility, body, at FROM notes WHERE org_id = ? AND case_id = ? "
					     "ORDER BY at, id", case_id, note_row) : json_array());
	json_object_set_new(o, "offers",
			    has[1] ? rows_of(c, "SELECT " OFFER_COLS " FROM offers WHERE org_id = ? AND case_id = ? ORDER BY created_at, id",
					     case_id, case_offer_row) : json_array());
	json_object_set_new(o, "history",
			    rows_of(c, "SELECT " EVENT_COLS " FROM events WHERE org_id = ? AND case_id = ? ORDER BY seq", case_id,
				    case_event_row));
	for (const case_view_fn *part = svc_case_view_parts(); *part; part++) {
		if (view_part(c, case_id, *part, has, o)) {
			json_decref(o);
			return -1;
		}
	}
	*out = o;
	return 0;
}

int case_view(svc_ctx *c, const char *case_id, json_t **out)
{
	struct view_facts f;
	return view_render(c, case_id, out, &f);
}

/* The page is the same for every reader of the organization: no part that depends on the reader
 * (or that is not listed in svc_case_view_skips) has anything to show. */
static int view_shared(const struct view_facts *f)
{
	int parts = 0;
	for (const case_view_fn *p = svc_case_view_parts(); *p; p++)
		parts++;
	if (parts != view_nskips) /* a part without a skip entry always runs: nothing known of it */
		return 0;
	const struct case_view_skip *k = svc_case_view_skips();
	for (int i = 0; i < view_nskips; i++, k++)
		if (k->reader && f->has[2 + i])
			return 0;
	return 1;
}

static json_t *page_text(char *text, size_t len)
{
	json_t *o = json_pack("{s:o}", SVC_JSON_TEXT, json_stringn_nocheck(text, len));
	free(text);
	return o;
}

int case_view_kept(svc_ctx *c, const char *case_id, json_t **out)
{
	int64_t cv, ov;
	size_t len = 0;
	db_res *r;
	if (!c->case_cache || !case_cache_known(c->case_cache, c->actor.org_id, case_id, &cv, &ov))
		return 0;
	/* one statement, so one snapshot even outside a transaction */
	if (!svc_query(c, "SELECT " VERSIONS " FROM cases ca WHERE ca.org_id = ? AND ca.id = ?",
		       DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id)), &r))
		return -1;
	int rc = db_next(r), found = rc == 1;
	if (found) {
		cv = db_int(r, 0);
		ov = db_int(r, 1);
	}
	if ((rc = db_res_close(r)) != DB_OK)
		return svc_db_err(c, rc);
	char *text = found ? case_cache_get(c->case_cache, c->actor.org_id, case_id, cv, ov, &len) : NULL;
	if (!text)
		return 0;
	*out = page_text(text, len);
	return 1;
}

int case_view_page(svc_ctx *c, const char *case_id, json_t **out)
{
	size_t len = 0;
	if (!c->case_cache)
		return case_view(c, case_id, out);
	struct view_facts f;
	json_t *o;
	if (view_render(c, case_id, &o, &f))
		return -1;
	char *text = json_text(o, &len);
	json_decref(o);
	if (!text)
		return err_set(&c->err, ERR_INTERNAL, "internal_error", NULL, "the answer could not be rendered");
	if (c->db_err.kind == ERR_NONE && view_shared(&f))
		case_cache_put(c->case_cache, c->actor.org_id, case_id, f.cv, f.ov, text, len);
	*out = page_text(text, len);
	return 0;
}
