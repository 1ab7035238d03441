#ifndef FL_SVC_INSTALL_H
#define FL_SVC_INSTALL_H
/* Creating an organization with its first admin (svc/org/install.c): `frontline org create`.  Kept
 * apart from svc/org/org.c because it creates a person (svc/directory/people.h), which itself
 * refers to teams and locations (svc/org/org.h). */
#include "svc/svc.h"

extern const struct route install_routes[];

#endif
