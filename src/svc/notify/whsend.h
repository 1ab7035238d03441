#ifndef FL_SVC_WHSEND_H
#define FL_SVC_WHSEND_H
/* Sending one webhook request (svc/notify/whsend.c): libcurl, no storage.  The SSRF defenses live
 * here: the target's name is resolved by us, every address it resolves to must be of a class the
 * operator allows (core/notify_rules.h webhook_allowed), and the connection is pinned to the
 * checked address (CURLOPT_CONNECT_TO), so a name that resolves differently a moment later (DNS
 * rebinding) can't reach anything else; the socket callback checks the address again before any
 * connect.  Redirects are not followed, only http/https are spoken, and the time and the size of
 * the answer are capped. */
#include <stddef.h>
#include <stdint.h>

#define WHSEND_CONNECT_TIMEOUT_MS 5000
#define WHSEND_TIMEOUT_MS	  10000
#define WHSEND_MAX_RESPONSE	  (64 * 1024) /* a longer answer ends the attempt as failed */
#define WHSEND_MAX_URL		  2000

/* Check a subscription URL without resolving it: http(s), a host, no user name or password; a
 * literal address must be allowed; http only when the operator allows more than public targets
 * (an internal receiver).  Returns 0, or -1 with a stable code ("invalid_url",
 * "webhook_target_refused") and a message. */
int whsend_check_url(const char *url, int allow, const char **code, char *msg, size_t msg_size);

enum whsend_outcome {
	WHSEND_DELIVERED,
	WHSEND_FAILED,
	WHSEND_REFUSED
};
struct whsend_result {
	enum whsend_outcome outcome;
	long http_status;    /* 0 when no answer */
	int64_t duration_ms; /* from the start of the attempt to its end */
	char error[256];
};

/* POST body (JSON) to url with headers (NULL-terminated "Name: value" lines).  Refused (no
 * connection made) when the URL or any address of its host is not allowed.  Delivered = a 2xx
 * answer within the limits. */
void whsend_post(const char *url, int allow, const char *const *headers, const char *body, size_t len, struct whsend_result *res);

#endif
