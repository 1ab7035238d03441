/* On-call rotas per skill and area, overrides, "who can help now", coverage gaps, the
 * iCalendar feed of shifts, and routing a case to whoever is on call (with expiry that moves
 * the offer to the next person and tells the offerer). */
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/password.h"
#include "base/tz.h"
#include "base/util.h"
#include "core/ical.h"
#include "core/ownership.h"
#include "core/rota.h"
#include "svc/case.h"
#include "svc/directory.h"
#include "svc/promise.h"
#include "svc/resources.h"
#include "svc/settings.h"
#include "svc/tick.h"

#define MAX_LAYERS 3
#define CHECK_AHEAD_MS (730LL * FL_DAY_MS) /* hand-over times are checked two years ahead */
#define WHO_HORIZON_MS (8LL * FL_DAY_MS)

static const char *const LAYER_NAMES[] = {"primary", "secondary", "tertiary", NULL};
static const char *const DAY_NAMES[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

struct layer_rt {
	char name[16];
	struct rota_layer l;
	char (*members)[ID_SIZE];
	size_t nov, capov;
	struct rota_interval *ov;
	char (*ov_person)[ID_SIZE];
};

struct rota_rt {
	char id[ID_SIZE], name[FL_MAX_NAME + 1], skill_id[ID_SIZE], skill[FL_MAX_SHORT + 1];
	char location_id[ID_SIZE], location[FL_MAX_NAME + 1], region[FL_MAX_SHORT + 1], tz[FL_MAX_SHORT + 1];
	const tz_zone *z;
	int nlayers;
	struct layer_rt layers[MAX_LAYERS];
};

struct rota_set {
	struct rota_rt *v;
	size_t n;
};

static void rota_set_free(struct rota_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		for (int j = 0; j < s->v[i].nlayers; j++) {
			free(s->v[i].layers[j].members);
			free(s->v[i].layers[j].ov);
			free(s->v[i].layers[j].ov_person);
		}
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static int layer_index(const char *name)
{
	for (int i = 0; LAYER_NAMES[i]; i++)
		if (strcmp(LAYER_NAMES[i], name) == 0)
			return i;
	return -1;
}

/* --- layers: from the request (checked and normalized) and from storage --- */

static int parse_windows(svc_ctx *c, json_t *wins, struct rota_layer *l, json_t *norm)
{
	if (!wins)
		return 0;
	if (!json_is_array(wins) || json_array_size(wins) > ROTA_MAX_WINDOWS)
		return err_set(&c->err, ERR_INVALID, "invalid_window", "windows", "windows must be a list of at most 14");
	size_t i;
	json_t *w;
	json_array_foreach(wins, i, w)
	{
		json_t *days = json_object_get(w, "days"), *nd = json_array();
		struct rota_window *rw = &l->windows[l->nwindows];
		rw->days = 0;
		size_t j;
		json_t *d;
		if (json_is_array(days))
			json_array_foreach(days, j, d)
			{
				int k = rota_parse_day(json_string_value(d));
				if (k < 0) {
					json_decref(nd);
					return err_set(&c->err, ERR_INVALID, "invalid_window", "windows", "days are mon..sun");
				}
				if (!(rw->days & (1u << k)))
					json_array_append_new(nd, json_string(DAY_NAMES[k]));
				rw->days |= 1u << k;
			}
		rw->from_min = rota_parse_hhmm(json_string_value(json_object_get(w, "from")), 0);
		rw->to_min = rota_parse_hhmm(json_string_value(json_object_get(w, "to")), 1);
		if (!rw->days || rw->from_min < 0 || rw->to_min < 0) {
			json_decref(nd);
			return err_set(&c->err, ERR_INVALID, "invalid_window", "windows",
				       "a window is {\"days\":[\"mon\",...],\"from\":\"09:00\",\"to\":\"17:00\"}");
		}
		if (rw->to_min == 1440 && rw->from_min == 0)
			rw->to_min = 0; /* whole day */
		l->nwindows++;
		json_array_append_new(norm, json_pack("{s:o,s:O,s:O}", "days", nd, "from", json_object_get(w, "from"), "to",
						      json_object_get(w, "to")));
	}
	return 0;
}

/* Parse one layer.  With resolve (a request): members are references (id or email) checked in
 * the organization, the hand-over "sat 09:00" moves start to that weekday, and *norm gets the
 * stored form.  Without (storage): members are ids, start is the first hand-over date. */
static int parse_layer(svc_ctx *c, json_t *j, int resolve, int64_t today, struct layer_rt *out, json_t **norm)
{
	memset(out, 0, sizeof *out);
	const char *name = json_string_value(json_object_get(j, "layer"));
	if (!name)
		name = "primary";
	if (layer_index(name) < 0)
		return err_set(&c->err, ERR_INVALID, "unknown_layer", "layers", "layers are primary, secondary or tertiary");
	str_copy(out->name, sizeof out->name, name);
	json_t *members = json_object_get(j, "members");
	if (!json_is_array(members) || json_array_size(members) < 1 || json_array_size(members) > ROTA_MAX_MEMBERS)
		return err_set(&c->err, ERR_INVALID, "invalid_rota", "layers", "a layer needs 1-100 members");
	out->l.nmembers = (int)json_array_size(members);
	out->members = xcalloc((size_t)out->l.nmembers, ID_SIZE);
	json_t *ids = json_array();
	for (int i = 0; i < out->l.nmembers; i++) {
		const char *ref = json_string_value(json_array_get(members, (size_t)i));
		if (!ref) {
			json_decref(ids);
			return err_set(&c->err, ERR_INVALID, "invalid_rota", "layers", "members are people (id or email)");
		}
		if (resolve) {
			if (svc_person_ref(c, ref, "layers", out->members[i])) {
				json_decref(ids);
				return -1;
			}
		} else {
			str_copy(out->members[i], ID_SIZE, ref);
		}
		json_array_append_new(ids, json_string(out->members[i]));
	}
	const char *handoff = json_string_value(json_object_get(j, "handoff"));
	int dow = -1, bad = 0;
	if (!handoff)
		handoff = "09:00";
	if (strlen(handoff) > 5) {
		char day[16];
		const char *sp = strchr(handoff, ' ');
		if (!sp || (size_t)(sp - handoff) >= sizeof day) {
			bad = 1;
		} else {
			memcpy(day, handoff, (size_t)(sp - handoff));
			day[sp - handoff] = '\0';
			dow = rota_parse_day(day);
			bad = dow < 0;
			handoff = sp + 1;
		}
	}
	out->l.handoff_min = bad ? -1 : rota_parse_hhmm(handoff, 0);
	if (out->l.handoff_min < 0) {
		json_decref(ids);
		return err_set(&c->err, ERR_INVALID, "invalid_handoff", "handoff", "hand-over is \"HH:MM\" or \"sat 09:00\"");
	}
	json_t *pd = json_object_get(j, "period_days");
	out->l.period_days = pd ? (int)json_integer_value(pd) : 7;
	const char *start = json_string_value(json_object_get(j, "start"));
	if (start) {
		if (rota_parse_date(start, &out->l.start_day)) {
			json_decref(ids);
			return err_set(&c->err, ERR_INVALID, "invalid_date", "start", "start must be a date YYYY-MM-DD");
		}
	} else {
		out->l.start_day = today;
	}
	if (dow >= 0)
		out->l.start_day += (dow - tz_weekday(out->l.start_day) + 7) % 7;
	json_t *nw = json_array();
	if (parse_windows(c, json_object_get(j, "windows"), &out->l, nw)) {
		json_decref(ids);
		json_decref(nw);
		return -1;
	}
	if (norm) {
		int64_t y;
		unsigned m, d;
		char date[16], hh[24];
		tz_civil_from_days(out->l.start_day, &y, &m, &d);
		snprintf(date, sizeof date, "%04lld-%02u-%02u", (long long)y, m, d);
		snprintf(hh, sizeof hh, "%02d:%02d", out->l.handoff_min / 60, out->l.handoff_min % 60);
		*norm = json_pack("{s:s,s:o,s:s,s:i,s:s,s:o}", "layer", out->name, "members", ids, "handoff", hh, "period_days",
				  out->l.period_days, "start", date, "windows", nw);
	} else {
		json_decref(ids);
		json_decref(nw);
	}
	return 0;
}

static void free_layers(struct layer_rt *l, int n)
{
	for (int i = 0; i < n; i++)
		free(l[i].members);
}

/* Check and normalize a request's layers for zone z; *stored gets the JSON to keep. */
static int layers_from_request(svc_ctx *c, json_t *layers, const tz_zone *z, json_t **stored)
{
	if (!json_is_array(layers) || json_array_size(layers) < 1 || json_array_size(layers) > MAX_LAYERS)
		return err_set(&c->err, ERR_INVALID, "invalid_rota", "layers", "a rota has 1-3 layers");
	int64_t nows = c->now / 1000;
	int64_t today = tz_floordiv(nows + tz_offset_at(z, nows, NULL), 86400);
	json_t *out = json_array();
	struct layer_rt l[MAX_LAYERS];
	int n = 0, rc = 0;
	for (size_t i = 0; i < json_array_size(layers) && rc == 0; i++) {
		json_t *norm = NULL;
		rc = parse_layer(c, json_array_get(layers, i), 1, today, &l[n], &norm);
		n++;
		if (rc)
			break;
		for (int k = 0; k < n - 1; k++)
			if (strcmp(l[k].name, l[n - 1].name) == 0)
				rc = err_set(&c->err, ERR_INVALID, "duplicate_layer", "layers", "each layer name once");
		int64_t from = rota_handover(z, &l[n - 1].l, 0);
		if (from < c->now)
			from = c->now;
		if (rc == 0)
			rc = rota_check(z, &l[n - 1].l, from, from + CHECK_AHEAD_MS, &c->err);
		if (rc == 0)
			json_array_append_new(out, norm);
		else
			json_decref(norm);
	}
	free_layers(l, n);
	if (rc) {
		json_decref(out);
		return -1;
	}
	*stored = out;
	return 0;
}

/* --- loading rotas --- */

#define ROTA_COLS                                                                                      \
	"r.id, r.name, r.skill_id, COALESCE(r.location_id, ''), r.region, r.tz, r.layers, COALESCE(l.name, ''), " \
	"COALESCE(l.region, ''), s.name"
#define ROTA_FROM                                                                               \
	" FROM rotas r JOIN skills s ON s.org_id = r.org_id AND s.id = r.skill_id "               \
	"LEFT JOIN locations l ON l.org_id = r.org_id AND l.id = r.location_id "

/* Load rotas matching where (SQL after WHERE r.org_id = ? AND, with one text argument arg or none),
 * with their overrides that touch [from, to). */
static int rotas_load(svc_ctx *c, const char *where, const char *arg, const char *arg2, int64_t from, int64_t to,
		      struct rota_set *set)
{
	db_res *r;
	char *sql = xasprintf("SELECT " ROTA_COLS ROTA_FROM "WHERE r.org_id = ? %s ORDER BY s.name, LOWER(r.name), r.id", where);
	int rc;
	if (arg2)
		rc = db_query(c->db, sql, DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(arg), DB_TXT(arg2)), &r);
	else if (arg)
		rc = db_query(c->db, sql, DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(arg)), &r);
	else
		rc = db_query(c->db, sql, DB_ARGS(DB_TXT(c->actor.org_id)), &r);
	free(sql);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	size_t cap = 0;
	set->v = NULL;
	set->n = 0;
	while (db_next(r) == 1) {
		if (set->n == cap) {
			cap = cap ? cap * 2 : 16;
			struct rota_rt *nv = realloc(set->v, cap * sizeof *nv);
			if (!nv)
				fl_die("out of memory");
			set->v = nv;
		}
		struct rota_rt *t = &set->v[set->n];
		memset(t, 0, sizeof *t);
		str_copy(t->id, sizeof t->id, db_text(r, 0));
		str_copy(t->name, sizeof t->name, db_text(r, 1));
		str_copy(t->skill_id, sizeof t->skill_id, db_text(r, 2));
		str_copy(t->location_id, sizeof t->location_id, db_text(r, 3));
		str_copy(t->region, sizeof t->region, *db_text(r, 4) ? db_text(r, 4) : db_text(r, 8));
		str_copy(t->tz, sizeof t->tz, db_text(r, 5));
		str_copy(t->location, sizeof t->location, db_text(r, 7));
		str_copy(t->skill, sizeof t->skill, db_text(r, 9));
		t->z = tz_get(t->tz);
		json_t *layers = json_loads(db_text(r, 6), 0, NULL);
		if (!t->z) {
			json_decref(layers);
			continue;
		}
		for (size_t i = 0; i < json_array_size(layers) && t->nlayers < MAX_LAYERS; i++)
			if (parse_layer(c, json_array_get(layers, i), 0, 0, &t->layers[t->nlayers], NULL) == 0) {
				t->nlayers++;
			} else {
				free(t->layers[t->nlayers].members);
				err_clear(&c->err);
			}
		json_decref(layers);
		set->n++;
	}
	db_res_free(r);
	if (!set->n)
		return 0;
	if (db_query(c->db,
		     "SELECT o.rota_id, o.layer, o.person_id, o.starts_at, o.ends_at FROM rota_overrides o "
		     "WHERE o.org_id = ? AND o.cancelled = 0 AND o.ends_at > ? AND o.starts_at < ? ORDER BY o.rota_id, o.starts_at",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_INT(from), DB_INT(to)), &r) != DB_OK)
		return svc_db_err(c, DB_ERROR);
	while (db_next(r) == 1) {
		for (size_t i = 0; i < set->n; i++) {
			if (strcmp(set->v[i].id, db_text(r, 0)) != 0)
				continue;
			for (int j = 0; j < set->v[i].nlayers; j++) {
				struct layer_rt *l = &set->v[i].layers[j];
				if (strcmp(l->name, db_text(r, 1)) != 0)
					continue;
				if (l->nov == l->capov) {
					l->capov = l->capov ? l->capov * 2 : 4;
					struct rota_interval *nv = realloc(l->ov, l->capov * sizeof *nv);
					char(*np)[ID_SIZE] = realloc(l->ov_person, l->capov * ID_SIZE);
					if (!nv || !np)
						fl_die("out of memory");
					l->ov = nv;
					l->ov_person = np;
				}
				l->ov[l->nov] = (struct rota_interval){db_int(r, 3), db_int(r, 4), 0};
				str_copy(l->ov_person[l->nov], ID_SIZE, db_text(r, 2));
				l->nov++;
			}
			break;
		}
	}
	db_res_free(r);
	return 0;
}

static const char *who_person(const struct layer_rt *l, int who)
{
	if (who >= ROTA_OVERRIDE)
		return l->ov_person[who - ROTA_OVERRIDE];
	return who >= 0 && who < l->l.nmembers ? l->members[who] : "";
}

/* --- the rota resource --- */

static int rota_view(svc_ctx *c, const char *id, json_t **out)
{
	struct rota_set set;
	if (rotas_load(c, "AND r.id = ?", id, NULL, c->now, c->now + 60 * FL_DAY_MS, &set))
		return -1;
	if (set.n == 0) {
		rota_set_free(&set);
		return err_set(&c->err, ERR_NOT_FOUND, "rota_not_found", "id", "no such rota");
	}
	db_res *r;
	json_t *layers = NULL, *ovs = json_array();
	int active = 1;
	if (db_query(c->db, "SELECT layers, active FROM rotas WHERE org_id = ? AND id = ?",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id)), &r) == DB_OK) {
		if (db_next(r) == 1) {
			layers = json_loads(db_text(r, 0), 0, NULL);
			active = (int)db_int(r, 1);
		}
		db_res_free(r);
	}
	if (db_query(c->db,
		     "SELECT id, layer, person_id, starts_at, ends_at, reason FROM rota_overrides "
		     "WHERE org_id = ? AND rota_id = ? AND cancelled = 0 AND ends_at > ? ORDER BY starts_at",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_INT(c->now)), &r) == DB_OK) {
		while (db_next(r) == 1)
			json_array_append_new(ovs, json_pack("{s:s,s:s,s:o,s:o,s:o,s:s}", "id", db_text(r, 0), "layer", db_text(r, 1),
							     "person", svc_person_brief(c, db_text(r, 2)), "start",
							     svc_col_time(r, 3), "end", svc_col_time(r, 4), "reason", db_text(r, 5)));
		db_res_free(r);
	}
	struct rota_rt *t = &set.v[0];
	json_t *now = json_array();
	for (int j = 0; j < t->nlayers; j++) {
		struct rota_interval s;
		if (rota_who_at(t->z, &t->layers[j].l, t->layers[j].ov, t->layers[j].nov, c->now, &s))
			json_array_append_new(now, json_pack("{s:s,s:o,s:o,s:b}", "layer", t->layers[j].name, "person",
							     svc_person_brief(c, who_person(&t->layers[j], s.who)), "until",
							     svc_time(s.end), "override", s.who >= ROTA_OVERRIDE));
	}
	*out = json_pack("{s:s,s:s,s:{s:s,s:s},s:o,s:s,s:s,s:o,s:b,s:o,s:o}", "id", t->id, "name", t->name, "skill", "id",
			 t->skill_id, "name", t->skill, "location",
			 *t->location_id ? json_pack("{s:s,s:s}", "id", t->location_id, "name", t->location) : json_null(),
			 "region", t->region, "tz", t->tz, "layers", layers ? layers : json_array(), "active", active, "overrides",
			 ovs, "on_call_now", now);
	rota_set_free(&set);
	return 0;
}

static int rota_create(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char id[ID_SIZE], skill[ID_SIZE], loc[ID_SIZE] = "";
	if (svc_require_role(c, ROLEBIT(ROLE_ADMIN) | ROLEBIT(ROLE_SUPERVISOR)) ||
	    dir_skill_ref(c, in_str(in, "skill"), "skill", skill, NULL, 0))
		return -1;
	const char *region = in_str(in, "region") ? in_str(in, "region") : "";
	if (!!in_str(in, "location") == !!*region)
		return err_set(&c->err, ERR_INVALID, "area_required", "location", "give the rota's area: a location or a region");
	char tzname[FL_MAX_SHORT + 1] = "UTC";
	if (in_str(in, "location")) {
		if (svc_location_ref(c, in_str(in, "location"), "location", loc))
			return -1;
		db_res *r;
		if (db_query(c->db, "SELECT tz FROM locations WHERE org_id = ? AND id = ?",
			     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(loc)), &r) == DB_OK) {
			if (db_next(r) == 1)
				str_copy(tzname, sizeof tzname, db_text(r, 0));
			db_res_free(r);
		}
	}
	if (in_str(in, "tz"))
		str_copy(tzname, sizeof tzname, in_str(in, "tz"));
	const tz_zone *z = tz_get(tzname);
	if (!z)
		return err_set(&c->err, ERR_INVALID, "unknown_time_zone", "tz",
			       "unknown time zone (use an IANA name such as America/Chicago)");
	json_t *layers;
	if (layers_from_request(c, json_object_get(in, "layers"), z, &layers))
		return -1;
	char *text = json_dumps(layers, JSON_COMPACT);
	id_new(id, "rota", c->now);
	int rc = db_exec(c->db,
			 "INSERT INTO rotas (org_id, id, name, skill_id, location_id, region, tz, layers, active, created_by, created_at, "
			 "updated_at) VALUES (?,?,?,?,?,?,?,?,1,?,?,?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(in_str(in, "name")), DB_TXT(skill),
				 DB_TXT(*loc ? loc : NULL), DB_TXT(region), DB_TXT(tzname), DB_TXT(text), DB_TXT(c->actor.person_id),
				 DB_INT(c->now), DB_INT(c->now)),
			 NULL);
	free(text);
	if (rc == DB_CONSTRAINT) {
		json_decref(layers);
		return err_set(&c->err, ERR_CONFLICT, "name_taken", "name", "a rota with this name exists");
	}
	if (rc != DB_OK) {
		json_decref(layers);
		return svc_db_err(c, rc);
	}
	if (svc_event(c, "rota.created", "rota", id, NULL,
		      json_pack("{s:s,s:s,s:s?,s:s,s:s,s:o}", "name", in_str(in, "name"), "skill_id", skill, "location_id",
				*loc ? loc : NULL, "region", region, "tz", tzname, "layers", layers)))
		return -1;
	return rota_view(c, id, out);
}

/* A new time zone for the stored layers: their hand-overs must exist there too. */
static int check_stored_layers(svc_ctx *c, const char *id, const tz_zone *z)
{
	db_res *r;
	json_t *layers = NULL;
	if (db_query(c->db, "SELECT layers FROM rotas WHERE org_id = ? AND id = ?", DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id)),
		     &r) != DB_OK)
		return svc_db_err(c, DB_ERROR);
	if (db_next(r) == 1)
		layers = json_loads(db_text(r, 0), 0, NULL);
	db_res_free(r);
	int rc = 0;
	for (size_t i = 0; i < json_array_size(layers) && rc == 0; i++) {
		struct layer_rt l;
		if (parse_layer(c, json_array_get(layers, i), 0, 0, &l, NULL) == 0) {
			int64_t from = rota_handover(z, &l.l, 0);
			if (from < c->now)
				from = c->now;
			rc = rota_check(z, &l.l, from, from + CHECK_AHEAD_MS, &c->err);
		} else {
			err_clear(&c->err);
		}
		free(l.members);
	}
	json_decref(layers);
	return rc;
}

static int rota_patch(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	if (svc_require_role(c, ROLEBIT(ROLE_ADMIN) | ROLEBIT(ROLE_SUPERVISOR)))
		return -1;
	db_res *r;
	char tzname[FL_MAX_SHORT + 1] = "";
	if (db_query(c->db, "SELECT tz FROM rotas WHERE org_id = ? AND id = ?", DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(p[0])),
		     &r) != DB_OK)
		return svc_db_err(c, DB_ERROR);
	if (db_next(r) == 1)
		str_copy(tzname, sizeof tzname, db_text(r, 0));
	db_res_free(r);
	if (!*tzname)
		return err_set(&c->err, ERR_NOT_FOUND, "rota_not_found", "id", "no such rota");
	if (in_str(in, "tz"))
		str_copy(tzname, sizeof tzname, in_str(in, "tz"));
	const tz_zone *z = tz_get(tzname);
	if (!z)
		return err_set(&c->err, ERR_INVALID, "unknown_time_zone", "tz",
			       "unknown time zone (use an IANA name such as America/Chicago)");
	json_t *layers = NULL;
	if (json_object_get(in, "layers") && layers_from_request(c, json_object_get(in, "layers"), z, &layers))
		return -1;
	if (!layers && in_str(in, "tz") && check_stored_layers(c, p[0], z))
		return -1;
	char *text = layers ? json_dumps(layers, JSON_COMPACT) : NULL;
	json_t *act = json_object_get(in, "active");
	int rc = db_exec(c->db,
			 "UPDATE rotas SET name = COALESCE(?, name), tz = ?, layers = COALESCE(?, layers), active = COALESCE(?, active), "
			 "updated_at = ? WHERE org_id = ? AND id = ?",
			 DB_ARGS(DB_TXT(in_str(in, "name")), DB_TXT(tzname), DB_TXT(text),
				 act ? DB_INT(json_is_true(act)) : DB_NULL, DB_INT(c->now), DB_TXT(c->actor.org_id), DB_TXT(p[0])),
			 NULL);
	free(text);
	json_decref(layers);
	if (rc == DB_CONSTRAINT)
		return err_set(&c->err, ERR_CONFLICT, "name_taken", "name", "a rota with this name exists");
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (svc_event(c, "rota.changed", "rota", p[0], NULL, json_deep_copy(in)))
		return -1;
	return rota_view(c, p[0], out);
}

static int rota_show(svc_ctx *c, const char *const *p, json_t *in, json_t **out) { return rota_view(c, p[0], out); }

static int rota_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char skill[ID_SIZE];
	struct rota_set set;
	if (in_str(in, "skill") && dir_skill_ref(c, in_str(in, "skill"), "skill", skill, NULL, 0))
		return -1;
	if (rotas_load(c, in_str(in, "skill") ? "AND r.skill_id = ?" : "", in_str(in, "skill") ? skill : NULL, NULL, c->now,
		       c->now + 1, &set))
		return -1;
	json_t *items = json_array();
	for (size_t i = 0; i < set.n; i++) {
		struct rota_rt *t = &set.v[i];
		json_array_append_new(items, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:i}", "id", t->id, "name", t->name, "skill",
						       t->skill, "area", *t->location ? t->location : t->region, "region",
						       t->region, "tz", t->tz, "layers", t->nlayers));
	}
	rota_set_free(&set);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

static int override_add(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char person[ID_SIZE], id[ID_SIZE];
	long long start = 0, end = 0;
	if (svc_require_role(c, ROLEBIT(ROLE_ADMIN) | ROLEBIT(ROLE_SUPERVISOR)))
		return -1;
	struct rota_set set;
	if (rotas_load(c, "AND r.id = ?", p[0], NULL, 0, 1, &set))
		return -1;
	const char *layer = in_str(in, "layer") ? in_str(in, "layer") : "primary";
	int found = 0;
	for (size_t i = 0; i < set.n; i++)
		for (int j = 0; j < set.v[i].nlayers; j++)
			found |= strcmp(set.v[i].layers[j].name, layer) == 0;
	size_t n = set.n;
	rota_set_free(&set);
	if (n == 0)
		return err_set(&c->err, ERR_NOT_FOUND, "rota_not_found", "id", "no such rota");
	if (!found)
		return err_set(&c->err, ERR_INVALID, "unknown_layer", "layer", "the rota has no such layer");
	if (svc_person_ref(c, in_str(in, "person"), "person", person))
		return -1;
	in_time(in, "start", &start);
	in_time(in, "end", &end);
	if (end <= start)
		return err_set(&c->err, ERR_INVALID, "invalid_range", "end", "end must be after start");
	if (end - start > 90 * FL_DAY_MS)
		return err_set(&c->err, ERR_INVALID, "override_too_long", "end", "an override covers at most 90 days");
	int64_t clash = 0;
	int has = 0;
	if (db_scalar_int(c->db,
			  "SELECT COUNT(*) FROM rota_overrides WHERE org_id = ? AND rota_id = ? AND layer = ? AND cancelled = 0 "
			  "AND starts_at < ? AND ends_at > ?",
			  DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(p[0]), DB_TXT(layer), DB_INT(end), DB_INT(start)), &clash,
			  &has) != DB_OK)
		return svc_db_err(c, DB_ERROR);
	if (clash)
		return err_set(&c->err, ERR_CONFLICT, "override_overlap", "start",
			       "another override already covers part of that time on this layer; change or cancel it first");
	id_new(id, "ovr", c->now);
	const char *reason = in_str(in, "reason") ? in_str(in, "reason") : "";
	int rc = db_exec(c->db,
			 "INSERT INTO rota_overrides (org_id, id, rota_id, layer, person_id, starts_at, ends_at, reason, cancelled, "
			 "created_by, created_at) VALUES (?,?,?,?,?,?,?,?,0,?,?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(p[0]), DB_TXT(layer), DB_TXT(person), DB_INT(start),
				 DB_INT(end), DB_TXT(reason), DB_TXT(c->actor.person_id), DB_INT(c->now)),
			 NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (svc_event(c, "rota.override_added", "rota", p[0], NULL,
		      json_pack("{s:s,s:s,s:s,s:I,s:I,s:s}", "override_id", id, "layer", layer, "person_id", person, "start",
				(json_int_t)start, "end", (json_int_t)end, "reason", reason)))
		return -1;
	return rota_view(c, p[0], out);
}

static int override_cancel(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	int64_t n = 0;
	if (svc_require_role(c, ROLEBIT(ROLE_ADMIN) | ROLEBIT(ROLE_SUPERVISOR)))
		return -1;
	int rc = db_exec(c->db, "UPDATE rota_overrides SET cancelled = 1 WHERE org_id = ? AND rota_id = ? AND id = ? AND cancelled = 0",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(p[0]), DB_TXT(p[1])), &n);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (n == 0)
		return err_set(&c->err, ERR_NOT_FOUND, "override_not_found", "id", "no such override");
	if (svc_event(c, "rota.override_cancelled", "rota", p[0], NULL, json_pack("{s:s}", "override_id", p[1])))
		return -1;
	return rota_view(c, p[0], out);
}

/* --- who can help --- */

struct cand {
	char person[ID_SIZE];
	int rank;  /* 0 same location, 1 same region or time zone, 2 elsewhere */
	int kind;  /* layer index for on call (0 primary ...), 9 for in hours */
	int64_t until;
	const struct rota_rt *rota;
	const char *layer;
	char location_id[ID_SIZE];
	int region_match;
};

static int cand_cmp(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;
	if (a->rank != b->rank)
		return a->rank - b->rank;
	if (a->kind != b->kind)
		return a->kind - b->kind;
	return strcmp(a->person, b->person);
}

struct near {
	char id[ID_SIZE], tz[FL_MAX_SHORT + 1], region[FL_MAX_SHORT + 1];
};

static int rank_of(const struct near *n, const char *loc_id, const char *region, const char *tz, int *region_match)
{
	*region_match = 0;
	if (!*n->id)
		return 2;
	if (*loc_id && strcmp(loc_id, n->id) == 0)
		return 0;
	if (*region && *n->region && strcmp(region, n->region) == 0) {
		*region_match = 1;
		return 1;
	}
	if (strcmp(tz, n->tz) == 0)
		return 1;
	return 2;
}

struct cands {
	struct cand *v;
	size_t n, cap;
};

static struct cand *cand_new(struct cands *cs)
{
	if (cs->n == cs->cap) {
		cs->cap = cs->cap ? cs->cap * 2 : 64;
		struct cand *nv = realloc(cs->v, cs->cap * sizeof *nv);
		if (!nv)
			fl_die("out of memory");
		cs->v = nv;
	}
	struct cand *k = &cs->v[cs->n++];
	memset(k, 0, sizeof *k);
	return k;
}

static const char *distance_name(const struct cand *k)
{
	return k->rank == 0 ? "same_location" : k->rank == 1 ? (k->region_match ? "same_region" : "same_time_zone") : "elsewhere";
}

int oncall_who(svc_ctx *c, const char *skill_id, const char *near_id, int64_t at, int limit, json_t **items)
{
	struct near nr = {0};
	db_res *r;
	if (near_id && *near_id) {
		if (db_query(c->db, "SELECT id, tz, region FROM locations WHERE org_id = ? AND id = ?",
			     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(near_id)), &r) != DB_OK)
			return svc_db_err(c, DB_ERROR);
		if (db_next(r) == 1) {
			str_copy(nr.id, sizeof nr.id, db_text(r, 0));
			str_copy(nr.tz, sizeof nr.tz, db_text(r, 1));
			str_copy(nr.region, sizeof nr.region, db_text(r, 2));
		}
		db_res_free(r);
	}
	struct rota_set set;
	if (rotas_load(c, "AND r.skill_id = ? AND r.active = 1", skill_id, NULL, at - 1, at + WHO_HORIZON_MS, &set))
		return -1;
	struct cands cs = {0};
	for (size_t i = 0; i < set.n; i++) {
		const struct rota_rt *t = &set.v[i];
		for (int j = 0; j < t->nlayers; j++) {
			const struct layer_rt *l = &t->layers[j];
			struct rota_interval s;
			if (!rota_who_at(t->z, &l->l, l->ov, l->nov, at, &s))
				continue;
			struct cand *k = cand_new(&cs);
			str_copy(k->person, sizeof k->person, who_person(l, s.who));
			k->rank = rank_of(&nr, t->location_id, t->region, t->tz, &k->region_match);
			k->kind = layer_index(l->name);
			k->until = s.end;
			k->rota = t;
			k->layer = l->name;
			str_copy(k->location_id, sizeof k->location_id, t->location_id);
		}
	}
	/* people with the skill at a location that is open now */
	struct locinfo {
		char id[ID_SIZE], tz[FL_MAX_SHORT + 1], region[FL_MAX_SHORT + 1];
		int open;
	} *locs = NULL;
	size_t nlocs = 0, caplocs = 0;
	char *holidays = NULL;
	if (db_query(c->db, "SELECT location_id, day FROM location_holidays WHERE org_id = ?", DB_ARGS(DB_TXT(c->actor.org_id)),
		     &r) == DB_OK) {
		while (db_next(r) == 1) {
			char *nh = xasprintf("%s%s:%s;", holidays ? holidays : "", db_text(r, 0), db_text(r, 1));
			free(holidays);
			holidays = nh;
		}
		db_res_free(r);
	}
	if (db_query(c->db, "SELECT id, tz, hours, region FROM locations WHERE org_id = ?", DB_ARGS(DB_TXT(c->actor.org_id)), &r) ==
	    DB_OK) {
		while (db_next(r) == 1) {
			if (nlocs == caplocs) {
				caplocs = caplocs ? caplocs * 2 : 16;
				struct locinfo *nv = realloc(locs, caplocs * sizeof *nv);
				if (!nv)
					fl_die("out of memory");
				locs = nv;
			}
			struct locinfo *li = &locs[nlocs++];
			str_copy(li->id, sizeof li->id, db_text(r, 0));
			str_copy(li->tz, sizeof li->tz, db_text(r, 1));
			str_copy(li->region, sizeof li->region, db_text(r, 3));
			const tz_zone *z = tz_get(li->tz);
			/* this location's holidays: the "loc:day;" entries of the list */
			char *mine = NULL;
			for (const char *h = holidays; h && *h;) {
				const char *semi = strchr(h, ';');
				size_t idl = strlen(li->id);
				if (strncmp(h, li->id, idl) == 0 && h[idl] == ':') {
					char *nm = xasprintf("%s%.*s ", mine ? mine : "", (int)(semi - h - idl - 1), h + idl + 1);
					free(mine);
					mine = nm;
				}
				h = semi ? semi + 1 : NULL;
			}
			li->open = z && dir_location_open(db_text(r, 2), mine, z, at);
			free(mine);
		}
		db_res_free(r);
	}
	free(holidays);
	if (db_query(c->db,
		     "SELECT person_id, location_id FROM person_skills WHERE org_id = ? AND skill_id = ?",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(skill_id)), &r) == DB_OK) {
		while (db_next(r) == 1) {
			for (size_t i = 0; i < nlocs; i++) {
				if (strcmp(locs[i].id, db_text(r, 1)) != 0)
					continue;
				if (locs[i].open) {
					struct cand *k = cand_new(&cs);
					str_copy(k->person, sizeof k->person, db_text(r, 0));
					k->rank = rank_of(&nr, locs[i].id, locs[i].region, locs[i].tz, &k->region_match);
					k->kind = 9;
					str_copy(k->location_id, sizeof k->location_id, locs[i].id);
				}
				break;
			}
		}
		db_res_free(r);
	}
	free(locs);
	if (cs.n)
		qsort(cs.v, cs.n, sizeof *cs.v, cand_cmp);
	json_t *out = json_array(), *seen = json_object();
	for (size_t i = 0; i < cs.n && (int)json_array_size(out) < limit; i++) {
		struct cand *k = &cs.v[i];
		if (json_object_get(seen, k->person))
			continue;
		json_object_set_new(seen, k->person, json_true());
		json_t *person = svc_person_brief(c, k->person);
		int64_t active = 0;
		int found = 0;
		db_scalar_int(c->db, "SELECT active FROM people WHERE org_id = ? AND id = ?",
			      DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(k->person)), &active, &found);
		if (!json_is_object(person) || !found || !active) {
			json_decref(person);
			continue;
		}
		json_t *loc = json_null();
		if (*k->location_id && db_query(c->db, "SELECT id, name, tz FROM locations WHERE org_id = ? AND id = ?",
						DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(k->location_id)), &r) == DB_OK) {
			if (db_next(r) == 1)
				loc = json_pack("{s:s,s:s,s:s}", "id", db_text(r, 0), "name", db_text(r, 1), "tz", db_text(r, 2));
			db_res_free(r);
		}
		json_array_append_new(
			out, json_pack("{s:o,s:s,s:o,s:o,s:o,s:o,s:s}", "person", person, "reason", k->kind == 9 ? "in_hours" : "on_call",
				       "layer", k->layer ? json_string(k->layer) : json_null(), "rota",
				       k->rota ? json_pack("{s:s,s:s}", "id", k->rota->id, "name", k->rota->name) : json_null(),
				       "until", k->kind == 9 ? json_null() : svc_time(k->until), "location", loc, "distance",
				       distance_name(k)));
	}
	json_decref(seen);
	free(cs.v);
	rota_set_free(&set);
	*items = out;
	return 0;
}

static int near_location(svc_ctx *c, json_t *in, const char *field, char loc[ID_SIZE])
{
	loc[0] = '\0';
	if (in_str(in, field))
		return svc_location_ref(c, in_str(in, field), field, loc);
	db_res *r;
	if (db_query(c->db, "SELECT COALESCE(location_id, '') FROM people WHERE org_id = ? AND id = ?",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(c->actor.person_id)), &r) == DB_OK) {
		if (db_next(r) == 1)
			str_copy(loc, ID_SIZE, db_text(r, 0));
		db_res_free(r);
	}
	return 0;
}

static int who_route(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char skill[ID_SIZE], skill_name[FL_MAX_SHORT + 1], loc[ID_SIZE];
	long long at = c->now;
	if (dir_skill_ref(c, in_str(in, "skill"), "skill", skill, skill_name, sizeof skill_name) ||
	    near_location(c, in, "near", loc))
		return -1;
	in_time(in, "at", &at);
	json_t *items;
	if (oncall_who(c, skill, loc, at, (int)in_int(in, "limit", 20), &items))
		return -1;
	json_t *near = json_null();
	db_res *r;
	if (*loc && db_query(c->db, "SELECT id, name, tz FROM locations WHERE org_id = ? AND id = ?",
			     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(loc)), &r) == DB_OK) {
		if (db_next(r) == 1)
			near = json_pack("{s:s,s:s,s:s}", "id", db_text(r, 0), "name", db_text(r, 1), "tz", db_text(r, 2));
		db_res_free(r);
	}
	*out = json_pack("{s:{s:s,s:s},s:o,s:o,s:o}", "skill", "id", skill, "name", skill_name, "near", near, "at", svc_time(at),
			 "items", items);
	return 0;
}

/* --- coverage and the calendar --- */

struct window_q {
	int64_t from, to;
	char skill[ID_SIZE];
	int has_skill;
	char *area; /* location id or region text, NULL for all */
};

static int window_of(svc_ctx *c, json_t *in, struct window_q *q, struct rota_set *set)
{
	long long from = c->now;
	memset(q, 0, sizeof *q);
	in_time(in, "from", &from);
	q->from = from;
	q->to = from + in_int(in, "weeks", 2) * 7 * FL_DAY_MS;
	if (in_str(in, "skill")) {
		if (dir_skill_ref(c, in_str(in, "skill"), "skill", q->skill, NULL, 0))
			return -1;
		q->has_skill = 1;
	}
	char loc[ID_SIZE] = "";
	const char *area = in_str(in, "area");
	if (area) {
		/* a location (id or name), else a region */
		db_res *r;
		if (db_query(c->db, "SELECT id FROM locations WHERE org_id = ? AND (id = ? OR name = ?)",
			     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(area), DB_TXT(area)), &r) == DB_OK) {
			if (db_next(r) == 1)
				str_copy(loc, sizeof loc, db_text(r, 0));
			db_res_free(r);
		}
	}
	const char *where;
	const char *a1 = NULL, *a2 = NULL;
	if (q->has_skill && area) {
		where = *loc ? "AND r.active = 1 AND r.skill_id = ? AND r.location_id = ?" : "AND r.active = 1 AND r.skill_id = ? AND r.region = ?";
		a1 = q->skill;
		a2 = *loc ? loc : area;
	} else if (q->has_skill) {
		where = "AND r.active = 1 AND r.skill_id = ?";
		a1 = q->skill;
	} else if (area) {
		where = *loc ? "AND r.active = 1 AND r.location_id = ?" : "AND r.active = 1 AND r.region = ?";
		a1 = *loc ? loc : area;
	} else {
		where = "AND r.active = 1";
	}
	return rotas_load(c, where, a1, a2, q->from, q->to, set);
}

static int coverage(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct window_q q;
	struct rota_set set;
	if (window_of(c, in, &q, &set))
		return -1;
	json_t *items = json_array();
	char *done = xcalloc(set.n ? set.n : 1, 1);
	for (size_t i = 0; i < set.n; i++) {
		if (done[i])
			continue;
		/* the group: same skill and same area */
		struct rota_interval *all = NULL;
		size_t n = 0;
		json_t *names = json_array();
		for (size_t k = i; k < set.n; k++) {
			struct rota_rt *t = &set.v[k];
			if (done[k] || strcmp(t->skill_id, set.v[i].skill_id) != 0 || strcmp(t->location_id, set.v[i].location_id) != 0 ||
			    (!*t->location_id && strcmp(t->region, set.v[i].region) != 0))
				continue;
			done[k] = 1;
			json_array_append_new(names, json_string(t->name));
			for (int j = 0; j < t->nlayers; j++) {
				struct rota_interval *v;
				size_t m = rota_shifts(t->z, &t->layers[j].l, t->layers[j].ov, t->layers[j].nov, q.from, q.to, &v);
				struct rota_interval *na = realloc(all, (n + m + 1) * sizeof *na);
				if (!na)
					fl_die("out of memory");
				all = na;
				if (m)
					memcpy(all + n, v, m * sizeof *v);
				n += m;
				free(v);
			}
		}
		struct rota_interval *g;
		size_t ng = rota_gaps(all, n, q.from, q.to, &g);
		json_t *gaps = json_array();
		int64_t gap_ms = 0;
		for (size_t k = 0; k < ng; k++) {
			gap_ms += g[k].end - g[k].start;
			json_array_append_new(gaps, json_pack("{s:o,s:o,s:f}", "start", svc_time(g[k].start), "end", svc_time(g[k].end),
							      "hours", (double)(g[k].end - g[k].start) / 3600000.0));
		}
		free(g);
		free(all);
		struct rota_rt *t = &set.v[i];
		double total = (double)(q.to - q.from) / 3600000.0, gh = (double)gap_ms / 3600000.0;
		json_array_append_new(items, json_pack("{s:{s:s,s:s},s:{s:s,s:s?,s:s},s:o,s:f,s:f,s:o}", "skill", "id", t->skill_id,
						       "name", t->skill, "area", "kind", *t->location_id ? "location" : "region", "id",
						       *t->location_id ? t->location_id : NULL, "name",
						       *t->location_id ? t->location : t->region, "rotas", names, "covered_hours", total - gh,
						       "gap_hours", gh, "gaps", gaps));
	}
	free(done);
	rota_set_free(&set);
	*out = json_pack("{s:o,s:o,s:o}", "from", svc_time(q.from), "to", svc_time(q.to), "items", items);
	return 0;
}

static int calendar(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct window_q q;
	struct rota_set set;
	json_t *win = json_deep_copy(in);
	if (!json_object_get(win, "from")) {
		/* from the start of the UTC day a week ago, so that a subscribed calendar sees the same
		 * events (and UIDs) on every refresh during a day */
		int64_t day0 = tz_floordiv(c->now, FL_DAY_MS) * FL_DAY_MS - 7 * FL_DAY_MS;
		json_object_set_new(win, "from", svc_time(day0));
		json_object_set_new(win, "weeks", json_integer(in_int(in, "weeks", 2) + 1));
	}
	int wrc = window_of(c, win, &q, &set);
	json_decref(win);
	if (wrc)
		return -1;
	struct ical_event *ev = NULL;
	size_t nev = 0;
	json_t *people = json_object(), *strings = json_array();
	for (size_t i = 0; i < set.n; i++) {
		struct rota_rt *t = &set.v[i];
		for (int j = 0; j < t->nlayers; j++) {
			struct layer_rt *l = &t->layers[j];
			struct rota_interval *v;
			size_t m = rota_shifts(t->z, &l->l, l->ov, l->nov, q.from, q.to, &v);
			struct ical_event *ne = realloc(ev, (nev + m + 1) * sizeof *ne);
			if (!ne)
				fl_die("out of memory");
			ev = ne;
			for (size_t k = 0; k < m; k++) {
				const char *pid = who_person(l, v[k].who);
				json_t *pb = json_object_get(people, pid);
				if (!pb) {
					pb = svc_person_brief(c, pid);
					json_object_set_new(people, pid, pb);
				}
				const char *pname = json_string_value(json_object_get(pb, "name"));
				json_t *uid = json_sprintf("%s-%s-%lld@frontline", t->id, l->name, (long long)v[k].start);
				json_t *sum = json_sprintf("On call: %s (%s) - %s%s", t->skill, l->name, pname ? pname : "?",
							   v[k].who >= ROTA_OVERRIDE ? " (cover)" : "");
				json_t *desc = json_sprintf("%s. Phone %s, email %s.", t->name,
							    json_string_value(json_object_get(pb, "phone")) ? json_string_value(json_object_get(pb, "phone")) : "",
							    json_string_value(json_object_get(pb, "email")) ? json_string_value(json_object_get(pb, "email")) : "");
				json_array_append_new(strings, uid);
				json_array_append_new(strings, sum);
				json_array_append_new(strings, desc);
				ev[nev++] = (struct ical_event){json_string_value(uid), v[k].start, v[k].end, json_string_value(sum),
								json_string_value(desc), *t->location ? t->location : t->region};
			}
			free(v);
		}
	}
	char *text = ical_calendar("Frontline on call", ev, nev, c->now);
	free(ev);
	json_decref(people);
	json_decref(strings);
	rota_set_free(&set);
	*out = json_pack("{s:s,s:s,s:s}", "_content_type", "text/calendar; charset=utf-8", "_filename", "oncall.ics", "_body", text);
	free(text);
	return 0;
}

/* --- calendar links: the feed by a secret URL, for calendar applications --- */

static int feed_create(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char id[ID_SIZE], skill[ID_SIZE] = "", token[TOKEN_SIZE], hash[TOKEN_HASH_SIZE];
	if (c->actor.role == ROLE_SYSTEM)
		return err_set(&c->err, ERR_FORBIDDEN, "person_required", NULL, "a calendar link belongs to a person");
	if (in_str(in, "skill") && dir_skill_ref(c, in_str(in, "skill"), "skill", skill, NULL, 0))
		return -1;
	const char *area = in_str(in, "area") ? in_str(in, "area") : "";
	token_new(token);
	token_hash(token, hash);
	id_new(id, "feed", c->now);
	int rc = db_exec(c->db,
			 "INSERT INTO calendar_feeds (org_id, id, token_hash, person_id, skill_id, area, created_at) VALUES (?,?,?,?,?,?,?)",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(hash), DB_TXT(c->actor.person_id),
				 DB_TXT(*skill ? skill : NULL), DB_TXT(area), DB_INT(c->now)),
			 NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (svc_event(c, "oncall.feed_created", "calendar_feed", id, NULL,
		      json_pack("{s:s?,s:s}", "skill_id", *skill ? skill : NULL, "area", area)))
		return -1;
	char *path = xasprintf("/api/v1/oncall/feed.ics?key=%s", token);
	*out = json_pack("{s:s,s:s,s:s?,s:s,s:o}", "id", id, "path", path, "skill_id", *skill ? skill : NULL, "area", area,
			 "created_at", svc_time(c->now));
	free(path);
	return 0;
}

static int feed_revoke(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	int64_t n = 0;
	int rc = db_exec(c->db,
			 "UPDATE calendar_feeds SET revoked_at = ? WHERE org_id = ? AND id = ? AND person_id = ? AND revoked_at IS NULL",
			 DB_ARGS(DB_INT(c->now), DB_TXT(c->actor.org_id), DB_TXT(p[0]), DB_TXT(c->actor.person_id)), &n);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (n == 0)
		return err_set(&c->err, ERR_NOT_FOUND, "feed_not_found", "id", "no such calendar link of yours");
	if (svc_event(c, "oncall.feed_revoked", "calendar_feed", p[0], NULL, json_object()))
		return -1;
	*out = json_pack("{s:s,s:o}", "id", p[0], "revoked_at", svc_time(c->now));
	return 0;
}

/* Public: the key in the query is the credential (256 random bits; only its hash is stored; the
 * request log never records query strings). */
static int feed_calendar(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char hash[TOKEN_HASH_SIZE];
	db_res *r;
	token_hash(in_str(in, "key"), hash);
	json_t *win = json_object();
	int found = 0;
	if (db_query(c->db,
		     "SELECT f.org_id, f.person_id, COALESCE(f.skill_id, ''), f.area FROM calendar_feeds f JOIN people p "
		     "ON p.org_id = f.org_id AND p.id = f.person_id WHERE f.token_hash = ? AND f.revoked_at IS NULL AND p.active = 1",
		     DB_ARGS(DB_TXT(hash)), &r) != DB_OK) {
		json_decref(win);
		return svc_db_err(c, DB_ERROR);
	}
	if (db_next(r) == 1) {
		found = 1;
		str_copy(c->actor.org_id, sizeof c->actor.org_id, db_text(r, 0));
		str_copy(c->actor.person_id, sizeof c->actor.person_id, db_text(r, 1));
		c->actor.role = ROLE_FRONTLINE;
		if (*db_text(r, 2))
			json_object_set_new(win, "skill", json_string(db_text(r, 2)));
		if (*db_text(r, 3))
			json_object_set_new(win, "area", json_string(db_text(r, 3)));
	}
	db_res_free(r);
	int rc = found ? calendar(c, p, win, out) : err_set(&c->err, ERR_NOT_FOUND, "feed_not_found", NULL, "no such calendar link");
	json_decref(win);
	return rc;
}

/* --- routing a case to whoever is on call --- */

/* Offer the case to the first candidate not yet tried.  tried (borrowed) is extended. */
static int route_next(svc_ctx *c, const struct case_row *row, const char *from, const char *skill, const char *loc,
		      json_t *tried, int step, const char *note, char offer_id[ID_SIZE], char to[ID_SIZE])
{
	json_t *items;
	offer_id[0] = to[0] = '\0';
	if (oncall_who(c, skill, loc, c->now, 50, &items))
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
			str_copy(to, ID_SIZE, pid);
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
				"routed", 1, "skill_id", skill, "step", step, "expires_at", svc_time(expires))))
		return -1;
	return case_touch(c, row->id);
}

static int case_route(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct case_row row;
	char skill[ID_SIZE], loc[ID_SIZE], offer_id[ID_SIZE], to[ID_SIZE];
	if (case_load(c, p[0], &row) || dir_skill_ref(c, in_str(in, "skill"), "skill", skill, NULL, 0) ||
	    near_location(c, in, "location", loc))
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

int oncall_tick(svc_ctx *c, json_t *summary)
{
	db_res *r;
	struct due_offer *due = NULL;
	size_t n = 0, cap = 0;
	if (db_query(c->db,
		     "SELECT org_id, id, case_id, from_id, to_id, route_skill_id, COALESCE(route_location_id, ''), route_tried, route_step "
		     "FROM offers WHERE status = 'pending' AND expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at LIMIT 500",
		     DB_ARGS(DB_INT(c->now)), &r) != DB_OK)
		return svc_db_err(c, DB_ERROR);
	while (db_next(r) == 1) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			struct due_offer *nv = realloc(due, cap * sizeof *nv);
			if (!nv)
				fl_die("out of memory");
			due = nv;
		}
		struct due_offer *d = &due[n++];
		str_copy(d->org, sizeof d->org, db_text(r, 0));
		str_copy(d->id, sizeof d->id, db_text(r, 1));
		str_copy(d->case_id, sizeof d->case_id, db_text(r, 2));
		str_copy(d->from, sizeof d->from, db_text(r, 3));
		str_copy(d->to, sizeof d->to, db_text(r, 4));
		str_copy(d->skill, sizeof d->skill, db_text(r, 5));
		str_copy(d->loc, sizeof d->loc, db_text(r, 6));
		d->tried = xstrdup(db_text(r, 7));
		d->step = (int)db_int(r, 8);
	}
	db_res_free(r);
	int rc = 0;
	json_int_t moved = 0, exhausted = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct due_offer *d = &due[i];
		tick_as_system(c, d->org);
		int64_t changed = 0;
		/* exactly once: only the pass that flips it from pending acts on it */
		rc = db_exec(c->db,
			     "UPDATE offers SET status = 'expired', decided_at = ?, reason = 'not accepted in time' "
			     "WHERE org_id = ? AND id = ? AND status = 'pending'",
			     DB_ARGS(DB_INT(c->now), DB_TXT(d->org), DB_TXT(d->id)), &changed);
		if (rc != DB_OK) {
			rc = svc_db_err(c, rc);
			break;
		}
		rc = 0;
		if (changed != 1)
			continue;
		struct case_row row;
		if (case_load(c, d->case_id, &row)) {
			rc = -1;
			break;
		}
		char offer_id[ID_SIZE] = "", to[ID_SIZE] = "";
		json_t *tried = json_loads(d->tried, 0, NULL);
		if (!json_is_array(tried)) {
			json_decref(tried);
			tried = json_array();
		}
		if (row.open && row.pending_offers == 0 && *d->skill) /* plain offers just come back */
			rc = route_next(c, &row, d->from, d->skill, d->loc, tried, d->step + 1, "", offer_id, to);
		json_decref(tried);
		if (rc)
			break;
		json_t *was = svc_person_brief(c, d->to), *next = *to ? svc_person_brief(c, to) : json_null();
		char *text;
		if (*to)
			text = xasprintf("Case #%lld was not accepted by %s in time; it is now offered to %s.", row.number,
					 json_string_value(json_object_get(was, "name")), json_string_value(json_object_get(next, "name")));
		else if (!row.open)
			text = xasprintf("Case #%lld was not accepted by %s in time; the case is resolved, so it was not offered again.",
					 row.number, json_string_value(json_object_get(was, "name")));
		else if (!*d->skill)
			text = xasprintf("Case #%lld was not accepted by %s in time; the offer came back and the case stays with its owner.",
					 row.number, json_string_value(json_object_get(was, "name")));
		else
			text = xasprintf("Case #%lld was not accepted by %s in time and nobody else is on call; it stays with its owner.",
					 row.number, json_string_value(json_object_get(was, "name")));
		rc = alert_add(c, d->from, *to ? "offer_moved" : "offer_unanswered", d->case_id, "offer", d->id, "%s", text);
		if (rc == 0)
			rc = svc_event(c, "case.offer_expired", "offer", d->id, d->case_id,
				       json_pack("{s:s,s:s?,s:s}", "to", d->to, "next", *to ? to : NULL, "notice", text));
		free(text);
		json_decref(was);
		json_decref(next);
		if (*to)
			moved++;
		else
			exhausted++;
	}
	for (size_t i = 0; i < n; i++)
		free(due[i].tried);
	free(due);
	if (rc)
		return -1;
	if (moved)
		json_object_set_new(summary, "offers_rerouted", json_integer(moved));
	if (exhausted)
		json_object_set_new(summary, "offers_unanswered", json_integer(exhausted));
	return 0;
}

/* The alerts about routed offers (kinds offer_moved and offer_unanswered), newest first. */
static int notices(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	db_res *r;
	if (db_query(c->db,
		     "SELECT id, kind, COALESCE(case_id, ''), entity_id, message, created_at FROM alerts WHERE org_id = ? AND person_id = ? "
		     "AND kind IN ('offer_moved', 'offer_unanswered') ORDER BY created_at DESC, id DESC LIMIT ?",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(c->actor.person_id), DB_INT(svc_limit(in))), &r) != DB_OK)
		return svc_db_err(c, DB_ERROR);
	json_t *items = json_array();
	while (db_next(r) == 1)
		json_array_append_new(items, json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}", "id", db_text(r, 0), "kind", db_text(r, 1),
						       "case_id", db_text(r, 2), "offer_id", db_text(r, 3), "text", db_text(r, 4),
						       "at", svc_col_time(r, 5)));
	db_res_free(r);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

static const struct in_field ROTA_CREATE[] = {
	{"name", IN_STR, 1, 1, FL_MAX_NAME, NULL, "rota name, unique in the organization"},
	{"skill", IN_STR, 1, 1, FL_MAX_SHORT, NULL, "skill (id or name)"},
	{"location", IN_STR, 0, 1, FL_MAX_NAME, NULL, "area: a location (id or name)"},
	{"region", IN_STR, 0, 1, FL_MAX_SHORT, NULL, "area: a region (instead of a location)"},
	{"tz", IN_STR, 0, 1, FL_MAX_SHORT, NULL, "IANA time zone of the hand-overs (default: the location's)"},
	{"layers", IN_ARR, 1, 0, 3, NULL,
	 "[{\"layer\":\"primary\",\"members\":[id or email...],\"handoff\":\"sat 09:00\",\"period_days\":7,"
	 "\"start\":\"2026-03-07\",\"windows\":[{\"days\":[\"sat\",\"sun\"],\"from\":\"00:00\",\"to\":\"24:00\"}]}]"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
static const struct in_field ROTA_PATCH[] = {
	{"name", IN_STR, 0, 1, FL_MAX_NAME, NULL, "rota name"},
	{"tz", IN_STR, 0, 1, FL_MAX_SHORT, NULL, "IANA time zone"},
	{"layers", IN_ARR, 0, 0, 3, NULL, "the layers (replace all)"},
	{"active", IN_BOOL, 0, 0, 0, NULL, "false to retire the rota"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
static const struct in_field ROTA_LIST[] = {
	{"skill", IN_STR, 0, 1, FL_MAX_SHORT, NULL, "only this skill"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
static const struct in_field OVERRIDE[] = {
	{"person", IN_STR, 1, 1, FL_MAX_EMAIL, NULL, "who covers (id or email)"},
	{"start", IN_TIME, 1, 0, 0, NULL, "from"},
	{"end", IN_TIME, 1, 0, 0, NULL, "until"},
	{"layer", IN_STR, 0, 1, 16, NULL, "layer covered (default primary)"},
	{"reason", IN_STR, 0, 0, FL_MAX_TEXT, NULL, "e.g. Ben on leave"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
static const struct in_field WHO[] = {
	{"skill", IN_STR, 1, 1, FL_MAX_SHORT, NULL, "skill (id or name)"},
	{"near", IN_STR, 0, 1, FL_MAX_NAME, NULL, "location (id or name); default your own"},
	{"at", IN_TIME, 0, 0, 0, NULL, "when (default now)"},
	{"limit", IN_INT, 0, 1, 100, NULL, "at most this many people (default 20)"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
static const struct in_field WINDOW[] = {
	{"skill", IN_STR, 0, 1, FL_MAX_SHORT, NULL, "only this skill (id or name)"},
	{"area", IN_STR, 0, 1, FL_MAX_NAME, NULL, "only this area: a location (id or name) or a region"},
	{"from", IN_TIME, 0, 0, 0, NULL, "start (default now)"},
	{"weeks", IN_INT, 0, 1, 12, NULL, "how many weeks (default 2)"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
static const struct in_field FEED[] = {
	{"skill", IN_STR, 0, 1, FL_MAX_SHORT, NULL, "only this skill (id or name)"},
	{"area", IN_STR, 0, 1, FL_MAX_NAME, NULL, "only this area: a location (id or name) or a region"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
static const struct in_field FEED_KEY[] = {
	{"key", IN_STR, 1, 1, 100, NULL, "the calendar link's key"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
static const struct in_field ROUTE[] = {
	{"skill", IN_STR, 1, 1, FL_MAX_SHORT, NULL, "skill needed (id or name)"},
	{"location", IN_STR, 0, 1, FL_MAX_NAME, NULL, "near this location (default yours)"},
	{"note", IN_STR, 0, 0, FL_MAX_TEXT, NULL, "what the next person should know"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
static const struct in_field NOTICES[] = {
	{"limit", IN_INT, 0, 1, FL_MAX_LIST, NULL, "page size"},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};

const struct route oncall_routes[] = {
	{"POST", "/api/v1/rotas", rota_create, ROTA_CREATE, 201, "Create an on-call rota for a skill and area (admin, supervisor)",
	 "Rota", "rota add", 0},
	{"GET", "/api/v1/rotas", rota_list, ROTA_LIST, 200, "List rotas", "RotaList", "rota list", 0},
	{"GET", "/api/v1/rotas/{id}", rota_show, NULL, 200, "A rota: layers, overrides, who is on call now", "Rota", "rota show", 0},
	{"PATCH", "/api/v1/rotas/{id}", rota_patch, ROTA_PATCH, 200, "Change a rota (admin, supervisor)", "Rota", "rota edit", 0},
	{"POST", "/api/v1/rotas/{id}/overrides", override_add, OVERRIDE, 201, "Cover a layer for a while (admin, supervisor)",
	 "Rota", "rota override", 0},
	{"DELETE", "/api/v1/rotas/{id}/overrides/{override}", override_cancel, NULL, 200, "Cancel an override", "Rota",
	 "rota override-cancel", 0},
	{"GET", "/api/v1/oncall/who", who_route, WHO, 200, "Who can help with a skill near a location now (or at a time)",
	 "WhoCanHelp", "oncall who", 0},
	{"GET", "/api/v1/oncall/coverage", coverage, WINDOW, 200, "Hours with nobody on call, per skill and area", "Coverage",
	 "oncall coverage", 0},
	{"GET", "/api/v1/oncall/calendar", calendar, WINDOW, 200, "On-call shifts as an iCalendar feed (text/calendar)", "text/calendar",
	 "oncall calendar", 0},
	{"POST", "/api/v1/oncall/feeds", feed_create, FEED, 201,
	 "A secret calendar link (subscribe by URL) to the on-call feed", "CalendarFeed", "oncall feed-create", R_SECRET},
	{"POST", "/api/v1/oncall/feeds/{id}/revoke", feed_revoke, NULL, 200, "Revoke one of my calendar links", "CalendarFeedRevoked",
	 "oncall feed-revoke", 0},
	{"GET", "/api/v1/oncall/feed.ics", feed_calendar, FEED_KEY, 200,
	 "The on-call feed of a calendar link (no sign-in: the link is the credential)", "text/calendar", NULL, R_PUBLIC},
	{"POST", "/api/v1/cases/{id}/route", case_route, ROUTE, 201, "Offer the case to whoever is on call for a skill", "Offer",
	 "case route", 0},
	{"GET", "/api/v1/routing/notices", notices, NOTICES, 200, "What happened to the offers I routed", "NoticeList",
	 "routing notices", 0},
	{NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, 0},
};
