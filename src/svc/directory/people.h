#ifndef FL_SVC_PEOPLE_H
#define FL_SVC_PEOPLE_H
/* People of an organization (svc/directory/people.c). */
#include "core/roles.h"
#include "svc/svc.h"

extern const struct route people_routes[];

/* Create a person from a people-create body; *out gets the person. */
int people_create(svc_ctx *c, json_t *in, json_t **out);
/* Load a person's role and team; returns 0, or -1 with ERR_NOT_FOUND. */
int people_role(svc_ctx *c, const char *person_id, enum role *role, char team_id[ID_SIZE], int *active);

#endif
