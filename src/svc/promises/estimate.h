#ifndef FL_SVC_ESTIMATE_H
#define FL_SVC_ESTIMATE_H
/* What can we honestly promise (svc/promises/estimate.c): the estimate of a team's requests of a
 * kind, from the rollups kept when requests complete (core/estimate.h does the arithmetic), and the
 * estimate recorded with a promise or a request when it is made.  GET /api/v1/estimates answers the
 * same estimate the promise form shows.  Every function runs inside the caller's transaction and
 * returns 0 or -1 with c->err set. */
#include "base/limits.h"
#include "core/estimate.h"
#include "svc/svc.h"

extern const struct route estimate_routes[];

struct estimate {
	char team_id[ID_SIZE], team[FL_MAX_NAME + 1], kind[FL_MAX_SHORT + 1];
	char location_id[ID_SIZE], tz[FL_MAX_SHORT + 1];
	int bucket, threshold_pct;
	int64_t at, due;
	struct est_result r;
	char evidence[600];
	json_t *json; /* the answer (owned; estimate_release frees it) */
};
void estimate_release(struct estimate *e);

/* The estimate for team_id's requests of kind ("" = none given) made at `at`, against the due time
 * due (0 = none) into e (release it). */
int estimate_make(svc_ctx *c, const char *team_id, const char *kind, int64_t at, int64_t due, struct estimate *e);

/* The team whose history a request or promise held by person (or team) belongs to: the team, or the
 * person's team.  "" when neither has one. */
int estimate_team_of(svc_ctx *c, const char *person_id, const char *team_id, char team[ID_SIZE]);

/* Record e as the estimate of subject_id (a promise or request of case_id), with its event. */
int estimate_record(svc_ctx *c, const char *subject_id, const char *case_id, const struct estimate *e);
/* The recorded estimate of subject_id as JSON (new), or JSON null. */
json_t *estimate_recorded(svc_ctx *c, const char *subject_id);
/* The same from a row of ESTIMATE_RECORDED_COLS (estimates e), for a statement reading many. */
#define ESTIMATE_RECORDED_COLS                                                                                       \
	"e.team_id, e.kind, e.made_at, e.due_at, e.level, e.samples, e.probability_pm, e.by50, e.by80, e.by95, " \
	"e.threshold_pct, e.warned, e.evidence"
#define ESTIMATE_RECORDED_NCOLS 13
json_t *estimate_recorded_row(svc_ctx *c, db_res *r);

/* A promise was made: when a team delivers it, estimate and record; *est gets the recorded
 * estimate (new; JSON null when nothing was estimated), unless est is NULL (the caller reads it
 * with the promise: no second read). */
int estimate_on_promise(svc_ctx *c, const char *case_id, const char *promise_id, const char *deliver_person,
			const char *deliver_team, const char *kind, int64_t due, json_t **est);
/* A request was made (its row written): remember its kind, team and the team's load, estimate and
 * record; *est as above. */
int estimate_on_request(svc_ctx *c, const char *request_id, const char *kind, json_t **est);
/* A request was completed: its business duration joins the rollups. */
int estimate_on_complete(svc_ctx *c, const char *request_id);
/* A request was declined or deferred citing policy_id: a policy risk for its team and kind. */
int estimate_on_policy(svc_ctx *c, const char *request_id, const char *policy_id);

#endif
