#ifndef FL_SVC_MAILBOX_H
#define FL_SVC_MAILBOX_H
/* Mailboxes: an organization's addresses, each tied to a team queue, the person who owns the
 * cases its mail opens, and an intake location (svc/mail/mailbox.c). */
#include "svc/svc.h"

extern const struct route mailbox_routes[];

struct mailbox {
	char org_id[ID_SIZE];
	char id[ID_SIZE];
	char name[128];
	char address[256];      /* lower case */
	char display_name[256];
	char team_id[ID_SIZE];
	char owner_id[ID_SIZE];
	char location_id[ID_SIZE]; /* "" when none */
	char org_slug[128];
	char authserv_id[256]; /* whose Authentication-Results to trust; "" = none */
	char skill_id[ID_SIZE]; /* whose on-call rota takes its new cases out of hours; "" = none */
};

/* Find an active mailbox by its address over the whole installation (the mail server delivers
 * by address), or by "SLUG/NAME".  Returns 0, or -1 with ERR_NOT_FOUND "mailbox_not_found". */
int mailbox_find(svc_ctx *c, const char *ref, struct mailbox *out);
/* Load one of the actor's organization by id.  Returns 0 or -1 (ERR_NOT_FOUND). */
int mailbox_load(svc_ctx *c, const char *id, struct mailbox *out);
/* The mailbox a case's mail goes through: the one its first mail came in by, else the
 * organization's first (by name).  Returns 0, or -1 with ERR_RULE "no_mailbox". */
int mailbox_for_case(svc_ctx *c, const char *case_id, struct mailbox *out);

#endif
