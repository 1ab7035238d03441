#ifndef FL_SVC_LIVE_H
#define FL_SVC_LIVE_H
/* What changed since a point in the organization's history, for live pages (svc/org/live.c):
 * the case events after a sequence number (only those every staff member may see: nothing from
 * coaching, reviews, surveys or sessions), and the asker's own alert count.  The server's event
 * stream (http/events_stream.c) asks this route on each person's behalf, with their credentials,
 * so the stream sees exactly what the API would show them. */
#include "svc/svc.h"

extern const struct route live_routes[];

#endif
