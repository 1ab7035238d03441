/* The demo's quarter: every day from `days` days ago to a week before today, each organization's
 * generated agents open cases for new customers; many promise something, and many of those ask the
 * organization's back office for it.  What happens next is drawn from seeded random numbers and
 * played out in time order through the routes: requests done in time (the promise kept), late or
 * deferred citing a policy (the scheduler breaks the promise and attributes the breach), cases
 * offered on, resolved, or some of the latest left open; exceptions, failure reviews, survey rounds
 * and rotas beside them (demo_history_more.c).  The stories' parts come after it, on top. */
#include "cli/demo_history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/tz.h"
#include "base/util.h"

static const char *const VENDOR_SUBJECTS[] =
	{"Order arrived with a missing charger", "Exchange a tablet for a larger size",	 "Refund for a cancelled order",
	 "Delivery date for a new laptop",	 "Warranty repair for a cracked screen", "Price match on headphones",
	 "Gift card balance is wrong",		 "Return label never arrived",		 NULL};
static const char *const VENDOR_PROMISES[] = {"a replacement charger shipped",
					      "the exchange ready at the counter",
					      "your refund issued",
					      "a call back with the delivery date",
					      "the repair quote by email",
					      NULL};
static const char *const VENDOR_REQUESTS[] = {"pick and ship the replacement",
					      "set aside the exchange unit",
					      "approve the refund in the warehouse system",
					      "confirm the delivery date with the carrier",
					      "inspect the returned device",
					      NULL};
static const char *const LEE_SUBJECTS[] = {"Prescription renewal",
					   "Referral letter for a specialist",
					   "Lab results question",
					   "Reschedule an appointment",
					   "Vaccination record for school",
					   "Billing code on last visit",
					   NULL};
static const char *const LEE_PROMISES[] = {"the renewal sent to your pharmacy", "your referral letter ready",
					   "a call back about your results", "your vaccination record by email", NULL};
static const char *const LEE_REQUESTS[] = {"sign the renewal", "write the referral letter", "review the lab results",
					   "sign the vaccination record", NULL};
static const char *const HARBOR_SUBJECTS[] = {"Card declined abroad",
					      "Dispute a duplicate charge",
					      "Overdraft fee question",
					      "Update the address on an account",
					      "Wire transfer not received",
					      "Replace a lost card",
					      NULL};
static const char *const HARBOR_PROMISES[] = {"the duplicate charge reversed", "a new card mailed", "the wire traced",
					      "your statement corrected", NULL};
static const char *const HARBOR_REQUESTS[] = {"reverse the duplicate charge", "order the replacement card",
					      "trace the wire with the sending bank", "correct the statement", NULL};
static const char *const NORTHWIND_SUBJECTS[] = {"Invoice shows the wrong plan",
						 "Cannot sign in after the update",
						 "Export to CSV fails",
						 "Upgrade to the team plan",
						 "Seat count after a downgrade",
						 "Data import stuck at 90%",
						 NULL};
static const char *const NORTHWIND_PROMISES[] = {"a corrected invoice", "a fix or a workaround by email", "the import finished",
						 "your plan changed from the first of the month", NULL};
static const char *const NORTHWIND_REQUESTS[] = {"correct the invoice", "look into the sign-in fault", "restart the import job",
						 "change the plan in the billing system", NULL};

static const struct hist_org ORGS[] = {
	{"vendor-co", "America/Chicago", "riley", "Email Desk", "Warehouse", "Email agent", "Warehouse associate",
	 "Contact Center", "Price match within 14 days", "max_refund", "returns", 14, VENDOR_SUBJECTS, VENDOR_PROMISES,
	 VENDOR_REQUESTS},
	{"lee-practice", "America/New_York", "morgan", "Front Desk", "Nursing", "Patient coordinator", "Nurse", "Main Office", "",
	 "", "scheduling", 6, LEE_SUBJECTS, LEE_PROMISES, LEE_REQUESTS},
	{"harbor-financial", "America/Los_Angeles", "grace", "Card Services", "Back Office", "Card specialist",
	 "Back office analyst", "", "Goodwill credits up to $25", "max_refund", "", 8, HARBOR_SUBJECTS, HARBOR_PROMISES,
	 HARBOR_REQUESTS},
	{"northwind", "America/Chicago", "helen", "Customer Success", "Platform Ops", "Customer success manager",
	 "Platform engineer", "Chicago", "", "", "", 6, NORTHWIND_SUBJECTS, NORTHWIND_PROMISES, NORTHWIND_REQUESTS},
};
#define N_ORGS (sizeof ORGS / sizeof ORGS[0])

static const char *const FIRST[] = {"Aria",  "Blake", "Casey", "Drew",	"Elliot", "Frankie", "Gabe",  "Hayden", "Indra",
				    "Jules", "Kai",   "Lane",  "Marlo", "Nico",	  "Oakley",  "Piper", "Quinn",	"Reese",
				    "Shay",  "Tatum", "Uma",   "Vic",	"Wren",	  "Yael",    "Zion"};
static const char *const LAST[] = {"Abbott", "Bishop",	 "Castillo", "Dunn",	 "Ellis",     "Fischer", "Gallo",
				   "Hughes", "Ibarra",	 "Jensen",   "Kowalski", "Lindqvist", "Moreau",	 "Nakamura",
				   "Okafor", "Petrov",	 "Quint",    "Rahman",	 "Sato",      "Tran",	 "Ueda",
				   "Varga",  "Whitaker", "Yilmaz",   "Zimmer"};
#define NF (int)(sizeof FIRST / sizeof FIRST[0])
#define NL (int)(sizeof LAST / sizeof LAST[0])
static const char *const CHANNELS[] = {"email", "phone", "chat", "web", "social", "store"};

static uint64_t seed = 0x5eed2026f00dULL;

uint64_t hist_rand(void)
{
	uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

int hist_pick(int n) { return (int)(hist_rand() % (uint64_t)n); }

static int count(const char *const *list)
{
	int n = 0;
	while (list[n])
		n++;
	return n;
}

int64_t hist_day(struct demo *d, const char *tz, int days_ago)
{
	const tz_zone *z = tz_get(tz);
	int64_t s = clock_now(&d->clock) / 1000;
	int64_t today = tz_floordiv(s + tz_offset_at(z, s, NULL), 86400);
	return tz_resolve(z, (today - days_ago) * 86400) * 1000;
}

const char *hist_time(int64_t ms, char *buf, unsigned long size) { return time_format(ms, buf, size); }

const char *hist_email(char *buf, unsigned long size, const struct hist_org *o, char kind, int i)
{
	int f = (i * 7 + (kind == 'a' ? 3 : 11) + (int)(o - ORGS) * 5) % NF;
	int l = (i * 3 + (kind == 'a' ? 5 : 17) + (int)(o - ORGS) * 7) % NL;
	snprintf(buf, size, "%s.%s@%s.example", FIRST[f], LAST[l], o->slug);
	for (char *p = buf; *p && *p != '@'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return buf;
}

/* ---- what happens later to a case, played out in time order ---- */

enum step_kind {
	STEP_COMPLETE,
	STEP_DEFER,
	STEP_KEEP,
	STEP_RESOLVE
};

struct step {
	int64_t at;
	enum step_kind kind;
	int late; /* STEP_COMPLETE after the promise's due time: the scheduler runs first */
	const struct hist_org *o;
	char actor[128], id[64]; /* who acts; the request, promise or case */
	char extra[64];		 /* STEP_RESOLVE: "broken" when a promise is still pending */
};

static struct step *steps;
static size_t n_steps, cap_steps;

static struct step *plan(int64_t at, enum step_kind kind, const struct hist_org *o, const char *actor, const char *id)
{
	steps = xgrow(steps, n_steps, &cap_steps, 256, sizeof *steps);
	struct step *s = &steps[n_steps++];
	memset(s, 0, sizeof *s);
	s->at = at;
	s->kind = kind;
	s->o = o;
	snprintf(s->actor, sizeof s->actor, "%s", actor);
	snprintf(s->id, sizeof s->id, "%s", id);
	return s;
}

/* Resolving a case whose promise may still be pending: it is recorded as broken. */
static void plan_resolve_broken(int64_t at, const struct hist_org *o, const char *owner, const char *case_id)
{
	snprintf(plan(at, STEP_RESOLVE, o, owner, case_id)->extra, sizeof steps->extra, "broken");
}

static int by_time(const void *a, const void *b)
{
	int64_t x = ((const struct step *)a)->at, y = ((const struct step *)b)->at;
	return x < y ? -1 : x > y;
}

static void act_as(struct demo *d, const struct hist_org *o, int64_t at, const char *email)
{
	demo_org(d, o->slug);
	demo_as(d, email);
	d->c.now = at;
}

static void run_step(struct demo *d, const struct step *s)
{
	if (s->late) { /* the promise it blocks broke at its due time: the scheduler sees it first */
		d->c.now = s->at;
		demo_tick(d);
	}
	act_as(d, s->o, s->at, s->actor);
	char due[40];
	switch (s->kind) {
	case STEP_COMPLETE:
		json_decref(demo_callf(d, "POST", json_pack("{s:s}", "note", s->late ? "done, later than asked" : "done"),
				       "/api/v1/requests/%s/complete", s->id));
		break;
	case STEP_DEFER:
		json_decref(demo_callf(d, "POST",
				       json_pack("{s:s,s:s}", "reason", "short-staffed today: walk-ins and calls first", "until",
						 hist_time(s->at + 20 * 3600 * 1000LL, due, sizeof due)),
				       "/api/v1/requests/%s/defer", s->id));
		break;
	case STEP_KEEP:
		json_decref(
			demo_callf(d, "POST", json_pack("{s:s}", "note", "done as promised"), "/api/v1/promises/%s/keep", s->id));
		break;
	case STEP_RESOLVE: {
		json_t *b = json_pack("{s:s,s:s}", "resolution", "sorted out with the customer", "open_requests", "cancel");
		if (*s->extra)
			json_object_set_new(b, "pending_promises", json_string(s->extra));
		json_decref(demo_callf(d, "POST", b, "/api/v1/cases/%s/resolve", s->id));
		break;
	}
	}
}

/* Play every planned step before `until`, in time order; the later ones wait. */
static void run_steps(struct demo *d, int64_t until)
{
	qsort(steps, n_steps, sizeof *steps, by_time);
	size_t i = 0;
	for (; i < n_steps && steps[i].at < until; i++)
		run_step(d, &steps[i]);
	memmove(steps, steps + i, (n_steps - i) * sizeof *steps);
	n_steps -= i;
}

static const char *jid(json_t *o) { return json_string_value(json_object_get(o, "id")); }

/* A promise with a request to the back office behind it: done in time (kept), late, or deferred
 * citing the organization's policy (broken either way, the breach attributed to the request). */
static void promise_with_request(struct demo *d, const struct hist_org *o, const char *case_id, const char *owner,
				 const char *promise_id, int64_t due)
{
	char b[40], holder[128];
	hist_email(holder, sizeof holder, o, 'h', hist_pick(HIST_HOLDERS));
	json_t *r = demo_callf(d, "POST",
			       json_pack("{s:s,s:s,s:s,s:[s]}", "what", o->requests[hist_pick(count(o->requests))], "due_at",
					 hist_time(due - 3600 * 1000LL, b, sizeof b), "to_team", o->holders_team, "blocks",
					 promise_id),
			       "/api/v1/cases/%s/requests", case_id);
	int roll = hist_pick(100);
	int64_t now = d->c.now;
	if (roll < 72) { /* in time: done, then the promise kept, then resolved */
		int64_t done = now + (due - 3600 * 1000LL - now) * (30 + hist_pick(60)) / 100;
		plan(done, STEP_COMPLETE, o, holder, jid(r));
		plan(done + 15 * 60000LL, STEP_KEEP, o, owner, promise_id);
		plan(done + 40 * 60000LL, STEP_RESOLVE, o, owner, case_id);
	} else {
		if (roll >= 88) /* deferred first, then done the next day */
			plan(now + (due - now) / 2, STEP_DEFER, o, holder, jid(r));
		plan(due + (2 + hist_pick(18)) * 3600 * 1000LL, STEP_COMPLETE, o, holder, jid(r))->late = 1;
		plan_resolve_broken(due + 22 * 3600 * 1000LL, o, owner, case_id);
	}
	json_decref(r);
}

/* One case of the quarter, opened at `at` by one of the organization's generated agents. */
static void one_case(struct demo *d, const struct hist_org *o, int64_t at, int days_ago)
{
	char owner[128], b[40], email[160], phone[40], name[80];
	int who = hist_pick(HIST_AGENTS);
	hist_email(owner, sizeof owner, o, 'a', who);
	act_as(d, o, at, owner);
	int f = hist_pick(NF), l = hist_pick(NL), n = hist_pick(9000) + 1000;
	snprintf(name, sizeof name, "%s %s", FIRST[f], LAST[l]);
	snprintf(email, sizeof email, "%c.%s%d@example.net", FIRST[f][0] + 32, LAST[l], n);
	for (char *p = email; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	snprintf(phone, sizeof phone, "+1 608 555 %04d", n);
	const char *channel = CHANNELS[hist_pick(6)];
	json_t *c = demo_call(d, "POST", "/api/v1/cases",
			      json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "subject", o->subjects[hist_pick(count(o->subjects))],
					"channel", channel, "customer_name", name, "customer_email", email, "customer_phone",
					phone, "summary", "First contact: the customer explained what they need"));
	char case_id[64];
	snprintf(case_id, sizeof case_id, "%s", jid(c));
	json_decref(c);
	int roll = hist_pick(100), exception = *o->policy && hist_pick(100) < 6 && days_ago >= 9, open_ok = days_ago <= 6;
	if (roll >= 62) { /* nothing promised: resolved after a contact or two, or left open */
		if (!open_ok || hist_pick(100) < 80)
			plan(at + (1 + hist_pick(30)) * 3600 * 1000LL, STEP_RESOLVE, o, owner, case_id);
		if (exception)
			hist_exception(d, o, case_id, who, at + 20 * 60000LL);
		return;
	}
	d->c.now = at + 10 * 60000LL;
	int64_t due = d->c.now + (3 + hist_pick(40)) * 3600 * 1000LL;
	json_t *p = demo_callf(d, "POST",
			       json_pack("{s:s,s:s,s:s}", "what", o->promises[hist_pick(count(o->promises))], "due_at",
					 hist_time(due, b, sizeof b), "channel", channel),
			       "/api/v1/cases/%s/promises", case_id);
	if (roll < 40) {
		promise_with_request(d, o, case_id, owner, jid(p), due);
	} else if (roll < 55) { /* the owner delivers it in time */
		plan(due - (1 + hist_pick(2)) * 3600 * 1000LL, STEP_KEEP, o, owner, jid(p));
		plan(due, STEP_RESOLVE, o, owner, case_id);
	} else { /* the owner let it slip: broken, and it is the owner's */
		plan_resolve_broken(due + 3 * 3600 * 1000LL, o, owner, case_id);
	}
	json_decref(p);
	if (exception) {
		act_as(d, o, at + 20 * 60000LL, owner);
		hist_exception(d, o, case_id, who, at + 20 * 60000LL);
	}
}

/* A few cases offered on to a colleague, who accepts. */
static void maybe_offer(struct demo *d, const struct hist_org *o, int64_t at)
{
	if (hist_pick(100) >= 12)
		return;
	char from[128], to[128];
	int i = hist_pick(HIST_AGENTS);
	hist_email(from, sizeof from, o, 'a', i);
	hist_email(to, sizeof to, o, 'a', (i + 1 + hist_pick(HIST_AGENTS - 1)) % HIST_AGENTS);
	act_as(d, o, at, from);
	json_t *c = demo_call(d, "POST", "/api/v1/cases",
			      json_pack("{s:s,s:s,s:s,s:s}", "subject", o->subjects[hist_pick(count(o->subjects))], "channel",
					"phone", "customer_name", "Rowan Fairweather", "summary", "Needs a specialist"));
	json_t *off = demo_callf(d, "POST", json_pack("{s:s,s:s}", "to", to, "note", "you know this product best"),
				 "/api/v1/cases/%s/offers", jid(c));
	act_as(d, o, at + (5 + hist_pick(40)) * 60000LL, to);
	json_decref(demo_callf(d, "POST", NULL, "/api/v1/offers/%s/accept", jid(off)));
	plan(d->c.now + (2 + hist_pick(20)) * 3600 * 1000LL, STEP_RESOLVE, o, to, jid(c));
	json_decref(off);
	json_decref(c);
}

/* One day of every organization: its cases through the day, then what falls due by its end. */
static void one_day(struct demo *d, int days_ago)
{
	for (size_t k = 0; k < N_ORGS; k++) {
		const struct hist_org *o = &ORGS[k];
		int64_t day = hist_day(d, o->tz, days_ago);
		int n = o->cases_per_day * (hist_pick(5) + 8) / 10;
		for (int i = 0; i < n; i++)
			one_case(d, o, day + (8 * 60 + (int64_t)i * 9 * 60 / n + hist_pick(20)) * 60000LL, days_ago);
		maybe_offer(d, o, day + (10 * 60 + hist_pick(300)) * 60000LL);
		if (days_ago % 14 == 0 && days_ago >= 12) /* the stories' surveys are theirs */
			hist_survey_round(d, o, days_ago);
	}
	int64_t end = hist_day(d, "America/Los_Angeles", days_ago - 1);
	run_steps(d, end);
	d->c.now = end;
	demo_tick(d);
}

void demo_history(struct demo *d, int days)
{
	const int last = 3; /* up to three days ago; the stories' exceptions and surveys are their own */
	if (days <= last)
		return;
	for (size_t k = 0; k < N_ORGS; k++)
		hist_people(d, &ORGS[k], days);
	for (int ago = days; ago >= last; ago--)
		one_day(d, ago);
	/* what was planned after the quarter's end stays undone: open cases, pending promises and
	 * requests, as on any working day */
	free(steps);
	steps = NULL;
	n_steps = cap_steps = 0;
	for (size_t k = 0; k < N_ORGS; k++) {
		hist_reviews(d, &ORGS[k]);
		hist_alerts_read(d, &ORGS[k]);
	}
}
