#ifndef FL_ROLES_H
#define FL_ROLES_H
/* Roles of people and what each may do.  Pure functions: no storage, no clock.
 *
 * What a role may do is one table (core/roles.c): each named permission maps to the roles that
 * hold it.  Services ask role_may() (or svc_require() in svc/svc.h) and never compare roles
 * themselves.  The system actor (the scheduler, hooks and installation commands: person id
 * "system") is a column of the table like the others: it holds what the scheduler and the
 * command line must do, and nothing that needs a person (authoring, being surveyed, coaching). */

enum role { ROLE_FRONTLINE, ROLE_SUPPORT, ROLE_SUPERVISOR, ROLE_LEADER, ROLE_ADMIN, ROLE_SYSTEM };

/* Returns 0 and *out for "frontline", "support", "supervisor", "leader", "admin"; -1 otherwise. */
int role_parse(const char *s, enum role *out);
/* "frontline" ... "admin", "system"; "?" for anything else. */
const char *role_name(enum role r);

enum perm {
	PERM_MANAGE_CASES,          /* assign any case; offer, resolve or reopen a case one does not own; withdraw
				       another's offer (core/ownership.h) */
	PERM_PROPOSE_EXCEPTION,     /* propose a policy exception (customer-facing: frontline, supervisors) */
	PERM_COSIGN_EXCEPTION,      /* co-sign one (supervisors only where the organization counts them,
				       core/exception_rules.h) */
	PERM_REVIEW_EXCEPTION,      /* give an approved exception its verdict */
	PERM_AUTHOR,                /* make what names a person as its author or owner: cases, promises, articles,
				       portal and calendar links, system issues (every person; not the system) */
	PERM_MANAGE_PEOPLE,         /* add and change people, set another person's password */
	PERM_MANAGE_ORG,            /* teams, locations and their holidays */
	PERM_EDIT_SETTINGS,         /* the organization's settings */
	PERM_EDIT_TEMPLATES,        /* the suggested-words templates */
	PERM_MANAGE_LEGAL_HOLDS,    /* place, list and release legal holds */
	PERM_READ_NOTES_UNDER_HOLD, /* open coaching notes under an active legal hold */
	PERM_REVOKE_ANY_TOKEN,      /* list and revoke anyone's API tokens (everyone may their own) */
	PERM_READ_AUDIT,            /* the organization's history and its hash-chain check */
	PERM_MANAGE_POLICIES,       /* write policies; accept or reject proposed policy changes */
	PERM_SCHEDULE_SURVEY,       /* schedule a pulse survey */
	PERM_ANSWER_SURVEY,         /* be asked a pulse survey after a broken promise */
	PERM_SEE_ALL_SURVEYS,       /* list and open every survey, not only those one was asked */
	PERM_READ_SURVEY_REPORT,    /* a survey's report (with the confidentiality floor) */
	PERM_READ_PEOPLE_REPORTS,   /* the reports that name people: root causes, update duties per owner,
				       leadership */
	PERM_READ_ANY_REVIEW,       /* every failure review and anyone's review actions (others: their own) */
	PERM_EDIT_ANY_REVIEW,       /* change any failure review (others: those they own) */
	PERM_REQUEST_ON_ANY_CASE,   /* make requests on a case one does not own */
	PERM_SETTLE_ANY_PROMISE,    /* mark kept or renegotiate a promise on any case (others: the owner and
				       the owner's supervisor chain, core/ownership.h) */
	PERM_ANSWER_ANY_REQUEST,    /* act on a request as its holder without being the person or in the team */
	PERM_MANAGE_SKILLS,         /* skills and who has them */
	PERM_MANAGE_ROTAS,          /* on-call rotas and their overrides */
	PERM_WRITE_COACHING_NOTE,   /* coach (also: only people in one's reporting line, core/review_rules.h) */
	PERM_OWN_SYSTEM_ISSUE,      /* be the owner of a system issue */
	PERM_REASSIGN_SYSTEM_ISSUE, /* give a system issue another owner */
	PERM_MERGE_CUSTOMERS,       /* merge two customers into one (customer-facing people and admins) */
	PERM_EMAIL_URGENT_ALERTS,   /* escalations and broken promises reach them by email unless they chose
				       otherwise (those who lead people; core/notify_rules.h) */
	PERM_COUNT
};

/* 1 when role r holds permission p, else 0 (also for values outside the enums). */
int role_may(enum role r, enum perm p);
/* The permission's name in snake_case without the prefix ("manage_rotas"); "?" outside the enum. */
const char *perm_name(enum perm p);

#endif
