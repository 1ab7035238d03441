/* GET /api/v1/changes: the case events after a sequence number and my alert count (svc/org/live.h). */
#include <stdint.h>
#include <string.h>

#include "base/limits.h"
#include "store/event.h"
#include "svc/org/alert.h"
#include "svc/org/live.h"

#define LIVE_MAX_ITEMS 200

/* The entity types of events every staff member may see on a case page; anything else (coaching
 * notes, reviews, surveys, sessions, tokens) never reaches the stream. */
#define LIVE_TYPES "'case','touchpoint','note','promise','request','exception','offer','breach','policy_conflict'," \
		   "'update_duty','case_action','mail'"

/* The events after `after` up to `upto` (the ready head: never past an event still being written
 * with a lower seq, store/event.h). */
static int live_events(svc_ctx *c, int64_t after, int64_t upto, json_t *items, int64_t *last)
{
	db_res *r;
	int rc = db_query(c->db,
			  "SELECT e.seq, e.kind, e.case_id, ca.number, e.actor_id, e.at FROM events e "
			  "JOIN cases ca ON ca.org_id = e.org_id AND ca.id = e.case_id "
			  "WHERE e.org_id = ? AND e.seq > ? AND e.seq <= ? AND e.entity_type IN (" LIVE_TYPES
			  ") ORDER BY e.seq LIMIT ?",
			  DB_ARGS(DB_TXT(c->actor.org_id), DB_INT(after), DB_INT(upto), DB_INT(LIVE_MAX_ITEMS)), &r);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	while (db_next(r) == 1) {
		json_array_append_new(items, json_pack("{s:I,s:s,s:s,s:I,s:s,s:o}", "seq", (json_int_t)db_int(r, 0), "kind",
						       db_text(r, 1), "case_id", db_text(r, 2), "case_number",
						       (json_int_t)db_int(r, 3), "actor_id", db_text(r, 4), "at",
						       svc_col_time(r, 5)));
		*last = db_int(r, 0);
	}
	if ((rc = db_res_close(r)) != DB_OK)
		return svc_db_err(c, rc);
	return 0;
}

static int live_changes(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	int64_t head = 0, unread = 0, after = in_int(in, "after", -1);
	int rc = event_ready_head(c->db, c->actor.org_id, &head);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (alert_unread(c, &unread))
		return -1;
	json_t *items = json_array();
	int64_t last = head;
	/* no cursor (or one from the future, e.g. another database): start from now */
	if (after >= 0 && after < head) {
		last = after;
		if (live_events(c, after, head, items, &last)) {
			json_decref(items);
			return -1;
		}
		if (json_array_size(items) < LIVE_MAX_ITEMS)
			last = head; /* the events in between were not for everyone's eyes */
	}
	*out = json_pack("{s:o,s:I,s:{s:I}}", "items", items, "last", (json_int_t)last, "alerts", "unread", (json_int_t)unread);
	return 0;
}

/* The stream itself is answered by the server (http/events_stream.c) before routing; this entry
 * documents it in the API document and answers anything else that reaches it (a harness). */
static int live_stream(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	return err_set(&c->err, ERR_INVALID, "stream_only", NULL,
		       "open the event stream over HTTP with an EventSource (GET, Accept: text/event-stream)");
}

#include "svc/org/live.api.inc"
