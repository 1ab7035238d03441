#ifndef FL_SVC_REPORTS_H
#define FL_SVC_REPORTS_H
/* Reports: every GET /api/v1/reports/... route lives under svc/reports/, one file per subject.
 * Reports only read; each checks who may see it. */
#include "svc/svc.h"

extern const struct route report_promise_routes[];    /* promises.c: breaches, overdue requests, keeping, conflicts, duties */
extern const struct route report_leadership_routes[]; /* leadership.c: overdue upward */
extern const struct route report_root_cause_routes[]; /* root_causes.c: failure reviews' causes */
extern const struct route report_exception_routes[];  /* exceptions.c: exceptions by policy, team and outcome */
extern const struct route report_intake_routes[];     /* intake.c: intake credit */
extern const struct route report_calibration_routes[]; /* calibration.c: estimates against outcomes */

#endif
