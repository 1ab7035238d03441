/* Who can help: people on call for a skill near a location, and people with the skill at a
 * location that is open, nearest first. */
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "base/tz.h"
#include "core/candidates.h"
#include "core/rota.h"
#include "svc/directory/directory.h"
#include "svc/directory/rota.h"
#include "svc/directory/who.h"
#include "svc/org/org.h"

#define WHO_HORIZON_MS (8LL * FL_DAY_MS)

/* --- who can help --- */

/* A candidate (the order and distance are core/candidates.h) with what the answer shows of it. */
struct cand {
	struct candidate key;
	int64_t until;
	const struct rota_rt *rota;
	const char *layer;
	char location_id[ID_SIZE];
};

static int cand_cmp(const void *x, const void *y)
{
	return candidate_cmp(&((const struct cand *)x)->key, &((const struct cand *)y)->key);
}

struct near {
	char id[ID_SIZE], tz[FL_MAX_SHORT + 1], region[FL_MAX_SHORT + 1];
};

static enum candidate_distance distance_of(const struct near *n, const char *loc_id, const char *region, const char *tz)
{
	const struct candidate_place near = {n->id, n->region, n->tz}, at = {loc_id, region, tz};
	return candidate_distance(&near, &at);
}

struct cands {
	struct cand *v;
	size_t n, cap;
};

static struct cand *cand_new(struct cands *cs)
{
	cs->v = xgrow(cs->v, cs->n, &cs->cap, 64, sizeof *cs->v);
	struct cand *k = &cs->v[cs->n++];
	memset(k, 0, sizeof *k);
	return k;
}

/* The location candidates are measured from (nr left empty when near_id is none or unknown). */
static int load_near(svc_ctx *c, const char *near_id, struct near *nr)
{
	int rc;
	db_res *r;
	if (!near_id || !*near_id)
		return 0;
	if ((rc = db_query(c->db, "SELECT id, tz, region FROM locations WHERE org_id = ? AND id = ?",
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(near_id)), &r)) != DB_OK)
		return svc_db_err(c, rc);
	if (db_next(r) == 1) {
		SVC_COPY_COLS(c, r, 0, SVC_BUF(nr->id), SVC_BUF(nr->tz), SVC_BUF(nr->region));
	}
	if ((rc = db_res_close(r)) != DB_OK)
		svc_db_err(c, rc);
	return 0;
}

/* Everyone on call at `at` in one of the rotas of set. */
static void add_on_call(svc_ctx *c, struct cands *cs, const struct rota_set *set, const struct near *nr, int64_t at)
{
	for (size_t i = 0; i < set->n; i++) {
		const struct rota_rt *t = &set->v[i];
		for (int j = 0; j < t->nlayers; j++) {
			const struct layer_rt *l = &t->layers[j];
			struct rota_interval s;
			if (!rota_layer_who_at(t, l, at, &s))
				continue;
			struct cand *k = cand_new(cs);
			svc_copy(c, k->key.person, sizeof k->key.person, rota_layer_person(l, s.who));
			k->key.distance = distance_of(nr, t->location_id, t->region, t->tz);
			k->key.kind = rota_layer_index(l->name);
			k->until = s.end;
			k->rota = t;
			k->layer = l->name;
			STR_COPY(k->location_id, t->location_id);
		}
	}
}

struct locinfo {
	char id[ID_SIZE], tz[FL_MAX_SHORT + 1], region[FL_MAX_SHORT + 1];
	int open;
};

/* Every holiday of the organization as "loc:day;" entries (new string, or NULL when none). */
static char *load_holidays(svc_ctx *c)
{
	int rc;
	db_res *r;
	char *holidays = NULL;
	if ((rc = db_query(c->db, "SELECT location_id, day FROM location_holidays WHERE org_id = ?",
			   DB_ARGS(DB_TXT(c->actor.org_id)), &r)) == DB_OK) {
		while (db_next(r) == 1) {
			char *nh = xasprintf("%s%s:%s;", holidays ? holidays : "", db_text(r, 0), db_text(r, 1));
			free(holidays);
			holidays = nh;
		}
		rc = db_res_close(r);
	}
	if (rc != DB_OK)
		svc_db_err(c, rc);
	return holidays;
}

/* One location's days of the "loc:day;" list, space-separated (new string, or NULL when none). */
static char *holidays_of(const char *holidays, const char *loc_id)
{
	char *mine = NULL;
	size_t idl = strlen(loc_id);
	for (const char *h = holidays; h && *h;) {
		const char *semi = strchr(h, ';');
		if (strncmp(h, loc_id, idl) == 0 && h[idl] == ':') {
			char *nm = xasprintf("%s%.*s ", mine ? mine : "", (int)(semi - h - idl - 1), h + idl + 1);
			free(mine);
			mine = nm;
		}
		h = semi ? semi + 1 : NULL;
	}
	return mine;
}

/* Every location of the organization, with whether it is open at `at` (*out: new array). */
static size_t load_locations(svc_ctx *c, int64_t at, struct locinfo **out)
{
	int rc;
	db_res *r;
	struct locinfo *locs = NULL;
	size_t nlocs = 0, caplocs = 0;
	char *holidays = load_holidays(c);
	if ((rc = db_query(c->db, "SELECT id, tz, hours, region FROM locations WHERE org_id = ?",
			   DB_ARGS(DB_TXT(c->actor.org_id)), &r)) == DB_OK) {
		while (db_next(r) == 1) {
			locs = xgrow(locs, nlocs, &caplocs, 16, sizeof *locs);
			struct locinfo *li = &locs[nlocs++];
			svc_copy(c, li->id, sizeof li->id, db_text(r, 0));
			svc_copy(c, li->tz, sizeof li->tz, db_text(r, 1));
			svc_copy(c, li->region, sizeof li->region, db_text(r, 3));
			const tz_zone *z = tz_get(li->tz);
			char *mine = holidays_of(holidays, li->id);
			li->open = z && dir_location_open(db_text(r, 2), mine, z, at);
			free(mine);
		}
		rc = db_res_close(r);
	}
	if (rc != DB_OK)
		svc_db_err(c, rc);
	free(holidays);
	*out = locs;
	return nlocs;
}

int who_location_open(svc_ctx *c, const char *loc_id, int64_t at, int *open)
{
	struct locinfo *locs;
	size_t n = load_locations(c, at, &locs);
	*open = 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(locs[i].id, loc_id) == 0)
			*open = locs[i].open;
	free(locs);
	return svc_db_outcome(c, 0);
}

/* People with the skill at a location that is open at `at`. */
static void add_in_hours(svc_ctx *c, struct cands *cs, const char *skill_id, const struct near *nr, int64_t at)
{
	int rc;
	db_res *r;
	struct locinfo *locs;
	size_t nlocs = load_locations(c, at, &locs);
	if ((rc = db_query(c->db, "SELECT person_id, location_id FROM person_skills WHERE org_id = ? AND skill_id = ?",
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(skill_id)), &r)) == DB_OK) {
		while (db_next(r) == 1) {
			for (size_t i = 0; i < nlocs; i++) {
				if (strcmp(locs[i].id, db_text(r, 1)) != 0)
					continue;
				if (locs[i].open) {
					struct cand *k = cand_new(cs);
					svc_copy(c, k->key.person, sizeof k->key.person, db_text(r, 0));
					k->key.distance = distance_of(nr, locs[i].id, locs[i].region, locs[i].tz);
					k->key.kind = CANDIDATE_IN_HOURS;
					STR_COPY(k->location_id, locs[i].id);
				}
				break;
			}
		}
		rc = db_res_close(r);
	}
	if (rc != DB_OK)
		svc_db_err(c, rc);
	free(locs);
}

/* One candidate as the answer shows it: *item (new reference), or NULL when the person is gone or
 * inactive; -1 on a storage error. */
static int cand_json(svc_ctx *c, const struct cand *k, json_t **item)
{
	int rc;
	db_res *r;
	*item = NULL;
	json_t *person = svc_person_brief(c, k->key.person);
	int64_t active = 0;
	int found = 0;
	rc = db_scalar_int(c->db, "SELECT active FROM people WHERE org_id = ? AND id = ?",
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(k->key.person)), &active, &found);
	if (rc != DB_OK) {
		json_decref(person);
		return svc_db_err(c, rc);
	}
	if (!json_is_object(person) || !found || !active) {
		json_decref(person);
		return 0;
	}
	json_t *loc = json_null();
	if (*k->location_id && svc_query(c, "SELECT id, name, tz FROM locations WHERE org_id = ? AND id = ?",
					 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(k->location_id)), &r)) {
		if (db_next(r) == 1)
			loc = json_pack("{s:s,s:s,s:s}", "id", db_text(r, 0), "name", db_text(r, 1), "tz", db_text(r, 2));
		if ((rc = db_res_close(r)) != DB_OK)
			svc_db_err(c, rc);
	}
	int in_hours = k->key.kind == CANDIDATE_IN_HOURS;
	*item = json_pack("{s:o,s:s,s:o,s:o,s:o,s:o,s:s}", "person", person, "reason", in_hours ? "in_hours" : "on_call",
			  "layer", k->layer ? json_string(k->layer) : json_null(), "rota",
			  k->rota ? json_pack("{s:s,s:s}", "id", k->rota->id, "name", k->rota->name) : json_null(), "until",
			  in_hours ? json_null() : svc_time(k->until), "location", loc, "distance",
			  candidate_distance_name(k->key.distance));
	return 0;
}

int who_can_help(svc_ctx *c, const char *skill_id, const char *near_id, int64_t at, int limit, json_t **items)
{
	struct near nr = {0};
	if (load_near(c, near_id, &nr))
		return -1;
	struct rota_set set;
	if (rota_load_all(c, "AND r.skill_id = ? AND r.active = 1", skill_id, NULL, at - 1, at + WHO_HORIZON_MS, &set))
		return -1;
	struct cands cs = {0};
	add_on_call(c, &cs, &set, &nr, at);
	add_in_hours(c, &cs, skill_id, &nr, at);
	if (cs.n)
		qsort(cs.v, cs.n, sizeof *cs.v, cand_cmp);
	json_t *out = json_array(), *seen = json_object();
	int ret = 0;
	for (size_t i = 0; i < cs.n && (int)json_array_size(out) < limit; i++) {
		struct cand *k = &cs.v[i];
		if (json_object_get(seen, k->key.person))
			continue;
		json_object_set_new(seen, k->key.person, json_true());
		json_t *item;
		if ((ret = cand_json(c, k, &item)) != 0)
			break;
		if (item)
			json_array_append_new(out, item);
	}
	json_decref(seen);
	free(cs.v);
	rota_set_free(&set);
	if (ret) {
		json_decref(out);
		return ret;
	}
	*items = out;
	return 0;
}

int who_near_location(svc_ctx *c, json_t *in, const char *field, char loc[ID_SIZE])
{
	int rc;
	loc[0] = '\0';
	if (in_str(in, field))
		return org_location_ref(c, in_str(in, field), field, loc);
	db_res *r;
	if (svc_query(c, "SELECT COALESCE(location_id, '') FROM people WHERE org_id = ? AND id = ?",
		      DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(c->actor.person_id)), &r)) {
		if (db_next(r) == 1)
			svc_copy(c, loc, ID_SIZE, db_text(r, 0));
		if ((rc = db_res_close(r)) != DB_OK)
			svc_db_err(c, rc);
	}
	return 0;
}

static int who_route(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	int rc;
	char skill[ID_SIZE], skill_name[FL_MAX_SHORT + 1], loc[ID_SIZE];
	long long at = c->now;
	if (dir_skill_ref(c, in_str(in, "skill"), "skill", skill, skill_name, sizeof skill_name) ||
	    who_near_location(c, in, "near", loc))
		return -1;
	in_time(in, "at", &at);
	json_t *items;
	if (who_can_help(c, skill, loc, at, (int)in_int(in, "limit", 20), &items))
		return -1;
	json_t *near = json_null();
	db_res *r;
	if (*loc && svc_query(c, "SELECT id, name, tz FROM locations WHERE org_id = ? AND id = ?",
			      DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(loc)), &r)) {
		if (db_next(r) == 1)
			near = json_pack("{s:s,s:s,s:s}", "id", db_text(r, 0), "name", db_text(r, 1), "tz", db_text(r, 2));
		if ((rc = db_res_close(r)) != DB_OK)
			svc_db_err(c, rc);
	}
	*out = json_pack("{s:{s:s,s:s},s:o,s:o,s:o}", "skill", "id", skill, "name", skill_name, "near", near, "at", svc_time(at),
			 "items", items);
	return 0;
}

#include "svc/directory/who.api.inc"
