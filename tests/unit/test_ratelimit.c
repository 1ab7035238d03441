/* Sign-in failure counting: refusal after max failures within the window, recovery after the
 * window, reset on success, independence of keys, bounded table under a flood of keys. */
#include <stdio.h>

#include "base/ratelimit.h"
#include "harness.h"

TEST(refuses_after_max)
{
	ratelimit *rl = ratelimit_new(3, 60000);
	CHECK(ratelimit_allowed(rl, "1.2.3.4", 1000));
	ratelimit_fail(rl, "1.2.3.4", 1000);
	ratelimit_fail(rl, "1.2.3.4", 2000);
	CHECK(ratelimit_allowed(rl, "1.2.3.4", 2000));
	ratelimit_fail(rl, "1.2.3.4", 3000);
	CHECK(!ratelimit_allowed(rl, "1.2.3.4", 3000));
	CHECK(!ratelimit_allowed(rl, "1.2.3.4", 60000)); /* still inside the window from t=1000 */
	CHECK(ratelimit_allowed(rl, "5.6.7.8", 3000));   /* other keys are unaffected */
	ratelimit_free(rl);
}

TEST(window_passes)
{
	ratelimit *rl = ratelimit_new(2, 10000);
	ratelimit_fail(rl, "k", 0);
	ratelimit_fail(rl, "k", 1);
	CHECK(!ratelimit_allowed(rl, "k", 5000));
	CHECK(ratelimit_allowed(rl, "k", 10001));
	ratelimit_fail(rl, "k", 10002); /* a new window: one failure only */
	CHECK(ratelimit_allowed(rl, "k", 10003));
	ratelimit_free(rl);
}

TEST(reset)
{
	ratelimit *rl = ratelimit_new(1, 10000);
	ratelimit_fail(rl, "org|sam@example.com", 0);
	CHECK(!ratelimit_allowed(rl, "org|sam@example.com", 1));
	ratelimit_reset(rl, "org|sam@example.com");
	CHECK(ratelimit_allowed(rl, "org|sam@example.com", 2));
	ratelimit_reset(rl, "never-seen"); /* harmless */
	ratelimit_free(rl);
}

TEST(flood_of_keys)
{
	ratelimit *rl = ratelimit_new(2, 60000);
	char k[32];
	ratelimit_fail(rl, "victim", 0);
	ratelimit_fail(rl, "victim", 0);
	for (int i = 0; i < 100000; i++) {
		snprintf(k, sizeof k, "10.0.%d.%d", i / 256, i % 256);
		ratelimit_fail(rl, k, 1 + i);
	}
	/* memory stays fixed; a fresh key is still allowed, and recently failing keys are counted */
	CHECK(ratelimit_allowed(rl, "fresh", 200000));
	ratelimit_fail(rl, "10.0.0.99", 100001);
	CHECK(ratelimit_allowed(rl, "10.0.0.99", 100002));
	ratelimit_fail(rl, "10.0.0.99", 100003);
	CHECK(!ratelimit_allowed(rl, "10.0.0.99", 100004));
	ratelimit_free(rl);
}

TEST(long_key)
{
	ratelimit *rl = ratelimit_new(1, 1000);
	char k[1000];
	memset(k, 'a', sizeof k - 1);
	k[sizeof k - 1] = '\0';
	ratelimit_fail(rl, k, 0);
	CHECK(!ratelimit_allowed(rl, k, 1));
	ratelimit_free(rl);
}

int main(void)
{
	RUN(refuses_after_max);
	RUN(window_passes);
	RUN(reset);
	RUN(flood_of_keys);
	RUN(long_key);
	DONE();
}
