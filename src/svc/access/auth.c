/* Sign-in, sessions and API tokens. */
#include <string.h>

#include "base/limits.h"
#include "base/password.h"
#include "base/ratelimit.h"
#include "base/util.h"
#include "svc/access/auth.h"

#define SESSION_TTL (12 * FL_HOUR_MS)

int auth_resolve(svc_ctx *c, const char *token, char session_id[ID_SIZE], char csrf[TOKEN_SIZE])
{
	char h[TOKEN_HASH_SIZE];
	db_res *r;
	token_hash(token, h);
	int rc = db_query(c->db,
			  "SELECT s.org_id, s.id, s.person_id, s.csrf, s.kind, p.role, p.team_id, p.name, p.active FROM sessions s "
			  "JOIN people p ON p.org_id = s.org_id AND p.id = s.person_id "
			  "WHERE s.token_hash = ? AND s.revoked_at IS NULL AND (s.expires_at IS NULL OR s.expires_at > ?)",
			  DB_ARGS(DB_TXT(h), DB_INT(c->now)), &r);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	rc = db_next(r);
	if (rc < 0) { /* a read error is not "no such session" */
		db_res_free(r);
		return svc_db_err(c, rc);
	}
	if (rc == 1 && db_int(r, 8)) {
		str_copy(c->actor.org_id, sizeof c->actor.org_id, db_text(r, 0));
		str_copy(session_id, ID_SIZE, db_text(r, 1));
		str_copy(c->actor.person_id, sizeof c->actor.person_id, db_text(r, 2));
		str_copy(csrf, TOKEN_SIZE, db_text(r, 3));
		role_parse(db_text(r, 5), &c->actor.role);
		str_copy(c->actor.team_id, sizeof c->actor.team_id, db_text(r, 6));
		str_copy(c->actor.name, sizeof c->actor.name, db_text(r, 7));
		c->actor.authenticated = 1;
		rc = 1;
	} else {
		rc = 0;
	}
	db_res_free(r);
	if (!rc)
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

static int login(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	const char *slug = in_str(in, "org"), *pw = in_str(in, "password");
	char *email = str_lower(in_str(in, "email"));
	char *key = xasprintf("%s|%s", slug, email);
	char hash[PASSWORD_HASH_SIZE] = "";
	int active = 0, ret = -1;
	db_res *r;

	if ((c->login_limit && !ratelimit_allowed(c->login_limit, key, c->now)) ||
	    (c->ip_limit && c->client_ip && !ratelimit_allowed(c->ip_limit, c->client_ip, c->now))) {
		err_set(&c->err, ERR_TOO_MANY, "too_many_attempts", NULL, "too many failed sign-ins; wait 15 minutes");
		goto cleanup;
	}
	if (db_query(c->db,
		     "SELECT o.id, p.id, p.password_hash, p.active, p.role, p.team_id, p.name FROM orgs o "
		     "JOIN people p ON p.org_id = o.id WHERE o.slug = ? AND p.email = ?",
		     DB_ARGS(DB_TXT(slug), DB_TXT(email)), &r) != DB_OK) {
		svc_db_err(c, DB_ERROR);
		goto cleanup;
	}
	if (db_next(r) == 1) {
		str_copy(c->actor.org_id, sizeof c->actor.org_id, db_text(r, 0));
		str_copy(c->actor.person_id, sizeof c->actor.person_id, db_text(r, 1));
		str_copy(hash, sizeof hash, db_text(r, 2));
		active = (int)db_int(r, 3);
		role_parse(db_text(r, 4), &c->actor.role);
		str_copy(c->actor.team_id, sizeof c->actor.team_id, db_text(r, 5));
	}
	db_res_free(r);
	/* the same work and the same answer whether the person exists or not */
	int ok = password_verify(*hash ? hash : password_dummy_hash(), pw) && *hash && active;
	if (!ok) {
		if (c->login_limit)
			ratelimit_fail(c->login_limit, key, c->now);
		if (c->ip_limit && c->client_ip)
			ratelimit_fail(c->ip_limit, c->client_ip, c->now);
		err_set(&c->err, ERR_UNAUTHORIZED, "invalid_credentials", NULL, "wrong organization, email or password");
		goto cleanup;
	}
	if (c->login_limit)
		ratelimit_reset(c->login_limit, key);
	for (int attempt = 0; attempt < 5; attempt++) {
		if (db_begin(c->db, 1) != DB_OK) {
			svc_db_err(c, DB_RETRY);
			continue;
		}
		json_t *s = NULL;
		if (new_session(c, "session", "sign-in", SESSION_TTL, &s)) {
			db_rollback(c->db);
			goto cleanup;
		}
		int rc = db_commit(c->db);
		if (rc == DB_RETRY) {
			json_decref(s);
			continue;
		}
		if (rc != DB_OK) {
			json_decref(s);
			svc_db_err(c, rc);
			goto cleanup;
		}
		json_object_set_new(s, "person", svc_person_brief(c, c->actor.person_id));
		*out = s;
		ret = 0;
		break;
	}
cleanup:
	free(email);
	free(key);
	return ret;
}

static int logout(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	if (c->session_id && db_exec(c->db, "UPDATE sessions SET revoked_at = ? WHERE org_id = ? AND id = ? AND revoked_at IS NULL",
				     DB_ARGS(DB_INT(c->now), DB_TXT(c->actor.org_id), DB_TXT(c->session_id)), NULL) != DB_OK)
		return svc_db_err(c, DB_ERROR);
	if (c->session_id && svc_event(c, "auth.signed_out", "session", c->session_id, NULL, NULL))
		return -1;
	*out = json_pack("{s:b}", "signed_out", 1);
	return 0;
}

static int me(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	json_t *o = svc_person_brief(c, c->actor.person_id);
	db_res *r;
	if (json_is_object(o) && c->session_id &&
	    db_query(c->db, "SELECT csrf FROM sessions WHERE org_id = ? AND id = ?",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(c->session_id)), &r) == DB_OK) {
		if (db_next(r) == 1 && *db_text(r, 0))
			json_object_set_new(o, "csrf_token", json_string(db_text(r, 0)));
		db_res_free(r);
	}
	if (json_is_object(o) &&
	    db_query(c->db, "SELECT slug, name FROM orgs WHERE id = ?", DB_ARGS(DB_TXT(c->actor.org_id)), &r) == DB_OK) {
		if (db_next(r) == 1)
			json_object_set_new(o, "org", json_pack("{s:s,s:s,s:s}", "id", c->actor.org_id, "slug", db_text(r, 0), "name", db_text(r, 1)));
		db_res_free(r);
	}
	*out = o;
	return 0;
}

static int token_create(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	return new_session(c, "api", in_str(in, "name"), 0, out);
}

static int token_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	db_res *r;
	if (db_query(c->db,
		     "SELECT id, name, created_at, revoked_at FROM sessions WHERE org_id = ? AND person_id = ? AND kind = 'api' "
		     "ORDER BY created_at",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(c->actor.person_id)), &r) != DB_OK)
		return svc_db_err(c, DB_ERROR);
	json_t *items = json_array();
	while (db_next(r) == 1)
		json_array_append_new(items, json_pack("{s:s,s:s,s:o,s:o}", "id", db_text(r, 0), "name", db_text(r, 1), "created_at",
						       svc_col_time(r, 2), "revoked_at", svc_col_time(r, 3)));
	db_res_free(r);
	*out = json_pack("{s:o}", "items", items);
	return 0;
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

static const struct in_field LOGIN[] = {
	{"org", IN_STR, 1, 1, 60, NULL, "organization slug"},
	{"email", IN_STR, 1, 1, FL_MAX_EMAIL, NULL, "email"},
	{"password", IN_STR, 1, 1, FL_MAX_PASSWORD, NULL, "password"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
static const struct in_field TOKEN[] = {
	{"name", IN_STR, 1, 1, FL_MAX_NAME, NULL, "what the token is for"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};

const struct route auth_routes[] = {
	{"POST", "/api/v1/auth/login", login, LOGIN, 200,
	 "Sign in: returns a session token (also set as an HttpOnly cookie) and a CSRF token", "Session", NULL,
	 R_PUBLIC | R_SESSION | R_OWN_TX},
	{"POST", "/api/v1/auth/logout", logout, NULL, 200, "Sign out: ends this session", NULL, NULL, R_LOGOUT},
	{"GET", "/api/v1/me", me, NULL, 200, "Who I am (and my session's CSRF token)", "Person", NULL, 0},
	{"POST", "/api/v1/tokens", token_create, TOKEN, 201, "Create an API token (shown once)", "Session", "token create", R_SECRET},
	{"GET", "/api/v1/tokens", token_list, NULL, 200, "My API tokens", NULL, "token list", 0},
	{"POST", "/api/v1/tokens/{id}/revoke", token_revoke, NULL, 200, "Revoke an API token", NULL, "token revoke", 0},
	{NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, 0},
};
