/* A case's rows as JSON (svc/ledger/case_rows.h). */
#include "svc/ledger/case_rows.h"

/* A person's brief, looked up once per list: memo (may be NULL) maps ids to briefs already made. */
static json_t *person_memo(svc_ctx *c, json_t *memo, const char *person_id)
{
	if (!memo)
		return svc_person_brief(c, person_id);
	json_t *v = json_object_get(memo, person_id);
	if (v)
		return json_incref(v);
	v = svc_person_brief(c, person_id);
	json_object_set(memo, person_id, v);
	return v;
}

/* The row part of a case as JSON (no history). */
json_t *case_brief_json(svc_ctx *c, db_res *r, json_t *memo)
{
	json_t *o = json_pack("{s:s,s:I,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:s}", "id", db_text(r, 0), "number",
			      (json_int_t)db_int(r, 1), "subject", db_text(r, 2), "channel", db_text(r, 3), "status",
			      db_text(r, 4), "created_at", svc_col_time(r, 8), "updated_at", svc_col_time(r, 9),
			      "resolved_at", svc_col_time(r, 10), "team_id", svc_col_str(r, 11), "intake_location_id",
			      svc_col_str(r, 12), "resolution", db_text(r, 13));
	json_object_set_new(o, "customer", customer_row_json(r, CASE_NCOLS));
	json_object_set_new(o, "owner", person_memo(c, memo, db_text(r, 6)));
	json_object_set_new(o, "intake_by", person_memo(c, memo, db_text(r, 7)));
	return o;
}

json_t *case_brief_row(svc_ctx *c, db_res *r) { return case_brief_json(c, r, NULL); }

json_t *case_offer_row(svc_ctx *c, db_res *r)
{
	return json_pack("{s:s,s:s,s:o,s:o,s:s,s:s,s:s,s:o,s:o}", "id", db_text(r, 0), "case_id", db_text(r, 1), "from",
			 svc_person_brief(c, db_text(r, 2)), "to", svc_person_brief(c, db_text(r, 3)), "note", db_text(r, 4),
			 "status", db_text(r, 5), "reason", db_text(r, 6), "created_at", svc_col_time(r, 7), "decided_at",
			 svc_col_time(r, 8));
}

json_t *case_event_row(svc_ctx *c, db_res *r)
{
	json_t *data = json_loads(db_text(r, 5), 0, NULL);
	json_t *actor = svc_person_brief(c, db_text(r, 2));
	if (json_is_null(actor)) /* not a person: the customer, acting through the portal */
		actor = json_pack("{s:s,s:s,s:s}", "id", db_text(r, 2), "name", "the customer", "role", "customer");
	return json_pack("{s:I,s:o,s:o,s:s,s:s,s:s,s:o,s:o}", "seq", (json_int_t)db_int(r, 0), "at", svc_col_time(r, 1), "actor",
			 actor, "kind", db_text(r, 3), "entity_type", db_text(r, 4), "entity_id", db_text(r, 6), "data",
			 data ? data : json_object(), "request_id", svc_col_str(r, 7));
}
