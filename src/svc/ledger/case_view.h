#ifndef FL_SVC_CASE_VIEW_H
#define FL_SVC_CASE_VIEW_H
/* The case page (svc/ledger/case_view.c): the case row with its customer, touchpoints, notes,
 * offers, history and every capability's view part (svc/hooks.h), read in as few statements as the
 * case's contents allow.  The rows it shares with the case routes (the brief, an offer, an event)
 * are case.c's (svc/ledger/case.h). */
#include "svc/svc.h"

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

#endif
