#include "core/roles.h"

#include <string.h>

static const char *const NAMES[] = {"frontline", "support", "supervisor", "leader", "admin", "system"};

int role_parse(const char *s, enum role *out)
{
	for (int i = 0; i <= ROLE_ADMIN; i++) {
		if (s && strcmp(s, NAMES[i]) == 0) {
			*out = (enum role)i;
			return 0;
		}
	}
	return -1;
}

const char *role_name(enum role r)
{
	return (unsigned)r <= ROLE_SYSTEM ? NAMES[r] : "?";
}

#define FRONT (1u << ROLE_FRONTLINE)
#define SUPPORT (1u << ROLE_SUPPORT)
#define SUPER (1u << ROLE_SUPERVISOR)
#define LEAD (1u << ROLE_LEADER)
#define ADMIN (1u << ROLE_ADMIN)
#define SYS (1u << ROLE_SYSTEM)
#define PEOPLE (FRONT | SUPPORT | SUPER | LEAD | ADMIN)

/* The permission table: who may do what.  tests/unit/test_roles.c prints and pins it. */
static const struct {
	const char *name;
	unsigned roles;
} PERMS[PERM_COUNT] = {
	[PERM_MANAGE_CASES] = {"manage_cases", SUPER | ADMIN | SYS},
	[PERM_PROPOSE_EXCEPTION] = {"propose_exception", FRONT | SUPER},
	[PERM_COSIGN_EXCEPTION] = {"cosign_exception", FRONT | SUPER},
	[PERM_REVIEW_EXCEPTION] = {"review_exception", SUPER | LEAD | SYS},
	[PERM_AUTHOR] = {"author", PEOPLE},
	[PERM_MANAGE_PEOPLE] = {"manage_people", ADMIN | SYS},
	[PERM_MANAGE_ORG] = {"manage_org", ADMIN | SYS},
	[PERM_EDIT_SETTINGS] = {"edit_settings", ADMIN | SYS},
	[PERM_EDIT_TEMPLATES] = {"edit_templates", ADMIN | SYS},
	[PERM_MANAGE_LEGAL_HOLDS] = {"manage_legal_holds", ADMIN | SYS},
	[PERM_READ_NOTES_UNDER_HOLD] = {"read_notes_under_hold", ADMIN},
	[PERM_REVOKE_ANY_TOKEN] = {"revoke_any_token", ADMIN},
	[PERM_READ_AUDIT] = {"read_audit", LEAD | ADMIN | SYS},
	[PERM_MANAGE_POLICIES] = {"manage_policies", LEAD | ADMIN | SYS},
	[PERM_SCHEDULE_SURVEY] = {"schedule_survey", LEAD | ADMIN | SYS},
	[PERM_ANSWER_SURVEY] = {"answer_survey", FRONT | SUPPORT | SUPER},
	[PERM_SEE_ALL_SURVEYS] = {"see_all_surveys", SUPER | LEAD | ADMIN | SYS},
	[PERM_READ_SURVEY_REPORT] = {"read_survey_report", SUPER | LEAD | ADMIN | SYS},
	[PERM_READ_PEOPLE_REPORTS] = {"read_people_reports", SUPER | LEAD | ADMIN | SYS},
	[PERM_READ_ANY_REVIEW] = {"read_any_review", SUPER | LEAD | ADMIN | SYS},
	[PERM_EDIT_ANY_REVIEW] = {"edit_any_review", LEAD | ADMIN | SYS},
	[PERM_REQUEST_ON_ANY_CASE] = {"request_on_any_case", SUPER | ADMIN | SYS},
	[PERM_SETTLE_ANY_PROMISE] = {"settle_any_promise", ADMIN | SYS},
	[PERM_ANSWER_ANY_REQUEST] = {"answer_any_request", SYS},
	[PERM_MANAGE_SKILLS] = {"manage_skills", SUPER | ADMIN | SYS},
	[PERM_MANAGE_ROTAS] = {"manage_rotas", SUPER | ADMIN | SYS},
	[PERM_WRITE_COACHING_NOTE] = {"write_coaching_note", SUPER | LEAD},
	[PERM_OWN_SYSTEM_ISSUE] = {"own_system_issue", LEAD},
	[PERM_REASSIGN_SYSTEM_ISSUE] = {"reassign_system_issue", LEAD | ADMIN | SYS},
	[PERM_MERGE_CUSTOMERS] = {"merge_customers", FRONT | SUPER | ADMIN},
	[PERM_EMAIL_URGENT_ALERTS] = {"email_urgent_alerts", SUPER | LEAD | ADMIN},
};

int role_may(enum role r, enum perm p)
{
	if ((unsigned)r > ROLE_SYSTEM || (unsigned)p >= PERM_COUNT)
		return 0;
	return (PERMS[p].roles >> r) & 1u;
}

const char *perm_name(enum perm p)
{
	return (unsigned)p < PERM_COUNT ? PERMS[p].name : "?";
}
