#ifndef FL_ICAL_H
#define FL_ICAL_H
/* iCalendar (RFC 5545) text for on-call shifts: a VCALENDAR of VEVENTs with UTC times.
 * Text values are escaped (\\ ; , newline) and lines are folded at 75 octets without splitting
 * a UTF-8 character; lines end with CRLF. */
#include <stddef.h>
#include <stdint.h>

struct ical_event {
	const char *uid;         /* stable identifier, e.g. "rota_x-primary-1741010000000@frontline" */
	int64_t start, end;      /* UTC ms */
	const char *summary;     /* e.g. "On call: billing (primary) - Rosa Alvarez" */
	const char *description; /* may be NULL */
	const char *location;    /* may be NULL */
};

/* The whole calendar named `name`, stamped at `stamp` (UTC ms).  A DATE-TIME has years 0000-9999:
 * events wholly outside are left out, and times outside are moved to the nearest end.
 * Returns a new string. */
char *ical_calendar(const char *name, const struct ical_event *ev, size_t n, int64_t stamp);

#endif
