#ifndef FL_ROTA_H
#define FL_ROTA_H
/* On-call rota arithmetic: pure functions over plain structs and a time zone.
 *
 * A layer (primary, secondary ...) of a rota hands over from one member to the next every
 * period_days at a local wall time (handoff_min after local midnight) in the rota's time zone,
 * starting on local date start_day with member 0 (who also covers the lead_days before it, from
 * local midnight: a rota started on another weekday than its hand-over's is covered from its
 * start, not only from its first hand-over).  Hand-overs follow the wall clock across
 * daylight-saving changes, so a weekly shift that spans a change is 167 or 169 hours long.
 * Optional weekly windows restrict a layer to some hours (a weekday rota 09:00-17:00); a window
 * whose end is not after its start runs past midnight into the next day.  Overrides are one-off
 * intervals in which another person covers the layer (cover for absence); they win over the
 * rotation and its windows.
 *
 * All instants are UTC milliseconds.  Window edges that fall in a spring-forward gap move to the
 * end of the gap and edges in a fall-back fold take the first occurrence; hand-over times that
 * do not exist are refused by rota_check (they must be moved by the person who plans the rota). */
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/tz.h"

#define ROTA_MAX_WINDOWS 14
#define ROTA_MAX_MEMBERS 100
#define ROTA_OVERRIDE 1000000 /* rota_interval.who of an override: ROTA_OVERRIDE + its index */
#define ROTA_MAX_LEAD_DAYS 6  /* member 0 covers at most this many days before the first hand-over */

struct rota_window {
	unsigned days;    /* bit 0 = Monday ... bit 6 = Sunday: the days the window starts on */
	int from_min;     /* minutes after local midnight */
	int to_min;       /* end; <= from_min: past midnight (== from_min: 24 hours) */
};

struct rota_layer {
	int nmembers;      /* >= 1 */
	int64_t start_day; /* local date of the first hand-over, days since 1970-01-01 */
	int lead_days;     /* 0..ROTA_MAX_LEAD_DAYS: member 0 covers from local midnight this many days before start_day */
	int handoff_min;   /* hand-over time, minutes after local midnight */
	int period_days;   /* 1..28; 7 = weekly */
	int nwindows;      /* 0 = around the clock */
	struct rota_window windows[ROTA_MAX_WINDOWS];
};

struct rota_interval {
	int64_t start, end; /* [start, end) UTC ms */
	int who;            /* member index, or ROTA_OVERRIDE + override index; -1 in gaps */
};

/* "09:30" -> 570; -1 when not HH:MM in 00:00..23:59 ("24:00" is accepted as 1440 when allow_24). */
int rota_parse_hhmm(const char *s, int allow_24);
/* "mon".."sun" (also full English names) -> 0..6; -1 otherwise. */
int rota_parse_day(const char *s);
/* "2026-03-02" -> days since 1970-01-01; -1 with nothing written when invalid. */
int rota_parse_date(const char *s, int64_t *days);
/* days since 1970-01-01 -> "2026-03-02" (the inverse of rota_parse_date). */
#define ROTA_DATE_SIZE 16
void rota_format_date(int64_t days, char out[ROTA_DATE_SIZE]);

/* The k-th hand-over instant (k >= 0). */
int64_t rota_handover(const tz_zone *z, const struct rota_layer *l, int64_t k);
/* When the layer's cover begins: local midnight lead_days before the first hand-over's date, or the
 * first hand-over when lead_days is 0. */
int64_t rota_begins(const tz_zone *z, const struct rota_layer *l);
/* Index of the hand-over in force at t (largest k with handover(k) <= t), or -1 before the first
 * (in the lead-in, member 0 covers though no hand-over has happened). */
int64_t rota_index_at(const tz_zone *z, const struct rota_layer *l, int64_t t);

/* Refuse a layer whose hand-over wall time does not exist (spring-forward gap) on some hand-over
 * day in [from, to): ERR_INVALID "handover_time_nonexistent" naming the date.  Also checks the
 * shape (members, period, minutes): "invalid_rota".  Returns 0 or -1 with err. */
int rota_check(const tz_zone *z, const struct rota_layer *l, int64_t from, int64_t to, fl_err *err);

/* Two intervals overlap (share some instant). */
int rota_overlap(const struct rota_interval *a, const struct rota_interval *b);

/* The shifts of a layer in [from, to): the rotation cut to its windows, minus the overrides,
 * plus the overrides (clipped to [from, to)); sorted by start, not overlapping when the overrides
 * don't overlap each other.  Returns the count; *out is a new array (caller frees; NULL when 0). */
size_t rota_shifts(const tz_zone *z, const struct rota_layer *l, const struct rota_interval *ov, size_t nov, int64_t from,
		   int64_t to, struct rota_interval **out);

/* Who covers the layer at t: the shift containing t (written to *shift, which ends when that
 * person's cover ends or at t + 8 days, whichever is first).  Returns 1, or 0 when nobody. */
int rota_who_at(const tz_zone *z, const struct rota_layer *l, const struct rota_interval *ov, size_t nov, int64_t t,
		struct rota_interval *shift);

/* Drop from iv (in place, order kept) the shifts of people who are absent from the organization
 * (deactivated): absent[i] for member i of the layer (i < nmembers), absent[nmembers + k] for
 * override k.  Their time is a gap, not cover.  Returns the new count. */
size_t rota_keep_present(struct rota_interval *iv, size_t n, const unsigned char *absent, int nmembers);
/* 1 when the shift's person is absent (see rota_keep_present). */
int rota_is_absent(const struct rota_interval *shift, const unsigned char *absent, int nmembers);

/* Sort iv (in place) and return the gaps of their union within [from, to).  Returns the count;
 * *out is a new array (caller frees; NULL when 0), who = -1. */
size_t rota_gaps(struct rota_interval *iv, size_t n, int64_t from, int64_t to, struct rota_interval **out);

/* Opening hours of one day: "09:00-17:00", several ranges "09:00-12:00,13:00-17:30", "closed" or "".
 * Returns 1 when minute (after local midnight) is inside a range, 0 when not, -1 when the text is
 * not valid (ranges must end after they start and come in order without overlapping; "24:00" is
 * allowed as an end). */
int rota_hours_open(const char *ranges, int minute);

#endif
