#ifndef FL_SVC_EXCEPTION_H
#define FL_SVC_EXCEPTION_H
/* Case actions judged by policy and out-of-policy exceptions (svc/exceptions/exception.c). */
#include "core/exception_rules.h"
#include "svc/svc.h"

extern const struct route exception_routes[];

#define EXC_MAX_SIGNERS 8 /* exception.cosigners is at most 5 */

/* An exceptions row, as the services need it. */
struct exc_row {
	char id[ID_SIZE];
	char case_id[ID_SIZE];
	char policy_id[ID_SIZE];
	long long policy_version;
	char kind[16];
	char proposer_id[ID_SIZE];
	char status[16];
	char review_status[16];
	int needed, signatures;
	int64_t expires_at;
	char signer_ids[EXC_MAX_SIGNERS][ID_SIZE];
	const char *signers[EXC_MAX_SIGNERS];
	size_t nsigners;
};

/* Load an exception of the actor's organization with its co-signers; -1 with ERR_NOT_FOUND
 * "exception_not_found" otherwise (also for another organization's id). */
int exc_load(svc_ctx *c, const char *id, struct exc_row *out);
/* The rules' view of a loaded row (pointers into row). */
struct exc_state exc_state_of(const struct exc_row *row);
/* The whole exception as JSON (new reference), or JSON null when absent. */
json_t *exc_json(svc_ctx *c, const char *id);
/* {id, name, version} of a policy (new reference). */
json_t *exc_policy_brief(svc_ctx *c, const char *policy_id, long long version);

/* Registered in svc/registry.c. */
int exception_case_view(svc_ctx *c, const char *case_id, json_t *view); /* adds "actions", "exceptions" */
int exception_tick(svc_ctx *c, json_t *summary);                       /* expires exceptions past their window */
int exception_tick_due(svc_ctx *c, int64_t until, int64_t *next);        /* when the next one expires */
int exception_resolve_hook(svc_ctx *c, const char *case_id, json_t *in); /* withdraws those still proposed */

#endif
