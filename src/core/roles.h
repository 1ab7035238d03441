#ifndef FL_ROLES_H
#define FL_ROLES_H
/* Roles of people and what each may do.  Pure functions: no storage, no clock. */

enum role { ROLE_FRONTLINE, ROLE_SUPPORT, ROLE_SUPERVISOR, ROLE_LEADER, ROLE_ADMIN, ROLE_SYSTEM };

/* Returns 0 and *out for "frontline", "support", "supervisor", "leader", "admin"; -1 otherwise. */
int role_parse(const char *s, enum role *out);
const char *role_name(enum role r);
/* frontline and supervisor face customers; support is back office; leader and admin do not. */
int role_customer_facing(enum role r);
/* supervisors, leaders and admins may assign cases and see team queues. */
int role_manages(enum role r);

#endif
