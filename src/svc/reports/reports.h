#ifndef FL_SVC_REPORTS_H
#define FL_SVC_REPORTS_H
/* Reports: every GET /api/v1/reports/... route lives under svc/reports/, one file per subject.
 * Reports only read; each checks who may see it. */
#include <stdint.h>

#include "base/limits.h"
#include "svc/svc.h"

/* Whole UTC days of a range [from, to): [*df, *dt) in ms, so that the range is [from, df) + whole
 * days + [dt, to); with no whole day both are `to`.  Reports read whole days from their daily
 * rollups and the partial days at the edges from the rows. */
static inline void report_whole_days(int64_t from, int64_t to, int64_t *df, int64_t *dt)
{
	*df = (from + FL_DAY_MS - 1) / FL_DAY_MS * FL_DAY_MS;
	*dt = to / FL_DAY_MS * FL_DAY_MS;
	if (*dt <= *df)
		*df = *dt = to;
}

extern const struct route report_promise_routes[];    /* promises.c: breaches, overdue requests, keeping, conflicts, duties */
extern const struct route report_leadership_routes[]; /* leadership.c: overdue upward */
extern const struct route report_root_cause_routes[]; /* root_causes.c: failure reviews' causes */
extern const struct route report_exception_routes[];  /* exceptions.c: exceptions by policy, team and outcome */
extern const struct route report_intake_routes[];     /* intake.c: intake credit */
extern const struct route report_calibration_routes[]; /* calibration.c: estimates against outcomes */

#endif
