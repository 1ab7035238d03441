#ifndef FL_MAIL_PARSE_H
#define FL_MAIL_PARSE_H
/* Parsing one mail message with GMime 3: bytes in, a plain struct out.  Pure (no storage, no
 * clock); safe on any input.  Limits are checked before GMime sees the body (a cheap scan of the
 * bytes) and again while walking the parts; a message over a limit is still returned, as a stub:
 * its headers are read, its body is not, and error names the limit. */
#include <stddef.h>
#include <stdint.h>

struct mail_limits {
	size_t max_bytes;       /* whole message */
	int max_parts;          /* MIME parts, nested messages included */
	int max_depth;          /* nesting of multiparts and message/rfc822 */
	int max_headers;        /* header fields of the top-level header */
	size_t max_attachment_bytes; /* one attachment (larger ones are listed, not kept) */
};

struct mail_attachment {
	char *filename;     /* decoded (RFC 2231 / 2047), UTF-8, "" when none */
	char *content_type; /* "type/subtype" */
	unsigned char *data; /* decoded bytes; NULL when over max_attachment_bytes */
	size_t size;
};

struct mail_parsed {
	char *message_id;  /* normalized (mail_norm_id), "" when absent */
	char *in_reply_to; /* normalized, "" when absent */
	char **refs;       /* normalized References, oldest first */
	size_t n_refs;
	char *from_addr;   /* lower case, "" when absent */
	char *from_name;   /* decoded display name, "" when none */
	char **rcpts;      /* addresses of To, Cc, Delivered-To and X-Original-To, lower case */
	size_t n_rcpts;
	char *subject;     /* decoded, UTF-8, "" when absent */
	int64_t date_ms;   /* Date header, 0 when absent or unreadable */
	char *auto_reason; /* NULL when a person wrote it; else why it is automatic (RFC 3834 ...) */
	char **auth_results; /* values of the Authentication-Results fields (RFC 8601), as written */
	size_t n_auth_results;
	char *text;        /* the body as plain UTF-8 text (text/plain preferred, HTML made text) */
	/* a delivery report (multipart/report, RFC 3464): */
	char *dsn_message_id; /* normalized Message-ID of the message it reports on, NULL when not a report */
	char *dsn_action;     /* "failed", "delayed", "delivered" ... ("" when not said) */
	char *dsn_diagnostic; /* Status and Diagnostic-Code, one line ("" when not said) */
	struct mail_attachment *att;
	size_t n_att;
	char *error;       /* NULL, or the limit or fault that made this a stub */
	int n_headers, n_parts, depth;
};
#define MAIL_PARSED_INIT {0}

/* Parse raw[0..len).  Always fills out (on a stub, error is set); returns 0, or -1 when the bytes
 * are not a message at all (out->error says why; the headers it could read are kept). */
int mail_parse(const char *raw, size_t len, const struct mail_limits *lim, struct mail_parsed *out);
void mail_parsed_release(struct mail_parsed *m);

#endif
