#ifndef FL_SVC_SUGGEST_H
#define FL_SVC_SUGGEST_H
/* Suggested words for the frontline, from the case's record and the organization's templates
 * (svc/promises/suggest.c). */
#include <stddef.h>
#include <stdint.h>

#include "svc/svc.h"

extern const struct route suggest_routes[];

/* Format a time for the customer's words ("Tue 3 Mar 2026 10:00 UTC") into buf; returns buf. */
const char *words_time(int64_t ms, char *buf, size_t size);
/* The same in a time zone (IANA name; NULL or unknown = UTC): 'Mon 2 Mar 2026 19:15 Chicago time'. */
const char *words_time_in(int64_t ms, const char *tzname, char *buf, size_t size);

#endif
