/* People: employees, their roles, teams, locations and reporting lines. */
#include <string.h>

#include "base/limits.h"
#include "base/password.h"
#include "base/util.h"
#include "svc/directory/people.h"
#include "svc/org/org.h"
#include "svc/page.h"

static const char *const ROLES[] = {"frontline", "support", "supervisor", "leader", "admin", NULL};

int people_role(svc_ctx *c, const char *person_id, enum role *role, char team_id[ID_SIZE], int *active)
{
	db_res *r;
	if (svc_load_one(c, "person_not_found", NULL, "no such person", &r,
			 "SELECT role, team_id, active FROM people WHERE org_id = ? AND id = ?",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(person_id))))
		return -1;
	role_parse(db_text(r, 0), role);
	if (team_id)
		svc_copy(c, team_id, ID_SIZE, db_text(r, 1));
	if (active)
		*active = (int)db_int(r, 2);
	db_res_discard(r);
	return 0;
}

static int email_ok(const char *e)
{
	const char *at = strchr(e, '@');
	return at && at != e && at[1] && !strchr(at + 1, '@') && !strchr(e, ' ');
}

/* Would making manager_id the manager of person_id close a loop in the reporting line? */
static int manager_loop(svc_ctx *c, const char *person_id, const char *manager_id)
{
	int rc;
	char cur[ID_SIZE];
	svc_copy(c, cur, sizeof cur, manager_id);
	for (int depth = 0; depth < 64 && *cur; depth++) {
		if (strcmp(cur, person_id) == 0)
			return 1;
		db_res *r;
		if (!svc_query(c, "SELECT manager_id FROM people WHERE org_id = ? AND id = ?",
			       DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(cur)), &r))
			return 1;
		cur[0] = '\0';
		if (db_next(r) == 1)
			svc_copy(c, cur, sizeof cur, db_text(r, 0));
		if ((rc = db_res_close(r)) != DB_OK)
			svc_db_err(c, rc);
	}
	return 0;
}

/* Resolve optional team / location / manager references in `in` into ids ("" when absent). */
static int resolve_refs(svc_ctx *c, json_t *in, char team[ID_SIZE], char loc[ID_SIZE], char mgr[ID_SIZE])
{
	team[0] = loc[0] = mgr[0] = '\0';
	if (in_str(in, "team") && org_team_ref(c, in_str(in, "team"), "team", team))
		return -1;
	if (in_str(in, "location") && org_location_ref(c, in_str(in, "location"), "location", loc))
		return -1;
	if (in_str(in, "manager") && svc_person_ref(c, in_str(in, "manager"), "manager", mgr))
		return -1;
	return 0;
}

static json_t *people_json(svc_ctx *c, const char *id);

int people_create(svc_ctx *c, json_t *in, json_t **out)
{
	char id[ID_SIZE], team[ID_SIZE], loc[ID_SIZE], mgr[ID_SIZE], hash[PASSWORD_HASH_SIZE] = "";
	if (svc_require(c, PERM_MANAGE_PEOPLE))
		return -1;
	if (!email_ok(in_str(in, "email")))
		return err_set(&c->err, ERR_INVALID, "invalid_email", "email", "email must look like name@example.com");
	if (resolve_refs(c, in, team, loc, mgr))
		return -1;
	if (in_str(in, "password") && password_hash(in_str(in, "password"), hash))
		fl_die("cannot hash password");
	char *email = str_lower(in_str(in, "email"));
	id_new(id, "per", c->now);
	int rc = db_exec(c->db,
			 "INSERT INTO people (org_id, id, name, email, phone, role, team_id, location_id, manager_id, title, "
			 "password_hash, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(in_str(in, "name")), DB_TXT(email),
				 DB_TXT(in_str(in, "phone") ? in_str(in, "phone") : ""), DB_TXT(in_str(in, "role")),
				 DB_TXT(*team ? team : NULL), DB_TXT(*loc ? loc : NULL), DB_TXT(*mgr ? mgr : NULL),
				 DB_TXT(in_str(in, "title") ? in_str(in, "title") : ""), DB_TXT(*hash ? hash : NULL),
				 DB_INT(c->now)),
			 NULL);
	free(email);
	if (rc != DB_OK)
		return svc_db_conflict(c, rc, "email_taken", "email", "a person with this email exists");
	json_t *data = json_deep_copy(in);
	json_object_del(data, "password");
	if (svc_event(c, "person.created", "person", id, NULL, data))
		return -1;
	*out = people_json(c, id);
	return 0;
}

static json_t *people_json(svc_ctx *c, const char *id)
{
	int rc;
	json_t *o = svc_person_brief(c, id);
	if (!json_is_object(o))
		return o;
	db_res *r;
	if (svc_query(c,
		      "SELECT p.location_id, l.name, p.active, m.name FROM people p "
		      "LEFT JOIN locations l ON l.org_id = p.org_id AND l.id = p.location_id "
		      "LEFT JOIN people m ON m.org_id = p.org_id AND m.id = p.manager_id WHERE p.org_id = ? AND p.id = ?",
		      DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id)), &r)) {
		if (db_next(r) == 1) {
			json_object_set_new(o, "location_id", svc_col_str(r, 0));
			json_object_set_new(o, "location", svc_col_str(r, 1));
			json_object_set_new(o, "active", json_boolean(db_int(r, 2)));
			json_object_set_new(o, "manager", svc_col_str(r, 3));
		}
		if ((rc = db_res_close(r)) != DB_OK)
			svc_db_err(c, rc);
	}
	json_object_set_new(o, "level", json_integer(person_depth(c, id)));
	return o;
}

static int p_create(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	return people_create(c, in, out);
}

static const struct page_list PEOPLE; /* in people.api.json */

static int p_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char team[ID_SIZE] = "";
	if (in_str(in, "team") && org_team_ref(c, in_str(in, "team"), "team", team))
		return -1;
	const char *q = in_str(in, "q");
	char *like = xasprintf("%%%s%%", q ? q : "");
	int rc = page_run(c, &PEOPLE, in,
			  "org_id = ? AND (? = '' OR team_id = ?) AND (? IS NULL OR role = ?) "
			  "AND (lower(name) LIKE lower(?) OR email LIKE lower(?))",
			  DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(team), DB_TXT(team), DB_TXT(in_str(in, "role")),
				  DB_TXT(in_str(in, "role")), DB_TXT(like), DB_TXT(like)),
			  out);
	free(like);
	return rc;
}

static int p_show(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char id[ID_SIZE];
	if (svc_person_ref(c, p[0], "id", id))
		return -1;
	*out = people_json(c, id);
	return 0;
}

/* Would this change take away the person's power to manage people (a role without
 * PERM_MANAGE_PEOPLE, or active: false)? */
static int takes_admin_away(json_t *in)
{
	enum role r;
	const char *role = in_str(in, "role");
	return (role && role_parse(role, &r) == 0 && !role_may(r, PERM_MANAGE_PEOPLE)) ||
	       json_is_false(json_object_get(in, "active"));
}

/* An organization always keeps an active person who can manage people (an admin), or nobody could
 * ever change its people again.  Changes that take one away first lock the organization's row, so
 * two admins demoting each other at once are serialized (PostgreSQL) and the second sees the
 * first.  Then, after the change, one must be left: else -1 with 409 "last_admin". */
static int lock_org(svc_ctx *c)
{
	int rc = db_exec(c->db, "UPDATE orgs SET slug = slug WHERE id = ?", DB_ARGS(DB_TXT(c->actor.org_id)), NULL);
	return rc == DB_OK ? 0 : svc_db_err(c, rc);
}

static int admin_left(svc_ctx *c)
{
	db_res *r;
	enum role role;
	int found = 0, rc = db_query(c->db, "SELECT DISTINCT role FROM people WHERE org_id = ? AND active = 1",
				     DB_ARGS(DB_TXT(c->actor.org_id)), &r);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	while ((rc = db_next(r)) == 1)
		found |= role_parse(db_text(r, 0), &role) == 0 && role_may(role, PERM_MANAGE_PEOPLE);
	if ((rc = db_res_close(r)) != DB_OK)
		return svc_db_err(c, rc);
	if (!found)
		return err_set(&c->err, ERR_CONFLICT, "last_admin", NULL,
			       "this is the organization's last active admin: make someone else an admin first");
	return 0;
}

static int p_update(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char id[ID_SIZE], team[ID_SIZE], loc[ID_SIZE], mgr[ID_SIZE];
	if (svc_require(c, PERM_MANAGE_PEOPLE))
		return -1;
	if (svc_person_ref(c, p[0], "id", id) || resolve_refs(c, in, team, loc, mgr))
		return -1;
	if (*mgr && manager_loop(c, id, mgr))
		return err_set(&c->err, ERR_RULE, "manager_loop", "manager", "that would make a loop in the reporting line");
	int guard = takes_admin_away(in);
	if (guard && lock_org(c))
		return -1;
	int rc = db_exec(c->db,
			 "UPDATE people SET name = COALESCE(?, name), phone = COALESCE(?, phone), role = COALESCE(?, role), "
			 "title = COALESCE(?, title), team_id = COALESCE(?, team_id), location_id = COALESCE(?, location_id), "
			 "manager_id = COALESCE(?, manager_id), active = COALESCE(?, active) WHERE org_id = ? AND id = ?",
			 DB_ARGS(DB_TXT(in_str(in, "name")), DB_TXT(in_str(in, "phone")), DB_TXT(in_str(in, "role")),
				 DB_TXT(in_str(in, "title")), DB_TXT(*team ? team : NULL), DB_TXT(*loc ? loc : NULL),
				 DB_TXT(*mgr ? mgr : NULL),
				 json_is_boolean(json_object_get(in, "active")) ? DB_INT(in_bool(in, "active", 1)) : DB_NULL,
				 DB_TXT(c->actor.org_id), DB_TXT(id)),
			 NULL);
	svc_cache_forget(c);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (guard && admin_left(c))
		return -1;
	if (svc_event(c, "person.updated", "person", id, NULL, json_deep_copy(in)))
		return -1;
	*out = people_json(c, id);
	return 0;
}

#include "svc/directory/people.api.inc"
