#ifndef FL_SVC_ALERT_H
#define FL_SVC_ALERT_H
/* Alerts: what a person must look at (svc/org/alert.c).  Every function runs inside the caller's
 * transaction and returns 0 or -1 with c->err set. */
#include "svc/svc.h"

extern const struct route alert_routes[];

/* Store an alert for a person; message is printf-formatted. */
int alert_add(svc_ctx *c, const char *person_id, const char *kind, const char *case_id, const char *entity_type,
	      const char *entity_id, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
/* My unread alerts (not dismissed): 0 and *n, or -1 with the storage error. */
int alert_unread(svc_ctx *c, int64_t *n);
/* Alert every active member of a team. */
int alert_team(svc_ctx *c, const char *team_id, const char *kind, const char *case_id, const char *entity_type,
	       const char *entity_id, const char *message);
/* The same in two steps, for a caller alerting one team many times (a scheduler pass): *ids (new)
 * gets the team's active members (empty for no team), then alert_people alerts each of ids. */
int alert_team_members(svc_ctx *c, const char *team_id, json_t **ids);
int alert_people(svc_ctx *c, json_t *ids, const char *kind, const char *case_id, const char *entity_type, const char *entity_id,
		 const char *message);

#endif
