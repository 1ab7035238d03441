#ifndef FL_SVC_DAY_H
#define FL_SVC_DAY_H
/* My day in one read (svc/org/day.c): GET /api/v1/me/day answers, in one transaction, the lists
 * the web UI's My day shows (offers, alerts, the open cases I own with their promises and update
 * duties, requests I owe, exceptions to co-sign, reviews, review actions, surveys, system issues,
 * coaching notes, recognition and thanks).  Each list is its own route's answer, run as the asker
 * through the router (router_call), so it holds exactly what that route would show them; a list
 * they may not read is null.  The page made about twenty requests for these before. */
#include "svc/svc.h"

extern const struct route day_routes[];

#endif
