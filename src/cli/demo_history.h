#ifndef FL_DEMO_HISTORY_H
#define FL_DEMO_HISTORY_H
/* The demo's quarter (cli/demo_history.c, demo_history_more.c): 90 days of everyday work in the
 * four organizations before the stories, made by a seeded generator through the same routes as the
 * API.  Its people, teams and customers are its own, so the stories' people, their queues and the
 * estimates the stories show stay exactly as they are. */
#include <stdint.h>

#include "cli/demo.h"

/* One organization's share of the quarter. */
struct hist_org {
	const char *slug, *tz;
	const char *leader;			/* email user of the leader who owns reviews and issues */
	const char *agents_team, *holders_team; /* the generated teams: cases, and the requests they ask */
	const char *agent_title, *holder_title;
	const char *location;	    /* for the generated people and the rota ("" = none) */
	const char *policy, *limit; /* a limit policy for exceptions ("" = none) and its limit name */
	const char *skill;	    /* the rota's skill ("" = no rota) */
	int cases_per_day;
	const char *const *subjects, *const *promises, *const *requests;
};

/* The seeded random numbers (splitmix64): the same quarter every time, relative to the day it is loaded. */
uint64_t hist_rand(void);
/* 0..n-1 */
int hist_pick(int n);
/* The UTC instant (ms) of local midnight days_ago days before the demo's today in tz. */
int64_t hist_day(struct demo *d, const char *tz, int days_ago);
/* RFC 3339 text of ms into buf. */
const char *hist_time(int64_t ms, char *buf, unsigned long size);
/* The email of generated person i (0..) of a team kind ('a' agents, 'h' holders) in org slug. */
const char *hist_email(char *buf, unsigned long size, const struct hist_org *o, char kind, int i);

#define HIST_AGENTS  7
#define HIST_HOLDERS 4

/* Parts of demo_history_more.c. */
void hist_people(struct demo *d, const struct hist_org *o, int days);
void hist_survey_round(struct demo *d, const struct hist_org *o, int days_ago);
void hist_exception(struct demo *d, const struct hist_org *o, const char *case_id, int owner, int64_t at);
void hist_reviews(struct demo *d, const struct hist_org *o);
void hist_alerts_read(struct demo *d, const struct hist_org *o);

#endif
