#ifndef FL_SVC_CASE_H
#define FL_SVC_CASE_H
/* Cases and offers: the ledger of who owns what (svc/ledger/case.c). */
#include "svc/ledger/customer.h"
#include "svc/svc.h"

extern const struct route case_routes[];

extern const char *const CASE_CHANNELS[];   /* NULL-terminated */
extern const char *const NOTE_VISIBILITY[]; /* internal, customer; NULL-terminated */

struct case_row {
	char id[ID_SIZE];
	char owner_id[ID_SIZE];
	char customer_id[ID_SIZE];
	char team_id[ID_SIZE];
	long long number;
	int open;
	int pending_offers;
};

/* A new case: every field borrowed; team_id and location_id may be NULL or "". */
struct case_new {
	const char *customer_id, *subject, *channel, *owner_id, *team_id, *intake_by, *location_id;
};
/* Number and insert an open case and append case.opened (the caller checked who may).  case_id
 * receives the new id.  Returns 0 or -1 (err set). */
int case_insert(svc_ctx *c, const struct case_new *n, char case_id[ID_SIZE]);
/* Load a case of the actor's organization; -1 with ERR_NOT_FOUND "case_not_found" otherwise. */
int case_load(svc_ctx *c, const char *case_id, struct case_row *out);
/* The full case page (row, customer, owner, touchpoints, notes, offers, history, and every
 * registered view part).  *out is new. */
int case_view(svc_ctx *c, const char *case_id, json_t **out);
/* The same page for GET /api/v1/cases/{id}, kept rendered in c->case_cache (when there is one) at the
 * case's and the organization's versions (migration 0024), so a read of an unchanged case is a
 * copy: its versions come with the authentication (R_CASE_PAGE; else one statement).
 * case_view_kept: 1 and the text as c->answer (svc_answer_text; *out an empty object) when the page
 * kept is still the database's, 0 when not, -1 on a storage error.  case_view_page (in a read
 * transaction on SQLite): the page rendered, kept when it is the same for every reader, answered
 * the same way (or as case_view's tree without a cache). */
int case_view_kept(svc_ctx *c, const char *case_id, json_t **out);
int case_view_page(svc_ctx *c, const char *case_id, json_t **out);
/* Load a case row into JSON; -1 with ERR_NOT_FOUND when absent. */
int case_load_brief(svc_ctx *c, const char *case_id, json_t **out);
/* The case's current owner into owner; "" when no case. */
void case_owner(svc_ctx *c, const char *case_id, char owner[ID_SIZE]);
/* Bump updated_at. */
int case_touch(svc_ctx *c, const char *case_id);
/* Move ownership from `from` to `to` (guarded: fails with 409 if the owner changed) and append
 * event `kind` with extra data (stolen). */
int case_set_owner(svc_ctx *c, const char *case_id, const char *from, const char *to, const char *kind, json_t *extra);
int offer_view(svc_ctx *c, const char *offer_id, json_t **out);
/* One events row (EVENT_COLS order: seq, at, actor_id, kind, entity_type, data, entity_id,
 * request_id) as JSON. */
json_t *case_event_row(svc_ctx *c, db_res *r);

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

/* Shared by svc/ledger/case.c and case_view.c: the columns of an offer and of an event, and JSON. */

#define OFFER_COLS "id, case_id, from_id, to_id, note, status, reason, created_at, decided_at"
#define EVENT_COLS "seq, at, actor_id, kind, entity_type, data, entity_id, request_id"

json_t *case_brief_row(svc_ctx *c, db_res *r);
json_t *case_offer_row(svc_ctx *c, db_res *r);
/* The rows of sql (parameters: the actor's organization, case_id) as a JSON array of row(). */
json_t *case_rows_of(svc_ctx *c, const char *sql, const char *case_id, json_t *(*row)(svc_ctx *, db_res *));

#endif
