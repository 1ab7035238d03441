#ifndef FL_SVC_CASE_ROWS_H
#define FL_SVC_CASE_ROWS_H
/* A case's rows as the case routes, the case page (svc/ledger/case_view.c), the Cases page
 * (queue.c) and the audit read them: their columns and JSON (svc/ledger/case_rows.c). */
#include "svc/ledger/customer.h"
#include "svc/svc.h"

/* The columns of a case row in a list (cases as "ca") and its customer ("cu", joined by
 * CASE_CUSTOMER after any other join: a list does not ask for each row's customer), and that row
 * as JSON (no history); memo (may be NULL) maps person ids to the briefs already made for this list.
 * A query that selects more reads them from column CASE_ALL_NCOLS on. */
#define CASE_COLS                                                                                                   \
	"ca.id, ca.number, ca.subject, ca.channel, ca.status, ca.customer_id, ca.owner_id, ca.intake_by, ca.created_at, " \
	"ca.updated_at, ca.resolved_at, ca.team_id, ca.intake_location_id, ca.resolution, " CUSTOMER_COLS
#define CASE_NCOLS 14 /* the case's own columns; the customer's follow */
#define CASE_ALL_NCOLS (CASE_NCOLS + CUSTOMER_NCOLS)
#define CASE_CUSTOMER " LEFT JOIN customers cu ON cu.org_id = ca.org_id AND cu.id = ca.customer_id"
#define CASE_FROM " FROM cases ca" CASE_CUSTOMER
json_t *case_brief_json(svc_ctx *c, db_res *r, json_t *memo);

/* An offer's and an event's columns, and their rows as JSON. */
#define OFFER_COLS "id, case_id, from_id, to_id, note, status, reason, created_at, decided_at"
#define EVENT_COLS "seq, at, actor_id, kind, entity_type, data, entity_id, request_id"

json_t *case_brief_row(svc_ctx *c, db_res *r);
json_t *case_offer_row(svc_ctx *c, db_res *r);
/* One events row (EVENT_COLS order: seq, at, actor_id, kind, entity_type, data, entity_id,
 * request_id) as JSON. */
json_t *case_event_row(svc_ctx *c, db_res *r);

#endif
