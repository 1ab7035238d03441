/* The case page: the case row with its customer, touchpoints, notes, offers, history and every
 * capability's view part (svc/hooks.h), in as few statements as the case's contents allow. */
#include <pthread.h>
#include <string.h>

#include "base/jsontext.h"
#include "base/util.h"
#include "svc/hooks.h"
#include "svc/ledger/case_cache.h"
#include "svc/ledger/case_rows.h"
#include "svc/ledger/case_view.h"

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

/* The page's four lists (touchpoints, notes, offers, history) in one statement, after the people
 * they and the case name (kept in the memo: svc_person_memo_row): each list's rows as text (so the
 * branches of the UNION agree on their types; a number read back is the same number, NULL stays
 * NULL), padded to LIST_WIDTH columns, then the list (0 the people), its order's two keys. */
#define LIST_WIDTH 9
#define T(x) "CAST(" x " AS TEXT)"
#define PAD "CAST(NULL AS TEXT)"
#define LIST_TAIL " WHERE org_id = ? AND case_id = ?"
#define NAMED(col, table) "SELECT " col " FROM " table LIST_TAIL " UNION ALL "
static const char PEOPLE_SQL[] = "SELECT " SVC_PERSON_BRIEF_COLS ", 0, 0, p.id" SVC_PERSON_BRIEF_FROM
	" WHERE p.org_id = ? AND p.id IN (SELECT owner_id FROM cases WHERE org_id = ? AND id = ? UNION ALL "
	"SELECT intake_by FROM cases WHERE org_id = ? AND id = ? UNION ALL " NAMED("person_id", "touchpoints")
		NAMED("author_id", "notes") NAMED("from_id", "offers") NAMED("to_id", "offers")
			"SELECT actor_id FROM events" LIST_TAIL ")";
#define PEOPLE_ARGS 15 /* the organization, then 7 (organization, case) pairs */
static const char *const LIST_SQL[4] = {
	"SELECT id, channel, direction, person_id, summary, " T("at") ", " T("customer_visible") ", " PAD ", " PAD
	", 1, at, id FROM touchpoints" LIST_TAIL,
	"SELECT id, author_id, visibility, body, " T("at") ", " PAD ", " PAD ", " PAD ", " PAD ", 2, at, id FROM notes" LIST_TAIL,
	"SELECT id, case_id, from_id, to_id, note, status, reason, " T("created_at") ", " T("decided_at")
	", 3, created_at, id FROM offers" LIST_TAIL,
	"SELECT " T("seq") ", " T("at") ", actor_id, kind, entity_type, data, entity_id, request_id, " PAD
	", 4, seq, '' FROM events" LIST_TAIL,
};
static const char *const LIST_KEYS[4] = {"touchpoints", "notes", "offers", "history"};
static json_t *(*const LIST_ROW[4])(svc_ctx *, db_res *) = {tp_row, note_row, case_offer_row, case_event_row};
static char *lists_sql[4]; /* [has notes + 2 * has offers]: the lists that may hold rows */

static void lists_sql_make(void)
{
	for (int v = 0; v < 4; v++) {
		char *sql = xasprintf("%s UNION ALL %s", PEOPLE_SQL, LIST_SQL[0]);
		for (int l = 1; l < 4; l++) {
			if ((l == 1 && !(v & 1)) || (l == 2 && !(v & 2)))
				continue;
			char *next = xasprintf("%s UNION ALL %s", sql, LIST_SQL[l]);
			free(sql);
			sql = next;
		}
		lists_sql[v] = xasprintf("%s ORDER BY %d, %d, %d", sql, LIST_WIDTH + 1, LIST_WIDTH + 2, LIST_WIDTH + 3);
		free(sql);
	}
}

/* The four lists into lists (new arrays); a storage error is kept in c (svc_query), the lists left
 * empty. */
static void view_lists(svc_ctx *c, const char *case_id, const int *has, json_t *lists[4])
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, lists_sql_make);
	for (int l = 0; l < 4; l++)
		lists[l] = json_array();
	int n = PEOPLE_ARGS + 2 * (2 + has[0] + has[1]), rc;
	db_arg args[PEOPLE_ARGS + 8];
	args[0] = DB_TXT(c->actor.org_id);
	for (int i = 1; i < n; i += 2) {
		args[i] = DB_TXT(c->actor.org_id);
		args[i + 1] = DB_TXT(case_id);
	}
	db_res *r;
	if (!svc_query(c, lists_sql[has[0] + 2 * has[1]], args, n, &r))
		return;
	while (db_next(r) == 1) {
		int64_t l = db_int(r, LIST_WIDTH);
		if (l == 0)
			svc_person_memo_row(c, r);
		else if (l >= 1 && l <= 4)
			json_array_append_new(lists[l - 1], LIST_ROW[l - 1](c, r));
	}
	if ((rc = db_res_close(r)) != DB_OK)
		svc_db_err(c, rc);
}

/* The row (case, customer) and its four lists into *o, and the facts.  The lists are read while
 * the row is open, after it (its versions are never newer than what the page shows), with the
 * people the page names: the row's owner and intake come from the memo they filled. */
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
		json_t *lists[4];
		view_lists(c, case_id, has, lists);
		*o = case_brief_row(c, r);
		for (int l = 0; l < 4; l++)
			json_object_set_new(*o, LIST_KEYS[l], lists[l]);
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

/* Run a part, or merge what it shows when its tables hold nothing of the case.  A part that depends
 * on the reader (svc/hooks.h) and has rows writes into reader when one is given: the page is kept
 * without it, and it is run again at every read (case_view_kept). */
static int view_part(svc_ctx *c, const char *case_id, case_view_fn fn, const int *has, json_t *o, json_t *reader)
{
	const struct case_view_skip *k = svc_case_view_skips();
	for (int i = 0; i < view_nskips; i++, k++) {
		if (k->fn != fn)
			continue;
		if (has[2 + i])
			return fn(c, case_id, reader && k->reader ? reader : o);
		json_t *empty = json_loads(k->empty, 0, NULL);
		json_object_update(o, empty);
		json_decref(empty);
		return 0;
	}
	return fn(c, case_id, o);
}

static int view_render(svc_ctx *c, const char *case_id, json_t **out, struct view_facts *f, json_t *reader)
{
	json_t *o = NULL;
	if (view_row(c, case_id, &o, f))
		return -1;
	for (const case_view_fn *part = svc_case_view_parts(); *part; part++) {
		if (view_part(c, case_id, *part, f->has, o, reader)) {
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
	return view_render(c, case_id, out, &f, NULL);
}

/* 1 when every part has an entry in svc_case_view_skips: a part without one may show anything, so
 * no page is kept. */
static int view_keepable(void)
{
	int parts = 0;
	for (const case_view_fn *p = svc_case_view_parts(); *p; p++)
		parts++;
	return parts == view_nskips;
}

/* The parts that depend on the reader and have rows, as bits of their index in the skips. */
static unsigned reader_parts(const struct view_facts *f)
{
	unsigned bits = 0;
	const struct case_view_skip *k = svc_case_view_skips();
	for (int i = 0; i < view_nskips; i++, k++)
		if (k->reader && f->has[2 + i])
			bits |= 1u << i;
	return bits;
}

/* The answer: the page's text and its reader parts' (both taken; "{...}" each) as one object, as
 * c->answer, sent as it is; *out an empty object. */
static json_t *page_text(svc_ctx *c, char *text, size_t len, char *parts, size_t plen)
{
	if (parts && plen > 2) {
		char *both = xmalloc(len + plen);
		memcpy(both, text, len - 1);
		both[len - 1] = ',';
		memcpy(both + len, parts + 1, plen - 1);
		both[len + plen - 1] = '\0';
		free(text);
		text = both;
		len += plen - 1;
	}
	free(parts);
	svc_answer_text(c, text, len);
	return json_object();
}

/* The versions of the case now: read with the authentication (R_CASE_PAGE), else in one statement
 * (so one snapshot even outside a transaction).  1 found, 0 no such case, -1 storage error. */
static int versions_now(svc_ctx *c, const char *case_id, int64_t *cv, int64_t *ov)
{
	db_res *r;
	if (c->page.case_id && strcmp(c->page.case_id, case_id) == 0) {
		*cv = c->page.cv;
		*ov = c->page.ov;
		return c->page.read;
	}
	if (!svc_query(c, "SELECT " VERSIONS " FROM cases ca WHERE ca.org_id = ? AND ca.id = ?",
		       DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id)), &r))
		return -1;
	int rc = db_next(r), found = rc == 1;
	if (found) {
		*cv = db_int(r, 0);
		*ov = db_int(r, 1);
	}
	if ((rc = db_res_close(r)) != DB_OK)
		return svc_db_err(c, rc);
	return found;
}

int case_view_kept(svc_ctx *c, const char *case_id, json_t **out)
{
	int64_t cv, ov;
	if (!c->case_cache || !case_cache_known(c->case_cache, c->actor.org_id, case_id, &cv, &ov))
		return 0;
	int found = versions_now(c, case_id, &cv, &ov);
	if (found < 0)
		return -1;
	size_t len = 0, plen = 0;
	unsigned bits = 0;
	char *text = found ? case_cache_get(c->case_cache, c->actor.org_id, case_id, cv, ov, &len, &bits) : NULL;
	if (!text)
		return 0;
	json_t *reader = json_object();
	const struct case_view_skip *k = svc_case_view_skips();
	for (int i = 0; bits && i < view_nskips; i++, k++) {
		if ((bits & 1u << i) && k->fn(c, case_id, reader)) {
			json_decref(reader);
			free(text);
			return -1;
		}
	}
	char *parts = json_text(reader, &plen);
	json_decref(reader);
	if (!parts) {
		free(text);
		return err_set(&c->err, ERR_INTERNAL, "internal_error", NULL, "the answer could not be rendered");
	}
	*out = page_text(c, text, len, parts, plen);
	return 1;
}

int case_view_page(svc_ctx *c, const char *case_id, json_t **out)
{
	if (!c->case_cache)
		return case_view(c, case_id, out);
	struct view_facts f;
	json_t *o, *reader = json_object();
	if (view_render(c, case_id, &o, &f, reader)) {
		json_decref(reader);
		return -1;
	}
	size_t len = 0, plen = 0;
	char *text = json_text(o, &len), *parts = json_text(reader, &plen);
	json_decref(o);
	json_decref(reader);
	if (!text || !parts) {
		free(text);
		free(parts);
		return err_set(&c->err, ERR_INTERNAL, "internal_error", NULL, "the answer could not be rendered");
	}
	if (c->db_err.kind == ERR_NONE && view_keepable())
		case_cache_put(c->case_cache, c->actor.org_id, case_id, f.cv, f.ov, text, len, reader_parts(&f));
	*out = page_text(c, text, len, parts, plen);
	return 0;
}
