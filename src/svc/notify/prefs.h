#ifndef FL_SVC_PREFS_H
#define FL_SVC_PREFS_H
/* Notification preferences (svc/notify/prefs.c): per person and alert kind, how an alert reaches
 * them (in the app only, email at once, or the daily digest), their time zone, quiet hours and
 * digest hour (GET/PATCH /api/v1/me/notifications).  Rules: core/notify_rules.h.
 *
 * Alerts are stored by svc/org/alert.c whatever the channel; the alert hook below decides, in the
 * same transaction, what else happens: an email queued at once (in the outbox with customer mail:
 * outbox_queue_notice, svc/mail/outbox.h), or a line waiting for the person's next digest, which
 * the scheduler part sends at their digest hour (through the outbox as well). */
#include "base/limits.h"
#include "svc/svc.h"

extern const struct route prefs_routes[];

/* Forget what this thread's pass kept (svc/tick.h). */
void prefs_pass_end(void);

/* The person's time zone as notifications and the web UI read it: the one they chose (*chosen = 1),
 * else their location's, else "UTC" (an unknown name also reads as "UTC").  0, or -1 with c->err
 * (404 person_not_found, or the storage error's kind).  GET /api/v1/me shows it. */
int prefs_person_tz(svc_ctx *c, const char *person_id, char tz[FL_MAX_SHORT + 1], int *chosen);

/* Alert hook (svc/hooks.h, registered in svc/registry.c). */
int prefs_on_alert(svc_ctx *c, const char *alert_id, const char *person_id, const char *kind, const char *case_id,
		   const char *message);

/* Scheduler part: every person whose digest time came gets one email with what waited. */
int prefs_digest_tick(svc_ctx *c, json_t *summary);
int prefs_digest_due(svc_ctx *c, int64_t until, int64_t *next);

#endif
