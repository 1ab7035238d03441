/* core/notify_rules.c: channels, quiet hours, on-call, digest times, webhook families, SSRF
 * address classes and the Standard Webhooks signature (the specification's own test vector). */
#include <arpa/inet.h>
#include <string.h>

#include "base/clock.h"
#include "core/notify_rules.h"
#include "harness.h"

static enum webhook_target cls(const char *text)
{
	unsigned char a[16];
	if (inet_pton(AF_INET, text, a) == 1)
		return webhook_classify(a, 4);
	if (inet_pton(AF_INET6, text, a) == 1)
		return webhook_classify(a, 16);
	return (enum webhook_target) - 1;
}

TEST(standard_webhooks_test_vector)
{
	char sig[WEBHOOK_SIG_SIZE];
	const char *body = "{\"test\": 2432232314}";
	CHECK(webhook_sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body,
			   strlen(body), sig) == 0);
	CHECK_STR(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
	CHECK(webhook_sign("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "m", 1, body, strlen(body), sig) == -1); /* no whsec_ */
	CHECK(webhook_sign("whsec_!!!", "m", 1, body, strlen(body), sig) == -1);
}

TEST(address_classes)
{
	CHECK(cls("8.8.8.8") == WH_PUBLIC);
	CHECK(cls("127.0.0.1") == WH_LOOPBACK);
	CHECK(cls("10.0.0.1") == WH_PRIVATE);
	CHECK(cls("172.16.0.1") == WH_PRIVATE);
	CHECK(cls("172.32.0.1") == WH_PUBLIC);
	CHECK(cls("192.168.1.5") == WH_PRIVATE);
	CHECK(cls("100.64.0.1") == WH_PRIVATE);
	CHECK(cls("169.254.169.254") == WH_LINK_LOCAL);
	CHECK(cls("0.0.0.0") == WH_RESERVED);
	CHECK(cls("224.0.0.1") == WH_RESERVED);
	CHECK(cls("::1") == WH_LOOPBACK);
	CHECK(cls("::") == WH_RESERVED);
	CHECK(cls("::ffff:10.0.0.1") == WH_PRIVATE);
	CHECK(cls("::ffff:169.254.169.254") == WH_LINK_LOCAL);
	CHECK(cls("fe80::1") == WH_LINK_LOCAL);
	CHECK(cls("fd00::1") == WH_PRIVATE);
	CHECK(cls("2002:a00:1::") == WH_RESERVED); /* 6to4 of 10.0.0.1 */
	CHECK(cls("2606:4700::1111") == WH_PUBLIC);
}

TEST(operator_setting)
{
	int pub = webhook_allow_parse(NULL), lo = webhook_allow_parse("loopback"),
	    all = webhook_allow_parse("loopback,private,link-local");
	CHECK(webhook_allowed(pub, WH_PUBLIC) && !webhook_allowed(pub, WH_LOOPBACK) && !webhook_allowed(pub, WH_PRIVATE));
	CHECK(webhook_allowed(lo, WH_LOOPBACK) && !webhook_allowed(lo, WH_PRIVATE) && !webhook_allowed(lo, WH_LINK_LOCAL));
	CHECK(webhook_allowed(all, WH_LINK_LOCAL) && webhook_allowed(all, WH_PRIVATE));
	CHECK(!webhook_allowed(all, WH_RESERVED)); /* never */
	CHECK(webhook_allow_parse("everything") == -1);
	CHECK(webhook_allow_parse("") == pub);
}

TEST(families)
{
	CHECK_STR(webhook_family_of("case.offered"), "offer");
	CHECK_STR(webhook_family_of("case.declined"), "offer");
	CHECK_STR(webhook_family_of("case.opened"), "case");
	CHECK_STR(webhook_family_of("breach.recorded"), "breach");
	CHECK_STR(webhook_family_of("promise.broken"), "promise");
	CHECK(webhook_family_of("auth.signed_in") == NULL);
	CHECK(webhook_family_of("webhook.disabled") == NULL); /* a webhook never reports on itself */
	CHECK(webhook_family_of("org.settings_changed") == NULL);
	CHECK(webhook_family_known("review") && !webhook_family_known("auth"));
	CHECK(webhook_backoff_ms(1) == 30000 && webhook_backoff_ms(2) == 60000 && webhook_backoff_ms(30) == 6 * 3600 * 1000LL);
}

TEST(quiet_hours_and_the_shift)
{
	CHECK(notify_in_quiet(2 * 60, 22 * 60, 7 * 60));
	CHECK(notify_in_quiet(22 * 60, 22 * 60, 7 * 60));
	CHECK(!notify_in_quiet(7 * 60, 22 * 60, 7 * 60));
	CHECK(!notify_in_quiet(12 * 60, 22 * 60, 7 * 60));
	CHECK(notify_in_quiet(13 * 60, 12 * 60, 14 * 60));
	CHECK(!notify_in_quiet(2 * 60, -1, -1));
	CHECK(notify_decide(NOTIFY_EMAIL, 1, 1) == NOTIFY_SEND_NOW); /* on call beats quiet hours */
	CHECK(notify_decide(NOTIFY_EMAIL, 1, 0) == NOTIFY_TO_DIGEST);
	CHECK(notify_decide(NOTIFY_EMAIL, 0, 0) == NOTIFY_SEND_NOW);
	CHECK(notify_decide(NOTIFY_DIGEST, 0, 1) == NOTIFY_TO_DIGEST);
	CHECK(notify_decide(NOTIFY_APP, 1, 1) == NOTIFY_NOTHING);
}

TEST(role_defaults)
{
	CHECK(notify_default_channel(ROLE_FRONTLINE, 1, "offer") == NOTIFY_EMAIL);
	CHECK(notify_default_channel(ROLE_FRONTLINE, 0, "offer") == NOTIFY_APP);
	CHECK(notify_default_channel(ROLE_LEADER, 0, "escalation") == NOTIFY_EMAIL);
	CHECK(notify_default_channel(ROLE_FRONTLINE, 0, "escalation") == NOTIFY_APP);
	CHECK(notify_default_channel(ROLE_SUPPORT, 1, "escalation") == NOTIFY_EMAIL);
	CHECK(notify_default_channel(ROLE_FRONTLINE, 0, "request_new") == NOTIFY_DIGEST);
	CHECK(notify_default_channel(ROLE_ADMIN, 0, "webhook_disabled") == NOTIFY_EMAIL);
	CHECK(notify_channel_parse("digest") == NOTIFY_DIGEST && notify_channel_parse("sms") == -1);
	const char *doc;
	CHECK_STR(notify_kind_at(0, &doc), "offer");
	CHECK(doc && *doc);
	CHECK(notify_kind_known("promise_broken") && !notify_kind_known("nope"));
}

TEST(digest_times_in_the_persons_zone)
{
	const tz_zone *chi = tz_get("America/Chicago");
	int64_t t;
	CHECK(chi != NULL);
	CHECK(time_parse("2026-03-03T08:00:00Z", &t) == 0);
	CHECK(notify_local_minute(chi, t) == 2 * 60);
	int64_t want;
	CHECK(time_parse("2026-03-03T14:00:00Z", &want) == 0);
	CHECK(notify_next_local_hour(chi, t, 8) == want);
	CHECK(notify_next_local_hour(chi, want, 8) == want + 24 * 3600 * 1000LL); /* strictly after */
	/* across the spring-forward night: 08:00 CDT is 13:00 UTC */
	CHECK(time_parse("2026-03-08T07:00:00Z", &t) == 0);
	CHECK(time_parse("2026-03-08T13:00:00Z", &want) == 0);
	CHECK(notify_next_local_hour(chi, t, 8) == want);
}

int main(void)
{
	RUN(standard_webhooks_test_vector);
	RUN(address_classes);
	RUN(operator_setting);
	RUN(families);
	RUN(quiet_hours_and_the_shift);
	RUN(role_defaults);
	RUN(digest_times_in_the_persons_zone);
	DONE();
}
