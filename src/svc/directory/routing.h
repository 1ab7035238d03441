#ifndef FL_SVC_ROUTING_H
#define FL_SVC_ROUTING_H
/* Routing a case to whoever is on call (svc/directory/routing.c). */
#include "svc/svc.h"

extern const struct route routing_routes[];

/* Scheduler part, registered in svc/registry.c: routed offers not accepted in time move to the
 * next person on call; the person who routed them gets a notice.  Returns 0 or -1 (err set). */
int routing_tick(svc_ctx *c, json_t *summary);
int routing_tick_due(svc_ctx *c, int64_t until, int64_t *next); /* when routing_tick next has work (svc/tick.h) */

#endif
