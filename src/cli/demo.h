#ifndef FL_DEMO_H
#define FL_DEMO_H
/* The demo loader: the organizations, people and customers of the five stories
 * (../shared/SCENARIOS.md), and then each capability's part (promises, exceptions, ...), all made
 * through the same routes as the API, so the demo is also a smoke test of them.  Every demo person
 * signs in with the password DEMO_PASSWORD. */
#include <jansson.h>

#include "svc/svc.h"

#define DEMO_PASSWORD "frontline-demo"

struct demo {
	svc_ctx c;
	fl_clock clock;
	json_t *ids; /* remembered ids by name: "vendor-co/case:sam" -> "case_..." */
};

/* Switch the acting person (by email) in the current organization; dies if unknown. */
void demo_as(struct demo *d, const char *email);
/* Switch organization (by slug) and act as its admin. */
void demo_org(struct demo *d, const char *slug);
/* Set the demo's clock: local wall time `hhmm` ("15:00") `days_ago` days before today, in tz. */
void demo_at(struct demo *d, int days_ago, const char *hhmm, const char *tz);
/* Set d up to act on dbh with the real clock, at now, remembering no ids yet (free d->ids). */
void demo_init(struct demo *d, db *dbh);
/* Open the database at url for a seeder (made when missing, then migrated), then demo_init: 0,
 * or -1 after printing why. */
int demo_open(struct demo *d, const char *url);
/* demo_at, then demo_as: the next step happens then, done by email. */
void demo_at_as(struct demo *d, int days_ago, const char *hhmm, const char *tz, const char *email);
/* Call a route as the current actor; body is stolen (NULL = {}).  Dies with the error on failure.
 * Returns the response (caller frees). */
json_t *demo_call(struct demo *d, const char *method, const char *path, json_t *body);
/* Same, for a path built with printf formatting. */
json_t *demo_callf(struct demo *d, const char *method, json_t *body, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Remember / recall ids by name. */
void demo_remember(struct demo *d, const char *name, const char *id);
const char *demo_id(struct demo *d, const char *name);
/* Open a case as the current person for the customer remembered as `customer`, through channel,
 * with its first touchpoint's summary; remember its id as `name` and return it (borrowed: valid
 * while d->ids holds it). */
const char *demo_case(struct demo *d, const char *name, const char *customer, const char *channel, const char *subject,
		      const char *summary);
/* Run one scheduler pass at the demo's current time. */
void demo_tick(struct demo *d);

/* The parts, in order (cli/demo.c lists them). */
void demo_people(struct demo *d);
void demo_promises(struct demo *d);
void demo_exceptions(struct demo *d);
void demo_learning(struct demo *d);
void demo_directory(struct demo *d);
void demo_email(struct demo *d); /* cli/demo_email.c */
void demo_recognition(struct demo *d); /* cli/demo_recognition.c */
void demo_notify(struct demo *d); /* cli/demo_notify.c */
void demo_estimates_history(struct demo *d); /* cli/demo_estimates.c: before the promises */
void demo_estimates(struct demo *d);
void demo_queues(struct demo *d); /* cli/demo_queues.c */
/* The quarter before the stories (cli/demo_history.c): `days` days of generated history (0 = none). */
void demo_history(struct demo *d, int days);

#endif
