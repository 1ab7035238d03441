/* Organizations, teams and locations (creating an organization is svc/org/install.c). */
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "svc/org/org.h"

static int org_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	db_res *r;
	if (db_query(c->db, "SELECT id, slug, name, created_at FROM orgs ORDER BY slug", DB_NOARGS, &r) != DB_OK)
		return svc_db_err(c, DB_ERROR);
	json_t *items = json_array();
	while (db_next(r) == 1)
		json_array_append_new(items, json_pack("{s:s,s:s,s:s,s:o}", "id", db_text(r, 0), "slug", db_text(r, 1), "name",
						       db_text(r, 2), "created_at", svc_col_time(r, 3)));
	db_res_free(r);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

static int org_show(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	db_res *r;
	if (db_query(c->db, "SELECT id, slug, name, settings, created_at FROM orgs WHERE id = ?",
		     DB_ARGS(DB_TXT(c->actor.org_id)), &r) != DB_OK)
		return svc_db_err(c, DB_ERROR);
	int rc = db_next(r);
	if (rc == 1) {
		json_t *settings = json_loads(db_text(r, 3), 0, NULL);
		*out = json_pack("{s:s,s:s,s:s,s:o,s:o}", "id", db_text(r, 0), "slug", db_text(r, 1), "name", db_text(r, 2),
				 "settings", settings ? settings : json_object(), "created_at", svc_col_time(r, 4));
	}
	db_res_free(r);
	if (rc != 1)
		return err_set(&c->err, ERR_NOT_FOUND, "not_found", NULL, "no such organization");
	return 0;
}

/* --- teams and locations --- */

int org_team_ref(svc_ctx *c, const char *ref, const char *field, char id[ID_SIZE])
{
	db_res *r;
	if (db_query(c->db, "SELECT id FROM teams WHERE org_id = ? AND (id = ? OR name = ?)",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(ref), DB_TXT(ref)), &r) != DB_OK)
		return svc_db_err(c, DB_ERROR);
	int rc = db_next(r);
	if (rc == 1)
		str_copy(id, ID_SIZE, db_text(r, 0));
	db_res_free(r);
	if (rc != 1)
		return err_set(&c->err, ERR_NOT_FOUND, "team_not_found", field, "no such team");
	return 0;
}

int org_location_ref(svc_ctx *c, const char *ref, const char *field, char id[ID_SIZE])
{
	db_res *r;
	if (db_query(c->db, "SELECT id FROM locations WHERE org_id = ? AND (id = ? OR name = ?)",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(ref), DB_TXT(ref)), &r) != DB_OK)
		return svc_db_err(c, DB_ERROR);
	int rc = db_next(r);
	if (rc == 1)
		str_copy(id, ID_SIZE, db_text(r, 0));
	db_res_free(r);
	if (rc != 1)
		return err_set(&c->err, ERR_NOT_FOUND, "location_not_found", field, "no such location");
	return 0;
}

static int team_create(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char id[ID_SIZE];
	if (svc_require(c, PERM_MANAGE_ORG))
		return -1;
	id_new(id, "team", c->now);
	int rc = db_exec(c->db, "INSERT INTO teams (org_id, id, name, created_at) VALUES (?,?,?,?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(in_str(in, "name")), DB_INT(c->now)), NULL);
	if (rc == DB_CONSTRAINT)
		return err_set(&c->err, ERR_CONFLICT, "name_taken", "name", "a team with this name exists");
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (svc_event(c, "team.created", "team", id, NULL, json_pack("{s:s}", "name", in_str(in, "name"))))
		return -1;
	*out = json_pack("{s:s,s:s}", "id", id, "name", in_str(in, "name"));
	return 0;
}

static int team_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	db_res *r;
	if (db_query(c->db,
		     "SELECT t.id, t.name, (SELECT COUNT(*) FROM people x WHERE x.org_id = t.org_id AND x.team_id = t.id) "
		     "FROM teams t WHERE t.org_id = ? ORDER BY t.name",
		     DB_ARGS(DB_TXT(c->actor.org_id)), &r) != DB_OK)
		return svc_db_err(c, DB_ERROR);
	json_t *items = json_array();
	while (db_next(r) == 1)
		json_array_append_new(items, json_pack("{s:s,s:s,s:I}", "id", db_text(r, 0), "name", db_text(r, 1), "members",
						       (json_int_t)db_int(r, 2)));
	db_res_free(r);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

static int tz_ok(const char *tz)
{
	/* A time zone name is valid when the system's zoneinfo has it. */
	if (!*tz || strstr(tz, "..") || tz[0] == '/')
		return 0;
	char *path = xasprintf("/usr/share/zoneinfo/%s", tz);
	FILE *f = fopen(path, "rb");
	free(path);
	if (!f)
		return strcmp(tz, "UTC") == 0;
	fclose(f);
	return 1;
}

static int location_create(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char id[ID_SIZE];
	const char *tz = in_str(in, "tz") ? in_str(in, "tz") : "UTC";
	if (svc_require(c, PERM_MANAGE_ORG))
		return -1;
	if (!tz_ok(tz))
		return err_set(&c->err, ERR_INVALID, "unknown_time_zone", "tz", "unknown time zone (use an IANA name such as America/Chicago)");
	json_t *hours = json_object_get(in, "hours");
	char *hours_txt = json_dumps(hours ? hours : json_object(), JSON_COMPACT | JSON_SORT_KEYS);
	id_new(id, "loc", c->now);
	int rc = db_exec(c->db,
			 "INSERT INTO locations (org_id, id, name, tz, address, hours, created_at) VALUES (?,?,?,?,?,?,?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(in_str(in, "name")), DB_TXT(tz),
				 DB_TXT(in_str(in, "address") ? in_str(in, "address") : ""), DB_TXT(hours_txt), DB_INT(c->now)),
			 NULL);
	free(hours_txt);
	if (rc == DB_CONSTRAINT)
		return err_set(&c->err, ERR_CONFLICT, "name_taken", "name", "a location with this name exists");
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (svc_event(c, "location.created", "location", id, NULL, json_pack("{s:s,s:s}", "name", in_str(in, "name"), "tz", tz)))
		return -1;
	*out = json_pack("{s:s,s:s,s:s}", "id", id, "name", in_str(in, "name"), "tz", tz);
	return 0;
}

static int location_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	db_res *r;
	if (db_query(c->db, "SELECT id, name, tz, address, hours FROM locations WHERE org_id = ? ORDER BY name",
		     DB_ARGS(DB_TXT(c->actor.org_id)), &r) != DB_OK)
		return svc_db_err(c, DB_ERROR);
	json_t *items = json_array();
	while (db_next(r) == 1) {
		json_t *h = json_loads(db_text(r, 4), 0, NULL);
		json_array_append_new(items, json_pack("{s:s,s:s,s:s,s:s,s:o}", "id", db_text(r, 0), "name", db_text(r, 1), "tz",
						       db_text(r, 2), "address", db_text(r, 3), "hours", h ? h : json_object()));
	}
	db_res_free(r);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

const char *org_team_name(svc_ctx *c, const char *team_id, char *buf, size_t n)
{
	db_res *r;
	str_copy(buf, n, "");
	if (*team_id && db_query(c->db, "SELECT name FROM teams WHERE org_id = ? AND id = ?",
				 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(team_id)), &r) == DB_OK) {
		if (db_next(r) == 1)
			str_copy(buf, n, db_text(r, 0));
		db_res_free(r);
	}
	return buf;
}

static const struct in_field TEAM_CREATE[] = {
	{"name", IN_STR, 1, 1, FL_MAX_NAME, NULL, "team name, unique in the organization"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
static const struct in_field LOCATION_CREATE[] = {
	{"name", IN_STR, 1, 1, FL_MAX_NAME, NULL, "location name, unique in the organization"},
	{"tz", IN_STR, 0, 1, FL_MAX_SHORT, NULL, "IANA time zone, default UTC"},
	{"address", IN_STR, 0, 0, FL_MAX_TEXT, NULL, "postal address"},
	{"hours", IN_OBJ, 0, 0, 0, NULL, "opening hours, e.g. {\"mon\":\"09:00-20:00\"}"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};

const struct route org_routes[] = {
	{"GET", "/api/v1/orgs", org_list, NULL, 200, "List organizations", NULL, "org list", R_CLI_ONLY},
	{"GET", "/api/v1/org", org_show, NULL, 200, "Show your organization", "Org", "org show", 0},
	{"POST", "/api/v1/teams", team_create, TEAM_CREATE, 201, "Create a team (admin)", "Team", "team add", 0},
	{"GET", "/api/v1/teams", team_list, NULL, 200, "List teams", "TeamList", "team list", 0},
	{"POST", "/api/v1/locations", location_create, LOCATION_CREATE, 201, "Create a location (admin)", "Location", "location add", 0},
	{"GET", "/api/v1/locations", location_list, NULL, 200, "List locations", "LocationList", "location list", 0},
	{NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, 0},
};
