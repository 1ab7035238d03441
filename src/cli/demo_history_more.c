/* The demo's quarter, beside the cases (cli/demo_history.c): its people and their teams, a policy
 * with a limit and the exceptions proposed against it, a rota with its overrides, survey rounds
 * every two weeks, and the failure reviews the breaches opened, worked through by the leader. */
#include <stdio.h>
#include <string.h>

#include "base/tz.h"
#include "base/util.h"
#include "cli/demo_history.h"

#define HOUR (3600 * 1000LL)
#define DAY  (24 * HOUR)

static void as_at(struct demo *d, const struct hist_org *o, int64_t at, const char *email)
{
	demo_org(d, o->slug);
	demo_as(d, email);
	d->c.now = at;
}

static const char *leader(char *buf, unsigned long size, const struct hist_org *o)
{
	snprintf(buf, size, "%s@%s.example", o->leader, o->slug);
	return buf;
}

static void person(struct demo *d, const struct hist_org *o, char kind, int i)
{
	char email[128], name[128], boss[128];
	hist_email(email, sizeof email, o, kind, i);
	snprintf(name, sizeof name, "%s", email);
	*strchr(name, '@') = 0;
	char *dot = strchr(name, '.');
	*dot = ' ';
	name[0] = (char)(name[0] - 'a' + 'A');
	dot[1] = (char)(dot[1] - 'a' + 'A');
	json_t *b = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "name", name, "email", email, "role",
			      kind == 'a' ? "frontline" : "support", "password", DEMO_PASSWORD, "title",
			      kind == 'a' ? o->agent_title : o->holder_title, "team",
			      kind == 'a' ? o->agents_team : o->holders_team, "manager", leader(boss, sizeof boss, o));
	if (*o->location)
		json_object_set_new(b, "location", json_string(o->location));
	json_decref(demo_call(d, "POST", "/api/v1/people", b));
}

/* A weekday rota of four agents handing over on Mondays since the quarter began, and a few
 * shifts covered by a colleague. */
static void rota(struct demo *d, const struct hist_org *o, int64_t start)
{
	char e[4][128], day[40], from[40], to[40];
	json_decref(
		demo_call(d, "POST", "/api/v1/skills", json_pack("{s:s,s:s}", "name", o->skill, "description", o->agents_team)));
	for (int i = 0; i < 4; i++) {
		hist_email(e[i], sizeof e[i], o, 'a', i);
		json_decref(demo_callf(d, "POST", json_pack("{s:s,s:s}", "skill", o->skill, "location", o->location),
				       "/api/v1/people/%s/skills", e[i]));
	}
	snprintf(day, sizeof day, "%.10s", hist_time(start, from, sizeof from));
	json_t *r = demo_call(d, "POST", "/api/v1/rotas",
			      json_pack("{s:s,s:s,s:s,s:[{s:s,s:[s,s,s,s],s:s,s:s,s:[{s:[s,s,s,s,s],s:s,s:s}]}]}", "name",
					o->agents_team, "skill", o->skill, "location", o->location, "layers", "layer", "primary",
					"members", e[0], e[1], e[2], e[3], "handoff", "mon 08:00", "start", day, "windows",
					"days", "mon", "tue", "wed", "thu", "fri", "from", "08:00", "to", "18:00"));
	for (int w = 1; w < 12; w += 3)
		json_decref(demo_callf(d, "POST",
				       json_pack("{s:s,s:s,s:s,s:s}", "person", e[(w + 2) % 4], "start",
						 hist_time(start + (7 * w + 2) * DAY + 8 * HOUR, from, sizeof from), "end",
						 hist_time(start + (7 * w + 3) * DAY + 18 * HOUR, to, sizeof to), "reason",
						 "covering a colleague's leave"),
				       "/api/v1/rotas/%s/overrides", json_string_value(json_object_get(r, "id"))));
	json_decref(r);
}

void hist_people(struct demo *d, const struct hist_org *o, int days)
{
	char boss[128];
	int64_t start = hist_day(d, o->tz, days + 2);
	as_at(d, o, start + 9 * HOUR, leader(boss, sizeof boss, o));
	demo_org(d, o->slug); /* the admin makes the teams and people */
	d->c.now = start + 9 * HOUR;
	json_decref(demo_call(d, "POST", "/api/v1/teams", json_pack("{s:s}", "name", o->agents_team)));
	json_decref(demo_call(d, "POST", "/api/v1/teams", json_pack("{s:s}", "name", o->holders_team)));
	for (int i = 0; i < HIST_AGENTS; i++)
		person(d, o, 'a', i);
	for (int i = 0; i < HIST_HOLDERS; i++)
		person(d, o, 'h', i);
	if (*o->skill) { /* from the Monday on or before the quarter's first day */
		int64_t monday = start;
		const tz_zone *z = tz_get(o->tz);
		while (tz_weekday(tz_floordiv(monday / 1000 + tz_offset_at(z, monday / 1000, NULL), 86400)) != 0)
			monday -= DAY;
		rota(d, o, monday);
	}
	if (*o->policy) {
		demo_as(d, leader(boss, sizeof boss, o));
		json_decref(demo_call(d, "POST", "/api/v1/policies",
				      json_pack("{s:s,s:s,s:s,s:s,s:{s:i}}", "name", o->policy, "kind", "limit", "owner", boss,
						"text", o->policy, "limits", o->limit, o->policy[0] == 'G' ? 25 : 50)));
	}
}

/* An amount over the policy's limit, proposed by the case's owner (the current actor); most are
 * co-signed by a colleague within hours (approved), the rest expire; the leader reviews many. */
void hist_exception(struct demo *d, const struct hist_org *o, const char *case_id, int owner, int64_t at)
{
	char cosigner[128], boss[128], b[40];
	d->c.now = at;
	int amount = (o->policy[0] == 'G' ? 30 : 60) + 5 * hist_pick(20);
	snprintf(b, sizeof b, "Refund $%d", amount);
	json_t *x = demo_callf(d, "POST",
			       json_pack("{s:s,s:s,s:s,s:i,s:s,s:s}", "policy", o->policy, "limit", o->limit, "kind", "refund",
					 "amount", amount, "description", b, "reasoning",
					 "A long-standing customer and our delay; the limit would leave them out of pocket"),
			       "/api/v1/cases/%s/exceptions", case_id);
	char id[64];
	snprintf(id, sizeof id, "%s", json_string_value(json_object_get(x, "id")));
	json_decref(x);
	if (hist_pick(100) >= 82)
		return; /* nobody co-signs: it expires */
	int roll = hist_pick(100);
	hist_email(cosigner, sizeof cosigner, o, 'a', (owner + 1 + hist_pick(HIST_AGENTS - 1)) % HIST_AGENTS);
	as_at(d, o, at + (10 + hist_pick(300)) * 60000LL, cosigner);
	json_decref(demo_callf(d, "POST", json_pack("{s:s}", "note", "agreed"), "/api/v1/exceptions/%s/cosign", id));
	if (roll >= 60)
		return;
	as_at(d, o, at + (1 + hist_pick(5)) * DAY, leader(boss, sizeof boss, o));
	json_t *v = json_pack("{s:s,s:s}", "verdict", roll < 8 ? "coach" : "one_off", "reasoning",
			      roll < 8 ? "a goodwill refund would have done" : "right for this customer");
	if (roll < 8)
		json_object_set_new(v, "note",
				    json_string("Next time: what would a goodwill credit within the limit have done?"));
	json_decref(demo_callf(d, "POST", v, "/api/v1/exceptions/%s/review", id));
}

/* A system issue an agent raises after a survey round; its leader responds within days (some
 * fixed), or not yet when it came in lately. */
static void hist_issue(struct demo *d, const struct hist_org *o, int64_t at, int days_ago)
{
	static const char *const TITLES[] = {"The order screen times out during busy hours",
					     "We can't see the back office's queue from the front desk",
					     "Refund approvals need three screens",
					     "The phone system drops transfers to the back office"};
	char who[128], boss[128];
	hist_email(who, sizeof who, o, 'a', hist_pick(HIST_AGENTS));
	as_at(d, o, at, who);
	json_t *is = demo_call(d, "POST", "/api/v1/system-issues",
			       json_pack("{s:s,s:s,s:s}", "title", TITLES[hist_pick(4)], "description",
					 "It costs us a call back to the customer most days.", "owner",
					 leader(boss, sizeof boss, o)));
	if (days_ago > 20 || hist_pick(100) < 50) {
		as_at(d, o, at + (1 + hist_pick(9)) * DAY, boss);
		json_decref(demo_callf(d, "POST",
				       json_pack("{s:s,s:b}", "response", "Thank you: we are changing it this quarter.", "fixed",
						 hist_pick(100) < 40),
				       "/api/v1/system-issues/%s/respond", json_string_value(json_object_get(is, "id"))));
	}
	json_decref(is);
}

/* A pulse survey for the organization, open for a week; the generated staff answer it, the
 * ratings drifting up over the quarter as the fixes land. */
void hist_survey_round(struct demo *d, const struct hist_org *o, int days_ago)
{
	char boss[128], who[128], a[40], b[40];
	int64_t day = hist_day(d, o->tz, days_ago);
	as_at(d, o, day + 9 * HOUR, leader(boss, sizeof boss, o));
	json_t *sv = demo_call(d, "POST", "/api/v1/surveys",
			       json_pack("{s:s,s:s,s:s}", "title", "Fortnightly pulse", "opens_at",
					 hist_time(day + 9 * HOUR, a, sizeof a), "closes_at",
					 hist_time(day + 5 * DAY, b, sizeof b)));
	const char *id = json_string_value(json_object_get(sv, "id"));
	int lift = days_ago < 40 ? 1 : 0;
	for (int i = 0; i < HIST_AGENTS + HIST_HOLDERS; i++) {
		if (hist_pick(100) < 15)
			continue; /* not everyone answers */
		hist_email(who, sizeof who, o, i < HIST_AGENTS ? 'a' : 'h', i < HIST_AGENTS ? i : i - HIST_AGENTS);
		as_at(d, o, day + (10 + hist_pick(60)) * HOUR, who);
		json_decref(demo_callf(d, "POST",
				       json_pack("{s:[{s:i,s:i},{s:i,s:i},{s:i,s:i},{s:i,s:s}]}", "answers", "question", 1,
						 "rating", 3 + hist_pick(3), "question", 2, "rating", 1 + lift + hist_pick(3),
						 "question", 3, "rating", 2 + lift + hist_pick(3), "question", 4, "text",
						 i % 3 ? "Fewer systems to check per case"
						       : "Let us see the warehouse status ourselves"),
				       "/api/v1/surveys/%s/responses", id));
	}
	json_decref(sv);
	hist_issue(d, o, day + 2 * DAY + 11 * HOUR, days_ago);
}

static const char *const CATEGORY[] = {"process", "coordination_handoff", "resources_staffing", "system_tools", "policy",
				       "training"};
static const int WEIGHT[] = {30, 25, 20, 13, 8, 4};

static const char *category(void)
{
	int r = hist_pick(100);
	for (int i = 0;; i++) {
		if (r < WEIGHT[i])
			return CATEGORY[i];
		r -= WEIGHT[i];
	}
}

/* The failure reviews the quarter's breaches opened: the leader names a cause for most (the
 * root-cause Pareto) and closes most of those; a few agree an action. */
/* One review: a cause named a few days after it opened; most closed, a few with an action. */
static void work_review(struct demo *d, const struct hist_org *o, json_t *rv, const char *boss, int64_t opened)
{
	char due[40];
	const char *id = json_string_value(json_object_get(rv, "id"));
	as_at(d, o, opened + (1 + hist_pick(3)) * DAY, boss);
	json_decref(demo_callf(d, "POST",
			       json_pack("{s:s,s:s}", "category", category(), "evidence",
					 "the request waited in the queue behind the day's walk-ins and calls"),
			       "/api/v1/reviews/%s/causes", id));
	if (hist_pick(100) < 10)
		json_decref(demo_callf(d, "POST",
				       json_pack("{s:s,s:s,s:s}", "title", "Show the back office's queue to the front desk",
						 "owner", boss, "due_at", hist_time(d->c.now + 14 * DAY, due, sizeof due)),
				       "/api/v1/reviews/%s/actions", id));
	else if (hist_pick(100) < 75)
		json_decref(demo_callf(d, "POST", json_pack("{s:s}", "summary", "the cause is named; the fix is planned"),
				       "/api/v1/reviews/%s/close", id));
}

/* The failure reviews the quarter's breaches opened: the leader names a cause for most (the
 * root-cause Pareto) and closes most of those; a few agree an action. */
void hist_reviews(struct demo *d, const struct hist_org *o)
{
	char boss[128];
	leader(boss, sizeof boss, o);
	json_t *todo = json_array();
	char cursor[256] = "";
	do { /* every open review first, then work on them */
		as_at(d, o, hist_day(d, o->tz, 3), boss);
		json_t *q = json_pack("{s:s,s:i}", "status", "open", "limit", 200);
		if (*cursor)
			json_object_set_new(q, "cursor", json_string(cursor));
		json_t *page = demo_call(d, "GET", "/api/v1/reviews", q);
		json_array_extend(todo, json_object_get(page, "items"));
		const char *next = json_string_value(json_object_get(page, "next"));
		snprintf(cursor, sizeof cursor, "%s", next ? next : "");
		json_decref(page);
	} while (*cursor);
	size_t i;
	json_t *rv;
	int64_t until = hist_day(d, o->tz, 6); /* the latest wait for their owners */
	json_array_foreach(todo, i, rv)
	{
		int64_t opened = 0;
		const char *at = json_string_value(json_object_get(rv, "opened_at"));
		if (at && time_parse(at, &opened) == 0 && opened < until && hist_pick(100) < 85)
			work_review(d, o, rv, boss, opened);
	}
	json_decref(todo);
}

/* Everyone has read the quarter's alerts by the time the stories begin. */
void hist_alerts_read(struct demo *d, const struct hist_org *o)
{
	demo_org(d, o->slug);
	d->c.now = hist_day(d, o->tz, 2);
	json_t *people = demo_call(d, "GET", "/api/v1/people", json_pack("{s:i}", "limit", 200));
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(people, "items"), i, p)
	{
		demo_as(d, json_string_value(json_object_get(p, "email")));
		json_decref(demo_call(d, "POST", "/api/v1/alerts/read-all", NULL));
	}
	json_decref(people);
}
