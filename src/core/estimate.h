#ifndef FL_ESTIMATE_H
#define FL_ESTIMATE_H
/* What can we honestly promise: how likely a holder (a team, at its location) is to finish a kind
 * of request by a proposed due time, and the times it is 50/80/95% likely by.  Pure functions over
 * plain structs: the service loads the rollups and the holder's business calendar, this file does
 * the arithmetic (docs/promises.md, "Estimates").
 *
 * Durations are business time: the milliseconds the holder was open (opening hours minus holidays,
 * plus on-call cover) between a request's creation and its completion.  They are counted in
 * histograms with log-spaced bins (EST_BINS_PER_DOUBLING per doubling of minutes), one histogram per
 * level:
 *   EST_BUCKET  holder + kind + time bucket (weekday x hour bucket in the holder's local time)
 *   EST_KIND    holder + kind
 *   EST_HOLDER  holder
 *   EST_ORG     the whole organization
 * Each sample's weight doubles every EST_HALF_LIFE_WEEKS ("forward decay": est_weight(t) depends on
 * the completion time only, so a rollup is a plain sum and recent weeks count more at any later
 * reading).  The estimate uses the first level with at least min_samples samples and names it; with
 * none it says "not enough history" and gives no figure at all. */
#include <stddef.h>
#include <stdint.h>

#include "base/tz.h"

#define EST_BINS	      160 /* bin 0: under a minute; bin i: [2^((i-1)/8), 2^(i/8)) minutes */
#define EST_BINS_PER_DOUBLING 8
#define EST_HALF_LIFE_WEEKS   8
#define EST_RECENT	      10		    /* the last completions kept for the evidence sentence */
#define EST_BUCKETS	      28		    /* 7 weekdays x 4 hour buckets */
#define EST_HORIZON_MS	      (60LL * 86400 * 1000) /* likely-by times further out are not given */

enum est_level {
	EST_BUCKET,
	EST_KIND,
	EST_HOLDER,
	EST_ORG,
	EST_NONE
};

/* One level's rollup. */
struct est_hist {
	int64_t n;	    /* samples counted */
	double w[EST_BINS]; /* sum of est_weight() of the samples in each bin */
	int nrecent;	    /* the last completions, newest first (business ms) */
	int64_t recent[EST_RECENT];
};

/* A holder's business time from some instant on: sorted, disjoint open spans; `always` when the
 * holder has neither opening hours nor on-call cover (then every instant is open). */
struct est_span {
	int64_t start, end; /* [start, end) UTC ms */
};
struct est_calendar {
	int always;
	const struct est_span *open;
	size_t n;
};

struct est_input {
	int64_t now;			 /* the promise is made (the work starts) now */
	int64_t due;			 /* the proposed due time; 0 = none proposed */
	const struct est_hist *level[4]; /* by enum est_level; NULL = no rollup */
	int64_t min_samples;		 /* a level needs at least this many */
	double threshold;		 /* warn below this probability (0..1) */
	double open_now;		 /* the holder's outstanding requests now */
	double usual_open;		 /* ... usually (at creation of the requests counted); < 0 unknown */
	const struct est_calendar *cal;	 /* the holder's business time from now on */
};

struct est_result {
	enum est_level level;	     /* EST_NONE: not enough history at any level: no figures below */
	int64_t n;		     /* samples at that level */
	int64_t skipped_n[4];	     /* samples at the levels passed over (-1: no rollup) */
	double load_factor;	     /* durations were multiplied by this (1 when load is usual or unknown) */
	double probability;	     /* that the due time is met; -1 when no due or EST_NONE */
	int64_t due_open_ms;	     /* business time between now and the due */
	int due_closed;		     /* the due falls when the holder is closed (due at closing time is open) */
	int warn;		     /* probability < threshold */
	int64_t dur[3];		     /* business durations of the 50/80/95% points (load-adjusted) */
	int64_t by[3];		     /* the instants they are reached; 0 beyond the calendar */
	int recent_n, recent_within; /* of the last recent_n completions, how many within dur[1] */
};

/* The bin of a business duration (ms); the lower and upper edge of bin i (ms). */
int est_bin(int64_t ms);
double est_bin_lo(int i);
double est_bin_hi(int i);
/* The forward-decay weight of a completion at t (UTC ms): 2^((t - 2026-01-01) / half-life). */
double est_weight(int64_t t);
/* The time bucket of instant t in zone z: weekday (0 = Monday) * 4 + hour / 6. */
int est_bucket(const tz_zone *z, int64_t t);
/* "Saturday-afternoon" (night 0-6, morning 6-12, afternoon 12-18, evening 18-24). */
const char *est_bucket_day(int bucket);
const char *est_bucket_part(int bucket);
/* Stable names of the levels: "holder_kind_bucket", "holder_kind", "holder", "organization", "none". */
const char *est_level_name(enum est_level l);

/* Add one completion (business duration ms, completed at t) to h. */
void est_hist_add(struct est_hist *h, int64_t ms, int64_t t);

/* The holder's calendar in [from, to): the opening hours hours[0..6] (Monday..Sunday, each
 * "09:00-17:00" or several ranges "09:00-12:00,13:00-17:30"; NULL, "" or "closed" = closed) on
 * every local day that is not a holiday (holidays[]: local dates as days since 1970-01-01),
 * joined with the cover spans (on-call shifts).  hours == NULL: no opening hours (only the
 * cover).  Returns the count; *out is a new array (caller frees; NULL when 0); -1 when an hours
 * text is not valid. */
long est_calendar_build(const tz_zone *z, const char *const *hours, const int64_t *holidays, size_t nholidays,
			const struct est_span *cover, size_t ncover, int64_t from, int64_t to, struct est_span **out);
/* Business time between from and to. */
int64_t est_open_between(const struct est_calendar *cal, int64_t from, int64_t to);
/* The instant at which `ms` of business time has passed after from; 0 when not within the calendar. */
int64_t est_advance(const struct est_calendar *cal, int64_t from, int64_t ms);
/* Is the holder open at t? */
int est_is_open(const struct est_calendar *cal, int64_t t);

/* The estimate.  Returns out->level. */
enum est_level est_compute(const struct est_input *in, struct est_result *out);

/* "4 h 10 min", "35 min", "2 d 3 h", "under a minute". */
void est_format_duration(int64_t ms, char *buf, size_t size);
/* The evidence sentence of r: "Store 12 finished 8 of its last 10 Saturday-afternoon holds within
 * 4 h 50 min", or "Not enough history: ..." for EST_NONE.  holder and org name the holder and the
 * organization, kind the request kind ("" = any), bucket the time bucket of the estimate. */
void est_evidence(const struct est_result *r, const char *holder, const char *org, const char *kind, int bucket, char *buf,
		  size_t size);

#endif
