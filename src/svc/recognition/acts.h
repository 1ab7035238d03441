#ifndef FL_SVC_ACTS_H
#define FL_SVC_ACTS_H
/* Ownership acts recognised from the record (svc/recognition/acts.c; the rules are core/recognition.h).
 * recognition_on_event runs after every event in the event's transaction (the event hooks of
 * svc/hooks.h): for the events that can show an act it gathers the facts, asks the rule, records the
 * act (once per kind, subject and person), counts it on the scorecard and appends a
 * "recognition.recognised" event to the case.  It also keeps the scorecard's other measures
 * (promises kept, breaches attributed, update duties). */
#include "svc/svc.h"

extern const struct route acts_routes[];

int recognition_on_event(svc_ctx *c, const char *actor_id, const char *kind, const char *entity_type,
			 const char *entity_id, const char *case_id, json_t *data);
/* Breach batch hook (svc/hooks.h): who held each breach of the batch, read at once for the
 * breach.recorded events that follow. */
struct breach_item;
int recognition_breach_batch(svc_ctx *c, const struct breach_item *items, size_t n);

#endif
