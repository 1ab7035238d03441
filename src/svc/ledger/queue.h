#ifndef FL_SVC_QUEUE_H
#define FL_SVC_QUEUE_H
/* The Cases page (svc/ledger/queue.c): views with counts, filters and sorts, saved views per
 * person, bulk actions on selected cases.  Beside GET /api/v1/cases (the plain list and search),
 * which it does not change. */
#include "svc/svc.h"

#define QUEUE_BULK_MAX 100 /* cases in one bulk action */

extern const struct route queue_routes[];

#endif
