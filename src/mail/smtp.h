#ifndef FL_MAIL_SMTP_H
#define FL_MAIL_SMTP_H
/* Sending one message over SMTP with libcurl (STARTTLS and AUTH as configured). */
#include <stddef.h>

struct smtp_conf {
	const char *url;      /* smtp://host:port or smtps://host:port */
	const char *user;     /* NULL: no AUTH */
	const char *password;
	int starttls;         /* 1: require STARTTLS on smtp:// */
	long timeout_s;
};

enum smtp_result {
	SMTP_SENT = 0,
	SMTP_TEMPORARY = 1, /* try again later (4xx, connection, timeout) */
	SMTP_PERMANENT = 2, /* 5xx: the message will never be accepted */
};

/* Send data[0..len) from envelope sender `from` (may be "" for the null sender) to `to`.  On
 * failure err (errlen bytes) says why. */
enum smtp_result smtp_send(const struct smtp_conf *conf, const char *from, const char *to, const char *data, size_t len,
			   char *err, size_t errlen);

#endif
