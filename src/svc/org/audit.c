/* Checking the hash chain of the history. */
#include "store/event.h"
#include "svc/ledger/case.h"
#include "svc/org/audit.h"

static int verify(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct event_verdict v;
	if (svc_require(c, PERM_READ_AUDIT))
		return -1;
	int rc = event_verify(c->db, c->actor.org_id, NULL, &v);
	if (rc < 0)
		return svc_db_err(c, rc);
	*out = json_pack("{s:b,s:I,s:s}", "ok", rc == 0, "events", (json_int_t)v.events, "message", v.msg);
	if (rc == 1)
		json_object_set_new(*out, "first_bad_seq", json_integer(v.bad_seq));
	return 0;
}

static int org_events(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	int rc;
	db_res *r;
	if (svc_require(c, PERM_READ_AUDIT))
		return -1;
	long long after = in_int(in, "after", 0);
	if ((rc = db_query(c->db,
			   "SELECT seq, at, actor_id, kind, entity_type, data, entity_id FROM events WHERE org_id = ? AND seq > ? "
			   "ORDER BY seq LIMIT ?",
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_INT(after), DB_INT(svc_limit(in))), &r)) != DB_OK)
		return svc_db_err(c, rc);
	json_t *items = json_array();
	if (svc_rows_append(c, r, items, case_event_row)) {
		json_decref(items);
		return -1;
	}
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

static const struct in_field EVENTS[] = {
	{"after", IN_INT, 0, 0, (1LL << 62), NULL, "only events after this sequence number"},
	{"limit", IN_INT, 0, 1, 500, NULL, "page size"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};

const struct route audit_routes[] = {
	{"GET", "/api/v1/audit/verify", verify, NULL, 200, "Check the organization's history hash chain (admin, leader)",
	 "AuditResult", NULL, 0},
	{"GET", "/api/v1/events", org_events, EVENTS, 200, "The organization's history (admin, leader)", "EventList",
	 "event list", 0},
	{NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, 0},
};
