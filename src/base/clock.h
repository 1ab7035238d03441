#ifndef FL_CLOCK_H
#define FL_CLOCK_H
#include <stdint.h>

/* The one source of time: UTC milliseconds since the epoch.  A manual clock (tests only)
 * stays where it is set until set or advanced; it is safe to read from several threads. */
typedef struct fl_clock {
	int manual;
	_Atomic int64_t now_ms; /* manual clocks only */
} fl_clock;

void clock_init_real(fl_clock *c);
void clock_init_manual(fl_clock *c, int64_t start_ms);
int64_t clock_now(fl_clock *c);
/* Manual clocks only; return -1 on a real clock or when moving backwards. */
int clock_set(fl_clock *c, int64_t ms);
int clock_advance(fl_clock *c, int64_t delta_ms);

/* ISO 8601 / RFC 3339 "2026-11-25T15:00:00Z", "...T15:00:00.123+01:00".  Returns 0 on success. */
int time_parse(const char *s, int64_t *out_ms);
/* Writes "YYYY-MM-DDTHH:MM:SS.mmmZ" into buf (at least 32 bytes). */
const char *time_format(int64_t ms, char *buf, unsigned long size);

#define FL_HOUR_MS (3600LL * 1000)
#define FL_MIN_MS (60LL * 1000)
#define FL_DAY_MS (24 * FL_HOUR_MS)

#endif
