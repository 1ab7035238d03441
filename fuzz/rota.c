/* On-call rota and opening-hours parsing and arithmetic (core/rota.c), on real time zones.
 *
 * Input: a few bytes of numbers, then NUL-separated texts as a request carries them:
 *   zone, members, period, query start (minutes from 2026 +- 4000 years), weeks, overrides (count)
 *   handoff "HH:MM", start "YYYY-MM-DD", opening hours "09:00-12:00,13:00-17:00", then windows
 *   as triples: days "mon,sat", from "HH:MM", to "HH:MM".
 * Texts are parsed as the services parse them; a layer that rota_check accepts is then laid out
 * for up to 12 weeks (what GET /oncall/coverage allows) and its shifts, who-is-on-call and gaps
 * must agree with each other. */
#include "core/rota.h"

#include "fuzz.h"

#define DAY_MS 86400000LL
#define Y2026_MS 1767225600000LL

static const char *const ZONES[] = {"UTC", "America/Chicago", "Europe/Berlin", "Australia/Lord_Howe", "Pacific/Apia",
				    "America/St_Johns", "Asia/Kolkata", "Africa/Casablanca", "Antarctica/Troll",
				    "Pacific/Chatham", "America/Sao_Paulo", "Europe/Dublin"};
#define NZONES (sizeof ZONES / sizeof *ZONES)

static int32_t take32(const uint8_t **data, size_t *size)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++)
		v = v << 8 | fuzz_byte(data, size);
	return (int32_t)v;
}

/* Parsed texts read back to themselves. */
static void check_parsers(const char *hhmm, const char *date)
{
	int m = rota_parse_hhmm(hhmm, 1);
	if (m >= 0) {
		char back[8];
		snprintf(back, sizeof back, "%02d:%02d", m / 60, m % 60);
		FUZZ_ASSERT(strcmp(back, hhmm) == 0);
	}
	int64_t days = -1;
	if (rota_parse_date(date, &days) == 0) {
		int64_t y;
		unsigned mo, d;
		char back[32];
		tz_civil_from_days(days, &y, &mo, &d);
		snprintf(back, sizeof back, "%04lld-%02u-%02u", (long long)y, mo, d);
		FUZZ_ASSERT(strcmp(back, date) == 0);
	} else {
		FUZZ_ASSERT(days == -1);
	}
}

static void check_hours(const char *hours)
{
	int valid = rota_hours_open(hours, 0);
	FUZZ_ASSERT(valid >= -1 && valid <= 1);
	for (int minute = 0; minute < 1440; minute += 37) {
		int open = rota_hours_open(hours, minute);
		FUZZ_ASSERT(valid < 0 ? open == -1 : (open == 0 || open == 1));
	}
}

/* "mon,sat" -> day bits, as the rota service reads its days list. */
static unsigned parse_days(char *list)
{
	unsigned bits = 0;
	char *save = NULL;
	for (char *d = strtok_r(list, ",", &save); d; d = strtok_r(NULL, ",", &save)) {
		int k = rota_parse_day(d);
		if (k >= 0)
			bits |= 1u << k;
	}
	return bits;
}

/* Shifts of [from, to): inside it, sorted, not overlapping (the overrides don't overlap), by a member or an override. */
static void check_layout(const tz_zone *z, const struct rota_layer *l, const struct rota_interval *ov, size_t nov, int64_t from,
			 int64_t to)
{
	struct rota_interval *v, *g;
	size_t n = rota_shifts(z, l, ov, nov, from, to, &v);
	for (size_t i = 0; i < n; i++) {
		FUZZ_ASSERT(from <= v[i].start && v[i].start < v[i].end && v[i].end <= to);
		FUZZ_ASSERT((v[i].who >= 0 && v[i].who < l->nmembers) ||
			    (v[i].who >= ROTA_OVERRIDE && v[i].who < ROTA_OVERRIDE + (int)nov));
		if (i)
			FUZZ_ASSERT(v[i - 1].end <= v[i].start);
	}
	/* who is on call at the start of each shift is that shift's person */
	for (size_t i = 0; i < n && i < 8; i++) {
		struct rota_interval s;
		FUZZ_ASSERT(rota_who_at(z, l, ov, nov, v[i].start, &s) == 1);
		FUZZ_ASSERT(s.who == v[i].who && s.start <= v[i].start && v[i].start < s.end);
	}
	/* the gaps and the shifts tile [from, to) */
	size_t ng = rota_gaps(v, n, from, to, &g);
	int64_t covered = 0;
	for (size_t i = 0; i < n; i++)
		covered += v[i].end - v[i].start;
	for (size_t i = 0; i < ng; i++) {
		FUZZ_ASSERT(g[i].start < g[i].end && from <= g[i].start && g[i].end <= to);
		covered += g[i].end - g[i].start;
	}
	FUZZ_ASSERT(covered == to - from);
	free(v);
	free(g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const tz_zone *z = tz_get(ZONES[fuzz_byte(&data, &size) % NZONES]);
	FUZZ_ASSERT(z);
	struct rota_layer l = {0};
	l.nmembers = (int)fuzz_byte(&data, &size) % (ROTA_MAX_MEMBERS + 2);
	l.period_days = (int)(int8_t)fuzz_byte(&data, &size);
	int64_t from = Y2026_MS + (int64_t)take32(&data, &size) * 60000;
	int64_t weeks = 1 + fuzz_byte(&data, &size) % 12;
	size_t nov = fuzz_byte(&data, &size) % 4;
	char *handoff = fuzz_field(&data, &size), *start = fuzz_field(&data, &size), *hours = fuzz_field(&data, &size);
	check_parsers(handoff, start);
	check_hours(hours);
	l.handoff_min = rota_parse_hhmm(handoff, 0);
	if (rota_parse_date(start, &l.start_day))
		l.start_day = tz_floordiv(from, DAY_MS);
	while (size && l.nwindows < ROTA_MAX_WINDOWS) {
		char *days = fuzz_field(&data, &size), *a = fuzz_field(&data, &size), *b = fuzz_field(&data, &size);
		struct rota_window *w = &l.windows[l.nwindows++];
		w->days = parse_days(days);
		w->from_min = rota_parse_hhmm(a, 0);
		w->to_min = rota_parse_hhmm(b, 1);
		if (w->from_min == 0 && w->to_min == 1440)
			w->to_min = 0; /* a whole day, as the rota service stores it */
		free(days);
		free(a);
		free(b);
	}
	/* overrides: back to back, a day each, from the query start */
	struct rota_interval ov[4];
	for (size_t i = 0; i < nov; i++)
		ov[i] = (struct rota_interval){from + (int64_t)i * DAY_MS, from + (int64_t)(i + 1) * DAY_MS, 0};
	fl_err err = FL_ERR_INIT;
	int64_t first = l.handoff_min >= 0 && l.period_days > 0 ? rota_handover(z, &l, 0) : from;
	if (rota_check(z, &l, first, first + 730 * DAY_MS, &err) == 0)
		check_layout(z, &l, ov, nov, from, from + weeks * 7 * DAY_MS);
	else
		fuzz_check_error(&err);
	free(handoff);
	free(start);
	free(hours);
	return 0;
}
