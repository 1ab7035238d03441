/* Pulse surveys with confidential answers (reports show only teams with enough respondents,
 * never one person's answers), and surveys offered after a breach to the people involved. */
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "core/review_rules.h"
#include "svc/batch.h"
#include "svc/directory/people.h"
#include "svc/hooks.h"
#include "svc/learning/issue.h"
#include "svc/learning/survey.h"
#include "svc/ledger/case.h"
#include "svc/org/alert.h"
#include "svc/org/org.h"
#include "svc/org/settings.h"
#include "svc/page.h"
#include "svc/tick.h"

#define MAX_QUESTIONS 10

/* The four questions of the essay (seeds/004). */
static const char *const DEFAULT_QUESTIONS[] = {
	"Have you received the training you need to be successful? If not, what's missing for you?",
	"Do you have the tools to perform your job effectively? If not, what's missing for you?",
	"Is the system operating as it should? If not, what do you notice and what would you suggest?",
	"How can I help you create a better experience for our customers?",
	NULL,
};

static json_t *default_questions(void)
{
	json_t *a = json_array();
	for (const char *const *q = DEFAULT_QUESTIONS; *q; q++)
		json_array_append_new(a, json_string(*q));
	return a;
}

/* Insert a survey row; returns 0 and *created (0 when a breach already has its survey).  created
 * NULL: the survey is new (a new breach's, or its id is), nothing is asked of the insert. */
static int survey_insert(svc_ctx *c, const char *id, const char *kind, const char *title, json_t *questions, const char *team_id,
			 const char *case_id, const char *breach_id, int64_t opens, int64_t closes, int *created)
{
	char *qtext = json_dumps(questions, JSON_COMPACT);
	int64_t n = 1;
	if (!created) { /* in a scheduler pass, written with the others */
		static const char head[] = "INSERT INTO surveys (org_id, id, kind, title, questions, team_id, case_id, breach_id, opens_at, "
					   "closes_at, created_by, created_at)";
		int ret = tick_insert(c, head,
				      DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(kind), DB_TXT(title), DB_TXT(qtext),
					      DB_TXT(team_id), DB_TXT(case_id), DB_TXT(breach_id), DB_INT(opens), DB_INT(closes),
					      DB_TXT(c->actor.person_id), DB_INT(c->now)));
		free(qtext);
		return ret;
	}
	int rc = db_exec(c->db,
			 "INSERT INTO surveys (org_id, id, kind, title, questions, team_id, case_id, breach_id, opens_at, closes_at, "
			 "created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(id), DB_TXT(kind), DB_TXT(title), DB_TXT(qtext), DB_TXT(team_id),
				 DB_TXT(case_id), DB_TXT(breach_id), DB_INT(opens), DB_INT(closes), DB_TXT(c->actor.person_id),
				 DB_INT(c->now)),
			 &n);
	free(qtext);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	*created = n == 1;
	return 0;
}

/* Invite person_id (counted in *count when the invitation is new; fresh: the survey is new and each
 * person is invited once, so it is, and the insert is not asked). */
static int invite(svc_ctx *c, const char *survey_id, const char *person_id, int fresh, long long *count)
{
	int64_t n = 1;
	if (fresh) { /* in a scheduler pass, written with the others */
		static const char head[] = "INSERT INTO survey_invites (org_id, survey_id, person_id, invited_at)";
		if (tick_insert(c, head, DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(survey_id), DB_TXT(person_id), DB_INT(c->now))))
			return -1;
		*count += 1;
		return 0;
	}
	int rc = db_exec(c->db,
			 "INSERT INTO survey_invites (org_id, survey_id, person_id, invited_at) VALUES (?,?,?,?) ON CONFLICT DO NOTHING",
			 DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(survey_id), DB_TXT(person_id), DB_INT(c->now)), &n);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	*count += n;
	return 0;
}

/* people_role's role and active, kept for the pass (a pass changes no one's role): 0, or -1 when
 * person_id is no person of the organization or could not be read (c->err cleared: the caller skips
 * them; a storage error stays in c->db_err and fails the operation, as svc_copy's). */
static int role_in_pass(svc_ctx *c, const char *person_id, enum role *role, int *active)
{
	char *key = xasprintf("role/%s/%s", c->actor.org_id, person_id);
	const char *kept = tick_memo(key);
	int ret = 0;
	if (kept) {
		*active = kept[0] == '1';
		role_parse(kept + 1, role);
	} else if (people_role(c, person_id, role, NULL, active)) {
		err_clear(&c->err); /* a name in the attribution that is not a person of this organization */
		ret = -1;
	} else {
		char *v = xasprintf("%d%s", *active ? 1 : 0, role_name(*role));
		tick_memo_keep(key, v);
		free(v);
	}
	free(key);
	return ret;
}

/* The people an attribution names: each cause's holder and the owner. */
static void collect_people(json_t *att, json_t *set)
{
	size_t i;
	json_t *v;
	const char *owner = json_string_value(json_object_get(json_object_get(att, "owner"), "id"));
	if (owner && strncmp(owner, "per_", 4) == 0)
		json_object_set_new(set, owner, json_true());
	json_array_foreach(json_object_get(att, "causes"), i, v)
	{
		const char *pid = json_string_value(json_object_get(json_object_get(v, "holder"), "person_id"));
		if (pid && strncmp(pid, "per_", 4) == 0)
			json_object_set_new(set, pid, json_true());
	}
}

/* The people who touched each case of a breach batch or were offered it (survey_breach_batch):
 * "org/case" -> [person ids]; NULL outside a batch. */
static _Thread_local json_t *batch_people;

static json_t *person_of_row(svc_ctx *c, db_res *r)
{
	(void)c;
	return json_string(db_text(r, 1));
}

/* The people of k cases of the actor's organization into all["org/case"] (batch_each). */
static int survey_people_chunk(svc_ctx *c, const char *const *ids, size_t k, void *arg)
{
	json_t *all = arg, *by = json_object();
	int ret = batch_rows(c, "SELECT case_id, person_id FROM touchpoints WHERE org_id = ? AND case_id IN (%s) AND person_id IS NOT NULL",
			     ids, k, 0, person_of_row, by) ||
			  batch_rows(c, "SELECT case_id, from_id FROM offers WHERE org_id = ? AND case_id IN (%s)", ids, k, 0, person_of_row,
				     by) ||
			  batch_rows(c, "SELECT case_id, to_id FROM offers WHERE org_id = ? AND case_id IN (%s) AND status = 'accepted'", ids,
				     k, 0, person_of_row, by)
		  ? -1
		  : 0;
	for (size_t m = 0; m < k; m++) {
		char *key = xasprintf("%s/%s", c->actor.org_id, ids[m]);
		json_t *a = json_object_get(by, ids[m]);
		json_object_set_new(all, key, a ? json_incref(a) : json_array());
		free(key);
	}
	json_decref(by);
	return ret;
}

int survey_breach_batch(svc_ctx *c, const struct breach_item *items, size_t n)
{
	json_decref(batch_people);
	batch_people = NULL;
	if (n == 0)
		return 0;
	json_t *all = json_object();
	int ret = batch_each(c, items, n, BATCH_CASES, survey_people_chunk, all);
	if (ret == 0)
		batch_people = all;
	else
		json_decref(all);
	return ret;
}

int survey_on_breach(svc_ctx *c, const struct breach_case *ca, const char *promise_id, const char *breach_id, json_t *attribution)
{
	struct {
		const char *id, *owner_id;
		long long number;
	} row = {ca->id, ca->owner_id, ca->number};
	char id[ID_SIZE];
	char *title = xasprintf("After the broken promise on case %lld", row.number);
	json_t *q = default_questions();
	id_new(id, "srv", c->now);
	/* the breach is new (svc/hooks.h): so is its survey */
	int rc = survey_insert(c, id, "breach", title, q, NULL, row.id, breach_id, c->now, c->now + 14 * FL_DAY_MS, NULL);
	free(title);
	json_decref(q);
	if (rc)
		return rc;
	/* the people involved: the owner, whoever touched the case or was offered it, and everyone
	 * the attribution names (request holders, the promise maker) */
	json_t *people = json_object();
	json_object_set_new(people, row.owner_id, json_true());
	collect_people(attribution, people);
	db_res *r;
	char *key = xasprintf("%s/%s", c->actor.org_id, row.id);
	json_t *read = batch_people ? json_object_get(batch_people, key) : NULL, *v;
	size_t i;
	free(key);
	if (read)
		json_array_foreach(read, i, v) json_object_set_new(people, json_string_value(v), json_true());
	else if ((rc = db_query(c->db,
			   "SELECT person_id FROM touchpoints WHERE org_id = ? AND case_id = ? AND person_id IS NOT NULL "
			   "UNION SELECT from_id FROM offers WHERE org_id = ? AND case_id = ? "
			   "UNION SELECT to_id FROM offers WHERE org_id = ? AND case_id = ? AND status = 'accepted'",
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(row.id), DB_TXT(c->actor.org_id), DB_TXT(row.id),
				   DB_TXT(c->actor.org_id), DB_TXT(row.id)),
			   &r)) == DB_OK) {
		while (db_next(r) == 1)
			json_object_set_new(people, db_text(r, 0), json_true());
		rc = db_res_close(r);
	}
	if (rc != DB_OK)
		svc_db_err(c, rc);
	const char *pid;
	long long count = 0;
	int ret = 0;
	json_object_foreach(people, pid, v)
	{
		enum role role;
		int active;
		if (role_in_pass(c, pid, &role, &active))
			continue;
		if (!active || !role_may(role, PERM_ANSWER_SURVEY))
			continue;
		long long before = count;
		if ((ret = invite(c, id, pid, 1, &count)))
			break;
		if (count > before &&
		    (ret = alert_add(c, pid, "survey_offered", row.id, "survey", id,
				     "A promise on case %lld broke. Four questions: what would have helped? (confidential)", row.number)))
			break;
	}
	json_decref(people);
	if (ret)
		return ret;
	return svc_event(c, "survey.offered", "survey", id, row.id,
			 json_pack("{s:s,s:s,s:s?,s:I}", "kind", "breach", "breach_id", breach_id, "promise_id", promise_id, "invited",
				   (json_int_t)count));
}

struct survey_row {
	char id[ID_SIZE], kind[16];
	int64_t opens_at, closes_at;
	size_t nq;
};

static int survey_load(svc_ctx *c, const char *id, struct survey_row *s, json_t **questions)
{
	db_res *r;
	memset(s, 0, sizeof *s);
	if (svc_load_id(c, "srv", id, "survey_not_found", "no such survey", &r,
			"SELECT id, kind, opens_at, closes_at, questions FROM surveys WHERE org_id = ? AND id = ?"))
		return -1;
	svc_copy(c, s->id, sizeof s->id, db_text(r, 0));
	svc_copy(c, s->kind, sizeof s->kind, db_text(r, 1));
	s->opens_at = db_int(r, 2);
	s->closes_at = db_int(r, 3);
	json_t *q = json_loads(db_text(r, 4), 0, NULL);
	s->nq = json_array_size(q);
	if (questions)
		*questions = q;
	else
		json_decref(q);
	db_res_discard(r);
	return 0;
}

/* invited: 1 invited, 0 not; answered: 1 when the actor already answered. */
static void invite_state(svc_ctx *c, const char *survey_id, int *invited, int *answered, char team[ID_SIZE])
{
	int rc;
	db_res *r;
	*invited = *answered = 0;
	if (team)
		team[0] = '\0';
	if (svc_query(c,
		      "SELECT answered_at, COALESCE(answered_team_id, '') FROM survey_invites WHERE org_id = ? AND survey_id = ? AND person_id = ?",
		      DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(survey_id), DB_TXT(c->actor.person_id)), &r)) {
		if (db_next(r) == 1) {
			*invited = 1;
			*answered = !db_is_null(r, 0);
			if (team)
				svc_copy(c, team, ID_SIZE, db_text(r, 1));
		}
		if ((rc = db_res_close(r)) != DB_OK)
			svc_db_err(c, rc);
	}
}

static json_t *survey_json(svc_ctx *c, db_res *r)
{
	/* columns: id, kind, title, questions, team_id, case_id, breach_id, opens_at, closes_at, created_at */
	int invited, answered;
	invite_state(c, db_text(r, 0), &invited, &answered, NULL);
	json_t *q = json_loads(db_text(r, 3), 0, NULL);
	return json_pack("{s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:b,s:b,s:b}", "id", db_text(r, 0), "kind", db_text(r, 1),
			 "title", db_text(r, 2), "questions", q ? q : json_array(), "team_id", svc_col_str(r, 4), "case_id",
			 svc_col_str(r, 5), "breach_id", svc_col_str(r, 6), "opens_at", svc_col_time(r, 7), "closes_at",
			 svc_col_time(r, 8), "created_at", svc_col_time(r, 9), "invited", invited, "answered", answered, "open",
			 db_int(r, 7) <= c->now && c->now < db_int(r, 8));
}

#define SURVEY_COLS "id, kind, title, questions, team_id, case_id, breach_id, opens_at, closes_at, created_at"

static int survey_show_id(svc_ctx *c, const char *id, json_t **out)
{
	return svc_load_row(c, NULL, id, "survey_not_found", "no such survey",
			    "SELECT " SURVEY_COLS " FROM surveys WHERE org_id = ? AND id = ?", survey_json, out);
}

static int sv_create(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	char id[ID_SIZE], team[ID_SIZE] = "";
	long long opens = c->now, closes;
	int created;
	if (svc_require(c, PERM_SCHEDULE_SURVEY))
		return -1;
	if (in_str(in, "team") && org_team_ref(c, in_str(in, "team"), "team", team))
		return -1;
	in_time(in, "opens_at", &opens);
	if (!in_time(in, "closes_at", &closes))
		closes = opens + 7 * FL_DAY_MS;
	if (closes <= opens)
		return err_set(&c->err, ERR_INVALID, "bad_range", "closes_at", "a survey closes after it opens");
	json_t *q = json_object_get(in, "questions");
	if (q) {
		size_t i;
		json_t *v;
		if (json_array_size(q) < 1 || json_array_size(q) > MAX_QUESTIONS)
			return err_set(&c->err, ERR_INVALID, "too_many", "questions", "give 1 to %d questions", MAX_QUESTIONS);
		json_array_foreach(q, i, v)
		{
			if (!json_is_string(v) || !*json_string_value(v))
				return err_set(&c->err, ERR_INVALID, "invalid", "questions", "each question is text");
			if (in_text_ok(json_string_value(v), FL_MAX_SUBJECT, "questions", &c->err))
				return -1;
		}
		q = json_incref(q);
	} else {
		q = default_questions();
	}
	id_new(id, "srv", c->now);
	const char *title = in_str(in, "title") ? in_str(in, "title") : "Pulse survey";
	int rc = survey_insert(c, id, "pulse", title, q, *team ? team : NULL, NULL, NULL, opens, closes, &created);
	json_decref(q);
	if (rc)
		return -1;
	/* frontline staff: customer-facing and back-office people (not leaders or admins) */
	json_t *ids;
	if (svc_strings(c, &ids, 1,
			"SELECT id FROM people WHERE org_id = ? AND active = 1 AND role IN ('frontline','support','supervisor') "
			"AND (? = '' OR team_id = ?)",
			DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(team), DB_TXT(team))))
		return -1;
	size_t i;
	json_t *v;
	long long count = 0;
	json_array_foreach(ids, i, v) if (invite(c, id, json_string_value(v), 0, &count))
	{
		json_decref(ids);
		return -1;
	}
	json_decref(ids);
	if (svc_event(c, "survey.scheduled", "survey", id, NULL,
		      json_pack("{s:s,s:s?,s:I,s:I,s:I}", "title", title, "team_id", *team ? team : NULL, "opens_at",
				(json_int_t)opens, "closes_at", (json_int_t)closes, "invited", (json_int_t)count)))
		return -1;
	if (survey_show_id(c, id, out))
		return -1;
	json_object_set_new(*out, "invited_count", json_integer(count));
	return 0;
}

static const struct page_list SURVEYS; /* in survey.api.json */

static int sv_list(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	int all = role_may(c->actor.role, PERM_SEE_ALL_SURVEYS) && !in_bool(in, "mine", 0);
	return page_run(c, &SURVEYS, in,
			"org_id = ? AND (? = 1 OR EXISTS (SELECT 1 FROM survey_invites i "
			"WHERE i.org_id = s.org_id AND i.survey_id = s.id AND i.person_id = ?))",
			DB_ARGS(DB_TXT(c->actor.org_id), DB_INT(all), DB_TXT(c->actor.person_id)), out);
}

static int sv_show(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct survey_row s;
	int invited, answered;
	if (survey_load(c, p[0], &s, NULL))
		return -1;
	invite_state(c, s.id, &invited, &answered, NULL);
	if (!invited && !role_may(c->actor.role, PERM_SEE_ALL_SURVEYS))
		return err_set(&c->err, ERR_NOT_FOUND, "survey_not_found", "id", "no such survey");
	return survey_show_id(c, s.id, out);
}

/* Raise a system issue (shared by POST /system-issues and a survey response).  spec: title,
 * description, owner, cases (array of case ids). */

/* Each answer names a question 1..nq once, with a rating 1-5 or text: 0, or -1 (err set). */
static int check_answers(svc_ctx *c, json_t *answers, size_t nq)
{
	size_t i;
	json_t *a;
	json_t *seen = json_object();
	json_array_foreach(answers, i, a)
	{
		json_t *qn = json_object_get(a, "question"), *rt = json_object_get(a, "rating"), *tx = json_object_get(a, "text");
		char key[24];
		if (!json_is_object(a) || !json_is_integer(qn) || json_integer_value(qn) < 1 ||
		    (size_t)json_integer_value(qn) > nq) {
			json_decref(seen);
			return err_set(&c->err, ERR_INVALID, "bad_question", "answers", "each answer names a question 1..%zu", nq);
		}
		snprintf(key, sizeof key, "%lld", (long long)json_integer_value(qn));
		if (json_object_get(seen, key)) {
			json_decref(seen);
			return err_set(&c->err, ERR_INVALID, "duplicate_question", "answers", "question %s is answered twice", key);
		}
		json_object_set_new(seen, key, json_true());
		if (rt && !json_is_null(rt) && (!json_is_integer(rt) || !survey_rating_ok(json_integer_value(rt)))) {
			json_decref(seen);
			return err_set(&c->err, ERR_INVALID, "bad_rating", "answers", "a rating is 1 to 5");
		}
		if (tx && !json_is_null(tx) && (!json_is_string(tx) || in_text_ok(json_string_value(tx), FL_MAX_TEXT, "answers", &c->err))) {
			json_decref(seen);
			return json_is_string(tx) ? -1 : err_set(&c->err, ERR_INVALID, "invalid", "answers", "text is a string");
		}
		if ((!rt || json_is_null(rt)) && (!tx || json_is_null(tx) || !*json_string_value(tx))) {
			json_decref(seen);
			return err_set(&c->err, ERR_INVALID, "empty_answer", "answers", "an answer has a rating or text");
		}
	}
	json_decref(seen);
	return 0;
}

/* One survey_answers row per answer of response rid (team "" for none), at its place seq. */
static int store_answers(svc_ctx *c, const char *survey_id, const char *rid, const char *team, int64_t seq, json_t *answers)
{
	int rc;
	size_t i;
	json_t *a;
	json_array_foreach(answers, i, a)
	{
		char aid[ID_SIZE];
		json_t *rt = json_object_get(a, "rating");
		const char *tx = json_string_value(json_object_get(a, "text"));
		id_new(aid, "ans", c->now);
		rc = db_exec(c->db,
			     "INSERT INTO survey_answers (org_id, id, survey_id, response_id, team_id, question, rating, text, at, seq) "
			     "VALUES (?,?,?,?,?,?,?,?,?,?)",
			     DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(aid), DB_TXT(survey_id), DB_TXT(rid), DB_TXT(*team ? team : NULL),
				     DB_INT(json_integer_value(json_object_get(a, "question"))),
				     json_is_integer(rt) ? DB_INT(json_integer_value(rt)) : DB_NULL, DB_TXT(tx ? tx : ""),
				     DB_INT(c->now), DB_INT(seq)),
			     NULL);
		if (rc != DB_OK)
			return svc_db_err(c, rc);
	}
	return 0;
}

static int sv_respond(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct survey_row s;
	int invited, answered;
	char rid[ID_SIZE], team[ID_SIZE] = "";
	if (survey_load(c, p[0], &s, NULL))
		return -1;
	invite_state(c, s.id, &invited, &answered, NULL);
	if (!invited)
		return role_may(c->actor.role, PERM_SEE_ALL_SURVEYS)
			       ? err_set(&c->err, ERR_FORBIDDEN, "not_invited", NULL, "you were not asked this survey")
			       : err_set(&c->err, ERR_NOT_FOUND, "survey_not_found", "id", "no such survey");
	if (answered)
		return err_set(&c->err, ERR_CONFLICT, "already_answered", NULL, "you already answered this survey");
	if (c->now < s.opens_at || c->now >= s.closes_at)
		return err_set(&c->err, ERR_RULE, "survey_closed", NULL, "the survey is not open");
	json_t *answers = json_object_get(in, "answers");
	if (check_answers(c, answers, s.nq))
		return -1;
	STR_COPY(team, c->actor.team_id);
	id_new(rid, "resp", c->now);
	/* the answered mark first, guarded: a second response loses here */
	int64_t n = 0;
	int rc = db_exec(c->db,
			 "UPDATE survey_invites SET answered_at = ?, answered_team_id = ? WHERE org_id = ? AND survey_id = ? "
			 "AND person_id = ? AND answered_at IS NULL",
			 DB_ARGS(DB_INT(c->now), DB_TXT(*team ? team : NULL), DB_TXT(c->actor.org_id), DB_TXT(s.id),
				 DB_TXT(c->actor.person_id)),
			 &n);
	if (rc != DB_OK)
		return svc_db_err(c, rc);
	if (n != 1)
		return err_set(&c->err, ERR_CONFLICT, "already_answered", NULL, "you already answered this survey");
	/* the response's place in its team's answer order: reports publish prefixes of that order */
	int64_t seq = 0;
	int qrc = db_scalar_int(c->db,
				"SELECT COUNT(DISTINCT response_id) FROM survey_answers WHERE org_id = ? AND survey_id = ? "
				"AND COALESCE(team_id, '') = ?",
				DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(s.id), DB_TXT(team)), &seq, NULL);
	if (qrc != DB_OK)
		return svc_db_err(c, qrc);
	seq++;
	if (store_answers(c, s.id, rid, team, seq, answers))
		return -1;
	/* the event says that an answer came in, not what nor whose: it names nobody (the system records
	 * it) and carries nothing that leads back to the response */
	if (svc_event_as(c, "system", "survey.answered", "survey", s.id, NULL, json_object()))
		return -1;
	json_t *issue = json_null();
	json_t *spec = json_object_get(in, "raise_issue");
	if (json_is_object(spec)) {
		char iid[ID_SIZE];
		json_t *qn = json_object_get(spec, "question");
		if (qn && (!json_is_integer(qn) || json_integer_value(qn) < 1 || (size_t)json_integer_value(qn) > s.nq))
			return err_set(&c->err, ERR_INVALID, "bad_question", "raise_issue", "question 1..%zu", s.nq);
		if (issue_raise(c, spec, s.id, qn ? json_integer_value(qn) : 0, iid))
			return -1;
		json_decref(issue);
		issue = json_string(iid);
	}
	*out = json_pack("{s:s,s:s,s:o,s:I,s:o}", "survey_id", s.id, "response_id", rid, "answered_at", svc_time(c->now),
			 "answers", (json_int_t)json_array_size(answers), "system_issue_id", issue);
	return 0;
}

/* Survey report: per team with enough respondents (not counting the viewer), averages, rating
 * counts and the free text; teams below the threshold are only counted.  A team's numbers are its
 * first survey_published() responses (core/review_rules.c): they move only in steps while the
 * survey is open, so no two reports differ by one person's answers. */
/* The teams that answered, with their published respondents; those the viewer may not see are
 * only counted in *hidden.  0 with *teams (new array), or -1 (err set). */
static int report_teams(svc_ctx *c, const struct survey_row *s, long long min, int answered, const char *my_team,
			json_t **teams_out, long long *hidden, long long *total)
{
	int rc;
	db_res *r;
	int closed = c->now >= s->closes_at;
	if ((rc = db_query(c->db,
			   "SELECT COALESCE(sa.team_id, ''), COALESCE(t.name, ''), COUNT(DISTINCT sa.response_id) FROM survey_answers sa "
			   "LEFT JOIN teams t ON t.org_id = sa.org_id AND t.id = sa.team_id WHERE sa.org_id = ? AND sa.survey_id = ? "
			   "GROUP BY sa.team_id, t.name ORDER BY 2",
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(s->id)), &r)) != DB_OK)
		return svc_db_err(c, rc);
	json_t *teams = json_array();
	*hidden = *total = 0;
	while (db_next(r) == 1) {
		long long n = survey_published(db_int(r, 2), closed, min);
		int mine = answered && strcmp(my_team, db_text(r, 0)) == 0;
		*total += n;
		if (n == 0 || !survey_group_visible(n, mine, min)) {
			(*hidden)++;
			continue;
		}
		json_array_append_new(teams, json_pack("{s:o,s:o,s:I}", "team_id", *db_text(r, 0) ? json_string(db_text(r, 0)) : json_null(),
						       "team", *db_text(r, 0) ? json_string(db_text(r, 1)) : json_null(), "respondents",
						       (json_int_t)n));
	}
	if ((rc = db_res_close(r)) != DB_OK) {
		json_decref(teams);
		return svc_db_err(c, rc);
	}
	*teams_out = teams;
	return 0;
}

/* One question's ratings in a team's first `published` responses. */
struct q_stats {
	long long cnt[6], sum, n;
	json_t *texts; /* the comments (new reference) */
};

static void question_stats(svc_ctx *c, const char *survey_id, const char *tid, size_t q, long long published,
			   struct q_stats *st)
{
	int rc;
	db_res *r;
	memset(st, 0, sizeof *st);
	st->texts = json_array();
	if ((rc = db_query(c->db,
			   "SELECT rating, text FROM survey_answers WHERE org_id = ? AND survey_id = ? AND COALESCE(team_id, '') = ? "
			   "AND question = ? AND seq <= ? ORDER BY text",
			   DB_ARGS(DB_TXT(c->actor.org_id), DB_TXT(survey_id), DB_TXT(tid ? tid : ""), DB_INT(q + 1),
				   DB_INT(published)),
			   &r)) == DB_OK) {
		while (db_next(r) == 1) {
			if (!db_is_null(r, 0)) {
				long long v = db_int(r, 0);
				if (v >= 1 && v <= 5)
					st->cnt[v]++;
				st->sum += v;
				st->n++;
			}
			if (*db_text(r, 1))
				json_array_append_new(st->texts, json_string(db_text(r, 1)));
		}
		rc = db_res_close(r);
	}
	if (rc != DB_OK)
		svc_db_err(c, rc);
}

/* Team t's questions (set as its "questions"), each also a row of items, summed into overall. */
static void team_questions(svc_ctx *c, const struct survey_row *s, json_t *questions, json_t *t, json_t *overall,
			   json_t *items)
{
	const char *tid = json_string_value(json_object_get(t, "team_id"));
	long long published = json_integer_value(json_object_get(t, "respondents"));
	json_t *qs = json_array();
	for (size_t q = 0; q < s->nq; q++) {
		struct q_stats st;
		question_stats(c, s->id, tid, q, published, &st);
		json_t *oq = json_array_get(overall, q);
		json_object_set_new(oq, "sum", json_integer(json_integer_value(json_object_get(oq, "sum")) + st.sum));
		json_object_set_new(oq, "ratings", json_integer(json_integer_value(json_object_get(oq, "ratings")) + st.n));
		json_t *avg = st.n ? json_real((double)st.sum / st.n) : json_null();
		json_array_append_new(qs, json_pack("{s:I,s:s,s:O,s:I,s:[I,I,I,I,I],s:o}", "question", (json_int_t)(q + 1), "text",
						    json_string_value(json_array_get(questions, q)), "average", avg, "ratings",
						    (json_int_t)st.n, "distribution", (json_int_t)st.cnt[1], (json_int_t)st.cnt[2],
						    (json_int_t)st.cnt[3], (json_int_t)st.cnt[4], (json_int_t)st.cnt[5], "comments",
						    st.texts));
		json_array_append_new(items, json_pack("{s:O,s:O,s:I,s:I,s:o,s:I}", "team_id", json_object_get(t, "team_id"), "team",
						       json_object_get(t, "team"), "respondents", (json_int_t)published, "question",
						       (json_int_t)(q + 1), "average", avg, "ratings", (json_int_t)st.n));
	}
	json_object_set_new(t, "questions", qs);
}

/* Survey report: per team with enough respondents (not counting the viewer), averages, rating
 * counts and the free text; teams below the threshold are only counted.  A team's numbers are its
 * first survey_published() responses (core/review_rules.c): they move only in steps while the
 * survey is open, so no two reports differ by one person's answers. */
static int sv_report(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	struct survey_row s;
	json_t *questions = NULL, *teams = NULL;
	int invited, answered;
	char my_team[ID_SIZE];
	long long hidden = 0, total = 0;
	if (svc_require(c, PERM_READ_SURVEY_REPORT))
		return -1;
	if (survey_load(c, p[0], &s, &questions))
		return -1;
	invite_state(c, s.id, &invited, &answered, my_team);
	long long min = setting_int(c, "survey.min_respondents");
	if (report_teams(c, &s, min, answered, my_team, &teams, &hidden, &total)) {
		json_decref(questions);
		return -1;
	}
	size_t i;
	json_t *t, *items = json_array();
	long long overall_n = 0;
	json_t *overall = json_array();
	for (size_t q = 0; q < s.nq; q++)
		json_array_append_new(overall, json_pack("{s:I,s:s,s:I,s:I}", "question", (json_int_t)(q + 1), "text",
							 json_string_value(json_array_get(questions, q)), "sum", (json_int_t)0,
							 "ratings", (json_int_t)0));
	json_array_foreach(teams, i, t)
	{
		overall_n += json_integer_value(json_object_get(t, "respondents"));
		team_questions(c, &s, questions, t, overall, items);
	}
	json_array_foreach(overall, i, t)
	{
		long long nr = json_integer_value(json_object_get(t, "ratings"));
		json_object_set_new(t, "average", nr ? json_real((double)json_integer_value(json_object_get(t, "sum")) / nr) : json_null());
		json_object_del(t, "sum");
	}
	json_decref(questions);
	*out = json_pack("{s:s,s:I,s:I,s:I,s:I,s:{s:I,s:o},s:o,s:o,s:b,s:I}", "survey_id", s.id, "min_respondents",
			 (json_int_t)survey_min_group(min), "responses", (json_int_t)total, "hidden_teams", (json_int_t)hidden,
			 "shown_respondents", (json_int_t)overall_n, "overall", "respondents", (json_int_t)overall_n, "questions",
			 overall, "teams", teams, "items", items, "closed", c->now >= s.closes_at, "publish_step",
			 (json_int_t)(survey_min_group(min) + 1));
	return 0;
}

#include "svc/learning/survey.api.inc"
