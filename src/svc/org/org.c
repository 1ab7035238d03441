/* Organizations, teams and locations (creating an organization is svc/org/install.c). */
#include <string.h>

#include "base/limits.h"
#include "base/tz.h"
#include "base/util.h"
#include "core/rota.h"
#include "svc/org/org.h"

static json_t *org_row(svc_ctx *c, db_res *r)
{
	return json_pack("{s:s,s:s,s:s,s:o}", "id", db_text(r, 0), "slug", db_text(r, 1), "name", db_text(r, 2), "created_at",
			 svc_col_time(r, 3));
}

static int org_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	return svc_items(c, out, org_row, "SELECT id, slug, name, created_at FROM orgs ORDER BY slug", DB_NOARGS);
}

static int org_show(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	db_res *r;
	if (svc_load_one(c, "not_found", NULL, "no such organization", &r,
			 "SELECT id, slug, name, settings, created_at FROM orgs WHERE id = ?", DB_ARGS(DB_TXT(c->actor.org_id))))
		return -1;
	json_t *settings = json_loads(db_text(r, 3), 0, NULL);
	*out = json_pack("{s:s,s:s,s:s,s:o,s:o}", "id", db_text(r, 0), "slug", db_text(r, 1), "name", db_text(r, 2),
			 "settings", settings ? settings : json_object(), "created_at", svc_col_time(r, 4));
	db_res_discard(r);
	return 0;
}

/* --- teams and locations --- */

/* The id of the row of sql (bound: organization, ref, ref) into id, or 404 code on field. */
static int ref_of(svc_ctx *c, const char *code, const char *message, const char *sql, const char *ref, const char *field,
		  char id[ID_SIZE])
{
	db_res *r;
	if (svc_load_one(c, code, field, message, &r, sql, DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(ref), DB_TXT(ref))))
		return -1;
	svc_copy(c, id, ID_SIZE, db_text(r, 0));
	db_res_discard(r);
	return 0;
}

int org_team_ref(svc_ctx *c, const char *ref, const char *field, char id[ID_SIZE])
{
	return ref_of(c, "team_not_found", "no such team", "SELECT id FROM teams WHERE org_id = ? AND (id = ? OR name = ?)", ref,
		      field, id);
}

int org_location_ref(svc_ctx *c, const char *ref, const char *field, char id[ID_SIZE])
{
	return ref_of(c, "location_not_found", "no such location",
		      "SELECT id FROM locations WHERE org_id = ? AND (id = ? OR name = ?)", ref, field, id);
}

static int team_create(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char id[ID_SIZE];
	if (svc_require(c, PERM_MANAGE_ORG))
		return -1;
	id_new(id, "team", c->now);
	int rc = db_exec(c->db, "INSERT INTO teams (org_id, id, name, created_at) VALUES (?,?,?,?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(in_str(in, "name")), DB_INT(c->now)), NULL);
	if (rc != DB_OK)
		return svc_db_conflict(c, rc, "name_taken", "name", "a team with this name exists");
	if (svc_event(c, "team.created", "team", id, NULL, json_pack("{s:s}", "name", in_str(in, "name"))))
		return -1;
	*out = json_pack("{s:s,s:s}", "id", id, "name", in_str(in, "name"));
	return 0;
}

static json_t *team_row(svc_ctx *c, db_res *r)
{
	return json_pack("{s:s,s:s,s:I}", "id", db_text(r, 0), "name", db_text(r, 1), "members", (json_int_t)db_int(r, 2));
}

static int team_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	return svc_items(c, out, team_row,
			 "SELECT t.id, t.name, (SELECT COUNT(*) FROM people x WHERE x.org_id = t.org_id AND x.team_id = t.id) "
			 "FROM teams t WHERE t.org_id = ? ORDER BY t.name",
			 DB_ARGS(DB_TXT(c->actor.org_id)));
}

/* An opening-hours object: {"mon": "09:00-17:00", "sat": "closed", ...}. */
static int hours_ok(svc_ctx *c, json_t *hours)
{
	const char *k;
	json_t *v;
	if (!json_is_object(hours))
		return err_set(&c->err, ERR_INVALID, "invalid_hours", "hours", "hours must be an object such as {\"mon\":\"09:00-17:00\"}");
	json_object_foreach(hours, k, v)
	{
		if (rota_parse_day(k) < 0 || strlen(k) != 3)
			return err_set(&c->err, ERR_INVALID, "invalid_hours", "hours", "unknown day \"%s\" (use mon..sun)",
				       strlen(k) <= 20 ? k : "...");
		if (!json_is_string(v) || rota_hours_open(json_string_value(v), 0) < 0)
			return err_set(&c->err, ERR_INVALID, "invalid_hours", "hours",
				       "hours of %s must be like \"09:00-17:00\", \"09:00-12:00,13:00-17:00\" or \"closed\"", k);
	}
	return 0;
}

int org_location_input_ok(svc_ctx *c, json_t *in)
{
	json_t *hours = json_object_get(in, "hours");
	if (in_str(in, "tz") && !tz_get(in_str(in, "tz")))
		return err_set(&c->err, ERR_INVALID, "unknown_time_zone", "tz",
			       "unknown time zone (use an IANA name such as America/Chicago)");
	return hours ? hours_ok(c, hours) : 0;
}

static int location_create(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char id[ID_SIZE];
	const char *tz = in_str(in, "tz") ? in_str(in, "tz") : "UTC";
	if (svc_require(c, PERM_MANAGE_ORG))
		return -1;
	if (org_location_input_ok(c, in))
		return -1;
	json_t *hours = json_object_get(in, "hours");
	char *hours_txt = hours ? json_dumps(hours, JSON_COMPACT | JSON_SORT_KEYS) : xstrdup("{}");
	id_new(id, "loc", c->now);
	int rc = db_exec(c->db,
			 "INSERT INTO locations (org_id, id, name, tz, address, hours, created_at) VALUES (?,?,?,?,?,?,?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(in_str(in, "name")), DB_TXT(tz),
				 DB_TXT(in_str(in, "address") ? in_str(in, "address") : ""), DB_TXT(hours_txt), DB_INT(c->now)),
			 NULL);
	free(hours_txt);
	if (rc != DB_OK)
		return svc_db_conflict(c, rc, "name_taken", "name", "a location with this name exists");
	if (svc_event(c, "location.created", "location", id, NULL, json_pack("{s:s,s:s}", "name", in_str(in, "name"), "tz", tz)))
		return -1;
	*out = json_pack("{s:s,s:s,s:s}", "id", id, "name", in_str(in, "name"), "tz", tz);
	return 0;
}

static json_t *location_row(svc_ctx *c, db_res *r)
{
	json_t *h = json_loads(db_text(r, 4), 0, NULL);
	return json_pack("{s:s,s:s,s:s,s:s,s:o}", "id", db_text(r, 0), "name", db_text(r, 1), "tz", db_text(r, 2), "address",
			 db_text(r, 3), "hours", h ? h : json_object());
}

static int location_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	return svc_items(c, out, location_row,
			 "SELECT id, name, tz, address, hours FROM locations WHERE org_id = ? ORDER BY name",
			 DB_ARGS(DB_TXT(c->actor.org_id)));
}

const char *org_team_name(svc_ctx *c, const char *team_id, char *buf, size_t n)
{
	int rc;
	db_res *r;
	svc_copy(c, buf, n, "");
	if (*team_id && svc_query(c, "SELECT name FROM teams WHERE org_id = ? AND id = ?",
				  DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(team_id)), &r)) {
		if (db_next(r) == 1)
			svc_copy(c, buf, n, db_text(r, 0));
		if ((rc = db_res_close(r)) != DB_OK)
			svc_db_err(c, rc);
	}
	return buf;
}

#include "svc/org/org.api.inc"
