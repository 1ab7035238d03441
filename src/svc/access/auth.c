/* Sign-in, sessions, passwords and API tokens. */
#include <string.h>

#include "base/limits.h"
#include "base/password.h"
#include "base/ratelimit.h"
#include "base/util.h"
#include "core/roles.h"
#include "svc/access/auth.h"
#include "svc/access/throttle.h"
#include "svc/notify/prefs.h"
#include "svc/tick.h"

#define SESSION_TTL (12 * FL_HOUR_MS)

/* auth_token_row, with the case id bound first when the statement reads a case's versions. */
static int session_token_row(svc_ctx *c, const char *token, const char *sql, const char *case_id, db_res **r)
{
	char h[TOKEN_HASH_SIZE];
	token_hash(token, h);
	int rc = case_id ? db_query(c->db, sql, DB_ARGS(DB_TXT(case_id), DB_TXT(h), DB_INT(c->now)), r)
			 : db_query(c->db, sql, DB_ARGS(DB_TXT(h), DB_INT(c->now)), r);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if ((rc = db_next(*r)) == 1)
		return 1;
	db_res_discard(*r);
	return rc < 0 ? svc_db_err(c, rc) : 0;
}

int auth_token_row(svc_ctx *c, const char *token, const char *sql, db_res **r)
{
	return session_token_row(c, token, sql, NULL, r);
}

#define SESSION_COLS "SELECT s.org_id, s.id, s.person_id, s.csrf, s.kind, p.role, p.team_id, p.name, p.active, p.location_id"
#define SESSION_FROM                                                 \
	" FROM sessions s JOIN people p ON p.org_id = s.org_id AND p.id = s.person_id"
#define SESSION_WHERE " WHERE s.token_hash = ? AND s.revoked_at IS NULL AND (s.expires_at IS NULL OR s.expires_at > ?)"
/* R_CASE_PAGE: the same row with the case's versions (svc_page_versions; ca.id is empty when the
 * actor's organization has no such case): one statement, so one snapshot, and on SQLite one read
 * transaction for the whole request when the page kept is still current. */
static const char SESSION_SQL[] = SESSION_COLS SESSION_FROM SESSION_WHERE;
static const char SESSION_PAGE_SQL[] =
	SESSION_COLS ", ca.id, COALESCE(cv.v, 0), COALESCE((SELECT ov.v FROM org_versions ov WHERE ov.org_id = s.org_id), 0)" SESSION_FROM
		     " LEFT JOIN cases ca ON ca.org_id = s.org_id AND ca.id = ?"
		     " LEFT JOIN case_versions cv ON cv.org_id = ca.org_id AND cv.case_id = ca.id" SESSION_WHERE;

static void page_versions(svc_ctx *c, db_res *r)
{
	c->page.read = *db_text(r, 10) != '\0';
	c->page.cv = db_int(r, 11);
	c->page.ov = db_int(r, 12);
}

int auth_resolve(svc_ctx *c, const char *token, char session_id[ID_SIZE], char csrf[TOKEN_SIZE])
{
	db_res *r;
	const char *page = c->page.case_id && id_valid(c->page.case_id, "case") ? c->page.case_id : NULL;
	c->page.read = 0;
	int rc = session_token_row(c, token, page ? SESSION_PAGE_SQL : SESSION_SQL, page, &r);
	if (rc < 0)
		return -1;
	int found = rc == 1 && db_int(r, 8);
	if (found) {
		svc_copy(c, c->actor.org_id, sizeof c->actor.org_id, db_text(r, 0));
		svc_copy(c, session_id, ID_SIZE, db_text(r, 1));
		svc_copy(c, c->actor.person_id, sizeof c->actor.person_id, db_text(r, 2));
		svc_copy(c, csrf, TOKEN_SIZE, db_text(r, 3));
		role_parse(db_text(r, 5), &c->actor.role);
		svc_copy(c, c->actor.team_id, sizeof c->actor.team_id, db_text(r, 6));
		svc_copy(c, c->actor.name, sizeof c->actor.name, db_text(r, 7));
		svc_copy(c, c->actor.location_id, sizeof c->actor.location_id, db_text(r, 9));
		c->actor.located = 1;
		c->actor.authenticated = 1;
		if (page)
			page_versions(c, r);
	}
	if (rc == 1)
		db_res_discard(r);
	if (!found)
		return err_set(&c->err, ERR_UNAUTHORIZED, "invalid_credentials", NULL, "sign in first (session expired or token invalid)");
	return 0;
}

static int new_session(svc_ctx *c, const char *kind, const char *name, int64_t ttl, json_t **out)
{
	char id[ID_SIZE], token[TOKEN_SIZE], h[TOKEN_HASH_SIZE], csrf[TOKEN_SIZE];
	id_new(id, kind[0] == 's' ? "ses" : "tok", c->now);
	token_new(token);
	token_hash(token, h);
	token_new(csrf);
	int rc = db_exec(c->db,
			 "INSERT INTO sessions (org_id, id, token_hash, person_id, kind, name, csrf, created_at, expires_at) "
			 "VALUES (?,?,?,?,?,?,?,?,?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(h), DB_TXT(c->actor.person_id), DB_TXT(kind),
				 DB_TXT(name), DB_TXT(kind[0] == 's' ? csrf : ""), DB_INT(c->now),
				 ttl ? DB_INT(c->now + ttl) : DB_NULL),
			 NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	/* the token itself never enters the history or the logs */
	if (svc_event(c, kind[0] == 's' ? "auth.signed_in" : "auth.token_created", kind[0] == 's' ? "session" : "token", id, NULL,
		      json_pack("{s:s}", "name", name)))
		return -1;
	*out = json_pack("{s:s,s:s,s:s,s:o}", "id", id, "token", token, "name", name, "expires_at",
			 ttl ? svc_time(c->now + ttl) : json_null());
	if (kind[0] == 's')
		json_object_set_new(*out, "csrf_token", json_string(csrf));
	return 0;
}

int auth_password_ok(svc_ctx *c, const char *hash, const char *password, int *ok)
{
	if (c->signin_gate && !ratelimit_gate_enter(c->signin_gate)) {
		err_set(&c->err, ERR_UNAVAILABLE, "signin_busy", NULL, "too many sign-ins at once: try again in a second");
		c->err.retry_after_s = 1;
		return -1;
	}
	/* the same work whether the person exists or not */
	*ok = password_verify(*hash ? hash : password_dummy_hash(), password) && *hash;
	if (c->signin_gate)
		ratelimit_gate_leave(c->signin_gate);
	return 0;
}

/* The organization behind slug (org_id "" when none) and, when it has a person with this email,
 * c->actor, their password hash and whether they are active.  0 or -1 (err set). */
static int signin_account(svc_ctx *c, const char *slug, const char *email, char org_id[ID_SIZE],
			  char hash[PASSWORD_HASH_SIZE], int *active)
{
	db_res *r;
	int rc = db_query(c->db,
			  "SELECT o.id, p.id, p.password_hash, p.active, p.role, p.team_id FROM orgs o "
			  "LEFT JOIN people p ON p.org_id = o.id AND p.email = ? WHERE o.slug = ?",
			  DB_ARGS(DB_TXT(email), DB_TXT(slug)), &r);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	rc = db_next(r);
	if (rc == 1) {
		svc_copy(c, org_id, ID_SIZE, db_text(r, 0));
		svc_copy(c, c->actor.org_id, sizeof c->actor.org_id, db_text(r, 0));
		svc_copy(c, c->actor.person_id, sizeof c->actor.person_id, db_text(r, 1));
		svc_copy(c, hash, PASSWORD_HASH_SIZE, db_text(r, 2));
		*active = (int)db_int(r, 3);
		role_parse(db_text(r, 4), &c->actor.role);
		svc_copy(c, c->actor.team_id, sizeof c->actor.team_id, db_text(r, 5));
	}
	{
		int e_ = db_res_close(r);
		if (e_ != DB_OK)
			return svc_db_err(c, e_);
	}
	return rc < 0 ? svc_db_err(c, rc) : 0;
}

/* Run fn(c, arg) in a write transaction of its own, retried while the database is busy: for
 * R_OWN_TX routes, which must keep what they wrote before (a failure count) even when they fail. */
static int own_tx(svc_ctx *c, int (*fn)(svc_ctx *c, void *arg), void *arg)
{
	for (int attempt = 0; attempt < 5; attempt++) {
		if (db_begin(c->db, 1) != DB_OK) {
			svc_db_err(c, DB_RETRY);
			continue;
		}
		if (fn(c, arg)) {
			db_rollback(c->db);
			return -1;
		}
		int rc = db_commit(c->db);
		if (rc == DB_OK)
			return 0;
		if (rc != DB_RETRY)
			return svc_db_err(c, rc);
		svc_db_err(c, rc);
	}
	return -1;
}

/* A new sign-in session for c->actor (arg: json_t ** for the answer); the person's expired
 * sessions go in the same transaction. */
static int signin_session(svc_ctx *c, void *arg)
{
	json_t **out = arg;
	int rc = db_exec(c->db, "DELETE FROM sessions WHERE org_id = ? AND person_id = ? AND expires_at <= ?",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(c->actor.person_id), DB_INT(c->now)), NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	json_decref(*out); /* a retried attempt starts again */
	*out = NULL;
	if (new_session(c, "session", "sign-in", SESSION_TTL, out))
		return -1;
	json_object_set_new(*out, "person", svc_person_brief(c, c->actor.person_id));
	return 0;
}

static int login(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	const char *slug = in_str(in, "org");
	char *email = str_lower(in_str(in, "email"));
	char org_id[ID_SIZE] = "", hash[PASSWORD_HASH_SIZE] = "";
	int active = 0, ok = 0, ret = -1;
	struct throttle t;
	*out = NULL;

	if (signin_account(c, slug, email, org_id, hash, &active))
		goto cleanup;
	throttle_init(&t, org_id, slug, email, c->client_ip);
	if (throttle_check(c, &t) || auth_password_ok(c, hash, in_str(in, "password"), &ok))
		goto cleanup;
	if (!ok || !active) {
		if (throttle_fail(c, &t) == 0)
			err_set(&c->err, ERR_UNAUTHORIZED, "invalid_credentials", NULL, "wrong organization, email or password");
		goto cleanup;
	}
	if (throttle_clear(c, &t) == 0)
		ret = own_tx(c, signin_session, out);
	if (ret) {
		json_decref(*out);
		*out = NULL;
	}
cleanup:
	free(email);
	return ret;
}

int auth_tick_due(svc_ctx *c, int64_t until, int64_t *next)
{
	/* housekeeping: one step at the latest expiry is enough (earlier steps delete what they can) */
	return tick_due_min(c, "SELECT MAX(expires_at) FROM sessions WHERE expires_at <= ?", until, next);
}

int auth_tick(svc_ctx *c, json_t *summary)
{
	int64_t n = 0;
	int rc = db_exec(c->db,
			 "DELETE FROM sessions WHERE (org_id, id) IN "
			 "(SELECT org_id, id FROM sessions WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)",
			 DB_ARGS(DB_INT(c->now), DB_INT(TICK_BATCH)), &n);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	tick_count(summary, "sessions_deleted", n);
	return 0;
}

static int logout(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	int rc = DB_OK;
	if (c->session_id)
		rc = db_exec(c->db, "UPDATE sessions SET revoked_at = ? WHERE org_id = ? AND id = ? AND revoked_at IS NULL",
			     DB_ARGS(DB_INT(c->now), DB_TXT(c->actor.org_id), DB_TXT(c->session_id)), NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (c->session_id && svc_event(c, "auth.signed_out", "session", c->session_id, NULL, NULL))
		return -1;
	*out = json_pack("{s:b}", "signed_out", 1);
	return 0;
}

static int me(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	int rc;
	json_t *o = svc_person_brief(c, c->actor.person_id);
	db_res *r;
	if (json_is_object(o) && c->session_id &&
	    svc_query(c, "SELECT csrf FROM sessions WHERE org_id = ? AND id = ?",
		      DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(c->session_id)), &r)) {
		if (db_next(r) == 1 && *db_text(r, 0))
			json_object_set_new(o, "csrf_token", json_string(db_text(r, 0)));
		if ((rc = db_res_close(r)) != DB_OK)
			svc_db_err(c, rc);
	}
	if (json_is_object(o) && svc_query(c, "SELECT slug, name FROM orgs WHERE id = ?", DB_ARGS(DB_TXT(c->actor.org_id)), &r)) {
		if (db_next(r) == 1)
			json_object_set_new(o, "org", json_pack("{s:s,s:s,s:s}", "id", c->actor.org_id, "slug", db_text(r, 0), "name", db_text(r, 1)));
		if ((rc = db_res_close(r)) != DB_OK)
			svc_db_err(c, rc);
	}
	if (json_is_object(o)) {
		/* what this person may do, from the permission table: the web UI shows only those controls */
		json_t *perms = json_array();
		for (int k = 0; k < PERM_COUNT; k++)
			if (role_may(c->actor.role, (enum perm)k))
				json_array_append_new(perms, json_string(perm_name((enum perm)k)));
		json_object_set_new(o, "permissions", perms);
		/* the time zone every time is shown in (so a client needs no second request for it) */
		char tz[FL_MAX_SHORT + 1];
		int chosen = 0;
		if (prefs_person_tz(c, c->actor.person_id, tz, &chosen)) {
			json_decref(o);
			return -1;
		}
		json_object_set_new(o, "tz", json_string(tz));
		json_object_set_new(o, "tz_chosen", json_boolean(chosen));
	}
	*out = o;
	return 0;
}

/* --- passwords --- */

/* Check the actor's own current password, throttled like a sign-in (the same counters: a stolen
 * session or token is no faster an oracle than the sign-in page).  0, or -1 with err: 400
 * "required", 403 "wrong_password", 429 / 503 as for sign-in. */
static int current_password_ok(svc_ctx *c, const char *password)
{
	char slug[64] = "", email[FL_MAX_EMAIL + 1] = "", hash[PASSWORD_HASH_SIZE] = "";
	struct throttle t;
	db_res *r;
	int ok = 0;
	if (!password)
		return err_set(&c->err, ERR_INVALID, "required", "current_password",
			       "to change your own password, give your current one");
	int rc = db_query(c->db,
			  "SELECT o.slug, p.email, p.password_hash FROM people p JOIN orgs o ON o.id = p.org_id "
			  "WHERE p.org_id = ? AND p.id = ?",
			  DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(c->actor.person_id)), &r);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if ((rc = db_next(r)) == 1) {
		SVC_COPY_COLS(c, r, 0, SVC_BUF(slug), SVC_BUF(email), SVC_BUF(hash));
	}
	if ((rc = db_res_close(r)) != DB_OK)
		return svc_db_err(c, rc);
	throttle_init(&t, c->actor.org_id, slug, email, c->client_ip);
	if (throttle_check(c, &t) || auth_password_ok(c, hash, password, &ok))
		return -1;
	if (!ok) {
		if (throttle_fail(c, &t) == 0)
			err_set(&c->err, ERR_FORBIDDEN, "wrong_password", "current_password", "the current password is wrong");
		return -1;
	}
	return throttle_clear(c, &t);
}

struct password_change {
	const char *person_id, *hash;
	int reset; /* an admin set someone else's password */
	json_t **out;
};

/* Store a new password hash; every sign-in session of that person ends (API tokens stay: list and
 * revoke them).  The event says whether it was the person's own change or an admin's reset. */
static int password_store(svc_ctx *c, void *arg)
{
	const struct password_change *pc = arg;
	int rc = db_exec(c->db, "UPDATE people SET password_hash = ? WHERE org_id = ? AND id = ?",
			 DB_ARGS(DB_TXT(pc->hash), DB_TXT(c->actor.org_id), DB_TXT(pc->person_id)), NULL);
	if (rc == DB_OK)
		rc = db_exec(c->db,
			     "UPDATE sessions SET revoked_at = ? WHERE org_id = ? AND person_id = ? AND kind = 'session' "
			     "AND revoked_at IS NULL",
			     DB_ARGS(DB_INT(c->now), DB_TXT(c->actor.org_id), DB_TXT(pc->person_id)), NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (svc_event(c, pc->reset ? "person.password_reset" : "person.password_set", "person", pc->person_id, NULL, NULL))
		return -1;
	json_decref(*pc->out);
	*pc->out = json_pack("{s:s,s:b,s:b}", "id", pc->person_id, "password_set", 1, "reset", pc->reset);
	return 0;
}

static int password_set(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char id[ID_SIZE], hash[PASSWORD_HASH_SIZE];
	*out = NULL;
	if (svc_person_ref(c, p[0], "id", id))
		return -1;
	int own = strcmp(id, c->actor.person_id) == 0;
	if (!own && svc_require(c, PERM_MANAGE_PEOPLE))
		return -1;
	if (own && current_password_ok(c, in_str(in, "current_password")))
		return -1;
	if (password_hash(in_str(in, "password"), hash))
		return err_set(&c->err, ERR_INTERNAL, "storage_error", NULL, "the password could not be hashed");
	struct password_change pc = {id, hash, !own, out};
	if (own_tx(c, password_store, &pc) == 0)
		return 0;
	json_decref(*out);
	*out = NULL;
	return -1;
}

/* --- API tokens --- */

static int token_create(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	long long until = 0;
	int expires = in_time(in, "expires_at", &until);
	if (expires && until <= c->now)
		return err_set(&c->err, ERR_INVALID, "time_in_past", "expires_at", "expires_at must be in the future");
	return new_session(c, "api", in_str(in, "name"), expires ? until - c->now : 0, out);
}

/* Whose tokens: the actor's, or (PERM_REVOKE_ANY_TOKEN: admins) the person named by in["person"]. */
static int token_owner(svc_ctx *c, json_t *in, char id[ID_SIZE])
{
	svc_copy(c, id, ID_SIZE, c->actor.person_id);
	if (!in_str(in, "person"))
		return 0;
	if (svc_person_ref(c, in_str(in, "person"), "person", id))
		return -1;
	return strcmp(id, c->actor.person_id) == 0 ? 0 : svc_require(c, PERM_REVOKE_ANY_TOKEN);
}

static json_t *token_row(svc_ctx *c, db_res *r)
{
	int active = db_is_null(r, 4) && (db_is_null(r, 3) || db_int(r, 3) > c->now);
	return json_pack("{s:s,s:s,s:s,s:o,s:o,s:o,s:b}", "id", db_text(r, 0), "name", db_text(r, 1), "person_id", db_text(r, 5),
			 "created_at", svc_col_time(r, 2), "expires_at", svc_col_time(r, 3), "revoked_at", svc_col_time(r, 4),
			 "active", active);
}

static int token_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char owner[ID_SIZE];
	if (token_owner(c, in, owner))
		return -1;
	return svc_items(c, out, token_row,
			 "SELECT id, name, created_at, expires_at, revoked_at, person_id FROM sessions WHERE org_id = ? AND person_id = ? "
			 "AND kind = 'api' ORDER BY created_at, id",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(owner)));
}

static int token_revoke(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	int64_t n = 0;
	/* yours, or anyone's in your organization if you are an admin */
	int rc = db_exec(c->db,
			 "UPDATE sessions SET revoked_at = ? WHERE org_id = ? AND id = ? AND kind = 'api' AND revoked_at IS NULL "
			 "AND (person_id = ? OR ? = 1)",
			 DB_ARGS(DB_INT(c->now), DB_TXT(c->actor.org_id), DB_TXT(p[0]), DB_TXT(c->actor.person_id),
				 DB_INT(role_may(c->actor.role, PERM_REVOKE_ANY_TOKEN))),
			 &n);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (n != 1)
		return err_set(&c->err, ERR_NOT_FOUND, "token_not_found", "id", "no such active token");
	if (svc_event(c, "auth.token_revoked", "token", p[0], NULL, NULL))
		return -1;
	*out = json_pack("{s:s,s:b}", "id", p[0], "revoked", 1);
	return 0;
}

#include "svc/access/auth.api.inc"
