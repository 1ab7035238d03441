/* Checking the hash chain of the history. */
#include "svc/org/audit.h"
#include "store/event.h"
#include "svc/ledger/case.h"
#include "svc/page.h"

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

static const struct page_list EVENTS_PAGE; /* in audit.api.json */

static int org_events(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	if (svc_require(c, PERM_READ_AUDIT))
		return -1;
	int64_t after = in_int(in, "after", 0), upto;
	int rc = event_ready(c->db, c->actor.org_id, &upto);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	/* a page never passes an event still being written with a lower seq (PostgreSQL: store/event.h) */
	return page_run(c, &EVENTS_PAGE, in, "org_id = ? AND seq > ? AND seq <= ?",
			DB_ARGS(DB_TXT(c->actor.org_id), DB_INT(after), DB_INT(upto)), out);
}

#include "svc/org/audit.api.inc"
