#ifndef FL_SVC_CALENDAR_H
#define FL_SVC_CALENDAR_H
/* On-call coverage gaps, the iCalendar feed and secret calendar links (svc/directory/calendar.c). */
#include "svc/svc.h"

extern const struct route calendar_routes[];

#endif
