/* The customer portal: single-use, expiring sign-in links made by staff; customer sessions kept
 * apart from staff sessions (own table, own cookie limited to /api/v1/portal); a customer sees
 * only their own cases and only text written for them (customer-visible notes and touchpoints,
 * their own replies; never staff wording such as contact summaries) and can reply, which becomes an inbound touchpoint (channel
 * "portal") on the case. */
#include <string.h>

#include "base/limits.h"
#include "base/password.h"
#include "base/util.h"
#include "svc/access/auth.h"
#include "svc/access/portal.h"
#include "svc/hooks.h"
#include "svc/ledger/case.h"
#include "svc/ledger/customer.h"
#include "svc/mail/attach.h"
#include "svc/mail/notify.h"
#include "svc/mail/outbox.h"
#include "svc/org/settings.h"
#include "svc/promises/suggest.h"

#define PORTAL_SESSION_TTL (4 * FL_HOUR_MS)
#define PORTAL_LINK_DEFAULT_HOURS 24
#define PORTAL_LINK_MAX_HOURS (7 * 24)

int portal_resolve(svc_ctx *c, const char *token, char session_id[ID_SIZE], char csrf[TOKEN_SIZE])
{
	db_res *r;
	int rc = auth_token_row(c, token,
				"SELECT org_id, id, customer_id, csrf FROM portal_sessions "
				"WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > ?",
				&r);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		svc_copy(c, c->actor.org_id, sizeof c->actor.org_id, db_text(r, 0));
		svc_copy(c, session_id, ID_SIZE, db_text(r, 1));
		svc_copy(c, c->portal_customer, sizeof c->portal_customer, db_text(r, 2));
		svc_copy(c, csrf, TOKEN_SIZE, db_text(r, 3));
		/* the customer acts as themself: events name the customer id as the actor */
		svc_copy(c, c->actor.person_id, sizeof c->actor.person_id, db_text(r, 2));
		c->actor.team_id[0] = '\0';
		STR_COPY(c->actor.name, "customer");
		c->actor.role = ROLE_FRONTLINE; /* never consulted: portal routes check portal_customer */
		c->actor.authenticated = 0;
		db_res_discard(r);
	}
	if (rc != 1)
		return err_set(&c->err, ERR_UNAUTHORIZED, "portal_session_invalid", NULL,
			       "open the sign-in link you were sent again (this session has ended)");
	return 0;
}

/* Make a link for customer p[0] (checked first: 404, then a person only), logged as an event (the
 * token itself never is): *cust (new), id, token and *expires filled.  0 or -1 (err set). */
static int link_make(svc_ctx *c, const char *customer_id, json_t *in, json_t **cust, char id[ID_SIZE], char token[TOKEN_SIZE],
		     int64_t *expires)
{
	*cust = customer_json(c, customer_id);
	if (!json_is_object(*cust)) {
		json_decref(*cust);
		*cust = NULL;
		return err_set(&c->err, ERR_NOT_FOUND, "customer_not_found", "id", "no such customer");
	}
	if (!role_may(c->actor.role, PERM_AUTHOR))
		return err_set(&c->err, ERR_FORBIDDEN, "person_required", NULL, "a portal link is made by a person");
	long long hours = in_int(in, "hours", PORTAL_LINK_DEFAULT_HOURS);
	char h[TOKEN_HASH_SIZE];
	id_new(id, "plk", c->now);
	token_new(token);
	token_hash(token, h);
	*expires = c->now + hours * FL_HOUR_MS;
	int rc = db_exec(c->db,
			 "INSERT INTO portal_links (org_id, id, token_hash, customer_id, created_by, created_at, expires_at) "
			 "VALUES (?,?,?,?,?,?,?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(h), DB_TXT(customer_id), DB_TXT(c->actor.person_id),
				 DB_INT(c->now), DB_INT(*expires)),
			 NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	return svc_event(c, "portal.link_created", "customer", customer_id, NULL,
			 json_pack("{s:s,s:o}", "link_id", id, "expires_at", svc_time(*expires)));
}

/* Staff: make a link for a customer, shown to the staff member to pass on. */
static int link_create(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	json_t *cust = NULL;
	char id[ID_SIZE], token[TOKEN_SIZE];
	int64_t expires;
	if (link_make(c, p[0], in, &cust, id, token, &expires)) {
		json_decref(cust);
		return -1;
	}
	char *path = xasprintf("/portal#token=%s", token);
	*out = json_pack("{s:s,s:o,s:s,s:s,s:o}", "id", id, "customer", cust, "token", token, "link", path, "expires_at",
			 svc_time(expires));
	free(path);
	return 0;
}

/* Staff: mail a link to the customer's address (automatic mail from the "portal_link" template,
 * through the outbox), at the organization's portal.public_url or the server's public_url.  The
 * token is in the mail only: the answer has neither it nor the link. */
static int link_mail(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	json_t *cust = NULL;
	char id[ID_SIZE], token[TOKEN_SIZE], mail_id[ID_SIZE], tz[64] = "", expires_text[96];
	int64_t expires;
	char *base = setting_str(c, "portal.public_url");
	if (!base && c->public_url && setting_url_ok(c->public_url, 300))
		base = xstrdup(c->public_url);
	int rc = link_make(c, p[0], in, &cust, id, token, &expires);
	if (rc == 0 && !base)
		rc = err_set(&c->err, ERR_RULE, "public_url_unset", NULL,
			     "set the organization's portal.public_url (or the server's public_url) to send links by mail");
	char *link = NULL;
	if (rc == 0) {
		size_t n = strlen(base);
		link = xasprintf("%.*s/portal#token=%s", (int)(n - (base[n - 1] == '/')), base, token);
	}
	char *subject = NULL, *body = NULL;
	if (rc == 0) /* the time zone of the mailbox's intake location, as in every mail to customers */
		rc = svc_text(c, tz, sizeof tz,
			      "SELECT l.tz FROM mailboxes m JOIN locations l ON l.org_id = m.org_id AND l.id = m.location_id "
			      "WHERE m.org_id = ? AND m.active = 1 ORDER BY m.name LIMIT 1",
			      DB_ARGS(DB_TXT(c->actor.org_id)));
	if (rc == 0) {
		words_time_in(expires, tz, expires_text, sizeof expires_text);
		rc = notify_render_link(c, json_string_value(json_object_get(cust, "name")), link, expires_text, &subject,
					&body) ||
		     outbox_queue_customer(c, p[0], "portal_link", subject, body, mail_id);
	}
	if (rc == 0)
		*out = json_pack("{s:s,s:O,s:s,s:s,s:s,s:o}", "id", id, "customer", cust, "mail_id", mail_id, "to",
				 json_string_value(json_object_get(cust, "email")), "status", "queued", "expires_at",
				 svc_time(expires));
	json_decref(cust);
	free(base);
	free(link);
	free(subject);
	free(body);
	return rc ? -1 : 0;
}

/* Public: trade a link for a customer session.  Single use: the UPDATE claims the link only if
 * nobody has, and only before it expires. */
static int redeem(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char h[TOKEN_HASH_SIZE], link_id[ID_SIZE] = "", cust[ID_SIZE] = "";
	db_res *r;
	token_hash(in_str(in, "token"), h);
	int rc = db_query(c->db,
			  "UPDATE portal_links SET redeemed_at = ? WHERE token_hash = ? AND redeemed_at IS NULL AND expires_at > ? "
			  "RETURNING org_id, id, customer_id",
			  DB_ARGS(DB_INT(c->now), DB_TXT(h), DB_INT(c->now)), &r);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	rc = db_next(r);
	if (rc == 1) {
		SVC_COPY_COLS(c, r, 0, SVC_BUF(c->actor.org_id), SVC_BUF(link_id), SVC_BUF(cust));
	}
	db_res_discard(r);
	if (rc < 0)
		return svc_db_err(c, rc);
	/* unknown, used and expired links get the same answer */
	if (rc == 0)
		return err_set(&c->err, ERR_UNAUTHORIZED, "portal_link_invalid", "token",
			       "this link has expired or was already used; ask us for a new one");
	STR_COPY(c->actor.person_id, cust);
	STR_COPY(c->portal_customer, cust);
	char id[ID_SIZE], token[TOKEN_SIZE], th[TOKEN_HASH_SIZE], csrf[TOKEN_SIZE];
	id_new(id, "pses", c->now);
	token_new(token);
	token_hash(token, th);
	token_new(csrf);
	rc = db_exec(c->db,
		     "INSERT INTO portal_sessions (org_id, id, token_hash, customer_id, link_id, csrf, created_at, expires_at) "
		     "VALUES (?,?,?,?,?,?,?,?)",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(th), DB_TXT(cust), DB_TXT(link_id), DB_TXT(csrf),
			     DB_INT(c->now), DB_INT(c->now + PORTAL_SESSION_TTL)),
		     NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (svc_event(c, "portal.signed_in", "customer", cust, NULL, json_pack("{s:s,s:s}", "link_id", link_id, "session_id", id)))
		return -1;
	json_t *cj = customer_json(c, cust);
	*out = json_pack("{s:s,s:s,s:s,s:o,s:o}", "id", id, "token", token, "csrf_token", csrf, "expires_at",
			 svc_time(c->now + PORTAL_SESSION_TTL), "customer",
			 json_pack("{s:s}", "name", json_string_value(json_object_get(cj, "name"))));
	json_decref(cj);
	return 0;
}

static int portal_me(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	int rc;
	db_res *r;
	json_t *cj = customer_json(c, c->portal_customer);
	json_t *o = json_pack("{s:{s:s}}", "customer", "name", json_is_object(cj) ? json_string_value(json_object_get(cj, "name")) : "");
	json_decref(cj);
	if (c->session_id && svc_query(c, "SELECT csrf FROM portal_sessions WHERE org_id = ? AND id = ?",
				       DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(c->session_id)), &r)) {
		if (db_next(r) == 1)
			json_object_set_new(o, "csrf_token", json_string(db_text(r, 0)));
		if ((rc = db_res_close(r)) != DB_OK)
			svc_db_err(c, rc);
	}
	if (svc_query(c, "SELECT name FROM orgs WHERE id = ?", DB_ARGS(DB_TXT(c->actor.org_id)), &r)) {
		if (db_next(r) == 1)
			json_object_set_new(o, "org", json_pack("{s:s}", "name", db_text(r, 0)));
		if ((rc = db_res_close(r)) != DB_OK)
			svc_db_err(c, rc);
	}
	*out = o;
	return 0;
}

static int portal_logout(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	int rc = DB_OK;
	if (c->session_id)
		rc = db_exec(c->db,
			     "UPDATE portal_sessions SET revoked_at = ? WHERE org_id = ? AND id = ? AND revoked_at IS NULL",
			     DB_ARGS(DB_INT(c->now), DB_TXT(c->actor.org_id), DB_TXT(c->session_id)), NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (svc_event(c, "portal.signed_out", "customer", c->portal_customer, NULL, NULL))
		return -1;
	*out = json_pack("{s:b}", "signed_out", 1);
	return 0;
}

/* First word of a name: customers see their contact's first name only. */
static json_t *first_name(const char *name)
{
	size_t n = strcspn(name ? name : "", " ");
	return json_stringn(name ? name : "", n);
}

/* Everything written for the customer on one case, oldest first (column 5: "inbound" when the
 * customer wrote it). */
static json_t *update_row(svc_ctx *c, db_res *r)
{
	(void)c;
	int from_customer = strcmp(db_text(r, 5), "inbound") == 0;
	return json_pack("{s:s,s:s,s:s,s:o,s:s,s:o}", "id", db_text(r, 1), "kind", from_customer ? "reply" : "update", "text",
			 db_text(r, 2), "at", svc_col_time(r, 3), "channel", db_text(r, 6), "from",
			 from_customer ? json_string("you") : first_name(db_text(r, 4)));
}

static json_t *updates_of(svc_ctx *c, const char *case_id)
{
	return svc_rows(c,
			"SELECT 'note', n.id, n.body, n.at, p.name, 'outbound', 'note' FROM notes n "
			"LEFT JOIN people p ON p.org_id = n.org_id AND p.id = n.author_id "
			"WHERE n.org_id = ? AND n.case_id = ? AND n.visibility = 'customer' "
			"UNION ALL "
			"SELECT 'touchpoint', t.id, t.summary, t.at, p.name, CASE WHEN t.person_id IS NULL THEN 'inbound' ELSE 'outbound' END, "
			"t.channel FROM touchpoints t LEFT JOIN people p ON p.org_id = t.org_id AND p.id = t.person_id "
			"WHERE t.org_id = ? AND t.case_id = ? AND t.customer_visible = 1 "
			"ORDER BY 4, 2",
			DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id), DB_TXT(c->actor.org_id), DB_TXT(case_id)), update_row);
}

static int portal_cases(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	db_res *r;
	int rc = db_query(c->db,
			  "SELECT ca.id, ca.number, ca.subject, ca.status, ca.created_at, ca.updated_at, ca.resolved_at, "
			  "ca.resolution, p.name, t.name FROM cases ca "
			  "JOIN people p ON p.org_id = ca.org_id AND p.id = ca.owner_id "
			  "LEFT JOIN teams t ON t.org_id = ca.org_id AND t.id = p.team_id "
			  "WHERE ca.org_id = ? AND ca.customer_id = ? ORDER BY ca.updated_at DESC, ca.id DESC LIMIT ?",
			  DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(c->portal_customer), DB_INT(FL_MAX_LIST)), &r);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	json_t *items = json_array();
	while ((rc = db_next(r)) == 1) {
		json_t *o = json_pack("{s:s,s:I,s:s,s:s,s:o,s:o,s:o,s:s,s:{s:o,s:o}}", "id", db_text(r, 0), "number",
				      (json_int_t)db_int(r, 1), "subject", db_text(r, 2), "status", db_text(r, 3), "created_at",
				      svc_col_time(r, 4), "updated_at", svc_col_time(r, 5), "resolved_at", svc_col_time(r, 6),
				      "resolution", db_text(r, 7), "owner", "first_name", first_name(db_text(r, 8)), "team",
				      svc_col_str(r, 9));
		json_array_append_new(items, o);
	}
	db_res_discard(r);
	if (rc < 0) {
		json_decref(items);
		return svc_db_err(c, rc);
	}
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o)
	{
		const char *cid = json_string_value(json_object_get(o, "id"));
		json_object_set_new(o, "updates", updates_of(c, cid));
		json_object_set_new(o, "attachments", attach_portal_list(c, cid));
		json_t *promises = json_array();
		for (const portal_part_fn *f = portal_case_parts(); *f; f++)
			if ((*f)(c, cid, promises)) {
				json_decref(promises);
				json_decref(items);
				return -1;
			}
		json_object_set_new(o, "promises", promises);
	}
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

/* The promises made to the customer on a case: what, by when, and how it stands. */
static json_t *portal_promise_row(svc_ctx *c, db_res *r)
{
	(void)c;
	const char *st = db_text(r, 2);
	if (strcmp(st, "pending") == 0 && !db_is_null(r, 3))
		st = "at_risk";
	return json_pack("{s:s,s:o,s:s,s:o}", "text", db_text(r, 0), "due_at", svc_col_time(r, 1), "status", st, "closed_at",
			 svc_col_time(r, 4));
}

int portal_promises_part(svc_ctx *c, const char *case_id, json_t *promises)
{
	db_res *r;
	int rc = db_query(c->db,
			  "SELECT what, due_at, status, at_risk_at, closed_at FROM promises WHERE org_id = ? AND case_id = ? "
			  "ORDER BY due_at, id",
			  DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(case_id)), &r);
	return rc == DB_OK ? svc_rows_append(c, r, promises, portal_promise_row) : svc_db_err(c, rc);
}

static int portal_reply(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	db_res *r;
	/* another customer's case, or another organization's, looks exactly like an unknown one */
	if (svc_load_one(c, "case_not_found", "id", "no such case", &r,
			 "SELECT id FROM cases WHERE org_id = ? AND id = ? AND customer_id = ?",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(p[0]), DB_TXT(c->portal_customer))))
		return -1;
	db_res_discard(r);
	char id[ID_SIZE];
	const char *body = in_str(in, "body");
	json_t *files;
	id_new(id, "tp", c->now);
	int rc = db_exec(c->db,
		     "INSERT INTO touchpoints (org_id, id, case_id, channel, direction, person_id, summary, at, customer_visible) "
		     "VALUES (?,?,?,'portal','inbound',NULL,?,?,1)",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(p[0]), DB_TXT(body), DB_INT(c->now)), NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (svc_event(c, "touchpoint.added", "touchpoint", id, p[0],
		      json_pack("{s:s,s:s,s:s,s:s}", "channel", "portal", "direction", "inbound", "summary", body, "via",
				"customer portal")) ||
	    case_touch(c, p[0]) || attach_claim(c, json_object_get(in, "attachment_ids"), p[0], id, NULL, 1, &files))
		return -1;
	/* touchpoint hooks are not run: a customer's reply is not an update to the customer */
	*out = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:o}", "id", id, "case_id", p[0], "channel", "portal", "direction", "inbound",
			 "summary", body, "at", svc_time(c->now), "attachments", files);
	return 0;
}

#include "svc/access/portal.api.inc"
