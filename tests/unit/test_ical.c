/* The on-call iCalendar feed parsed by a real iCalendar library (libical): events, UTC times,
 * escaped text and folded long lines come back as written. */
#include <libical/ical.h>
#include <stdlib.h>

#include "base/clock.h"
#include "core/ical.h"
#include "harness.h"

static int64_t T(const char *s)
{
	int64_t ms = 0;
	if (time_parse(s, &ms))
		abort();
	return ms;
}

TEST(feed_parses_with_libical)
{
	char longdesc[400];
	size_t at = 0;
	for (int i = 0; i < 30; i++)
		at += (size_t)snprintf(longdesc + at, sizeof longdesc - at, "Zürich, ");
	snprintf(longdesc + at, sizeof longdesc - at, "end"); /* libical trims trailing blanks */
	struct ical_event ev[] = {
		{"rota_a-primary-1@frontline", T("2026-03-07T15:00:00Z"), T("2026-03-09T14:00:00Z"),
		 "On call: billing (primary) - Rosa Alvarez", "Call +1 312 555 0150; or write rosa@northwind.example\nthanks",
		 "Chicago"},
		{"rota_a-primary-2@frontline", T("2026-03-09T14:00:00Z"), T("2026-03-16T14:00:00Z"),
		 "On call: billing, returns; technical \\ all", longdesc, NULL},
	};
	char *text = ical_calendar("Northwind on call, billing", ev, 2, T("2026-03-07T20:00:00Z"));
	/* every line is at most 75 octets and ends with CRLF */
	int long_lines = 0;
	for (char *p = text, *e; (e = strstr(p, "\r\n")); p = e + 2)
		long_lines += e - p > 75;
	CHECK(long_lines == 0);
	icalcomponent *cal = icalparser_parse_string(text);
	CHECK(cal != NULL);
	if (!cal) {
		free(text);
		return;
	}
	CHECK(icalcomponent_isa(cal) == ICAL_VCALENDAR_COMPONENT);
	CHECK(icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT) == 2);
	CHECK(icalcomponent_count_errors(cal) == 0);
	icalcomponent *e = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	CHECK_STR(icalcomponent_get_uid(e), "rota_a-primary-1@frontline");
	CHECK_STR(icalcomponent_get_summary(e), "On call: billing (primary) - Rosa Alvarez");
	CHECK_STR(icalcomponent_get_description(e), "Call +1 312 555 0150; or write rosa@northwind.example\nthanks");
	struct icaltimetype st = icalcomponent_get_dtstart(e), en = icalcomponent_get_dtend(e);
	CHECK(icaltime_is_utc(st));
	CHECK((int64_t)icaltime_as_timet(st) * 1000 == T("2026-03-07T15:00:00Z"));
	CHECK((int64_t)icaltime_as_timet(en) * 1000 == T("2026-03-09T14:00:00Z"));
	e = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT);
	CHECK_STR(icalcomponent_get_summary(e), "On call: billing, returns; technical \\ all");
	CHECK_STR(icalcomponent_get_description(e), longdesc);
	icalcomponent_free(cal);
	free(text);
}

TEST(empty_calendar_is_valid)
{
	char *text = ical_calendar("nobody", NULL, 0, 0);
	icalcomponent *cal = icalparser_parse_string(text);
	CHECK(cal != NULL && icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT) == 0);
	if (cal)
		icalcomponent_free(cal);
	free(text);
}

/* found by fuzz/ical.c (fuzz/crashes/ical/year-10000): a feed asked from 9999-12-31T23:59-23:59
 * wrote DTSTART:100000101T... */
TEST(times_outside_years_0000_to_9999)
{
	struct ical_event ev[] = {
		{"late", T("9999-12-31T00:00:00Z"), T("9999-12-31T23:59:00-23:59"), "spans into 10000", NULL, NULL},
		{"later", T("9999-12-31T23:59:00-23:59"), T("9999-12-31T23:59:00-23:59") + 3600000, "in 10000", NULL, NULL},
		{"early", -62167219200000LL - 3600000, -62167219200000LL + 43200000, "from year -1", NULL, NULL},
	};
	char *text = ical_calendar("edges", ev, 3, 0);
	CHECK(strstr(text, "DTSTART:99991231T000000Z\r\nDTEND:99991231T235959Z\r\n") != NULL);
	CHECK(strstr(text, "UID:later") == NULL && strstr(text, "1000001") == NULL);
	CHECK(strstr(text, "DTSTART:00000101T000000Z\r\nDTEND:00000101T120000Z\r\n") != NULL);
	icalcomponent *cal = icalparser_parse_string(text);
	CHECK(cal != NULL && icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT) == 2);
	if (cal)
		icalcomponent_free(cal);
	free(text);
}

int main(void)
{
	RUN(feed_parses_with_libical);
	RUN(empty_calendar_is_valid);
	RUN(times_outside_years_0000_to_9999);
	DONE();
}
