/* Routing a case to whoever is on call: the offer goes to the first candidate; one not accepted
 * in time moves to the next person, and the person who routed it is told what happened. */
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "core/ownership.h"
#include "svc/directory/directory.h"
#include "svc/directory/routing.h"
#include "svc/directory/who.h"
#include "svc/ledger/case.h"
#include "svc/org/alert.h"
#include "svc/org/settings.h"
#include "svc/page.h"
#include "svc/tick.h"

/* --- routing a case to whoever is on call --- */

/* Offer the case to the first candidate not yet tried.  tried (borrowed) is extended. */
static int route_next(svc_ctx *c, const struct case_row *row, const char *from, const char *skill, const char *loc,
		      json_t *tried, int step, const char *note, char offer_id[ID_SIZE], char to[ID_SIZE])
{
	json_t *items;
	offer_id[0] = to[0] = '\0';
	if (who_can_help(c, skill, loc, c->now, 50, &items))
		return -1;
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		const char *pid = json_string_value(json_object_get(json_object_get(it, "person"), "id"));
		int skip = !pid || strcmp(pid, row->owner_id) == 0;
		size_t j;
		json_t *t;
		json_array_foreach(tried, j, t) skip |= pid && strcmp(json_string_value(t), pid) == 0;
		if (!skip) {
			svc_copy(c, to, ID_SIZE, pid);
			break;
		}
	}
	json_decref(items);
	if (!*to)
		return 0;
	json_array_append_new(tried, json_string(to));
	char *tried_txt = json_dumps(tried, JSON_COMPACT);
	int64_t expires = c->now + setting_int(c, "offer.expire_minutes") * FL_MIN_MS;
	id_new(offer_id, "off", c->now);
	int rc = db_exec(c->db,
			 "INSERT INTO offers (org_id, id, case_id, from_id, to_id, note, status, created_at, expires_at, route_skill_id, "
			 "route_location_id, route_tried, route_step) VALUES (?,?,?,?,?,?,'pending',?,?,?,?,?,?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(offer_id), DB_TXT(row->id), DB_TXT(from), DB_TXT(to), DB_TXT(note),
				 DB_INT(c->now), DB_INT(expires), DB_TXT(skill), DB_TXT(*loc ? loc : NULL), DB_TXT(tried_txt),
				 DB_INT(step)),
			 NULL);
	free(tried_txt);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (svc_event(c, "case.offered", "offer", offer_id, row->id,
		      json_pack("{s:s,s:s,s:s,s:s,s:b,s:s,s:i,s:o}", "from", from, "to", to, "owner", row->owner_id, "note", note,
				"routed", 1, "skill_id", skill, "step", step, "expires_at", svc_time(expires))) ||
	    alert_add(c, to, "offer", row->id, "offer", offer_id, "Case #%lld is offered to you as the person on call%s%s",
		      row->number, *note ? ": " : "", note))
		return -1;
	return case_touch(c, row->id);
}

int routing_offer(svc_ctx *c, const char *case_id, const char *from, const char *skill_id, const char *loc_id, const char *note,
		  char offer_id[ID_SIZE], char to[ID_SIZE])
{
	struct case_row row;
	if (case_load(c, case_id, &row))
		return -1;
	json_t *tried = json_array();
	int rc = route_next(c, &row, from, skill_id, loc_id, tried, 1, note, offer_id, to);
	json_decref(tried);
	return rc;
}

static int case_route(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct case_row row;
	char skill[ID_SIZE], loc[ID_SIZE], offer_id[ID_SIZE], to[ID_SIZE];
	if (case_load(c, p[0], &row) || dir_skill_ref(c, in_str(in, "skill"), "skill", skill, NULL, 0) ||
	    who_near_location(c, in, "location", loc))
		return -1;
	struct own_actor a = {c->actor.person_id, c->actor.role};
	struct own_case oc = {row.owner_id, row.open, row.pending_offers > 0};
	/* the same rules as a direct offer (the target is checked when chosen) */
	if (own_may_offer(&a, &oc, "", 1, &c->err))
		return -1;
	json_t *tried = json_array();
	int rc = route_next(c, &row, c->actor.person_id, skill, loc, tried, 1, in_str(in, "note") ? in_str(in, "note") : "",
			    offer_id, to);
	json_decref(tried);
	if (rc)
		return -1;
	if (!*to)
		return err_set(&c->err, ERR_RULE, "nobody_on_call", "skill",
			       "nobody is on call or in hours for that skill now; the case stays with you");
	return offer_view(c, offer_id, out);
}

struct due_offer {
	char org[ID_SIZE], id[ID_SIZE], case_id[ID_SIZE], from[ID_SIZE], to[ID_SIZE], skill[ID_SIZE], loc[ID_SIZE];
	char *tried;
	int step;
};

int routing_tick_due(svc_ctx *c, int64_t until, int64_t *next)
{
	return tick_due_min(c, "SELECT MIN(expires_at) FROM offers WHERE status = 'pending' AND expires_at IS NOT NULL AND expires_at <= ?",
			    until, next);
}

static void due_free(struct due_offer *due, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(due[i].tried);
	free(due);
}

/* The pending offers whose time has passed, oldest first (at most 500): 0 with *out (free with
 * due_free), or -1 (err set). */
static int load_due_offers(svc_ctx *c, struct due_offer **out, size_t *count)
{
	int rc;
	db_res *r;
	struct due_offer *due = NULL;
	size_t n = 0, cap = 0;
	if ((rc = db_query(
		     c->db,
		     "SELECT org_id, id, case_id, from_id, to_id, route_skill_id, COALESCE(route_location_id, ''), route_tried, route_step "
		     "FROM offers WHERE status = 'pending' AND expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at LIMIT 500",
		     DB_ARGS(DB_INT(c->now)), &r)) != DB_OK)
		return svc_db_err(c, rc);
	while (db_next(r) == 1) {
		due = xgrow(due, n, &cap, 16, sizeof *due);
		struct due_offer *d = &due[n++];
		SVC_COPY_COLS(c, r, 0, SVC_BUF(d->org), SVC_BUF(d->id), SVC_BUF(d->case_id), SVC_BUF(d->from), SVC_BUF(d->to),
			      SVC_BUF(d->skill), SVC_BUF(d->loc));
		d->tried = xstrdup(db_text(r, 7));
		d->step = (int)db_int(r, 8);
	}
	if ((rc = db_res_close(r)) != DB_OK) {
		due_free(due, n);
		return svc_db_err(c, rc);
	}
	*out = due;
	*count = n;
	return 0;
}

/* What the person who offered is told when an offer expires (new string). */
static char *expiry_notice(svc_ctx *c, const struct due_offer *d, const struct case_row *row, const char *to)
{
	json_t *was = svc_person_brief(c, d->to), *next = *to ? svc_person_brief(c, to) : json_null();
	const char *was_name = json_string_value(json_object_get(was, "name"));
	char *text;
	if (*to)
		text = xasprintf("Case #%lld was not accepted by %s in time; it is now offered to %s.", row->number, was_name,
				 json_string_value(json_object_get(next, "name")));
	else if (!row->open)
		text = xasprintf("Case #%lld was not accepted by %s in time; the case is resolved, so it was not offered again.",
				 row->number, was_name);
	else if (!*d->skill)
		text = xasprintf("Case #%lld was not accepted by %s in time; the offer came back and the case stays with its owner.",
				 row->number, was_name);
	else
		text = xasprintf("Case #%lld was not accepted by %s in time and nobody else is on call; it stays with its owner.",
				 row->number, was_name);
	json_decref(was);
	json_decref(next);
	return text;
}

/* Expire one due offer (exactly once: only the pass that flips it from pending acts on it) and
 * offer the case to the next on call.  0 with *moved (1 rerouted, 0 unanswered, -1 not acted on),
 * or -1 (err set). */
static int expire_offer(svc_ctx *c, const struct due_offer *d, int *moved)
{
	int64_t changed = 0;
	*moved = -1;
	int rc = db_exec(c->db,
			 "UPDATE offers SET status = 'expired', decided_at = ?, reason = 'not accepted in time' "
			 "WHERE org_id = ? AND id = ? AND status = 'pending'",
			 DB_ARGS(DB_INT(c->now), DB_TXT(d->org), DB_TXT(d->id)), &changed);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (changed != 1)
		return 0;
	struct case_row row;
	if (case_load(c, d->case_id, &row))
		return -1;
	char offer_id[ID_SIZE] = "", to[ID_SIZE] = "";
	json_t *tried = json_loads(d->tried, 0, NULL);
	if (!json_is_array(tried)) {
		json_decref(tried);
		tried = json_array();
	}
	rc = 0;
	if (row.open && row.pending_offers == 0 && *d->skill) /* plain offers just come back */
		rc = route_next(c, &row, d->from, d->skill, d->loc, tried, d->step + 1, "", offer_id, to);
	json_decref(tried);
	if (rc)
		return rc;
	char *text = expiry_notice(c, d, &row, to);
	rc = alert_add(c, d->from, *to ? "offer_moved" : "offer_unanswered", d->case_id, "offer", d->id, "%s", text);
	if (rc == 0)
		rc = svc_event(c, "case.offer_expired", "offer", d->id, d->case_id,
			       json_pack("{s:s,s:s?,s:s}", "to", d->to, "next", *to ? to : NULL, "notice", text));
	free(text);
	*moved = *to != '\0';
	return rc;
}

int routing_tick(svc_ctx *c, json_t *summary)
{
	struct due_offer *due = NULL;
	size_t n = 0;
	if (load_due_offers(c, &due, &n))
		return -1;
	int rc = 0;
	json_int_t moved = 0, exhausted = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		int m;
		tick_as_system(c, due[i].org);
		rc = expire_offer(c, &due[i], &m);
		if (rc == 0 && m == 1)
			moved++;
		else if (rc == 0 && m == 0)
			exhausted++;
	}
	due_free(due, n);
	if (rc)
		return -1;
	if (moved)
		json_object_set_new(summary, "offers_rerouted", json_integer(moved));
	if (exhausted)
		json_object_set_new(summary, "offers_unanswered", json_integer(exhausted));
	return 0;
}

/* The alerts about routed offers (kinds offer_moved and offer_unanswered), newest first. */
static json_t *notice_row(svc_ctx *c, db_res *r)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}", "id", db_text(r, 0), "kind", db_text(r, 1), "case_id", db_text(r, 2),
			 "offer_id", db_text(r, 3), "text", db_text(r, 4), "at", svc_col_time(r, 5));
}

static const struct page_list NOTICES_PAGE; /* in routing.api.json */

/* The alerts about routed offers (kinds offer_moved and offer_unanswered), newest first. */
static int notices(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	return page_run(c, &NOTICES_PAGE, in, "org_id = ? AND person_id = ? AND kind IN ('offer_moved', 'offer_unanswered')",
			DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(c->actor.person_id)), out);
}

#include "svc/directory/routing.api.inc"
