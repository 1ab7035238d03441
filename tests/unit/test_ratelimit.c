/* Sign-in slowing (issue 13 item 3): delays start after the free failures, double with each
 * further failure and stop at the cap (no lockout), without overflow for absurd counts; the gate
 * never hands out more places than it has. */
#include <stdio.h>

#include "base/ratelimit.h"
#include "harness.h"

TEST(delay_grows_and_stops_at_cap)
{
	const struct ratelimit_rule r = {3, 1000, 60000};
	CHECK(ratelimit_delay(&r, 0) == 0);
	CHECK(ratelimit_delay(&r, 2) == 0);
	CHECK(ratelimit_delay(&r, 3) == 1000);
	CHECK(ratelimit_delay(&r, 4) == 2000);
	CHECK(ratelimit_delay(&r, 8) == 32000);
	CHECK(ratelimit_delay(&r, 9) == 60000);
	CHECK(ratelimit_delay(&r, 1000) == 60000);
	CHECK(ratelimit_delay(&r, INT64_MAX) == 60000); /* no overflow, no lockout */
}

TEST(delay_no_free_failures)
{
	const struct ratelimit_rule r = {0, 500, 500};
	CHECK(ratelimit_delay(&r, 0) == 500);
	CHECK(ratelimit_delay(&r, 7) == 500);
}

TEST(gate_counts_places)
{
	ratelimit_gate *g = ratelimit_gate_new(2);
	CHECK(ratelimit_gate_enter(g));
	CHECK(ratelimit_gate_enter(g));
	CHECK(!ratelimit_gate_enter(g)); /* full: answered at once */
	ratelimit_gate_leave(g);
	CHECK(ratelimit_gate_enter(g));
	CHECK(!ratelimit_gate_enter(g));
	ratelimit_gate_free(g);
	ratelimit_gate *one = ratelimit_gate_new(0); /* at least one place */
	CHECK(ratelimit_gate_enter(one));
	CHECK(!ratelimit_gate_enter(one));
	ratelimit_gate_free(one);
	ratelimit_gate_free(NULL);
}

int main(void)
{
	RUN(delay_grows_and_stops_at_cap);
	RUN(delay_no_free_failures);
	RUN(gate_counts_places);
	DONE();
}
