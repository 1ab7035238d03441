#ifndef FL_SVC_EXCEPTION_REVIEW_H
#define FL_SVC_EXCEPTION_REVIEW_H
/* The review of exceptions (adopt, one-off, coach) and the policy change proposals reviews open
 * (svc/exceptions/exception_review.c). */
#include "svc/svc.h"

extern const struct route exception_review_routes[];

#endif
