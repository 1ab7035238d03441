/* On-call coverage gaps, the iCalendar feed of shifts, and secret calendar links for calendar
 * applications. */
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "base/password.h"
#include "core/ical.h"
#include "core/rota.h"
#include "svc/directory/calendar.h"
#include "svc/directory/directory.h"
#include "svc/directory/rota.h"

/* --- coverage and the calendar --- */

struct window_q {
	int64_t from, to;
	char skill[ID_SIZE];
	int has_skill;
	char *area; /* location id or region text, NULL for all */
};

static int window_of(svc_ctx *c, json_t *in, struct window_q *q, struct rota_set *set)
{
	int rc;
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
		if (svc_query(c, "SELECT id FROM locations WHERE org_id = ? AND (id = ? OR name = ?)",
			      DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(area), DB_TXT(area)), &r)) {
			if (db_next(r) == 1)
				svc_copy(c, loc, sizeof loc, db_text(r, 0));
			if ((rc = db_res_close(r)) != DB_OK)
				svc_db_err(c, rc);
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
	return rota_load_all(c, where, a1, a2, q->from, q->to, set);
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
				size_t m = rota_layer_shifts(t, &t->layers[j], q.from, q.to, &v);
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
			size_t m = rota_layer_shifts(t, l, q.from, q.to, &v);
			struct ical_event *ne = realloc(ev, (nev + m + 1) * sizeof *ne);
			if (!ne)
				fl_die("out of memory");
			ev = ne;
			for (size_t k = 0; k < m; k++) {
				const char *pid = rota_layer_person(l, v[k].who);
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
	if (!role_may(c->actor.role, PERM_AUTHOR))
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
	int rc;
	char hash[TOKEN_HASH_SIZE];
	db_res *r;
	token_hash(in_str(in, "key"), hash);
	json_t *win = json_object();
	int found = 0;
	if ((rc = db_query(
		     c->db,
		     "SELECT f.org_id, f.person_id, COALESCE(f.skill_id, ''), f.area FROM calendar_feeds f JOIN people p "
		     "ON p.org_id = f.org_id AND p.id = f.person_id WHERE f.token_hash = ? AND f.revoked_at IS NULL AND p.active = 1",
		     DB_ARGS(DB_TXT(hash)), &r)) != DB_OK) {
		json_decref(win);
		return svc_db_err(c, rc);
	}
	if (db_next(r) == 1) {
		found = 1;
		svc_copy(c, c->actor.org_id, sizeof c->actor.org_id, db_text(r, 0));
		svc_copy(c, c->actor.person_id, sizeof c->actor.person_id, db_text(r, 1));
		c->actor.role = ROLE_FRONTLINE;
		if (*db_text(r, 2))
			json_object_set_new(win, "skill", json_string(db_text(r, 2)));
		if (*db_text(r, 3))
			json_object_set_new(win, "area", json_string(db_text(r, 3)));
	}
	if ((rc = db_res_close(r)) != DB_OK)
		svc_db_err(c, rc);
	rc = found ? calendar(c, p, win, out) : err_set(&c->err, ERR_NOT_FOUND, "feed_not_found", NULL, "no such calendar link");
	json_decref(win);
	return rc;
}

#include "svc/directory/calendar.api.inc"
