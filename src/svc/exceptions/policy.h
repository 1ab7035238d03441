#ifndef FL_SVC_POLICY_H
#define FL_SVC_POLICY_H
/* The policy catalogue, versioned (svc/exceptions/policy.c). */
#include "svc/svc.h"

extern const struct route policy_routes[];

struct policy_row {
	char id[ID_SIZE];
	char name[256];
	char kind[16];
	char owner_id[ID_SIZE];
	long long version;
	json_t *limits; /* new reference; caller decrefs */
};

/* Find a policy by id or exact name in the actor's organization. */
int policy_ref(svc_ctx *c, const char *ref, const char *field, struct policy_row *out);
/* The policy as JSON (with its versions when with_versions); JSON null when absent. */
json_t *policy_json(svc_ctx *c, const char *id, int with_versions);
/* {id, name, version} of a policy (new reference; name "" when the policy is gone). */
json_t *policy_brief(svc_ctx *c, const char *policy_id, long long version);
/* 0 with *active (1 when the policy is active or gone), or -1 (err set). */
int policy_active(svc_ctx *c, const char *policy_id, int *active);

#endif
