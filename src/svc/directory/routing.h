#ifndef FL_SVC_ROUTING_H
#define FL_SVC_ROUTING_H
/* Routing a case to whoever is on call (svc/directory/routing.c). */
#include "svc/svc.h"

extern const struct route routing_routes[];

/* Offer case_id from `from` (its owner, or who routes it) to the first person who can help with
 * skill_id near loc_id ("" = anywhere) now, as POST /cases/{id}/route does, without its role
 * checks: for routing a service does by itself (mail opening a case out of hours).  An offer not
 * accepted in time moves on like any routed offer.  to and offer_id get the person and the offer,
 * or "" when nobody can help now.  Returns 0 or -1 (err set). */
int routing_offer(svc_ctx *c, const char *case_id, const char *from, const char *skill_id, const char *loc_id, const char *note,
		  char offer_id[ID_SIZE], char to[ID_SIZE]);

/* Scheduler part, registered in svc/registry.c: routed offers not accepted in time move to the
 * next person on call; the person who routed them gets a notice.  Returns 0 or -1 (err set). */
int routing_tick(svc_ctx *c, json_t *summary);
int routing_tick_due(svc_ctx *c, int64_t until, int64_t *next); /* when routing_tick next has work (svc/tick.h) */

#endif
