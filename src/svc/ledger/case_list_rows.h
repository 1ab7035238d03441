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
/* The select list of a case list row: CASE_COLS, then the two versions, then the briefs of its
 * owner and of who took it in (SVC_PERSON_BRIEF_COLS each, joined by CASE_ROW_PEOPLE after
 * CASE_CUSTOMER), so a row rendered sends no statement for its people. */
#define CASE_ROW_COLS                                                                                              \
	CASE_COLS ", COALESCE((SELECT v FROM case_versions WHERE org_id = ca.org_id AND case_id = ca.id), 0), " \
		  "COALESCE((SELECT v FROM org_versions WHERE org_id = ca.org_id), 0), "                      \
		  "po.id, po.name, po.role, po.team_id, pot.name, po.email, po.phone, po.manager_id, po.title, "  \
		  "pi.id, pi.name, pi.role, pi.team_id, pit.name, pi.email, pi.phone, pi.manager_id, pi.title"
#define CASE_ROW_PEOPLE                                                                        \
	" LEFT JOIN people po ON po.org_id = ca.org_id AND po.id = ca.owner_id"                \
	" LEFT JOIN teams pot ON pot.org_id = po.org_id AND pot.id = po.team_id"               \
	" LEFT JOIN people pi ON pi.org_id = ca.org_id AND pi.id = ca.intake_by"               \
	" LEFT JOIN teams pit ON pit.org_id = pi.org_id AND pit.id = pi.team_id"
#define CASE_ROW_OWNER_COL  (CASE_ALL_NCOLS + 2)
#define CASE_ROW_INTAKE_COL (CASE_ALL_NCOLS + 11)

/* A case list's probe (page_list.probe_cols, from "cases ca" alone): the case's id and its two
 * versions, the organization's read once for the list (its `?` is the organization's id). */
#define CASE_ROW_PROBE_COLS                                                                              \
	"ca.id, COALESCE((SELECT v FROM case_versions WHERE org_id = ca.org_id AND case_id = ca.id), 0), " \
	"COALESCE((SELECT v FROM org_versions WHERE org_id = ?), 0)"

/* page_list.row_kept of a list probing with CASE_ROW_PROBE_COLS: the row's kept text, if kept at
 * the row's versions, appended with add (1); else 0. */
int case_row_kept(svc_ctx *c, db_res *r, void (*add)(void *buf, const char *text, size_t len), void *buf);

/* page_list.row_memo of a list selecting CASE_ROW_COLS: case_brief_json, its people from the row. */
json_t *case_row_json(svc_ctx *c, db_res *r, json_t *memo);
/* page_list.row_text of a list selecting CASE_ROW_COLS: the row's case_row_json as text. */
char *case_row_text(svc_ctx *c, db_res *r, json_t *memo, size_t *len);

#endif
