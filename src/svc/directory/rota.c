/* On-call rotas per skill and area: layers (who takes turns, when, hand-over times), overrides
 * that cover a layer for a while, and loading rotas for the other on-call parts. */
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "core/rota.h"
#include "svc/directory/directory.h"
#include "svc/directory/rota.h"
#include "svc/org/org.h"

#define CHECK_AHEAD_MS (730LL * FL_DAY_MS) /* hand-over times are checked two years ahead */

static const char *const LAYER_NAMES[] = {"primary", "secondary", "tertiary", NULL};
static const char *const DAY_NAMES[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

void rota_set_free(struct rota_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		for (int j = 0; j < s->v[i].nlayers; j++) {
			free(s->v[i].layers[j].members);
			free(s->v[i].layers[j].ov);
			free(s->v[i].layers[j].ov_person);
			free(s->v[i].layers[j].absent);
		}
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

int rota_layer_index(const char *name)
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

/* The layer's members into out->members (resolved as references with resolve): 0 with *ids (new
 * array of the ids), or -1 (err set). */
static int parse_members(svc_ctx *c, json_t *members, int resolve, struct layer_rt *out, json_t **ids_out)
{
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
			svc_copy(c, out->members[i], ID_SIZE, ref);
		}
		json_array_append_new(ids, json_string(out->members[i]));
	}
	*ids_out = ids;
	return 0;
}

/* A hand-over "HH:MM" or "sat 09:00" (NULL: 09:00): its minute of the day, or -1 when malformed;
 * *dow is the weekday named, or -1. */
static int parse_handoff(const char *handoff, int *dow)
{
	*dow = -1;
	if (!handoff)
		handoff = "09:00";
	if (strlen(handoff) > 5) {
		char day[16];
		const char *sp = strchr(handoff, ' ');
		if (!sp || (size_t)(sp - handoff) >= sizeof day)
			return -1;
		memcpy(day, handoff, (size_t)(sp - handoff));
		day[sp - handoff] = '\0';
		*dow = rota_parse_day(day);
		if (*dow < 0)
			return -1;
		handoff = sp + 1;
	}
	return rota_parse_hhmm(handoff, 0);
}

/* The layer in its stored form (new reference; steals ids and windows). */
static json_t *layer_norm(const struct layer_rt *l, json_t *ids, json_t *windows)
{
	char date[ROTA_DATE_SIZE], hh[24];
	rota_format_date(l->l.start_day, date);
	snprintf(hh, sizeof hh, "%02d:%02d", l->l.handoff_min / 60, l->l.handoff_min % 60);
	json_t *o = json_pack("{s:s,s:o,s:s,s:i,s:s,s:o}", "layer", l->name, "members", ids, "handoff", hh, "period_days",
			      l->l.period_days, "start", date, "windows", windows);
	if (l->l.lead_days > 0) {
		rota_format_date(l->l.start_day - l->l.lead_days, date);
		json_object_set_new(o, "covers_from", json_string(date));
	}
	return o;
}

/* The layer's start (the first hand-over on or after the date asked, default today, on the
 * hand-over's weekday dow when it names one) and the days member 0 covers before it: from the
 * date asked, or from covers_from when given (the stored form; a form sending it back). */
static int parse_start(svc_ctx *c, json_t *j, int64_t today, int dow, struct rota_layer *l)
{
	const char *start = json_string_value(json_object_get(j, "start"));
	if (start && rota_parse_date(start, &l->start_day))
		return err_set(&c->err, ERR_INVALID, "invalid_date", "start", "start must be a date YYYY-MM-DD");
	if (!start)
		l->start_day = today;
	if (dow >= 0)
		l->lead_days = (int)((dow - tz_weekday(l->start_day) + 7) % 7);
	l->start_day += l->lead_days;
	json_t *cf = json_object_get(j, "covers_from");
	if (!cf || json_is_null(cf))
		return 0;
	int64_t from;
	if (rota_parse_date(json_string_value(cf), &from) || from > l->start_day || l->start_day - from > ROTA_MAX_LEAD_DAYS)
		return err_set(&c->err, ERR_INVALID, "invalid_date", "covers_from",
			       "covers_from must be a date YYYY-MM-DD at most 6 days before the first hand-over");
	l->lead_days = (int)(l->start_day - from);
	return 0;
}

/* Parse one layer.  With resolve (a request): members are references (id or email) checked in
 * the organization, the hand-over "sat 09:00" moves start to that weekday (member 0 covers the
 * days between), and *norm gets the stored form.  Without (storage): members are ids, start is
 * the first hand-over date, covers_from (when there) the date cover begins. */
static int parse_layer(svc_ctx *c, json_t *j, int resolve, int64_t today, struct layer_rt *out, json_t **norm)
{
	memset(out, 0, sizeof *out);
	const char *name = json_string_value(json_object_get(j, "layer"));
	if (!name)
		name = "primary";
	if (rota_layer_index(name) < 0)
		return err_set(&c->err, ERR_INVALID, "unknown_layer", "layers", "layers are primary, secondary or tertiary");
	svc_copy(c, out->name, sizeof out->name, name);
	json_t *ids = NULL;
	if (parse_members(c, json_object_get(j, "members"), resolve, out, &ids))
		return -1;
	int dow;
	out->l.handoff_min = parse_handoff(json_string_value(json_object_get(j, "handoff")), &dow);
	if (out->l.handoff_min < 0) {
		json_decref(ids);
		return err_set(&c->err, ERR_INVALID, "invalid_handoff", "handoff", "hand-over is \"HH:MM\" or \"sat 09:00\"");
	}
	json_t *pd = json_object_get(j, "period_days");
	out->l.period_days = pd ? (int)json_integer_value(pd) : 7;
	if (parse_start(c, j, today, dow, &out->l)) {
		json_decref(ids);
		return -1;
	}
	json_t *nw = json_array();
	if (parse_windows(c, json_object_get(j, "windows"), &out->l, nw)) {
		json_decref(ids);
		json_decref(nw);
		return -1;
	}
	if (norm) {
		*norm = layer_norm(out, ids, nw);
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
/* Mark the deactivated members and covers of every loaded layer (one query for the organization's
 * deactivated people, usually few). */
static int mark_absent(svc_ctx *c, struct rota_set *set)
{
	db_res *r;
	int rc = db_query(c->db, "SELECT id FROM people WHERE org_id = ? AND active = 0", DB_ARGS(DB_TXT(c->actor.org_id)), &r);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	json_t *gone = json_object();
	while ((rc = db_next(r)) == 1)
		json_object_set_new(gone, db_text(r, 0), json_true());
	db_res_discard(r);
	for (size_t i = 0; rc == 0 && i < set->n; i++)
		for (int j = 0; j < set->v[i].nlayers; j++) {
			struct layer_rt *l = &set->v[i].layers[j];
			int nm = l->l.nmembers;
			l->absent = xcalloc((size_t)nm + l->nov + 1, 1);
			for (int k = 0; k < nm; k++)
				l->absent[k] = json_object_get(gone, l->members[k]) != NULL;
			for (size_t k = 0; k < l->nov; k++)
				l->absent[nm + k] = json_object_get(gone, l->ov_person[k]) != NULL;
		}
	json_decref(gone);
	return rc < 0 ? svc_db_err(c, rc) : 0;
}

/* Fill t from one row of ROTA_COLS; 0 when its zone is unknown (the rota is then left out). */
static int rota_from_row(svc_ctx *c, db_res *r, struct rota_rt *t)
{
	memset(t, 0, sizeof *t);
	SVC_COPY_COLS(c, r, 0, SVC_BUF(t->id), SVC_BUF(t->name), SVC_BUF(t->skill_id), SVC_BUF(t->location_id));
	svc_copy(c, t->region, sizeof t->region, *db_text(r, 4) ? db_text(r, 4) : db_text(r, 8));
	svc_copy(c, t->tz, sizeof t->tz, db_text(r, 5));
	svc_copy(c, t->location, sizeof t->location, db_text(r, 7));
	svc_copy(c, t->skill, sizeof t->skill, db_text(r, 9));
	t->z = tz_get(t->tz);
	if (!t->z)
		return 0;
	json_t *layers = json_loads(db_text(r, 6), 0, NULL);
	for (size_t i = 0; i < json_array_size(layers) && t->nlayers < MAX_LAYERS; i++)
		if (parse_layer(c, json_array_get(layers, i), 0, 0, &t->layers[t->nlayers], NULL) == 0) {
			t->nlayers++;
		} else {
			free(t->layers[t->nlayers].members);
			err_clear(&c->err);
		}
	json_decref(layers);
	return 1;
}

/* Add one override row (rota_id, layer, person_id, starts_at, ends_at) to its layer in set. */
static void add_override(svc_ctx *c, struct rota_set *set, db_res *r)
{
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
			svc_copy(c, l->ov_person[l->nov], ID_SIZE, db_text(r, 2));
			l->nov++;
		}
		break;
	}
}

int rota_load_all(svc_ctx *c, const char *where, const char *arg, const char *arg2, int64_t from, int64_t to,
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
		set->v = xgrow(set->v, set->n, &cap, 16, sizeof *set->v);
		if (rota_from_row(c, r, &set->v[set->n]))
			set->n++;
	}
	if ((rc = db_res_close(r)) != DB_OK) {
		rota_set_free(set);
		return svc_db_err(c, rc);
	}
	if (!set->n)
		return 0;
	if ((rc = db_query(
		     c->db,
		     "SELECT o.rota_id, o.layer, o.person_id, o.starts_at, o.ends_at FROM rota_overrides o "
		     "WHERE o.org_id = ? AND o.cancelled = 0 AND o.ends_at > ? AND o.starts_at < ? ORDER BY o.rota_id, o.starts_at",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_INT(from), DB_INT(to)), &r)) != DB_OK) {
		rota_set_free(set);
		return svc_db_err(c, rc);
	}
	while (db_next(r) == 1)
		add_override(c, set, r);
	if ((rc = db_res_close(r)) != DB_OK) {
		rota_set_free(set);
		return svc_db_err(c, rc);
	}
	return mark_absent(c, set);
}

size_t rota_layer_shifts(const struct rota_rt *t, const struct layer_rt *l, int64_t from, int64_t to,
			 struct rota_interval **out)
{
	size_t n = rota_shifts(t->z, &l->l, l->ov, l->nov, from, to, out);
	return rota_keep_present(*out, n, l->absent, l->l.nmembers);
}

int rota_layer_who_at(const struct rota_rt *t, const struct layer_rt *l, int64_t at, struct rota_interval *shift)
{
	return rota_who_at(t->z, &l->l, l->ov, l->nov, at, shift) && !rota_is_absent(shift, l->absent, l->l.nmembers);
}

const char *rota_layer_person(const struct layer_rt *l, int who)
{
	if (who >= ROTA_OVERRIDE)
		return l->ov_person[who - ROTA_OVERRIDE];
	return who >= 0 && who < l->l.nmembers ? l->members[who] : "";
}

/* --- the rota resource --- */

static int rota_view(svc_ctx *c, const char *id, json_t **out)
{
	int rc;
	struct rota_set set;
	if (rota_load_all(c, "AND r.id = ?", id, NULL, c->now, c->now + 60 * FL_DAY_MS, &set))
		return -1;
	if (set.n == 0) {
		rota_set_free(&set);
		return err_set(&c->err, ERR_NOT_FOUND, "rota_not_found", "id", "no such rota");
	}
	db_res *r;
	json_t *layers = NULL, *ovs = json_array();
	int active = 1;
	if (svc_query(c, "SELECT layers, active FROM rotas WHERE org_id = ? AND id = ?",
		      DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id)), &r)) {
		if (db_next(r) == 1) {
			layers = json_loads(db_text(r, 0), 0, NULL);
			active = (int)db_int(r, 1);
		}
		if ((rc = db_res_close(r)) != DB_OK)
			svc_db_err(c, rc);
	}
	if ((rc = db_query(c->db,
			   "SELECT id, layer, person_id, starts_at, ends_at, reason FROM rota_overrides "
			   "WHERE org_id = ? AND rota_id = ? AND cancelled = 0 AND ends_at > ? ORDER BY starts_at",
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_INT(c->now)), &r)) == DB_OK) {
		while (db_next(r) == 1)
			json_array_append_new(ovs, json_pack("{s:s,s:s,s:o,s:o,s:o,s:s}", "id", db_text(r, 0), "layer", db_text(r, 1),
							     "person", svc_person_brief(c, db_text(r, 2)), "start",
							     svc_col_time(r, 3), "end", svc_col_time(r, 4), "reason", db_text(r, 5)));
		rc = db_res_close(r);
	}
	if (rc != DB_OK)
		svc_db_err(c, rc);
	struct rota_rt *t = &set.v[0];
	json_t *now = json_array();
	for (int j = 0; j < t->nlayers; j++) {
		struct rota_interval s;
		if (rota_layer_who_at(t, &t->layers[j], c->now, &s))
			json_array_append_new(now, json_pack("{s:s,s:o,s:o,s:b}", "layer", t->layers[j].name, "person",
							     svc_person_brief(c, rota_layer_person(&t->layers[j], s.who)), "until",
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

/* The rota's zone: the input's tz when given, else zone_name (which receives the tz given).  NULL
 * with 400 unknown_time_zone when it is not a zone. */
static const tz_zone *zone_of(svc_ctx *c, json_t *in, char zone_name[FL_MAX_SHORT + 1])
{
	if (in_str(in, "tz"))
		svc_copy(c, zone_name, FL_MAX_SHORT + 1, in_str(in, "tz"));
	const tz_zone *z = tz_get(zone_name);
	if (!z)
		err_set(&c->err, ERR_INVALID, "unknown_time_zone", "tz",
			"unknown time zone (use an IANA name such as America/Chicago)");
	return z;
}

static int rota_create(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	int rc;
	char id[ID_SIZE], skill[ID_SIZE], loc[ID_SIZE] = "";
	if (svc_require(c, PERM_MANAGE_ROTAS) ||
	    dir_skill_ref(c, in_str(in, "skill"), "skill", skill, NULL, 0))
		return -1;
	const char *region = in_str(in, "region") ? in_str(in, "region") : "";
	if (!!in_str(in, "location") == !!*region)
		return err_set(&c->err, ERR_INVALID, "area_required", "location", "give the rota's area: a location or a region");
	char zone_name[FL_MAX_SHORT + 1] = "UTC";
	if (in_str(in, "location")) {
		if (org_location_ref(c, in_str(in, "location"), "location", loc))
			return -1;
		db_res *r;
		if (svc_query(c, "SELECT tz FROM locations WHERE org_id = ? AND id = ?",
			      DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(loc)), &r)) {
			if (db_next(r) == 1)
				svc_copy(c, zone_name, sizeof zone_name, db_text(r, 0));
			if ((rc = db_res_close(r)) != DB_OK)
				svc_db_err(c, rc);
		}
	}
	const tz_zone *z = zone_of(c, in, zone_name);
	if (!z)
		return -1;
	json_t *layers;
	if (layers_from_request(c, json_object_get(in, "layers"), z, &layers))
		return -1;
	char *text = json_dumps(layers, JSON_COMPACT);
	id_new(id, "rota", c->now);
	rc = db_exec(c->db,
		     "INSERT INTO rotas (org_id, id, name, skill_id, location_id, region, tz, layers, active, created_by, created_at, "
		     "updated_at) VALUES (?,?,?,?,?,?,?,?,1,?,?,?)",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(in_str(in, "name")), DB_TXT(skill),
			     DB_TXT(*loc ? loc : NULL), DB_TXT(region), DB_TXT(zone_name), DB_TXT(text), DB_TXT(c->actor.person_id),
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
				*loc ? loc : NULL, "region", region, "tz", zone_name, "layers", layers)))
		return -1;
	return rota_view(c, id, out);
}

/* A new time zone for the stored layers: their hand-overs must exist there too. */
static int check_stored_layers(svc_ctx *c, const char *id, const tz_zone *z)
{
	int rc;
	db_res *r;
	json_t *layers = NULL;
	if ((rc = db_query(c->db, "SELECT layers FROM rotas WHERE org_id = ? AND id = ?",
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id)), &r)) != DB_OK)
		return svc_db_err(c, rc);
	if (db_next(r) == 1)
		layers = json_loads(db_text(r, 0), 0, NULL);
	if ((rc = db_res_close(r)) != DB_OK)
		svc_db_err(c, rc);
	rc = 0;
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
	int rc;
	if (svc_require(c, PERM_MANAGE_ROTAS))
		return -1;
	db_res *r;
	char zone_name[FL_MAX_SHORT + 1] = "";
	if (svc_load_one(c, "rota_not_found", "id", "no such rota", &r, "SELECT tz FROM rotas WHERE org_id = ? AND id = ?",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(p[0]))))
		return -1;
	svc_copy(c, zone_name, sizeof zone_name, db_text(r, 0));
	db_res_discard(r);
	const tz_zone *z = zone_of(c, in, zone_name);
	if (!z)
		return -1;
	json_t *layers = NULL;
	if (json_object_get(in, "layers") && layers_from_request(c, json_object_get(in, "layers"), z, &layers))
		return -1;
	if (!layers && in_str(in, "tz") && check_stored_layers(c, p[0], z))
		return -1;
	char *text = layers ? json_dumps(layers, JSON_COMPACT) : NULL;
	json_t *act = json_object_get(in, "active");
	rc = db_exec(c->db,
		     "UPDATE rotas SET name = COALESCE(?, name), tz = ?, layers = COALESCE(?, layers), active = COALESCE(?, active), "
		     "updated_at = ? WHERE org_id = ? AND id = ?",
		     DB_ARGS(DB_TXT(in_str(in, "name")), DB_TXT(zone_name), DB_TXT(text), act ? DB_INT(json_is_true(act)) : DB_NULL,
			     DB_INT(c->now), DB_TXT(c->actor.org_id), DB_TXT(p[0])),
		     NULL);
	free(text);
	json_decref(layers);
	if (rc != DB_OK)
		return svc_db_conflict(c, rc, "name_taken", "name", "a rota with this name exists");
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
	if (rota_load_all(c, in_str(in, "skill") ? "AND r.skill_id = ?" : "", in_str(in, "skill") ? skill : NULL, NULL, c->now,
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
	int rc;
	char person[ID_SIZE], id[ID_SIZE];
	long long start = 0, end = 0;
	if (svc_require(c, PERM_MANAGE_ROTAS))
		return -1;
	struct rota_set set;
	if (rota_load_all(c, "AND r.id = ?", p[0], NULL, 0, 1, &set))
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
	if ((rc = db_scalar_int(c->db,
				"SELECT COUNT(*) FROM rota_overrides WHERE org_id = ? AND rota_id = ? AND layer = ? AND cancelled = 0 "
				"AND starts_at < ? AND ends_at > ?",
				DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(p[0]), DB_TXT(layer), DB_INT(end), DB_INT(start)), &clash,
				&has)) != DB_OK)
		return svc_db_err(c, rc);
	if (clash)
		return err_set(&c->err, ERR_CONFLICT, "override_overlap", "start",
			       "another override already covers part of that time on this layer; change or cancel it first");
	id_new(id, "ovr", c->now);
	const char *reason = in_str(in, "reason") ? in_str(in, "reason") : "";
	rc = db_exec(c->db,
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
	if (svc_require(c, PERM_MANAGE_ROTAS))
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

#include "svc/directory/rota.api.inc"
