#ifndef FL_SVC_EXCEPTION_H
#define FL_SVC_EXCEPTION_H
/* Out-of-policy exceptions, changed: propose, co-sign (approved and applied at the last required
 * signature, in the same transaction), withdraw, edit before anyone signs
 * (svc/exceptions/exception.c).  Reading them is exception_read.h; their expiry and the resolve
 * hook are exception_tick.h; the decisions are core/exception_rules.h. */
#include "svc/svc.h"

extern const struct route exception_routes[];

#endif
