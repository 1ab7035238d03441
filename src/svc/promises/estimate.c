/* What can we honestly promise: the estimate of a team's requests of a kind (core/estimate.c does
 * the arithmetic over the rollups of estimate_rollup.c), the team's business calendar (its
 * location's opening hours and holidays, or the on-call rotas at that location when it has no
 * hours), and the estimate recorded with a promise or a request (docs/promises.md, "Estimates"). */
#include "svc/promises/estimate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "core/rota.h"
#include "svc/directory/rota.h"
#include "svc/org/org.h"
#include "svc/org/settings.h"
#include "svc/promises/estimate_rollup.h"

#define MAX_HOLIDAYS 400

/* Where a team works: the location most of its active people are at (its zone, hours, holidays). */
struct holder {
	char loc_id[ID_SIZE], loc[FL_MAX_NAME + 1], tz[FL_MAX_SHORT + 1];
	const tz_zone *z;
	json_t *hours;
	int64_t hol[MAX_HOLIDAYS];
	size_t nhol;
};

static int holder_load(svc_ctx *c, const char *team_id, struct holder *h)
{
	int rc;
	db_res *r;
	memset(h, 0, sizeof *h);
	if (!svc_query(c,
		       "SELECT l.id, l.name, l.tz, l.hours, COUNT(*) AS n FROM people p JOIN locations l ON l.org_id = p.org_id AND "
		       "l.id = p.location_id WHERE p.org_id = ? AND p.team_id = ? AND p.active = 1 GROUP BY l.id, l.name, l.tz, l.hours "
		       "ORDER BY n DESC, l.id LIMIT 1",
		       DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(team_id)), &r))
		return -1;
	if (db_next(r) == 1) {
		SVC_COPY_COLS(c, r, 0, SVC_BUF(h->loc_id), SVC_BUF(h->loc), SVC_BUF(h->tz));
		h->hours = json_loads(db_text(r, 3), 0, NULL);
	}
	if ((rc = db_res_close(r)) != DB_OK)
		return svc_db_err(c, rc);
	h->z = tz_get(*h->tz ? h->tz : "UTC");
	if (!*h->loc_id)
		return 0;
	if (!svc_query(c, "SELECT day FROM location_holidays WHERE org_id = ? AND location_id = ? ORDER BY day DESC",
		       DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(h->loc_id)), &r))
		return -1;
	while (db_next(r) == 1 && h->nhol < MAX_HOLIDAYS)
		if (rota_parse_date(db_text(r, 0), &h->hol[h->nhol]) == 0)
			h->nhol++;
	if ((rc = db_res_close(r)) != DB_OK)
		return svc_db_err(c, rc);
	return 0;
}

/* The primary on-call shifts of the rotas at the holder's location in [from, to). */
static int cover_load(svc_ctx *c, const struct holder *h, int64_t from, int64_t to, struct est_span **out, size_t *n)
{
	struct rota_set set = {0};
	*out = NULL;
	*n = 0;
	if (rota_load_all(c, "AND r.location_id = ? AND r.active = 1", h->loc_id, NULL, from, to, &set))
		return -1;
	size_t cap = 0;
	for (size_t i = 0; i < set.n; i++) {
		struct rota_interval *iv;
		size_t k = rota_layer_shifts(&set.v[i], &set.v[i].layers[0], from, to, &iv);
		if (*n + k > cap) {
			cap = (*n + k) * 2;
			*out = xrealloc(*out, cap * sizeof **out);
		}
		for (size_t j = 0; j < k; j++)
			(*out)[(*n)++] = (struct est_span){iv[j].start, iv[j].end};
		free(iv);
	}
	rota_set_free(&set);
	return 0;
}

/* The holder's business time in [from, to): opening hours minus holidays; a location without hours
 * works when someone is on call there; with neither, every instant counts. */
static int calendar_load(svc_ctx *c, const struct holder *h, int64_t from, int64_t to, struct est_span **sp,
			 struct est_calendar *cal)
{
	static const char *const DAYS[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
	const char *hours[7];
	int any = 0;
	struct est_span *cover = NULL;
	size_t ncover = 0;
	*sp = NULL;
	*cal = (struct est_calendar){1, NULL, 0};
	for (int i = 0; i < 7; i++) {
		json_t *v = json_object_get(h->hours, DAYS[i]);
		hours[i] = json_is_string(v) ? json_string_value(v) : NULL;
		any |= hours[i] != NULL;
	}
	if (!any && *h->loc_id && cover_load(c, h, from, to, &cover, &ncover))
		return -1;
	if (!any && !ncover)
		return 0;
	long n = est_calendar_build(h->z, any ? hours : NULL, h->hol, h->nhol, cover, ncover, from, to, sp);
	free(cover);
	if (n < 0)
		return err_set(&c->err, ERR_INTERNAL, "invalid_hours", NULL, "the location's opening hours are not valid");
	*cal = (struct est_calendar){0, *sp, (size_t)n};
	return 0;
}

void estimate_release(struct estimate *e)
{
	json_decref(e->json);
	e->json = NULL;
}

static json_t *opt_time(int64_t t)
{
	return t ? svc_time(t) : json_null();
}

static json_t *opt_minutes(const struct est_result *r, int k)
{
	return r->level == EST_NONE ? json_null() : json_integer((r->dur[k] + 59999) / 60000);
}

static json_t *policy_risk_row(svc_ctx *c, db_res *r)
{
	return json_pack("{s:{s:s,s:s},s:I}", "policy", "id", db_text(r, 0), "name", db_text(r, 1), "count", (json_int_t)db_int(r, 2));
}

static json_t *policy_risks(svc_ctx *c, const char *team, const char *kind)
{
	return svc_rows(c,
			"SELECT ep.policy_id, p.name, ep.n FROM estimate_policies ep JOIN policies p ON p.org_id = ep.org_id AND "
			"p.id = ep.policy_id WHERE ep.org_id = ? AND ep.team_id = ? AND ep.kind = ? ORDER BY ep.n DESC, p.name LIMIT 5",
			DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(team), DB_TXT(kind)), policy_risk_row);
}

static json_t *fallbacks(const struct est_result *r)
{
	json_t *a = json_array();
	for (int l = EST_BUCKET; l < EST_NONE && l < (int)r->level; l++)
		json_array_append_new(a, json_pack("{s:s,s:I}", "level", est_level_name((enum est_level)l), "samples",
						   (json_int_t)(r->skipped_n[l] < 0 ? 0 : r->skipped_n[l])));
	return a;
}

static json_t *estimate_json(svc_ctx *c, const struct estimate *e, const struct holder *h, double usual, int64_t open_now)
{
	const struct est_result *r = &e->r;
	int none = r->level == EST_NONE;
	json_t *o = json_pack(
		"{s:{s:s,s:s},s:s,s:o,s:o,s:{s:s,s:s},s:s,s:I,s:b,s:o,s:o,s:f,s:b,s:b,s:{s:o,s:o,s:o},s:{s:o,s:o,s:o},s:{s:I,s:o,s:f},s:s,s:o,s:o}",
		"holder", "id", e->team_id, "name", e->team, "kind", e->kind, "at", svc_time(e->at), "due_at", opt_time(e->due), "bucket",
		"weekday", est_bucket_day(e->bucket), "part", est_bucket_part(e->bucket), "level", est_level_name(r->level), "samples",
		(json_int_t)r->n, "enough_history", !none, "fallbacks", fallbacks(r), "probability",
		r->probability < 0 ? json_null() : json_real(round(r->probability * 1000) / 1000), "threshold",
		e->threshold_pct / 100.0, "warning", r->warn, "due_closed", r->due_closed, "likely_by", "p50", opt_time(r->by[0]),
		"p80", opt_time(r->by[1]), "p95", opt_time(r->by[2]), "minutes", "p50", opt_minutes(r, 0), "p80", opt_minutes(r, 1),
		"p95", opt_minutes(r, 2), "load", "open", (json_int_t)open_now, "usual",
		usual < 0 ? json_null() : json_real(round(usual * 10) / 10), "factor", round(r->load_factor * 100) / 100, "evidence",
		e->evidence, "policy_risks", policy_risks(c, e->team_id, e->kind), "suggested_due_at",
		r->warn && r->by[1] ? svc_time(r->by[1]) : json_null());
	json_object_set_new(o, "location",
			    *h->loc_id ? json_pack("{s:s,s:s,s:s}", "id", h->loc_id, "name", h->loc, "tz", h->tz) : json_null());
	return o;
}

static int count_open(svc_ctx *c, const char *team, int64_t *n)
{
	int rc = db_scalar_int(c->db,
			       "SELECT COUNT(*) FROM requests WHERE org_id = ? AND est_team_id = ? AND status IN ('open','accepted','deferred')",
			       DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(team)), n, NULL);
	return rc == DB_OK ? 0 : svc_db_err(c, rc);
}

static void org_name(svc_ctx *c, char *buf, size_t n)
{
	int rc;
	db_res *r;
	svc_copy(c, buf, n, "the organization");
	if (svc_query(c, "SELECT name FROM orgs WHERE id = ?", DB_ARGS(DB_TXT(c->actor.org_id)), &r)) {
		if (db_next(r) == 1)
			svc_copy(c, buf, n, db_text(r, 0));
		if ((rc = db_res_close(r)) != DB_OK)
			svc_db_err(c, rc);
	}
}

int estimate_make(svc_ctx *c, const char *team_id, const char *kind, int64_t at, int64_t due, struct estimate *e)
{
	struct holder h;
	struct est_hist hist[4];
	struct est_span *sp = NULL;
	struct est_calendar cal;
	int have[4], ret = -1;
	double usual;
	int64_t open_now = 0;
	char org[FL_MAX_NAME + 1];
	memset(e, 0, sizeof *e);
	svc_copy(c, e->team_id, sizeof e->team_id, team_id);
	svc_copy(c, e->kind, sizeof e->kind, kind);
	e->at = at;
	e->due = due;
	org_team_name(c, team_id, e->team, sizeof e->team);
	if (holder_load(c, team_id, &h) || calendar_load(c, &h, at, at + EST_HORIZON_MS, &sp, &cal))
		goto cleanup;
	svc_copy(c, e->location_id, sizeof e->location_id, h.loc_id);
	svc_copy(c, e->tz, sizeof e->tz, *h.tz ? h.tz : "UTC");
	e->bucket = est_bucket(h.z, at);
	if (estimate_rollup_load(c, team_id, kind, e->bucket, hist, have, &usual) || count_open(c, team_id, &open_now))
		goto cleanup;
	e->threshold_pct = (int)setting_int(c, "estimate.threshold_percent");
	struct est_input in = {.now = at, .due = due, .min_samples = setting_int(c, "estimate.min_samples"),
			       .threshold = e->threshold_pct / 100.0, .open_now = (double)open_now, .usual_open = usual, .cal = &cal};
	for (int l = 0; l < 4; l++)
		in.level[l] = have[l] ? &hist[l] : NULL;
	est_compute(&in, &e->r);
	org_name(c, org, sizeof org);
	est_evidence(&e->r, e->team, org, kind, e->bucket, e->evidence, sizeof e->evidence);
	e->json = estimate_json(c, e, &h, usual, open_now);
	ret = 0;
cleanup:
	free(sp);
	json_decref(h.hours);
	return ret;
}

int estimate_team_of(svc_ctx *c, const char *person_id, const char *team_id, char team[ID_SIZE])
{
	int rc;
	db_res *r;
	team[0] = '\0';
	if (team_id && *team_id) {
		svc_copy(c, team, ID_SIZE, team_id);
		return 0;
	}
	if (!person_id || !*person_id)
		return 0;
	if (!svc_query(c, "SELECT team_id FROM people WHERE org_id = ? AND id = ?", DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(person_id)), &r))
		return -1;
	if (db_next(r) == 1 && !db_is_null(r, 0))
		svc_copy(c, team, ID_SIZE, db_text(r, 0));
	if ((rc = db_res_close(r)) != DB_OK)
		return svc_db_err(c, rc);
	return 0;
}

int estimate_record(svc_ctx *c, const char *subject_id, const char *case_id, const struct estimate *e)
{
	const struct est_result *r = &e->r;
	int none = r->level == EST_NONE;
	int rc = db_exec(
		c->db,
		"INSERT INTO estimates (org_id, subject_id, case_id, team_id, kind, bucket, made_at, due_at, level, samples, probability_pm, "
		"by50, by80, by95, threshold_pct, warned, evidence) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(subject_id), DB_TXT(case_id), DB_TXT(e->team_id), DB_TXT(e->kind), DB_INT(e->bucket),
			DB_INT(e->at), DB_INT(e->due), DB_TXT(est_level_name(r->level)), DB_INT(r->n),
			r->probability < 0 ? DB_NULL : DB_INT(llround(r->probability * 1000)), none || !r->by[0] ? DB_NULL : DB_INT(r->by[0]),
			none || !r->by[1] ? DB_NULL : DB_INT(r->by[1]), none || !r->by[2] ? DB_NULL : DB_INT(r->by[2]),
			DB_INT(e->threshold_pct), DB_INT(r->warn), DB_TXT(e->evidence)),
		NULL);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	return svc_event(c, "estimate.recorded", strncmp(subject_id, "req", 3) == 0 ? "request" : "promise", subject_id, case_id,
			 json_pack("{s:s,s:s,s:s,s:o,s:b,s:s}", "team_id", e->team_id, "kind", e->kind, "level", est_level_name(r->level),
				   "probability", r->probability < 0 ? json_null() : json_real(round(r->probability * 1000) / 1000), "warned",
				   r->warn, "evidence", e->evidence));
}

static json_t *pm_prob(db_res *r, int col)
{
	return db_is_null(r, col) ? json_null() : json_real((double)db_int(r, col) / 1000);
}

json_t *estimate_recorded_row(svc_ctx *c, db_res *r)
{
	char team[FL_MAX_NAME + 1];
	return json_pack("{s:{s:s,s:s},s:s,s:o,s:o,s:s,s:I,s:o,s:{s:o,s:o,s:o},s:f,s:b,s:s}", "holder", "id", db_text(r, 0), "name",
			 org_team_name(c, db_text(r, 0), team, sizeof team), "kind", db_text(r, 1), "made_at", svc_col_time(r, 2),
			 "due_at", svc_col_time(r, 3), "level", db_text(r, 4), "samples", (json_int_t)db_int(r, 5), "probability",
			 pm_prob(r, 6), "likely_by", "p50", svc_col_time(r, 7), "p80", svc_col_time(r, 8), "p95", svc_col_time(r, 9),
			 "threshold", db_int(r, 10) / 100.0, "warned", (int)db_int(r, 11), "evidence", db_text(r, 12));
}

json_t *estimate_recorded(svc_ctx *c, const char *subject_id)
{
	json_t *o = svc_one_row(c, "SELECT " ESTIMATE_RECORDED_COLS " FROM estimates e WHERE e.org_id = ? AND e.subject_id = ?",
				subject_id, estimate_recorded_row);
	return o ? o : json_null();
}

int estimate_on_promise(svc_ctx *c, const char *case_id, const char *promise_id, const char *deliver_person,
			const char *deliver_team, const char *kind, int64_t due, json_t **est)
{
	char team[ID_SIZE];
	struct estimate e;
	if (est)
		*est = NULL;
	if (estimate_team_of(c, deliver_person, deliver_team, team))
		return -1;
	if (!*team) {
		if (est)
			*est = json_null();
		return 0;
	}
	if (estimate_make(c, team, kind ? kind : "", c->now, due, &e))
		return -1;
	int ret = estimate_record(c, promise_id, case_id, &e);
	estimate_release(&e);
	if (!ret && est)
		*est = estimate_recorded(c, promise_id);
	return ret;
}

int estimate_on_request(svc_ctx *c, const char *request_id, const char *kind, json_t **est)
{
	db_res *r;
	char team[ID_SIZE], person[ID_SIZE], tm[ID_SIZE], case_id[ID_SIZE];
	*est = NULL;
	if (svc_load_one(c, "request_not_found", "id", "no such request", &r,
			 "SELECT holder_person_id, holder_team_id, case_id, due_at FROM requests WHERE org_id = ? AND id = ?",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(request_id))))
		return -1;
	SVC_COPY_COLS(c, r, 0, SVC_BUF(person), SVC_BUF(tm), SVC_BUF(case_id));
	int64_t due = db_int(r, 3);
	db_res_discard(r);
	if (estimate_team_of(c, person, tm, team))
		return -1;
	if (!*team) {
		*est = json_null();
		return 0;
	}
	struct estimate e;
	int64_t open_now = 0;
	if (count_open(c, team, &open_now) || estimate_make(c, team, kind ? kind : "", c->now, due, &e))
		return -1;
	int rc = db_exec(c->db, "UPDATE requests SET kind = ?, est_team_id = ?, open_at_create = ? WHERE org_id = ? AND id = ?",
			 DB_ARGS(DB_TXT(kind ? kind : ""), DB_TXT(team), DB_INT(open_now), DB_TXT(c->actor.org_id), DB_TXT(request_id)),
			 NULL);
	int ret = rc != DB_OK ? svc_db_err(c, rc) : estimate_record(c, request_id, case_id, &e);
	estimate_release(&e);
	if (!ret)
		*est = estimate_recorded(c, request_id);
	return ret;
}

int estimate_on_complete(svc_ctx *c, const char *request_id)
{
	db_res *r;
	char team[ID_SIZE], kind[FL_MAX_SHORT + 1];
	struct holder h;
	struct est_span *sp = NULL;
	struct est_calendar cal;
	if (svc_load_one(c, "request_not_found", "id", "no such request", &r,
			 "SELECT est_team_id, kind, created_at, done_at, open_at_create FROM requests WHERE org_id = ? AND id = ?",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(request_id))))
		return -1;
	int counted = !db_is_null(r, 0) && !db_is_null(r, 3);
	svc_copy(c, team, sizeof team, db_text(r, 0));
	svc_copy(c, kind, sizeof kind, db_text(r, 1));
	int64_t created = db_int(r, 2), done = db_int(r, 3), load = db_int(r, 4);
	db_res_discard(r);
	if (!counted)
		return 0; /* made before estimates existed, or held by nobody's team */
	int ret = -1;
	if (holder_load(c, team, &h))
		return -1;
	if (!calendar_load(c, &h, created, done + 1, &sp, &cal))
		ret = estimate_rollup_add(c, team, kind, est_bucket(h.z, created), est_open_between(&cal, created, done), done, load);
	free(sp);
	json_decref(h.hours);
	return ret;
}

int estimate_on_policy(svc_ctx *c, const char *request_id, const char *policy_id)
{
	int rc = db_exec(c->db,
			 "INSERT INTO estimate_policies (org_id, team_id, kind, policy_id, n) SELECT org_id, est_team_id, kind, ?, 1 "
			 "FROM requests WHERE org_id = ? AND id = ? AND est_team_id IS NOT NULL "
			 "ON CONFLICT (org_id, team_id, kind, policy_id) DO UPDATE SET n = estimate_policies.n + 1",
			 DB_ARGS(DB_TXT(policy_id), DB_TXT(c->actor.org_id), DB_TXT(request_id)), NULL);
	return rc == DB_OK ? 0 : svc_db_err(c, rc);
}

/* GET /api/v1/estimates: holder is a team (id or name) or a person (id or email: their team). */
static int est_get(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char team[ID_SIZE] = "", person[ID_SIZE];
	long long at = c->now, due = 0;
	const char *holder = in_str(in, "holder");
	if (strchr(holder, '@') || strncmp(holder, "per_", 4) == 0) {
		if (svc_person_ref(c, holder, "holder", person) || estimate_team_of(c, person, NULL, team))
			return -1;
		if (!*team)
			return err_set(&c->err, ERR_RULE, "no_team", "holder", "that person belongs to no team: there is no history to use");
	} else if (org_team_ref(c, holder, "holder", team)) {
		return -1;
	}
	in_time(in, "at", &at);
	in_time(in, "due", &due);
	if (in_str(in, "due") && due <= at)
		return err_set(&c->err, ERR_INVALID, "due_before_at", "due", "due must be after at");
	struct estimate e;
	if (estimate_make(c, team, in_str(in, "kind") ? in_str(in, "kind") : "", at, due, &e))
		return -1;
	*out = e.json;
	e.json = NULL;
	return 0;
}

#include "svc/promises/estimate.api.inc"
