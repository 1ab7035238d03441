/* Scorecards per person and per team, from the rollup (svc/recognition/scorecard.h). */
#include "svc/recognition/scorecard.h"

#include <string.h>

#include "base/limits.h"
#include "core/recognition.h"
#include "svc/tick.h"

#define TEAM_ROW "" /* person_id of a team's own row in scorecard_daily (migration 0014) */

/* One row of the rollup: add n to (person, team, today, measure); a scheduler pass adds up its own
 * and writes them together (tick_add). */
static const char BUMP_HEAD[] = "INSERT INTO scorecard_daily (org_id, person_id, team_id, day, measure, n)";
static const char BUMP_TAIL[] =
	" ON CONFLICT (org_id, person_id, day, measure, team_id) DO UPDATE SET n = scorecard_daily.n + excluded.n";
static int bump(svc_ctx *c, const char *person_id, const char *team_id, const char *measure, int64_t n)
{
	return tick_add(c, BUMP_HEAD, BUMP_TAIL,
			DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(person_id), DB_TXT(team_id), DB_INT(c->now / FL_DAY_MS * FL_DAY_MS),
				DB_TXT(measure)),
			n);
}

int scorecard_add(svc_ctx *c, const char *person_id, const char *team_id, const char *measure, int64_t n)
{
	const char *team = team_id ? team_id : "";
	if (*person_id && bump(c, person_id, team, measure, n))
		return -1;
	/* the team's own row (person TEAM_ROW) sums its people, except breaches: a team counts each
	 * breach once (team_breaches), however many of its people held it */
	if (*team && strcmp(measure, "breaches") != 0 && bump(c, TEAM_ROW, team, measure, n))
		return -1;
	return 0;
}

int scorecard_may_see(svc_ctx *c, const char *person_id, const char *field, const char *message)
{
	char chain[PERSON_MAX_DEPTH][ID_SIZE];
	if (strcmp(person_id, c->actor.person_id) == 0)
		return 0;
	size_t n = person_managers(c, person_id, chain, PERSON_MAX_DEPTH);
	for (size_t i = 0; i < n; i++)
		if (strcmp(chain[i], c->actor.person_id) == 0)
			return 0;
	return c->db_err.kind ? -1 : err_set(&c->err, ERR_FORBIDDEN, "not_in_reporting_line", field, "%s", message);
}

int scorecard_period(svc_ctx *c, json_t *in, int default_days, int64_t *from, int64_t *to)
{
	long long f, t;
	*from = in_time(in, "from", &f) ? f : c->now - default_days * FL_DAY_MS;
	*to = in_time(in, "to", &t) ? t : c->now + 1;
	if (*to <= *from)
		return err_set(&c->err, ERR_INVALID, "invalid_range", "to", "to must be after from");
	return 0;
}

/* The sums of each measure over whole UTC days of [from, to), for one person or one team. */
static int sums_of(svc_ctx *c, const char *col, const char *who, int64_t from, int64_t to, json_t *sums)
{
	char sql[320];
	db_res *r;
	int rc;
	snprintf(sql, sizeof sql,
		 "SELECT measure, SUM(n) FROM scorecard_daily WHERE org_id = ? AND %s = ? AND day >= ? AND day < ? %s "
		 "GROUP BY measure",
		 col, strcmp(col, "team_id") == 0 ? "AND person_id = '" TEAM_ROW "'" : "");
	if ((rc = db_query(c->db, sql,
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(who), DB_INT(from / FL_DAY_MS * FL_DAY_MS), DB_INT(to)),
			   &r)) != DB_OK)
		return svc_db_err(c, rc);
	while (db_next(r) == 1) {
		const char *m = db_text(r, 0);
		json_object_set_new(sums, strcmp(m, "team_breaches") == 0 ? "breaches" : m, json_integer(db_int(r, 1)));
	}
	return (rc = db_res_close(r)) == DB_OK ? 0 : svc_db_err(c, rc);
}

static json_int_t sum_of(json_t *sums, const char *key)
{
	return json_integer_value(json_object_get(sums, key));
}

/* {from, to, measures: [{key, label, explains, value}], acts_by_kind: [...], not_counted: [...]} */
static json_t *card(int64_t from, int64_t to, json_t *sums)
{
	char key[48];
	json_t *measures = json_array(), *kinds = json_array(), *not_counted = json_array();
	for (int i = 0; i < REC_MEASURE_COUNT; i++)
		json_array_append_new(measures, json_pack("{s:s,s:s,s:s,s:I}", "key", REC_MEASURES[i].key, "label",
							  REC_MEASURES[i].label, "explains", REC_MEASURES[i].explains, "value",
							  sum_of(sums, REC_MEASURES[i].key)));
	for (int k = 0; k < REC_KIND_COUNT; k++) {
		snprintf(key, sizeof key, "act.%s", rec_kind_name((enum rec_kind)k));
		json_array_append_new(kinds, json_pack("{s:s,s:s,s:I}", "kind", rec_kind_name((enum rec_kind)k), "label",
						       rec_kind_label((enum rec_kind)k), "value", sum_of(sums, key)));
	}
	for (const char *const *s = REC_NOT_COUNTED; *s; s++)
		json_array_append_new(not_counted, json_string(*s));
	return json_pack("{s:o,s:o,s:o,s:o,s:o}", "from", svc_time(from), "to", svc_time(to), "measures", measures,
			 "acts_by_kind", kinds, "not_counted", not_counted);
}

static int sc_person(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char person[ID_SIZE];
	int64_t from, to;
	if (svc_person_ref(c, p[0], "id", person) || scorecard_period(c, in, 30, &from, &to))
		return -1;
	if (scorecard_may_see(c, person, "id", "only the person and the managers above them see a named scorecard"))
		return -1;
	json_t *sums = json_object();
	if (sums_of(c, "person_id", person, from, to, sums)) {
		json_decref(sums);
		return -1;
	}
	*out = card(from, to, sums);
	json_object_set_new(*out, "person", svc_person_brief(c, person));
	json_decref(sums);
	return 0;
}

static int team_ref(svc_ctx *c, const char *ref, char id[ID_SIZE], char *name, size_t n)
{
	db_res *r;
	if (svc_load_one(c, "team_not_found", "id", "no such team", &r,
			 "SELECT id, name FROM teams WHERE org_id = ? AND (id = ? OR name = ?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(ref), DB_TXT(ref))))
		return -1;
	svc_copy(c, id, ID_SIZE, db_text(r, 0));
	svc_copy(c, name, n, db_text(r, 1));
	db_res_discard(r);
	return 0;
}

static int sc_team(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char team[ID_SIZE], name[FL_MAX_NAME + 1];
	int64_t from, to;
	if (team_ref(c, p[0], team, name, sizeof name) || scorecard_period(c, in, 30, &from, &to))
		return -1;
	json_t *sums = json_object();
	if (sums_of(c, "team_id", team, from, to, sums)) {
		json_decref(sums);
		return -1;
	}
	*out = card(from, to, sums);
	json_object_set_new(*out, "team", json_pack("{s:s,s:s}", "id", team, "name", name));
	json_decref(sums);
	return 0;
}

/* Every team's measures side by side (one flat item per team, so ?format=csv is a table). */
static int sc_teams(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	int64_t from, to;
	db_res *r;
	int rc;
	if (scorecard_period(c, in, 30, &from, &to))
		return -1;
	if ((rc = db_query(c->db,
			   "SELECT t.id, t.name, s.measure, SUM(s.n) FROM teams t LEFT JOIN scorecard_daily s ON s.org_id = t.org_id "
			   "AND s.person_id = '" TEAM_ROW "' AND s.team_id = t.id AND s.day >= ? AND s.day < ? "
			   "WHERE t.org_id = ? GROUP BY t.id, t.name, s.measure ORDER BY t.name, t.id",
			   DB_ARGS(DB_INT(from / FL_DAY_MS * FL_DAY_MS), DB_INT(to), DB_TXT(c->actor.org_id)), &r)) != DB_OK)
		return svc_db_err(c, rc);
	json_t *items = json_array(), *item = NULL;
	while (db_next(r) == 1) {
		if (!item || strcmp(json_string_value(json_object_get(item, "team_id")), db_text(r, 0)) != 0) {
			item = json_pack("{s:s,s:s}", "team_id", db_text(r, 0), "team", db_text(r, 1));
			for (int i = 0; i < REC_MEASURE_COUNT; i++)
				json_object_set_new(item, REC_MEASURES[i].key, json_integer(0));
			json_array_append_new(items, item);
		}
		const char *m = db_is_null(r, 2) ? "" : db_text(r, 2);
		if (json_object_get(item, strcmp(m, "team_breaches") == 0 ? "breaches" : m))
			json_object_set_new(item, strcmp(m, "team_breaches") == 0 ? "breaches" : m, json_integer(db_int(r, 3)));
	}
	*out = json_pack("{s:o,s:o,s:o}", "from", svc_time(from), "to", svc_time(to), "items", items);
	return (rc = db_res_close(r)) == DB_OK ? 0 : svc_db_err(c, rc);
}

#include "svc/recognition/scorecard.api.inc"
