#ifndef FL_PAGE_H
#define FL_PAGE_H
/* Lists that page by cursor: one mechanism for every list route.
 *
 * A list is described once, as data (struct page_list): what it selects, from where, in what
 * order, and how a row becomes an item.  page_run() adds the organization's filters the route
 * computed (where + args), reads `limit` and `cursor` from the input, and answers
 * {"items": [...], "next": CURSOR or null}.
 *
 * Paging is keyset paging on the sort keys, the last of which is unique within the list (the
 * row's id): a page is "the rows after the last one the client saw, in the list's order".  Rows
 * added meanwhile that sort before the cursor are not seen by that walk, and none is seen twice or
 * skipped — unlike offset paging.  A cursor is opaque to clients (URL-safe base64 of the list's
 * name and the last row's key values); one from another list, or a made-up one, is refused with
 * 400 `invalid_cursor` (field `cursor`). */
#include "base/limits.h"
#include "svc/svc.h"

#define PAGE_MAX_KEYS 4
#define PAGE_MAX_ARGS 64 /* the route's own filter arguments (the search box's included) */
#define PAGE_MAX_PROBE_ARGS 4 /* the organization's ids a probe's select list takes */

struct page_key {
	const char *expr;  /* SQL expression ("ca.updated_at", "COALESCE(due_at, 0)"); never NULL valued */
	enum db_type type; /* DB_T_INT or DB_T_TEXT */
	int desc;	   /* 1 = descending */
};

struct page_list {
	const char *name;		     /* written into its cursors, so one list's cursor is refused by another */
	const char *cols;		     /* the select list the row function reads (columns 0..) */
	const char *from;		     /* "cases ca JOIN ..." */
	struct page_key keys[PAGE_MAX_KEYS]; /* the order; the last one given is unique (the id) */
	svc_row_fn row;			     /* an item from a row; or NULL and one of: */
	json_t *(*row_memo)(svc_ctx *c, db_res *r, json_t *memo); /* the same with a memo object for the page */
	json_t *(*by_id)(svc_ctx *c, const char *id);		  /* an item from the last key's value, after the rows are read */
	/* optional, with row or row_memo: the item's JSON text (new, *len its length), e.g. kept
	 * rendered at its case's version; then a JSON answer is written as text from the items' texts
	 * (svc_answer_text), and row / row_memo serve ?format=csv. */
	char *(*row_text)(svc_ctx *c, db_res *r, json_t *memo, size_t *len);
	/* optional, with row_text: a cheaper first statement for a list whose rows are all kept.
	 * probe_cols from probe_from (the same rows as from: the joins it leaves out may not filter;
	 * each `?` in probe_cols is the organization's id, c->actor.org_id) are read first, and
	 * row_kept appends the row's kept text with add (1) or says it is not kept (0).  When every
	 * row is kept that is the answer; else the probe is dropped and the list is read with cols
	 * (one statement more, in the same transaction). */
	const char *probe_cols, *probe_from;
	int (*row_kept)(svc_ctx *c, db_res *r, void (*add)(void *buf, const char *text, size_t len), void *buf);
};

/* The input fields of a paged list: add PAGE_FIELDS to the route's spec. */
#define PAGE_FIELDS                                                                         \
	{"limit", IN_INT, 0, 1, FL_MAX_LIST, NULL, "page size (default 50)"},               \
	{                                                                                   \
		"cursor", IN_STR, 0, 1, PAGE_MAX_CURSOR, NULL,                              \
			"the `next` of the previous page (opaque); absent = the first page" \
	}
#define PAGE_MAX_CURSOR 1024

/* Run the list: SELECT cols FROM from WHERE (where) AND <after the cursor> ORDER BY keys LIMIT.
 * where ("" = none) and its n args are the route's filters (the organization's id among them).
 * Sets *out to a new {"items", "next"}; returns 0, or -1 with c->err (a bad cursor, a storage
 * error with its kind). */
int page_run(svc_ctx *c, const struct page_list *L, json_t *in, const char *where, const db_arg *args, int n, json_t **out);

/* The cursor that page_run would give after a row with these key values (tests, callers that
 * page by hand).  vals is a JSON array with one value per key.  Returns a new string. */
char *page_cursor_encode(const struct page_list *L, json_t *vals);

#endif
