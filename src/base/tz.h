#ifndef FL_TZ_H
#define FL_TZ_H
/* Time zones from the TZ database (/usr/share/zoneinfo), read by our own small TZif reader so
 * that conversions are thread-safe and never touch the process environment (no setenv("TZ")).
 *
 * A tz_zone is immutable once loaded.  tz_get() keeps loaded zones in a process-wide cache
 * guarded by a mutex and returns a borrowed pointer that stays valid until the process ends.
 *
 * "Local seconds" are the seconds since 1970-01-01 00:00 on the local wall clock, i.e. the wall
 * time read as if it were UTC; tz_local_to_utc() maps them back to instants. */
#include <stddef.h>
#include <stdint.h>

typedef struct tz_zone tz_zone;

/* Parse TZif data (versions 1-4; the 64-bit part and the POSIX footer when present).
 * Returns a new zone (free with tz_free) or NULL when the data is not TZif. */
tz_zone *tz_parse(const unsigned char *buf, size_t len);
void tz_free(tz_zone *z);

/* The zone named `name` (IANA name such as "America/Chicago", or "UTC"), loaded once from
 * /usr/share/zoneinfo and cached.  NULL when the name is unknown or unsafe (.., leading /).
 * Borrowed: never free it.  Thread-safe. */
const tz_zone *tz_get(const char *name);

/* Offset from UTC (seconds east) in force at the UTC instant t (seconds); *is_dst (may be NULL)
 * tells whether it is daylight-saving time. */
int32_t tz_offset_at(const tz_zone *z, int64_t t, int *is_dst);

/* Instants (UTC seconds) whose local wall time is `local`.  Returns how many (0, 1 or 2) and
 * writes them in increasing order to out: 0 = the wall time does not exist (spring-forward gap),
 * 2 = it happens twice (fall-back fold). */
int tz_local_to_utc(const tz_zone *z, int64_t local, int64_t out[2]);

/* The instant of local wall time `local`, resolving a gap forward (the wall time as read with the
 * offset before the change, which lands after the gap) and a fold to its first occurrence. */
int64_t tz_resolve(const tz_zone *z, int64_t local);

/* Civil date helpers (proleptic Gregorian). */
int64_t tz_days_from_civil(int64_t y, unsigned m, unsigned d);
void tz_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);
/* 0 = Monday ... 6 = Sunday for days since 1970-01-01 (a Thursday). */
int tz_weekday(int64_t days);
/* Floor division helper. */
int64_t tz_floordiv(int64_t a, int64_t b);

#endif
