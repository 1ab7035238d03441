#ifndef FL_SVC_CASE_H
#define FL_SVC_CASE_H
/* Cases and offers: the ledger of who owns what (svc/ledger/case.c). */
#include "svc/ledger/case_rows.h"
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
	const char *id; /* the case's id drawn beforehand (id_new), or NULL */
};
/* Number and insert an open case and append case.opened (the caller checked who may).  case_id
 * receives the new id (n->id when given).  Case numbers: SQLite counts them in case_counters
 * (gapless); PostgreSQL draws them from the organization's sequence (migration 0039: unique,
 * increasing, with a gap where a creation rolled back).  Returns 0 or -1 (err set). */
int case_insert(svc_ctx *c, const struct case_new *n, char case_id[ID_SIZE]);
/* Load a case of the actor's organization; -1 with ERR_NOT_FOUND "case_not_found" otherwise. */
int case_load(svc_ctx *c, const char *case_id, struct case_row *out);
/* Load a case row into JSON; -1 with ERR_NOT_FOUND when absent. */
int case_load_brief(svc_ctx *c, const char *case_id, json_t **out);
/* The case's current owner into owner ("" when no case): 0, or -1 with the storage error's kind. */
int case_owner(svc_ctx *c, const char *case_id, char owner[ID_SIZE]);
/* Bump updated_at. */
int case_touch(svc_ctx *c, const char *case_id);
/* Move ownership from `from` to `to` (guarded: fails with 409 if the owner changed) and append
 * event `kind` with extra data (stolen). */
int case_set_owner(svc_ctx *c, const char *case_id, const char *from, const char *to, const char *kind, json_t *extra);
int offer_view(svc_ctx *c, const char *offer_id, json_t **out);

#endif
