#ifndef FL_SVC_AUDIT_H
#define FL_SVC_AUDIT_H
/* The organization's history and its hash-chain check over HTTP (svc/org/audit.c). */
#include "svc/svc.h"

extern const struct route audit_routes[];

#endif
