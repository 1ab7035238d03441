#ifndef FL_SVC_COACHING_H
#define FL_SVC_COACHING_H
/* Coaching notes (private between a supervisor and an employee) and legal holds
 * (svc/learning/coaching.c). */
#include "svc/svc.h"

extern const struct route coaching_routes[];

#endif
