/* The manual clock of a test server (serve --test-clock only): set or advance it; each change
 * runs one scheduler pass at the new time, so stories can run hours in milliseconds. */
#include "svc/tick.h"

static int clock_get(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	*out = json_pack("{s:o,s:b}", "now", svc_time(clock_now(c->clock)), "manual", c->clock->manual);
	return 0;
}

static int clock_post(svc_ctx *c, const char *const *p, json_t *in, json_t **out)
{
	long long t;
	if (!c->test_clock)
		return err_set(&c->err, ERR_NOT_FOUND, "not_found", NULL, "no such route");
	if (in_time(in, "set", &t)) {
		if (clock_set(c->clock, t))
			return err_set(&c->err, ERR_RULE, "clock_backwards", "set", "the clock can't go back");
	} else if (json_object_get(in, "advance_ms")) {
		clock_advance(c->clock, in_int(in, "advance_ms", 0));
	} else if (!in_bool(in, "tick", 0)) {
		return err_set(&c->err, ERR_INVALID, "required", "set", "give set, advance_ms or tick");
	}
	c->now = clock_now(c->clock);
	json_t *summary = json_object();
	if (tick_run(c, summary)) {
		json_decref(summary);
		return -1;
	}
	*out = json_pack("{s:o,s:o}", "now", svc_time(c->now), "tick", summary);
	return 0;
}

#include "svc/clockctl.api.inc"
