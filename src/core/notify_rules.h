#ifndef FL_NOTIFY_RULES_H
#define FL_NOTIFY_RULES_H
/* How an alert reaches a person, and what a webhook may be sent (core/notify_rules.c): pure
 * functions over plain values, no clock reads, no I/O.
 *
 * Channels: every alert is stored and shown in the app; a kind's channel says what else happens:
 *   NOTIFY_APP     nothing else;
 *   NOTIFY_EMAIL   an email at once - unless the person is in their quiet hours and not on call,
 *                  in which case the alert waits for their next daily digest;
 *   NOTIFY_DIGEST  the alert waits for the next daily digest (one email at the local hour the
 *                  person picked). */
#include <stddef.h>
#include <stdint.h>

#include "base/tz.h"
#include "core/roles.h"

enum notify_channel {
	NOTIFY_APP,
	NOTIFY_EMAIL,
	NOTIFY_DIGEST
};

/* "app" | "email" | "digest" <-> enum; notify_channel_parse returns -1 for anything else. */
const char *notify_channel_name(enum notify_channel ch);
int notify_channel_parse(const char *s);

/* The i-th alert kind a person can set a channel for (NULL past the last), with a line for
 * people in *doc (may be NULL). */
const char *notify_kind_at(size_t i, const char **doc);
const char *notify_kind_doc(const char *kind);
int notify_kind_known(const char *kind);

/* The channel of kind for a person of role who has not chosen one.  on_call_role: whether the
 * person holds a place on any on-call rota (escalations and offers reach on-call people by email
 * at once). */
enum notify_channel notify_default_channel(enum role role, int on_call_role, const char *kind);

/* Whether local minute m (0..1439) is inside the quiet hours [from, to) (to <= from: past
 * midnight).  from < 0 means no quiet hours. */
int notify_in_quiet(int m, int from, int to);

/* What to do with an alert now. */
enum notify_action {
	NOTIFY_NOTHING,
	NOTIFY_SEND_NOW,
	NOTIFY_TO_DIGEST
};
/* channel, whether the person is in their quiet hours now, whether they are on call now: an
 * on-call person is reached during their shift whatever their quiet hours say. */
enum notify_action notify_decide(enum notify_channel ch, int in_quiet, int on_call);

/* The local minute of the day at instant now_ms (UTC ms) in zone z. */
int notify_local_minute(const tz_zone *z, int64_t now_ms);
/* The first instant after now_ms (UTC ms) whose local time in z is hour:00 (a spring-forward gap
 * resolves to the end of the gap). */
int64_t notify_next_local_hour(const tz_zone *z, int64_t now_ms, int hour);

/* --- webhooks --- */

/* The event families a subscription can name (NULL-terminated), and the family of an event kind
 * ("case.offered" -> "offer"; "promise.broken" -> "promise"); NULL when no family carries it
 * (sign-ins, tokens, settings never leave). */
extern const char *const WEBHOOK_FAMILIES[];
const char *webhook_family_of(const char *event_kind);
int webhook_family_known(const char *family);

/* Where an address points.  Public targets are always allowed; the others only when the operator
 * allows that class (webhook_allow_parse). */
enum webhook_target {
	WH_PUBLIC,
	WH_LOOPBACK,
	WH_PRIVATE,
	WH_LINK_LOCAL,
	WH_RESERVED
};
/* Classify an IPv4 (len 4) or IPv6 (len 16) address in network byte order. */
enum webhook_target webhook_classify(const unsigned char *addr, size_t len);
const char *webhook_target_name(enum webhook_target t);
/* The operator setting: a comma-separated list of "loopback", "private", "link-local" (or "" /
 * NULL = public only) -> a bit set of (1 << enum webhook_target); -1 when a word is unknown. */
int webhook_allow_parse(const char *s);
int webhook_allowed(int allow, enum webhook_target t);

/* Standard Webhooks signing: the "v1,<base64 HMAC-SHA256>" of "<msg_id>.<timestamp>.<body>" with
 * the key that secret ("whsec_<base64>") carries.  Returns 0, or -1 when secret is malformed.
 * out must hold WEBHOOK_SIG_SIZE bytes. */
#define WEBHOOK_SIG_SIZE 64
int webhook_sign(const char *secret, const char *msg_id, int64_t timestamp_s, const char *body, size_t body_len,
		 char out[WEBHOOK_SIG_SIZE]);
/* A secret is "whsec_" + base64 of 24 bytes (svc/notify/webhook.c makes them). */
#define WEBHOOK_SECRET_SIZE 48

/* The retry back-off after the n-th failed attempt in a row (n >= 1): 30 s doubling, at most 6 h. */
int64_t webhook_backoff_ms(int n);
#define WEBHOOK_MAX_ATTEMPTS 8 /* failed attempts of one event in a row: then the subscription is disabled */

#endif
