/* How an alert reaches a person; what a webhook may carry, where it may go, how it is signed. */
#include <sodium.h>
#include <string.h>

#include "base/util.h"
#include "core/notify_rules.h"

const char *notify_channel_name(enum notify_channel ch)
{
	return ch == NOTIFY_EMAIL ? "email" : ch == NOTIFY_DIGEST ? "digest" : "app";
}

int notify_channel_parse(const char *s)
{
	if (!s)
		return -1;
	if (strcmp(s, "app") == 0)
		return NOTIFY_APP;
	if (strcmp(s, "email") == 0)
		return NOTIFY_EMAIL;
	if (strcmp(s, "digest") == 0)
		return NOTIFY_DIGEST;
	return -1;
}

/* kind, what it is */
static const char *const KIND_DOCS[][2] = {
	{"offer", "a case is offered to you"},
	{"offer_unanswered", "a case you offered was not accepted in time"},
	{"offer_moved", "a case you routed moved on to the next person on call"},
	{"escalation", "a request or action was escalated to you"},
	{"promise_at_risk", "a promise on your case is at risk"},
	{"promise_broken", "a promise on your case was broken"},
	{"request_new", "a request for you or your team"},
	{"request_overdue", "a request is overdue"},
	{"request_done", "a request you made was done"},
	{"request_declined", "a request you made was declined"},
	{"request_deferred", "a request you made was deferred"},
	{"follow_up", "follow up a request you made"},
	{"update_lapsed", "a customer update duty lapsed"},
	{"policy_conflict", "a promise conflicts with a policy"},
	{"review_opened", "a failure review was opened for you"},
	{"review_action", "a review action is due or overdue"},
	{"survey_offered", "a pulse survey waits for you"},
	{"system_issue_raised", "a system issue was raised to you"},
	{"system_issue_overdue", "a system issue's response is overdue"},
	{"mail.new_case", "mail opened a case for you"},
	{"mail.reply", "a customer replied by mail"},
	{"mail.bounced", "mail to a customer bounced"},
	{"mail.held", "mail was held for review"},
	{"thanks", "a colleague thanked you"},
	{"webhook_disabled", "a webhook was disabled after repeated failure"},
};
#define NKINDS (sizeof KIND_DOCS / sizeof KIND_DOCS[0])

const char *notify_kind_at(size_t i, const char **doc)
{
	if (i >= NKINDS)
		return NULL;
	if (doc)
		*doc = KIND_DOCS[i][1];
	return KIND_DOCS[i][0];
}

const char *notify_kind_doc(const char *kind)
{
	for (size_t i = 0; i < NKINDS; i++)
		if (strcmp(KIND_DOCS[i][0], kind) == 0)
			return KIND_DOCS[i][1];
	return NULL;
}

int notify_kind_known(const char *kind) { return kind && notify_kind_doc(kind) != NULL; }

static int starts(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

enum notify_channel notify_default_channel(enum role role, int on_call_role, const char *kind)
{
	int leads = role_may(role, PERM_EMAIL_URGENT_ALERTS);
	if (strcmp(kind, "offer") == 0 || strcmp(kind, "offer_unanswered") == 0)
		return on_call_role ? NOTIFY_EMAIL : NOTIFY_APP;
	if (strcmp(kind, "escalation") == 0)
		return on_call_role || leads ? NOTIFY_EMAIL : NOTIFY_APP;
	if (strcmp(kind, "promise_broken") == 0)
		return leads ? NOTIFY_EMAIL : NOTIFY_DIGEST;
	if (strcmp(kind, "mail.bounced") == 0 || strcmp(kind, "webhook_disabled") == 0)
		return NOTIFY_EMAIL;
	if (starts(kind, "request_") || starts(kind, "review_") || starts(kind, "survey_") || starts(kind, "system_issue_") ||
	    strcmp(kind, "mail.held") == 0 || strcmp(kind, "policy_conflict") == 0)
		return NOTIFY_DIGEST;
	return NOTIFY_APP;
}

int notify_in_quiet(int m, int from, int to)
{
	if (from < 0 || to < 0)
		return 0;
	if (from == to)
		return 1; /* around the clock */
	return from < to ? m >= from && m < to : m >= from || m < to;
}

enum notify_action notify_decide(enum notify_channel ch, int in_quiet, int on_call)
{
	if (ch == NOTIFY_DIGEST)
		return NOTIFY_TO_DIGEST;
	if (ch != NOTIFY_EMAIL)
		return NOTIFY_NOTHING;
	return on_call || !in_quiet ? NOTIFY_SEND_NOW : NOTIFY_TO_DIGEST;
}

int notify_local_minute(const tz_zone *z, int64_t now_ms)
{
	int64_t s = tz_floordiv(now_ms, 1000);
	int64_t local = s + tz_offset_at(z, s, NULL);
	return (int)(tz_floordiv(local, 60) - tz_floordiv(local, 86400) * 1440);
}

int64_t notify_next_local_hour(const tz_zone *z, int64_t now_ms, int hour)
{
	int64_t s = tz_floordiv(now_ms, 1000);
	int64_t day = tz_floordiv(s + tz_offset_at(z, s, NULL), 86400);
	for (int k = 0; k < 3; k++) {
		int64_t at = tz_resolve(z, (day + k) * 86400 + hour * 3600LL) * 1000;
		if (at > now_ms)
			return at;
	}
	return now_ms + 86400000LL; /* not reached: one of three local days has the hour after now */
}

/* --- webhooks --- */

const char *const WEBHOOK_FAMILIES[] = {"case",	  "offer",  "promise",	    "request", "breach", "exception",
					"review", "survey", "system_issue", "update",  "mail",	 NULL};

/* event kind prefix -> family, first match wins */
static const char *const FAMILY_OF[][2] = {
	{"case.offer", "offer"},     {"case.declined", "offer"}, {"case.", "case"},	  {"note.", "case"},
	{"touchpoint.", "case"},     {"promise.", "promise"},	 {"request.", "request"}, {"breach.", "breach"},
	{"exception.", "exception"}, {"review.", "review"},	 {"survey.", "survey"},	  {"system_issue.", "system_issue"},
	{"update_duty.", "update"},  {"mail.received", "mail"},	 {"mail.queued", "mail"}, {"mail.bounced", "mail"},
};

const char *webhook_family_of(const char *event_kind)
{
	for (size_t i = 0; i < sizeof FAMILY_OF / sizeof FAMILY_OF[0]; i++)
		if (starts(event_kind, FAMILY_OF[i][0]))
			return FAMILY_OF[i][1];
	return NULL;
}

int webhook_family_known(const char *family)
{
	for (const char *const *f = WEBHOOK_FAMILIES; family && *f; f++)
		if (strcmp(*f, family) == 0)
			return 1;
	return 0;
}

static enum webhook_target classify4(const unsigned char *a)
{
	if (a[0] == 127)
		return WH_LOOPBACK;
	if (a[0] == 10 || (a[0] == 172 && (a[1] & 0xf0) == 16) || (a[0] == 192 && a[1] == 168) ||
	    (a[0] == 100 && (a[1] & 0xc0) == 64)) /* RFC 1918, carrier-grade NAT */
		return WH_PRIVATE;
	if (a[0] == 169 && a[1] == 254)
		return WH_LINK_LOCAL; /* the cloud metadata service lives here */
	if (a[0] == 0 || a[0] >= 224 || (a[0] == 192 && a[1] == 0 && a[2] == 0) || (a[0] == 198 && (a[1] & 0xfe) == 18))
		return WH_RESERVED; /* "this network", multicast, reserved, broadcast, IETF, benchmarking */
	return WH_PUBLIC;
}

enum webhook_target webhook_classify(const unsigned char *addr, size_t len)
{
	static const unsigned char zero[10] = {0};
	if (len == 4)
		return classify4(addr);
	if (len != 16)
		return WH_RESERVED;
	if (memcmp(addr, zero, 10) == 0 && addr[10] == 0xff && addr[11] == 0xff)
		return classify4(addr + 12); /* IPv4-mapped */
	if (memcmp(addr, zero, 10) == 0 && addr[10] == 0 && addr[11] == 0 && addr[12] == 0 && addr[13] == 0 && addr[14] == 0 &&
	    addr[15] <= 1)
		return addr[15] == 1 ? WH_LOOPBACK : WH_RESERVED; /* ::1, :: */
	if (addr[0] == 0xfe && (addr[1] & 0xc0) == 0x80)
		return WH_LINK_LOCAL;
	if ((addr[0] & 0xfe) == 0xfc)
		return WH_PRIVATE; /* unique local */
	if (addr[0] == 0xff || (addr[0] == 0x20 && addr[1] == 0x01 && addr[2] == 0x0d && addr[3] == 0xb8) ||
	    (addr[0] == 0x00 && addr[1] == 0x64 && addr[2] == 0xff && addr[3] == 0x9b) || (addr[0] == 0x20 && addr[1] == 0x02))
		return WH_RESERVED; /* multicast, documentation, NAT64, 6to4 (may embed any IPv4) */
	return WH_PUBLIC;
}

const char *webhook_target_name(enum webhook_target t)
{
	static const char *const N[] = {"public", "loopback", "private", "link-local", "reserved"};
	return (unsigned)t < 5 ? N[t] : "reserved";
}

int webhook_allow_parse(const char *s)
{
	int allow = 1 << WH_PUBLIC;
	while (s && *s) {
		size_t n = strcspn(s, ",");
		if (n == 8 && strncmp(s, "loopback", n) == 0)
			allow |= 1 << WH_LOOPBACK;
		else if (n == 7 && strncmp(s, "private", n) == 0)
			allow |= 1 << WH_PRIVATE;
		else if (n == 10 && strncmp(s, "link-local", n) == 0)
			allow |= 1 << WH_LINK_LOCAL;
		else if (n != 0)
			return -1;
		s += n + (s[n] == ',');
	}
	return allow;
}

int webhook_allowed(int allow, enum webhook_target t) { return t != WH_RESERVED && (allow & (1 << t)) != 0; }

int webhook_sign(const char *secret, const char *msg_id, int64_t timestamp_s, const char *body, size_t body_len,
		 char out[WEBHOOK_SIG_SIZE])
{
	unsigned char key[64], mac[crypto_auth_hmacsha256_BYTES];
	size_t key_len;
	if (strncmp(secret, "whsec_", 6) != 0 ||
	    sodium_base642bin(key, sizeof key, secret + 6, strlen(secret + 6), NULL, &key_len, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    key_len == 0)
		return -1;
	char head[160];
	int n = snprintf(head, sizeof head, "%s.%lld.", msg_id, (long long)timestamp_s);
	if (n < 0 || (size_t)n >= sizeof head)
		return -1;
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, key, key_len);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)head, (size_t)n);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, body_len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_memzero(key, sizeof key);
	memcpy(out, "v1,", 3);
	sodium_bin2base64(out + 3, WEBHOOK_SIG_SIZE - 3, mac, sizeof mac, sodium_base64_VARIANT_ORIGINAL);
	return 0;
}

int64_t webhook_backoff_ms(int n)
{
	int64_t d = 30 * 1000LL;
	for (int i = 1; i < n && d < 6 * 3600 * 1000LL; i++)
		d *= 2;
	return d < 6 * 3600 * 1000LL ? d : 6 * 3600 * 1000LL;
}
