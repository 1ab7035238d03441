/* Ownership acts recognised from the record, and the scorecard measures kept beside them
 * (svc/recognition/acts.h). */
#include "svc/recognition/acts.h"

#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "core/recognition.h"
#include "svc/batch.h"
#include "svc/hooks.h"
#include "svc/directory/people.h"
#include "svc/directory/rota.h"
#include "svc/recognition/scorecard.h"
#include "svc/page.h"

/* The event being looked at. */
struct ev {
	const char *actor, *id, *case_id;
	json_t *data;
};

static int is_person(const char *id)
{
	return id && *id && strcmp(id, "system") != 0;
}

static int team_of(svc_ctx *c, const char *person, enum role *role, char team[ID_SIZE])
{
	int active;
	enum role r;
	return people_role(c, person, role ? role : &r, team, &active);
}

/* Record act k of person about (stype, sid) once; count it (and `also`, a measure, when not NULL). */
static int record_act(svc_ctx *c, enum rec_kind k, const char *person, const char *case_id, const char *stype,
		      const char *sid, const char *also)
{
	char id[ID_SIZE], team[ID_SIZE] = "", measure[48];
	int64_t n = 0;
	if (!is_person(person) || team_of(c, person, NULL, team))
		return is_person(person) ? -1 : 0;
	id_new(id, "act", c->now);
	int rc = db_exec(c->db,
			 "INSERT INTO recognition_acts (org_id, id, person_id, team_id, kind, case_id, subject_type, subject_id, at) "
			 "VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(person), DB_TXT(team), DB_TXT(rec_kind_name(k)),
				 DB_TXT(case_id), DB_TXT(stype), DB_TXT(sid), DB_INT(c->now)),
			 &n);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (n != 1)
		return 0;
	snprintf(measure, sizeof measure, "act.%s", rec_kind_name(k));
	return scorecard_add(c, person, team, "acts", 1) || scorecard_add(c, person, team, measure, 1) ||
	       (also && scorecard_add(c, person, team, also, 1)) ||
	       svc_event(c, "recognition.recognised", "recognition_act", id, case_id,
			 json_pack("{s:s,s:s,s:s,s:s}", "kind", rec_kind_name(k), "person_id", person, "subject_type", stype,
				   "subject_id", sid));
}

/* Whether person is on call on any active rota at `at`. */
static int on_call(svc_ctx *c, const char *person, int64_t at, int *yes)
{
	struct rota_set set = {0};
	*yes = 0;
	if (rota_load_all(c, "AND r.active = 1", NULL, NULL, at - 1, at + 1, &set))
		return -1;
	for (size_t i = 0; i < set.n && !*yes; i++)
		for (int j = 0; j < set.v[i].nlayers && !*yes; j++) {
			struct rota_interval s;
			const struct layer_rt *l = &set.v[i].layers[j];
			*yes = rota_layer_who_at(&set.v[i], l, at, &s) && strcmp(rota_layer_person(l, s.who), person) == 0;
		}
	rota_set_free(&set);
	return 0;
}

/* case.accepted: an intake routed outside one's team or role; a takeover while on call. */
static int on_accepted(svc_ctx *c, const struct ev *e)
{
	char offer[ID_SIZE] = "", from[ID_SIZE], to[ID_SIZE], intake[ID_SIZE], ft[ID_SIZE] = "", tt[ID_SIZE] = "";
	db_res *r;
	svc_copy(c, offer, sizeof offer, json_string_value(json_object_get(e->data, "offer_id")));
	if (!*offer)
		return 0;
	if (svc_load_one(c, "offer_not_found", NULL, "no such offer", &r,
			 "SELECT o.from_id, o.to_id, k.intake_by FROM offers o JOIN cases k ON k.org_id = o.org_id AND k.id = o.case_id "
			 "WHERE o.org_id = ? AND o.id = ?",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(offer))))
		return -1;
	SVC_COPY_COLS(c, r, 0, SVC_BUF(from), SVC_BUF(to), SVC_BUF(intake));
	db_res_discard(r);
	struct rec_handover h = {intake, from, ROLE_FRONTLINE, ft, to, tt, 0};
	if (team_of(c, from, &h.from_role, ft) || team_of(c, to, NULL, tt) || on_call(c, to, c->now, &h.to_on_call))
		return -1;
	return (rec_routed_outside(&h) && record_act(c, REC_ROUTED_OUTSIDE, from, e->case_id, "offer", offer, NULL)) ||
	       (rec_on_call_takeover(&h) && record_act(c, REC_ON_CALL_TAKEOVER, to, e->case_id, "offer", offer, NULL));
}

/* request.followed_up: a check on progress before the request was due. */
static int on_follow_up(svc_ctx *c, const struct ev *e)
{
	char asked[ID_SIZE], status[16], owner[ID_SIZE];
	db_res *r;
	if (svc_load_one(c, "request_not_found", NULL, "no such request", &r,
			 "SELECT q.asked_by, q.status, q.due_at, COALESCE(q.overdue_at, 0), k.owner_id FROM requests q "
			 "JOIN cases k ON k.org_id = q.org_id AND k.id = q.case_id WHERE q.org_id = ? AND q.id = ?",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(e->id))))
		return -1;
	svc_copy(c, asked, sizeof asked, db_text(r, 0));
	svc_copy(c, status, sizeof status, db_text(r, 1));
	struct rec_follow_up f = {e->actor, asked, owner, status, db_int(r, 2), db_int(r, 3), c->now};
	svc_copy(c, owner, sizeof owner, db_text(r, 4));
	db_res_discard(r);
	return rec_follow_up(&f) && record_act(c, REC_FOLLOW_UP, e->actor, e->case_id, "request", e->id, "follow_ups");
}

/* promise.kept: kept as made or after renegotiation (the maker's scorecard); a rescue when it had
 * been at risk, credited to whoever completed a blocking request since, else to whoever kept it. */
static int on_kept(svc_ctx *c, const struct ev *e)
{
	char maker[ID_SIZE], team[ID_SIZE] = "";
	db_res *r;
	if (svc_load_one(c, "promise_not_found", NULL, "no such promise", &r,
			 "SELECT made_by, COALESCE(at_risk_at, 0), replaces_id FROM promises WHERE org_id = ? AND id = ?",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(e->id))))
		return -1;
	svc_copy(c, maker, sizeof maker, db_text(r, 0));
	int64_t at_risk = db_int(r, 1);
	int renegotiated = !db_is_null(r, 2);
	db_res_discard(r);
	if (team_of(c, maker, NULL, team) ||
	    scorecard_add(c, maker, team, renegotiated ? "kept_renegotiated" : "kept_as_made", 1))
		return -1;
	if (!rec_rescue(1, at_risk))
		return 0;
	int rescuers = 0, rc;
	if (!svc_query(c,
		       "SELECT q.decided_by, q.done_at FROM request_promises rp JOIN requests q ON q.org_id = rp.org_id "
		       "AND q.id = rp.request_id WHERE rp.org_id = ? AND rp.promise_id = ? AND q.status = 'done' ORDER BY q.done_at",
		       DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(e->id)), &r))
		return -1;
	while ((rc = db_next(r)) == 1) {
		if (!rec_rescued_by_request(at_risk, db_int(r, 1)))
			continue;
		rescuers++;
		if (record_act(c, REC_RESCUE, db_text(r, 0), e->case_id, "promise", e->id, NULL)) {
			db_res_discard(r);
			return -1;
		}
	}
	if ((rc = db_res_close(r)) != DB_OK)
		return svc_db_err(c, rc);
	return !rescuers && record_act(c, REC_RESCUE, e->actor, e->case_id, "promise", e->id, NULL);
}

/* case.resolved: putting right what another team held up. */
static int on_resolved(svc_ctx *c, const struct ev *e)
{
	char team[ID_SIZE] = "";
	db_res *r;
	int rc, put_right = 0;
	if (!is_person(e->actor) || team_of(c, e->actor, NULL, team))
		return is_person(e->actor) ? -1 : 0;
	if (!svc_query(c,
		       "SELECT COALESCE(bc.holder_person_id, ''), COALESCE(bc.holder_team_id, p.team_id, '') FROM breach_causes bc "
		       "JOIN breaches b ON b.org_id = bc.org_id AND b.id = bc.breach_id "
		       "LEFT JOIN people p ON p.org_id = bc.org_id AND p.id = bc.holder_person_id WHERE b.org_id = ? AND b.case_id = ?",
		       DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(e->case_id)), &r))
		return -1;
	while (!put_right && (rc = db_next(r)) == 1) {
		struct rec_breach_hold h = {db_text(r, 0), db_text(r, 1)};
		put_right = rec_put_right(e->actor, team, &h);
	}
	if ((rc = db_res_close(r)) != DB_OK)
		return svc_db_err(c, rc);
	return put_right && record_act(c, REC_PUT_RIGHT, e->actor, e->case_id, "case", e->case_id, NULL);
}

/* system_issue.responded with "fixed": who raised it is credited. */
static int on_issue(svc_ctx *c, const struct ev *e)
{
	char raised[ID_SIZE];
	db_res *r;
	if (!json_is_true(json_object_get(e->data, "fixed")))
		return 0;
	if (svc_load_one(c, "issue_not_found", NULL, "no such system issue", &r,
			 "SELECT raised_by FROM system_issues WHERE org_id = ? AND id = ?",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(e->id))))
		return -1;
	svc_copy(c, raised, sizeof raised, db_text(r, 0));
	db_res_discard(r);
	return rec_issue_fixed(1, raised, e->actor) && record_act(c, REC_ISSUE_FIXED, raised, NULL, "system_issue", e->id, NULL);
}

/* exception.reviewed "adopt": every co-signer is credited. */
static int on_reviewed(svc_ctx *c, const struct ev *e)
{
	db_res *r;
	int rc;
	if (!rec_cosign_adopted(json_string_value(json_object_get(e->data, "verdict"))))
		return 0;
	if (!svc_query(c, "SELECT person_id FROM exception_signatures WHERE org_id = ? AND exception_id = ?",
		       DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(e->id)), &r))
		return -1;
	while ((rc = db_next(r)) == 1)
		if (record_act(c, REC_COSIGN_ADOPTED, db_text(r, 0), e->case_id, "exception", e->id, NULL)) {
			db_res_discard(r);
			return -1;
		}
	if ((rc = db_res_close(r)) != DB_OK)
		return svc_db_err(c, rc);
	return 0;
}

/* Distinct ids seen (a breach has a few causes). */
struct seen {
	char v[16][2 * ID_SIZE];
	int n;
};
static int first_time(struct seen *s, const char *a, const char *b)
{
	char key[2 * ID_SIZE];
	snprintf(key, sizeof key, "%s/%s", a, b);
	for (int i = 0; i < s->n; i++)
		if (strcmp(s->v[i], key) == 0)
			return 0;
	if (s->n < 16)
		STR_COPY(s->v[s->n++], key);
	return 1;
}

/* One breach counted against each person and each team that held it (never anyone else). */
static int count_breach(svc_ctx *c, struct seen *people, struct seen *teams, const char *person, const char *team)
{
	if (*person && first_time(people, person, "") && scorecard_add(c, person, team, "breaches", 1))
		return -1;
	if (*team && first_time(teams, team, "") && scorecard_add(c, "", team, "team_breaches", 1))
		return -1;
	return 0;
}

/* Who held each breach of a breach batch (recognition_breach_batch): breach id -> [[person, team],
 * ...], its causes' holders in order then the owner when at fault; NULL outside a batch. */
static _Thread_local json_t *batch_holds;

static json_t *hold_row(svc_ctx *c, db_res *r)
{
	(void)c;
	return json_pack("[s,s]", db_text(r, 1), db_text(r, 2));
}

/* The holders of k breaches of the actor's organization (batch_each): arg is {causes, owners}. */
static int holds_chunk(svc_ctx *c, const char *const *ids, size_t k, void *arg)
{
	json_t **by = arg;
	return batch_rows(c,
			  "SELECT bc.breach_id, COALESCE(bc.holder_person_id, ''), COALESCE(p.team_id, bc.holder_team_id, '') "
			  "FROM breach_causes bc LEFT JOIN people p ON p.org_id = bc.org_id AND p.id = bc.holder_person_id "
			  "WHERE bc.org_id = ? AND bc.breach_id IN (%s) ORDER BY bc.breach_id, bc.n",
			  ids, k, 0, hold_row, by[0]) ||
			       batch_rows(c,
					  "SELECT b.id, b.owner_id, COALESCE(p.team_id, '') FROM breaches b LEFT JOIN people p "
					  "ON p.org_id = b.org_id AND p.id = b.owner_id WHERE b.org_id = ? AND b.id IN (%s) "
					  "AND b.owner_at_fault <> 0",
					  ids, k, 0, hold_row, by[1])
		       ? -1
		       : 0;
}

int recognition_breach_batch(svc_ctx *c, const struct breach_item *items, size_t n)
{
	json_decref(batch_holds);
	batch_holds = NULL;
	if (n == 0)
		return 0;
	json_t *causes = json_object(), *owners = json_object(), *by[2] = {causes, owners};
	int ret = batch_each(c, items, n, BATCH_BREACHES, holds_chunk, by);
	if (ret == 0) {
		batch_holds = json_object();
		for (size_t i = 0; i < n; i++) {
			json_t *a = json_array(), *held = json_object_get(causes, items[i].breach_id),
			       *o = json_object_get(owners, items[i].breach_id);
			if (held)
				json_array_extend(a, held);
			if (o)
				json_array_extend(a, o);
			json_object_set_new(batch_holds, items[i].breach_id, a);
		}
	}
	json_decref(causes);
	json_decref(owners);
	return ret;
}

/* breach.recorded: the breach counts against whoever the attribution names. */
static int on_breach(svc_ctx *c, const struct ev *e)
{
	struct seen people = {.n = 0}, teams = {.n = 0};
	db_res *r;
	int rc;
	json_t *held = batch_holds ? json_object_get(batch_holds, e->id) : NULL, *h;
	size_t i;
	json_array_foreach(held, i, h)
	{
		if (count_breach(c, &people, &teams, json_string_value(json_array_get(h, 0)), json_string_value(json_array_get(h, 1))))
			return -1;
	}
	if (held)
		return 0;
	if (!svc_query(c,
		       "SELECT COALESCE(bc.holder_person_id, ''), COALESCE(p.team_id, bc.holder_team_id, '') FROM breach_causes bc "
		       "LEFT JOIN people p ON p.org_id = bc.org_id AND p.id = bc.holder_person_id WHERE bc.org_id = ? AND bc.breach_id = ? "
		       "UNION ALL SELECT b.owner_id, COALESCE(p.team_id, '') FROM breaches b LEFT JOIN people p ON p.org_id = b.org_id "
		       "AND p.id = b.owner_id WHERE b.org_id = ? AND b.id = ? AND b.owner_at_fault <> 0",
		       DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(e->id), DB_TXT(c->actor.org_id), DB_TXT(e->id)), &r))
		return -1;
	while ((rc = db_next(r)) == 1)
		if (count_breach(c, &people, &teams, db_text(r, 0), db_text(r, 1))) {
			db_res_discard(r);
			return -1;
		}
	if ((rc = db_res_close(r)) != DB_OK)
		return svc_db_err(c, rc);
	return 0;
}

/* update_duty.met (the case owner kept them) and update_duty.lapsed (its owner_id let it lapse). */
static int on_duty(svc_ctx *c, const char *person, const char *measure, int64_t n)
{
	char team[ID_SIZE] = "";
	if (!is_person(person) || n <= 0)
		return 0;
	return team_of(c, person, NULL, team) || scorecard_add(c, person, team, measure, n);
}

static int on_duty_met(svc_ctx *c, const struct ev *e)
{
	char owner[ID_SIZE] = "";
	db_res *r;
	if (svc_load_one(c, "case_not_found", NULL, "no such case", &r, "SELECT owner_id FROM cases WHERE org_id = ? AND id = ?",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(e->case_id))))
		return -1;
	svc_copy(c, owner, sizeof owner, db_text(r, 0));
	db_res_discard(r);
	return on_duty(c, owner, "duties_kept", json_integer_value(json_object_get(e->data, "duties_closed")));
}

static int on_duty_lapsed(svc_ctx *c, const struct ev *e)
{
	return on_duty(c, json_string_value(json_object_get(e->data, "owner_id")), "duties_lapsed", 1);
}

static const struct {
	const char *kind;
	int (*fn)(svc_ctx *c, const struct ev *e);
} ON[] = {
	{"case.accepted", on_accepted},         {"request.followed_up", on_follow_up}, {"promise.kept", on_kept},
	{"case.resolved", on_resolved},         {"system_issue.responded", on_issue},  {"exception.reviewed", on_reviewed},
	{"breach.recorded", on_breach},         {"update_duty.met", on_duty_met},      {"update_duty.lapsed", on_duty_lapsed},
};

int recognition_on_event(svc_ctx *c, const char *actor_id, const char *kind, const char *entity_type,
			 const char *entity_id, const char *case_id, json_t *data)
{
	struct ev e = {actor_id ? actor_id : "", entity_id, case_id, data};
	for (size_t i = 0; i < sizeof ON / sizeof ON[0]; i++)
		if (strcmp(kind, ON[i].kind) == 0)
			return ON[i].fn(c, &e);
	return 0;
}

/* ---------------------------------------------------------------- reading acts */

static json_t *act_row(svc_ctx *c, db_res *r)
{
	enum rec_kind k;
	const char *kind = db_text(r, 1);
	json_t *kase = db_is_null(r, 3) ? json_null()
					: json_pack("{s:s,s:I,s:s}", "id", db_text(r, 3), "number", (json_int_t)db_int(r, 4),
						    "subject", db_text(r, 5));
	return json_pack("{s:s,s:s,s:s,s:o,s:o,s:s,s:s,s:o}", "id", db_text(r, 0), "kind", kind, "label",
			 rec_kind_parse(kind, &k) == 0 ? rec_kind_label(k) : kind, "person", svc_person_brief(c, db_text(r, 2)),
			 "case", kase, "subject_type", db_text(r, 6), "subject_id", db_text(r, 7), "at", svc_time(db_int(r, 8)));
}

static const struct page_list ACTS; /* in acts.api.json */

/* GET /api/v1/recognition: a person's acts in [from, to) (default: the last 30 days), newest first. */
static int acts_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char person[ID_SIZE];
	int64_t from, to;
	const char *ref = json_string_value(json_object_get(in, "person"));
	if (!ref)
		STR_COPY(person, c->actor.person_id);
	else if (svc_person_ref(c, ref, "person", person))
		return -1;
	if (scorecard_may_see(c, person, "person", "only the person and the managers above them see their recognised acts"))
		return -1;
	if (scorecard_period(c, in, 30, &from, &to))
		return -1;
	if (page_run(c, &ACTS, in, "a.org_id = ? AND a.person_id = ? AND a.at >= ? AND a.at < ?",
		     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(person), DB_INT(from), DB_INT(to)), out))
		return -1;
	json_object_set_new(*out, "person", svc_person_brief(c, person));
	json_object_set_new(*out, "from", svc_time(from));
	json_object_set_new(*out, "to", svc_time(to));
	return 0;
}

#include "svc/recognition/acts.api.inc"
