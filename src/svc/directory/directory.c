/* The directory: location details (time zone, region, address, opening hours, holidays), skills,
 * who has which skill at which locations. */
#include <string.h>

#include "base/limits.h"
#include "base/tz.h"
#include "base/util.h"
#include "core/rota.h"
#include "svc/directory/directory.h"
#include "svc/org/org.h"

static const char *const DAYS[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun", NULL};

int dir_location_open(const char *hours_json, const char *holidays_csv, const tz_zone *z, int64_t at)
{
	int64_t s = tz_floordiv(at, 1000);
	int64_t local = s + tz_offset_at(z, s, NULL);
	int64_t day = tz_floordiv(local, 86400);
	int minute = (int)((local - day * 86400) / 60);
	if (holidays_csv && *holidays_csv) {
		char date[ROTA_DATE_SIZE];
		rota_format_date(day, date);
		if (strstr(holidays_csv, date))
			return 0;
	}
	json_t *h = json_loads(hours_json, 0, NULL);
	json_t *v = json_object_get(h, DAYS[tz_weekday(day)]);
	int open = json_is_string(v) && rota_hours_open(json_string_value(v), minute) == 1;
	json_decref(h);
	return open;
}

static int location_view(svc_ctx *c, const char *id, json_t **out)
{
	int rc;
	db_res *r;
	if (svc_load_one(c, "location_not_found", "id", "no such location", &r,
			 "SELECT id, name, tz, address, hours, region FROM locations WHERE org_id = ? AND id = ?",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id))))
		return -1;
	json_t *o = NULL;
	json_t *h = json_loads(db_text(r, 4), 0, NULL);
	o = json_pack("{s:s,s:s,s:s,s:s,s:o,s:s}", "id", db_text(r, 0), "name", db_text(r, 1), "tz", db_text(r, 2),
		      "address", db_text(r, 3), "hours", h ? h : json_object(), "region", db_text(r, 5));
	db_res_discard(r);
	json_t *hol = json_array();
	json_object_set_new(o, "holidays", hol);
	if ((rc = db_query(c->db, "SELECT day, name FROM location_holidays WHERE org_id = ? AND location_id = ? ORDER BY day",
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id)), &r)) != DB_OK) {
		json_decref(o);
		return svc_db_err(c, rc);
	}
	while (db_next(r) == 1)
		json_array_append_new(hol, json_pack("{s:s,s:s}", "day", db_text(r, 0), "name", db_text(r, 1)));
	if ((rc = db_res_close(r)) != DB_OK) {
		json_decref(o);
		return svc_db_err(c, rc);
	}
	*out = o;
	return 0;
}

static int loc_show(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char id[ID_SIZE];
	if (org_location_ref(c, p[0], "id", id))
		return -1;
	return location_view(c, id, out);
}

static int loc_patch(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char id[ID_SIZE];
	if (svc_require(c, PERM_MANAGE_ORG) || org_location_ref(c, p[0], "id", id))
		return -1;
	if (org_location_input_ok(c, in))
		return -1;
	json_t *hours = json_object_get(in, "hours");
	char *hours_txt = hours ? json_dumps(hours, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int rc = db_exec(c->db,
			 "UPDATE locations SET name = COALESCE(?, name), tz = COALESCE(?, tz), address = COALESCE(?, address), "
			 "hours = COALESCE(?, hours), region = COALESCE(?, region) WHERE org_id = ? AND id = ?",
			 DB_ARGS(DB_TXT(in_str(in, "name")), DB_TXT(in_str(in, "tz")), DB_TXT(in_str(in, "address")),
				 DB_TXT(hours_txt), DB_TXT(in_str(in, "region")), DB_TXT(c->actor.org_id), DB_TXT(id)),
			 NULL);
	free(hours_txt);
	if (rc != DB_OK)
		return svc_db_conflict(c, rc, "name_taken", "name", "a location with this name exists");
	if (svc_event(c, "location.changed", "location", id, NULL, json_deep_copy(in)))
		return -1;
	return location_view(c, id, out);
}

static int loc_holiday_add(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char id[ID_SIZE];
	int64_t day;
	if (svc_require(c, PERM_MANAGE_ORG) || org_location_ref(c, p[0], "id", id))
		return -1;
	if (rota_parse_date(in_str(in, "day"), &day))
		return err_set(&c->err, ERR_INVALID, "invalid_date", "day", "day must be a date YYYY-MM-DD");
	const char *name = in_str(in, "name") ? in_str(in, "name") : "";
	int rc = db_exec(c->db, "INSERT INTO location_holidays (org_id, location_id, day, name, created_at) VALUES (?,?,?,?,?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(in_str(in, "day")), DB_TXT(name), DB_INT(c->now)),
			 NULL);
	if (rc != DB_OK)
		return svc_db_conflict(c, rc, "holiday_exists", "day", "that day is already a holiday there");
	if (svc_event(c, "location.holiday_added", "location", id, NULL,
		      json_pack("{s:s,s:s}", "day", in_str(in, "day"), "name", name)))
		return -1;
	return location_view(c, id, out);
}

static int loc_holiday_del(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char id[ID_SIZE];
	int64_t n = 0;
	if (svc_require(c, PERM_MANAGE_ORG) || org_location_ref(c, p[0], "id", id))
		return -1;
	int rc = db_exec(c->db, "DELETE FROM location_holidays WHERE org_id = ? AND location_id = ? AND day = ?",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(p[1])), &n);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (n == 0)
		return err_set(&c->err, ERR_NOT_FOUND, "holiday_not_found", "day", "no such holiday");
	if (svc_event(c, "location.holiday_removed", "location", id, NULL, json_pack("{s:s}", "day", p[1])))
		return -1;
	return location_view(c, id, out);
}

/* --- skills --- */

int dir_skill_ref(svc_ctx *c, const char *ref, const char *field, char id[ID_SIZE], char *name, size_t name_size)
{
	db_res *r;
	if (!ref)
		return err_set(&c->err, ERR_INVALID, "required", field, "a skill is required");
	if (svc_load_one(c, "skill_not_found", field, "no such skill", &r,
			 "SELECT id, name FROM skills WHERE org_id = ? AND (id = ? OR name = ?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(ref), DB_TXT(ref))))
		return -1;
	svc_copy(c, id, ID_SIZE, db_text(r, 0));
	if (name)
		svc_copy(c, name, name_size, db_text(r, 1));
	db_res_discard(r);
	return 0;
}

static int skill_create(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char id[ID_SIZE];
	if (svc_require(c, PERM_MANAGE_SKILLS))
		return -1;
	const char *name = in_str(in, "name"), *desc = in_str(in, "description") ? in_str(in, "description") : "";
	for (const char *q = name; *q; q++)
		if (*q >= 'A' && *q <= 'Z')
			return err_set(&c->err, ERR_INVALID, "invalid_skill_name", "name", "skill names are lower case (billing, returns)");
	id_new(id, "skl", c->now);
	int rc = db_exec(c->db, "INSERT INTO skills (org_id, id, name, description, created_at) VALUES (?,?,?,?,?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(name), DB_TXT(desc), DB_INT(c->now)), NULL);
	if (rc != DB_OK)
		return svc_db_conflict(c, rc, "name_taken", "name", "a skill with this name exists");
	if (svc_event(c, "skill.created", "skill", id, NULL, json_pack("{s:s,s:s}", "name", name, "description", desc)))
		return -1;
	*out = json_pack("{s:s,s:s,s:s,s:I}", "id", id, "name", name, "description", desc, "people", (json_int_t)0);
	return 0;
}

static json_t *skill_row(svc_ctx *c, db_res *r)
{
	return json_pack("{s:s,s:s,s:s,s:I}", "id", db_text(r, 0), "name", db_text(r, 1), "description", db_text(r, 2), "people",
			 (json_int_t)db_int(r, 3));
}

static int skill_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	return svc_items(c, out, skill_row,
			 "SELECT s.id, s.name, s.description, (SELECT COUNT(DISTINCT x.person_id) FROM person_skills x "
			 "WHERE x.org_id = s.org_id AND x.skill_id = s.id) FROM skills s WHERE s.org_id = ? ORDER BY s.name",
			 DB_ARGS(DB_TXT(c->actor.org_id)));
}

static int skill_show(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	int rc;
	char id[ID_SIZE];
	db_res *r;
	if (dir_skill_ref(c, p[0], "id", id, NULL, 0))
		return -1;
	if (svc_load_one(c, "skill_not_found", "id", "no such skill", &r,
			 "SELECT id, name, description FROM skills WHERE org_id = ? AND id = ?",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id))))
		return -1;
	json_t *o = json_pack("{s:s,s:s,s:s}", "id", db_text(r, 0), "name", db_text(r, 1), "description", db_text(r, 2));
	db_res_discard(r);
	json_t *holders = json_array();
	json_object_set_new(o, "holders", holders);
	if ((rc = db_query(c->db,
			   "SELECT ps.person_id, l.id, l.name FROM person_skills ps JOIN locations l ON l.org_id = ps.org_id AND "
			   "l.id = ps.location_id JOIN people p ON p.org_id = ps.org_id AND p.id = ps.person_id "
			   "WHERE ps.org_id = ? AND ps.skill_id = ? ORDER BY l.name, p.name LIMIT ?",
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_INT(svc_limit(in))), &r)) != DB_OK) {
		json_decref(o);
		return svc_db_err(c, rc);
	}
	while (db_next(r) == 1)
		json_array_append_new(holders, json_pack("{s:o,s:{s:s,s:s}}", "person", svc_person_brief(c, db_text(r, 0)), "location",
							 "id", db_text(r, 1), "name", db_text(r, 2)));
	if ((rc = db_res_close(r)) != DB_OK) {
		json_decref(o);
		return svc_db_err(c, rc);
	}
	*out = o;
	return 0;
}

static json_t *person_skill_row(svc_ctx *c, db_res *r)
{
	return json_pack("{s:s,s:s,s:s,s:s}", "skill_id", db_text(r, 0), "skill", db_text(r, 1), "location_id", db_text(r, 2),
			 "location", db_text(r, 3));
}

static int person_skills_view(svc_ctx *c, const char *person_id, json_t **out)
{
	json_t *items;
	if (svc_rows_of(c, &items, person_skill_row,
			"SELECT s.id, s.name, l.id, l.name FROM person_skills ps JOIN skills s ON s.org_id = ps.org_id AND s.id = "
			"ps.skill_id JOIN locations l ON l.org_id = ps.org_id AND l.id = ps.location_id WHERE ps.org_id = ? AND "
			"ps.person_id = ? ORDER BY s.name, l.name",
			DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(person_id))))
		return -1;
	*out = json_pack("{s:s,s:o}", "person_id", person_id, "items", items);
	return 0;
}

/* The location a skill is held at: the given one, else the person's own. */
static int skill_location(svc_ctx *c, const char *person, json_t *in, char loc[ID_SIZE])
{
	if (in_str(in, "location"))
		return org_location_ref(c, in_str(in, "location"), "location", loc);
	loc[0] = '\0';
	if (svc_text(c, loc, ID_SIZE, "SELECT COALESCE(location_id, '') FROM people WHERE org_id = ? AND id = ?",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(person))))
		return -1;
	if (!*loc)
		return err_set(&c->err, ERR_INVALID, "required", "location", "the person has no location: name one");
	return 0;
}

static int pskill_add(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char person[ID_SIZE], skill[ID_SIZE], loc[ID_SIZE];
	if (svc_require(c, PERM_MANAGE_SKILLS) || svc_person_ref(c, p[0], "id", person) ||
	    dir_skill_ref(c, in_str(in, "skill"), "skill", skill, NULL, 0) || skill_location(c, person, in, loc))
		return -1;
	int rc = db_exec(c->db,
			 "INSERT INTO person_skills (org_id, person_id, skill_id, location_id, created_at) VALUES (?,?,?,?,?) "
			 "ON CONFLICT DO NOTHING",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(person), DB_TXT(skill), DB_TXT(loc), DB_INT(c->now)), NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (svc_event(c, "person.skill_added", "person", person, NULL,
		      json_pack("{s:s,s:s}", "skill_id", skill, "location_id", loc)))
		return -1;
	return person_skills_view(c, person, out);
}

static int pskill_del(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char person[ID_SIZE], skill[ID_SIZE];
	int64_t n = 0;
	if (svc_require(c, PERM_MANAGE_SKILLS) || svc_person_ref(c, p[0], "id", person) ||
	    dir_skill_ref(c, p[1], "skill", skill, NULL, 0))
		return -1;
	int rc = db_exec(c->db, "DELETE FROM person_skills WHERE org_id = ? AND person_id = ? AND skill_id = ?",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(person), DB_TXT(skill)), &n);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (n == 0)
		return err_set(&c->err, ERR_NOT_FOUND, "skill_not_held", "skill", "the person does not have that skill");
	if (svc_event(c, "person.skill_removed", "person", person, NULL, json_pack("{s:s}", "skill_id", skill)))
		return -1;
	return person_skills_view(c, person, out);
}

static int pskill_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char person[ID_SIZE];
	if (svc_person_ref(c, p[0], "id", person))
		return -1;
	return person_skills_view(c, person, out);
}

#include "svc/directory/directory.api.inc"
