#ifndef FL_SVC_SURVEY_H
#define FL_SVC_SURVEY_H
/* Pulse surveys (svc/learning/survey.c). */
#include "svc/svc.h"

extern const struct route survey_routes[];

/* Breach hook, registered in svc/registry.c: offer the people involved in a breach a pulse
 * survey.  attribution is borrowed.  Returns 0 or -1 (err set). */
struct breach_case;
int survey_on_breach(svc_ctx *c, const struct breach_case *ca, const char *promise_id, const char *breach_id, json_t *attribution);
/* Breach batch hook (svc/hooks.h): who touched or was offered each case, read at once. */
struct breach_item;
int survey_breach_batch(svc_ctx *c, const struct breach_item *items, size_t n);

#endif
