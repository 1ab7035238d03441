#ifndef FL_SVC_LEDGER_CASE_LIST_ROWS_H
#define FL_SVC_LEDGER_CASE_LIST_ROWS_H
/* Case list rows kept rendered (issue 14: "my open cases"): the JSON text of one row of a case
 * list, kept per case with the case's and organization's versions (migration 0024) as the case
 * page is (case_cache.h), so a list of unchanged cases is a copy of their texts.  The rows live in
 * a case_cache of their own (CASE_ROWS_SLOTS slots, a row kept only up to CASE_ROWS_MAX_TEXT, so at
 * most 16 MiB), made when the server keeps pages (svc_ctx.case_cache), never otherwise. */
#include <stddef.h>

#include "svc/ledger/case_rows.h"
#include "svc/svc.h"

#define CASE_ROWS_SLOTS	   8192
#define CASE_ROWS_MAX_TEXT 2048
/* The select list of a case list row: CASE_COLS, then the two versions. */
#define CASE_ROW_COLS                                                                                              \
	CASE_COLS ", COALESCE((SELECT v FROM case_versions WHERE org_id = ca.org_id AND case_id = ca.id), 0), " \
		  "COALESCE((SELECT v FROM org_versions WHERE org_id = ca.org_id), 0)"

/* page_list.row_text of a list selecting CASE_ROW_COLS: the row's case_brief_json as text. */
char *case_row_text(svc_ctx *c, db_res *r, json_t *memo, size_t *len);

#endif
