#ifndef FL_SVC_EXCEPTION_READ_H
#define FL_SVC_EXCEPTION_READ_H
/* Reading exceptions: one by id, a case's, the list with its filters (waiting_for_me: my day), and
 * their JSON (svc/exceptions/exception_read.c).  Changing them is exception.c. */
#include "core/exception_rules.h"
#include "svc/svc.h"

extern const struct route exception_read_routes[];

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
 * "exception_not_found" otherwise (also for another organization's id), or with a storage error. */
int exc_load(svc_ctx *c, const char *id, struct exc_row *out);
/* The rules' view of a loaded row (pointers into row). */
struct exc_state exc_state_of(const struct exc_row *row);
/* The whole exception as JSON (new reference), or JSON null when absent. */
json_t *exc_json(svc_ctx *c, const char *id);
/* *out = the whole exception (new reference): 0, or -1 with 500 storage_error when it can't be
 * read back. */
int exc_reply(svc_ctx *c, const char *id, json_t **out);

/* Registered in svc/registry.c: adds "actions" and "exceptions" to the case view. */
int exception_case_view(svc_ctx *c, const char *case_id, json_t *view);

#endif
