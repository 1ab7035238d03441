/* Cases: opening, touchpoints, notes, handoffs (offer / accept / decline / withdraw / assign),
 * resolve and reopen, and the case page with its whole history. */
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "core/ownership.h"
#include "store/search.h"
#include "svc/directory/people.h"
#include "svc/hooks.h"
#include "svc/ledger/case.h"
#include "svc/ledger/case_list_rows.h"
#include "svc/ledger/case_view.h"
#include "svc/ledger/customer.h"
#include "svc/org/alert.h"
#include "svc/org/org.h"
#include "svc/org/settings.h"
#include "svc/page.h"

const char *const CASE_CHANNELS[] = {"web", "chat", "phone", "email", "store", "social", "in_person", "portal", NULL};
static const char *const DIRECTIONS[] = {"inbound", "outbound", NULL};
const char *const NOTE_VISIBILITY[] = {"internal", "customer", NULL};
static const char *const STATUSES[] = {"open", "resolved", NULL};

int case_load(svc_ctx *c, const char *case_id, struct case_row *out)
{
	db_res *r;
	memset(out, 0, sizeof *out);
	if (svc_load_id(c, "case", case_id, "case_not_found", "no such case", &r,
			"SELECT id, owner_id, status, customer_id, team_id, number, "
			"(SELECT COUNT(*) FROM offers o WHERE o.org_id = cases.org_id AND o.case_id = cases.id AND o.status = 'pending') "
			"FROM cases WHERE org_id = ? AND id = ?"))
		return -1;
	SVC_COPY_COLS(c, r, 0, SVC_BUF(out->id), SVC_BUF(out->owner_id));
	out->open = strcmp(db_text(r, 2), "open") == 0;
	SVC_COPY_COLS(c, r, 3, SVC_BUF(out->customer_id), SVC_BUF(out->team_id));
	out->number = db_int(r, 5);
	out->pending_offers = (int)db_int(r, 6);
	db_res_discard(r);
	return 0;
}

int case_touch(svc_ctx *c, const char *case_id)
{
	int rc = db_exec(c->db, "UPDATE cases SET updated_at = ? WHERE org_id = ? AND id = ?",
			 DB_ARGS(DB_INT(c->now), DB_TXT(c->actor.org_id), DB_TXT(case_id)), NULL);
	return rc == DB_OK ? 0 : svc_db_err(c, rc);
}

static void actor_of(svc_ctx *c, struct own_actor *a)
{
	a->person_id = c->actor.person_id;
	a->role = c->actor.role;
}

static void own_of(const struct case_row *row, struct own_case *oc)
{
	oc->owner_id = row->owner_id;
	oc->open = row->open;
	oc->has_pending_offer = row->pending_offers > 0;
}

int case_load_brief(svc_ctx *c, const char *case_id, json_t **out)
{
	json_t *o = svc_one_row(c, "SELECT " CASE_COLS CASE_FROM " WHERE ca.org_id = ? AND ca.id = ?", case_id, case_brief_row);
	if (!o)
		return -1;
	if (json_is_null(o))
		return err_set(&c->err, ERR_NOT_FOUND, "case_not_found", "id", "no such case");
	*out = o;
	return 0;
}

int case_insert(svc_ctx *c, const struct case_new *n, char case_id[ID_SIZE])
{
	int64_t number = 0;
	int found = 0;
	/* PostgreSQL: no row locked until COMMIT, so one organization's creations do not wait on each other */
	int rc = db_scalar_int(
		c->db,
		db_dialect(c->db) == DB_POSTGRES
			? "SELECT fl_case_number(?)"
			: "UPDATE case_counters SET last_number = last_number + 1 WHERE org_id = ? RETURNING last_number",
		DB_ARGS(DB_TXT(c->actor.org_id)), &number, &found);
	if (rc != DB_OK || !found)
		return svc_db_err(c, rc != DB_OK ? rc : DB_ERROR);
	if (n->id && n->id != case_id)
		svc_copy(c, case_id, ID_SIZE, n->id);
	else if (!n->id)
		id_new(case_id, "case", c->now);
	const char *team = n->team_id && *n->team_id ? n->team_id : NULL, *loc = n->location_id && *n->location_id ? n->location_id : NULL;
	rc = db_exec(c->db,
		     "INSERT INTO cases (org_id, id, number, customer_id, subject, channel, status, owner_id, team_id, intake_by, "
		     "intake_location_id, created_at, updated_at) VALUES (?,?,?,?,?,?,'open',?,?,?,?,?,?)",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id), DB_INT(number), DB_TXT(n->customer_id), DB_TXT(n->subject),
			     DB_TXT(n->channel), DB_TXT(n->owner_id), DB_TXT(team), DB_TXT(n->intake_by), DB_TXT(loc), DB_INT(c->now),
			     DB_INT(c->now)),
		     NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	return svc_event(c, "case.opened", "case", case_id, case_id,
			 json_pack("{s:s,s:s,s:s,s:s,s:s?}", "customer_id", n->customer_id, "subject", n->subject, "channel",
				   n->channel, "owner_id", n->owner_id, "location_id", loc));
}

/* The answer to opening a case: its page, and the customers likely the same person under another
 * record (the page offers to merge them). */
static int opened_answer(svc_ctx *c, const char *case_id, const char *customer_id, json_t **out)
{
	if (case_view(c, case_id, out))
		return -1;
	json_object_set_new(*out, "possible_duplicates", customer_duplicates(c, customer_id));
	return 0;
}

static int cs_open(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	int rc;
	char cust[ID_SIZE], case_id[ID_SIZE], loc[ID_SIZE] = "";
	const char *cid = in_str(in, "customer_id");
	id_new(case_id, "case", c->now); /* first: a new customer's event goes on the case's chain */
	if (cid) {
		json_t *cj = customer_json(c, cid);
		int ok = json_is_object(cj);
		json_decref(cj);
		if (!ok)
			return err_set(&c->err, ERR_NOT_FOUND, "customer_not_found", "customer_id", "no such customer");
		svc_copy(c, cust, sizeof cust, cid);
	} else {
		if (!in_str(in, "customer_name"))
			return err_set(&c->err, ERR_INVALID, "required", "customer_name",
				       "give customer_id, or customer_name (with email or phone) for a new customer");
		c->event_chain = case_id;
		rc = customer_create(c, in_str(in, "customer_name"), in_str(in, "customer_email"), in_str(in, "customer_phone"),
				     cust);
		c->event_chain = NULL;
		if (rc)
			return -1;
	}
	if (in_str(in, "location") && org_location_ref(c, in_str(in, "location"), "location", loc))
		return -1;
	if (!*loc && c->actor.located) {
		svc_copy(c, loc, sizeof loc, c->actor.location_id); /* read with the session */
	} else if (!*loc) {
		db_res *r;
		if (svc_query(c, "SELECT location_id FROM people WHERE org_id = ? AND id = ?",
			      DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(c->actor.person_id)), &r)) {
			if (db_next(r) == 1)
				svc_copy(c, loc, sizeof loc, db_text(r, 0));
			if ((rc = db_res_close(r)) != DB_OK)
				svc_db_err(c, rc);
		}
	}
	if (!role_may(c->actor.role, PERM_AUTHOR))
		return err_set(&c->err, ERR_FORBIDDEN, "person_required", NULL, "a case needs a person as its first owner");
	const char *channel = in_str(in, "channel");
	struct case_new cn =
		{cust, in_str(in, "subject"), channel, c->actor.person_id, c->actor.team_id, c->actor.person_id, loc, case_id};
	if (case_insert(c, &cn, case_id))
		return -1;
	if (in_str(in, "summary")) {
		char tp[ID_SIZE];
		id_new(tp, "tp", c->now);
		rc = db_exec(c->db,
			     "INSERT INTO touchpoints (org_id, id, case_id, channel, direction, person_id, summary, at) "
			     "VALUES (?,?,?,?,'inbound',?,?,?)",
			     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(tp), DB_TXT(case_id), DB_TXT(channel),
				     DB_TXT(c->actor.person_id), DB_TXT(in_str(in, "summary")), DB_INT(c->now)),
			     NULL);
		if (rc != DB_OK)
			return svc_db_err(c, rc);
		if (svc_event(c, "touchpoint.added", "touchpoint", tp, case_id,
			      json_pack("{s:s,s:s,s:s}", "channel", channel, "direction", "inbound", "summary", in_str(in, "summary"))))
			return -1;
	}
	return svc_answer_after(c, opened_answer, case_id, cust, out);
}

/* R_OWN_TX: a page kept and still current needs no statement of its own (its versions came with
 * the authentication: R_CASE_PAGE); any other read renders the page in one read transaction, on
 * SQLite: on PostgreSQL each statement reads its own snapshot even inside one (READ COMMITTED), so
 * the page is rendered without one, two round trips fewer. */
static int cs_show(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	int rc = case_view_kept(c, p[0], out);
	if (rc)
		return rc < 0 ? -1 : 0;
	if (!db_tx_snapshot(c->db))
		return case_view_page(c, p[0], out);
	if ((rc = db_begin(c->db, 0)) != DB_OK)
		return svc_db_err(c, rc);
	if (case_view_page(c, p[0], out)) { /* reads the case of the actor's organization once */
		db_rollback(c->db);
		return -1;
	}
	if ((rc = db_commit(c->db)) != DB_OK) {
		json_decref(*out);
		*out = NULL;
		return svc_db_err(c, rc);
	}
	return 0;
}

static const struct page_list CASES;	   /* in case.api.json */
static const struct page_list CASES_FOUND; /* in case.api.json */

static int cs_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char owner[ID_SIZE] = "", team[ID_SIZE] = "";
	const char *q = in_str(in, "q");
	if (in_bool(in, "mine", 0))
		STR_COPY(owner, c->actor.person_id);
	else if (in_str(in, "owner") && svc_person_ref(c, in_str(in, "owner"), "owner", owner))
		return -1;
	if (in_str(in, "team") && org_team_ref(c, in_str(in, "team"), "team", team))
		return -1;
	/* Only the filters given go into the SQL, so the planner can use the index that fits
	 * (cases_owner for "my open cases") instead of scanning the organization's cases. */
	const char *status = in_str(in, "status"), *cust = in_str(in, "customer_id");
	/* the search box: a ranked subquery over the search index (store/search.c) */
	search_sql found = {0};
	int searching = q && *q;
	if (searching && search_cases(c->db, c->actor.org_id, q, &found)) {
		*out = json_pack("{s:[],s:n}", "items", "next"); /* nothing in q to search for */
		return 0;
	}
	db_arg args[SEARCH_MAX_ARGS + 8];
	int n = 0;
	for (int i = 0; i < found.n; i++)
		args[n++] = found.args[i];
	args[n++] = DB_TXT(c->actor.org_id);
	char *where = xstrdup("ca.org_id = ?");
#define AND_(cond, arg)                                            \
	do {                                                       \
		char *w_ = xasprintf("%s AND %s", where, cond);    \
		free(where);                                       \
		where = w_;                                        \
		args[n++] = (arg);                                 \
	} while (0)
	if (*owner)
		AND_("ca.owner_id = ?", DB_TXT(owner));
	if (*team)
		AND_("ca.team_id = ?", DB_TXT(team));
	if (status)
		AND_("ca.status = ?", DB_TXT(status));
	if (cust)
		AND_("ca.customer_id = ?", DB_TXT(cust));
#undef AND_
	struct page_list L = searching ? CASES_FOUND : CASES;
	if (!c->case_cache) { /* the command line: no kept rows, JSON as ever */
		L.row_text = NULL;
		L.row_kept = NULL;
	}
	char *from = searching ? xasprintf("cases ca JOIN %s s ON s.case_id = ca.id" CASE_CUSTOMER, found.sql) : NULL;
	if (from)
		L.from = from;
	int rc = page_run(c, &L, in, where, args, n, out);
	free(from);
	free(where);
	search_sql_free(&found);
	return rc;
}

static int cs_touchpoint(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct case_row row;
	char id[ID_SIZE];
	long long at = c->now;
	if (case_load(c, p[0], &row))
		return -1;
	if (in_time(in, "at", &at) && at > c->now)
		return err_set(&c->err, ERR_INVALID, "time_in_future", "at", "a touchpoint can't be in the future");
	/* a summary is staff wording: the customer's portal shows it only when written for the customer */
	int visible = in_bool(in, "customer_visible", 0);
	id_new(id, "tp", c->now);
	int rc = db_exec(c->db,
			 "INSERT INTO touchpoints (org_id, id, case_id, channel, direction, person_id, summary, at, customer_visible) "
			 "VALUES (?,?,?,?,?,?,?,?,?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(row.id), DB_TXT(in_str(in, "channel")),
				 DB_TXT(in_str(in, "direction")), DB_TXT(c->actor.person_id), DB_TXT(in_str(in, "summary")),
				 DB_INT(at), DB_INT(visible)),
			 NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (svc_event(c, "touchpoint.added", "touchpoint", id, row.id,
		      json_pack("{s:s,s:s,s:s,s:b}", "channel", in_str(in, "channel"), "direction", in_str(in, "direction"),
				"summary", in_str(in, "summary"), "customer_visible", visible)) ||
	    case_touch(c, row.id))
		return -1;
	for (const case_hook_fn *h = svc_touchpoint_hooks(); *h; h++)
		if ((*h)(c, row.id, in))
			return -1;
	*out = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:b}", "id", id, "case_id", row.id, "channel", in_str(in, "channel"),
			 "direction", in_str(in, "direction"), "summary", in_str(in, "summary"), "at", svc_time(at),
			 "customer_visible", visible);
	return 0;
}

static int cs_note(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct case_row row;
	char id[ID_SIZE];
	const char *vis = in_str(in, "visibility") ? in_str(in, "visibility") : "internal";
	if (case_load(c, p[0], &row))
		return -1;
	id_new(id, "note", c->now);
	int rc = db_exec(c->db, "INSERT INTO notes (org_id, id, case_id, author_id, visibility, body, at) VALUES (?,?,?,?,?,?,?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(row.id), DB_TXT(c->actor.person_id), DB_TXT(vis),
				 DB_TXT(in_str(in, "body")), DB_INT(c->now)),
			 NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	/* internal note bodies stay out of the event data, which customers' portals never read anyway */
	if (svc_event(c, "note.added", "note", id, row.id, json_pack("{s:s,s:s}", "visibility", vis, "body", in_str(in, "body"))) ||
	    case_touch(c, row.id))
		return -1;
	if (strcmp(vis, "customer") == 0)
		for (const case_hook_fn *h = svc_touchpoint_hooks(); *h; h++)
			if ((*h)(c, row.id, in))
				return -1;
	*out = json_pack("{s:s,s:s,s:s,s:s,s:o}", "id", id, "case_id", row.id, "visibility", vis, "body", in_str(in, "body"),
			 "at", svc_time(c->now));
	return 0;
}

static int cs_offer(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct case_row row;
	struct own_actor a;
	struct own_case oc;
	char to[ID_SIZE], id[ID_SIZE];
	enum role to_role;
	int to_active;
	if (case_load(c, p[0], &row) || svc_person_ref(c, in_str(in, "to"), "to", to) ||
	    people_role(c, to, &to_role, NULL, &to_active))
		return -1;
	actor_of(c, &a);
	own_of(&row, &oc);
	if (own_may_offer(&a, &oc, to, to_active, &c->err))
		return -1;
	id_new(id, "off", c->now);
	const char *note = in_str(in, "note") ? in_str(in, "note") : "";
	/* an offer nobody accepts in time comes back to the offerer with an alert (oncall_tick) */
	int64_t expires = c->now + setting_int(c, "offer.expire_minutes") * FL_MIN_MS;
	int rc = db_exec(c->db,
			 "INSERT INTO offers (org_id, id, case_id, from_id, to_id, note, status, created_at, expires_at) "
			 "VALUES (?,?,?,?,?,?,'pending',?,?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(row.id), DB_TXT(c->actor.person_id), DB_TXT(to),
				 DB_TXT(note), DB_INT(c->now), DB_INT(expires)),
			 NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (svc_event(c, "case.offered", "offer", id, row.id,
		      json_pack("{s:s,s:s,s:s,s:s}", "from", c->actor.person_id, "to", to, "owner", row.owner_id, "note", note)) ||
	    case_touch(c, row.id) ||
	    alert_add(c, to, "offer", row.id, "offer", id, "%s offers you case #%lld%s%s", c->actor.name, row.number,
		      *note ? ": " : "", note))
		return -1;
	return offer_view(c, id, out);
}

int offer_view(svc_ctx *c, const char *offer_id, json_t **out)
{
	json_t *o = svc_one_row(c, "SELECT " OFFER_COLS " FROM offers WHERE org_id = ? AND id = ?", offer_id, case_offer_row);
	if (!o)
		return -1;
	if (json_is_null(o))
		return err_set(&c->err, ERR_NOT_FOUND, "offer_not_found", "id", "no such offer");
	*out = o;
	return 0;
}

struct offer_state {
	char case_id[ID_SIZE], from[ID_SIZE], to[ID_SIZE], status[16];
};

static int offer_load(svc_ctx *c, const char *id, struct offer_state *s)
{
	db_res *r;
	if (svc_load_id(c, "off", id, "offer_not_found", "no such offer", &r,
			"SELECT case_id, from_id, to_id, status FROM offers WHERE org_id = ? AND id = ?"))
		return -1;
	SVC_COPY_COLS(c, r, 0, SVC_BUF(s->case_id), SVC_BUF(s->from), SVC_BUF(s->to), SVC_BUF(s->status));
	db_res_discard(r);
	return 0;
}

/* Move ownership (inside the caller's transaction) and record it. */
int case_set_owner(svc_ctx *c, const char *case_id, const char *from, const char *to, const char *kind, json_t *extra)
{
	char team[ID_SIZE] = "";
	enum role role;
	int active;
	if (people_role(c, to, &role, team, &active)) {
		json_decref(extra);
		return -1;
	}
	/* the guard on owner_id makes a concurrent change lose cleanly instead of overwriting */
	int64_t n = 0;
	int rc = db_exec(c->db, "UPDATE cases SET owner_id = ?, team_id = ?, updated_at = ? WHERE org_id = ? AND id = ? AND owner_id = ?",
			 DB_ARGS(DB_TXT(to), DB_TXT(*team ? team : NULL), DB_INT(c->now), DB_TXT(c->actor.org_id),
				 DB_TXT(case_id), DB_TXT(from)),
			 &n);
	if (rc != DB_OK) {
		json_decref(extra);
		return svc_db_err(c, rc);
	}
	if (n != 1) {
		json_decref(extra);
		return err_set(&c->err, ERR_CONFLICT, "owner_changed", NULL, "the case's owner changed meanwhile");
	}
	json_t *data = extra ? extra : json_object();
	json_object_set_new(data, "from", json_string(from));
	json_object_set_new(data, "to", json_string(to));
	return svc_event(c, kind, "case", case_id, case_id, data);
}

static int decide(svc_ctx *c, const char *offer_id, const char *verdict, const char *reason, json_t **out)
{
	struct offer_state s;
	struct case_row row;
	struct own_actor a;
	struct own_case oc;
	if (offer_load(c, offer_id, &s) || case_load(c, s.case_id, &row))
		return -1;
	struct own_offer oo = {s.to, s.from, s.status};
	actor_of(c, &a);
	own_of(&row, &oc);
	if (own_may_decide(&a, &oc, &oo, &c->err))
		return -1;
	int64_t n = 0;
	int rc = db_exec(c->db, "UPDATE offers SET status = ?, reason = ?, decided_at = ? WHERE org_id = ? AND id = ? AND status = 'pending'",
			 DB_ARGS(DB_TXT(verdict), DB_TXT(reason ? reason : ""), DB_INT(c->now), DB_TXT(c->actor.org_id),
				 DB_TXT(offer_id)),
			 &n);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (n != 1)
		return err_set(&c->err, ERR_CONFLICT, "offer_not_pending", NULL, "the offer was answered meanwhile");
	if (strcmp(verdict, "accepted") == 0) {
		if (case_set_owner(c, row.id, row.owner_id, s.to, "case.accepted", json_pack("{s:s}", "offer_id", offer_id)))
			return -1;
	} else {
		if (svc_event(c, "case.declined", "offer", offer_id, row.id,
			      json_pack("{s:s,s:s,s:s}", "from", s.from, "to", s.to, "reason", reason)) ||
		    case_touch(c, row.id))
			return -1;
	}
	return offer_view(c, offer_id, out);
}

static int of_accept(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	return decide(c, p[0], "accepted", NULL, out);
}

static int of_decline(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	return decide(c, p[0], "declined", in_str(in, "reason"), out);
}

static int of_withdraw(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct offer_state s;
	struct own_actor a;
	if (offer_load(c, p[0], &s))
		return -1;
	struct own_offer oo = {s.to, s.from, s.status};
	actor_of(c, &a);
	if (own_may_withdraw(&a, &oo, &c->err))
		return -1;
	int64_t n = 0;
	int rc = db_exec(c->db, "UPDATE offers SET status = 'withdrawn', decided_at = ? WHERE org_id = ? AND id = ? AND status = 'pending'",
			 DB_ARGS(DB_INT(c->now), DB_TXT(c->actor.org_id), DB_TXT(p[0])), &n);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (n != 1) /* answered meanwhile (another server, another transaction) */
		return err_set(&c->err, ERR_CONFLICT, "offer_not_pending", NULL, "the offer was answered meanwhile");
	if (svc_event(c, "case.offer_withdrawn", "offer", p[0], s.case_id, json_pack("{s:s}", "to", s.to)))
		return -1;
	return offer_view(c, p[0], out);
}

static const struct page_list OFFERS; /* in case.api.json */

static int of_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	const char *status = in_str(in, "status") ? in_str(in, "status") : "pending";
	int from_me = in_str(in, "direction") && strcmp(in_str(in, "direction"), "from_me") == 0;
	if (page_run(c, &OFFERS, in,
		     from_me ? "org_id = ? AND from_id = ? AND status = ?" : "org_id = ? AND to_id = ? AND status = ?",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(c->actor.person_id), DB_TXT(status)), out))
		return -1;
	/* the case as the person deciding sees it: number, subject, customer */
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(*out, "items"), i, it)
	{
		json_t *cb = svc_case_brief(c, json_string_value(json_object_get(it, "case_id")));
		if (cb)
			json_object_set_new(it, "case", cb);
	}
	return 0;
}

/* Settle every offer of the case still waiting (an assignment or resolution decides instead). */
static int withdraw_pending_offers(svc_ctx *c, const char *case_id)
{
	return db_exec(c->db, "UPDATE offers SET status = 'withdrawn', decided_at = ? WHERE org_id = ? AND case_id = ? AND status = 'pending'",
		       DB_ARGS(DB_INT(c->now), DB_TXT(c->actor.org_id), DB_TXT(case_id)), NULL);
}

static int cs_assign(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	int rc;
	struct case_row row;
	struct own_actor a;
	struct own_case oc;
	char to[ID_SIZE];
	enum role role;
	int active;
	if (case_load(c, p[0], &row) || svc_person_ref(c, in_str(in, "to"), "to", to) || people_role(c, to, &role, NULL, &active))
		return -1;
	actor_of(c, &a);
	own_of(&row, &oc);
	if (own_may_assign(&a, &oc, to, active, &c->err))
		return -1;
	/* a direct assignment settles any offer that was waiting */
	if ((rc = withdraw_pending_offers(c, row.id)) != DB_OK)
		return svc_db_err(c, rc);
	if (case_set_owner(c, row.id, row.owner_id, to, "case.assigned",
			   json_pack("{s:s}", "reason", in_str(in, "reason") ? in_str(in, "reason") : "")))
		return -1;
	return case_view(c, row.id, out);
}

/* Load case id into *row and ask rule (core/ownership.h) whether the actor may act on it: 0, or
 * -1 with the 404, the rule's refusal or the storage error. */
static int case_load_may(svc_ctx *c, const char *id, struct case_row *row,
			 int (*rule)(const struct own_actor *, const struct own_case *, fl_err *))
{
	struct own_actor a;
	struct own_case oc;
	if (case_load(c, id, row))
		return -1;
	actor_of(c, &a);
	own_of(row, &oc);
	return rule(&a, &oc, &c->err) ? -1 : 0;
}

static int cs_resolve(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct case_row row;
	if (case_load_may(c, p[0], &row, own_may_resolve))
		return -1;
	for (const case_hook_fn *h = svc_resolve_hooks(); *h; h++)
		if ((*h)(c, row.id, in))
			return -1;
	int rc = db_exec(c->db, "UPDATE cases SET status = 'resolved', resolved_at = ?, updated_at = ?, resolution = ? WHERE org_id = ? AND id = ?",
			 DB_ARGS(DB_INT(c->now), DB_INT(c->now), DB_TXT(in_str(in, "resolution")), DB_TXT(c->actor.org_id),
				 DB_TXT(row.id)),
			 NULL);
	if (rc == DB_OK)
		rc = withdraw_pending_offers(c, row.id);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (svc_event(c, "case.resolved", "case", row.id, row.id,
		      json_pack("{s:s,s:b}", "resolution", in_str(in, "resolution"), "complaint", in_bool(in, "complaint", 0))))
		return -1;
	return case_view(c, row.id, out);
}

static int cs_reopen(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct case_row row;
	if (case_load_may(c, p[0], &row, own_may_reopen))
		return -1;
	int rc = db_exec(c->db, "UPDATE cases SET status = 'open', resolved_at = NULL, updated_at = ? WHERE org_id = ? AND id = ?",
			 DB_ARGS(DB_INT(c->now), DB_TXT(c->actor.org_id), DB_TXT(row.id)), NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (svc_event(c, "case.reopened", "case", row.id, row.id, json_pack("{s:s}", "reason", in_str(in, "reason"))))
		return -1;
	return case_view(c, row.id, out);
}

static int cs_history(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct case_row row;
	if (case_load(c, p[0], &row))
		return -1;
	return svc_items(c, out, case_event_row,
			 "SELECT " EVENT_COLS " FROM events WHERE org_id = ? AND case_id = ? ORDER BY seq",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(row.id)));
}

int case_owner(svc_ctx *c, const char *case_id, char owner[ID_SIZE])
{
	owner[0] = '\0';
	return svc_text(c, owner, ID_SIZE, "SELECT owner_id FROM cases WHERE org_id = ? AND id = ?",
			DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id)));
}

#include "svc/ledger/case.api.inc"
