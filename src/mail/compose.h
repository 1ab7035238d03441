#ifndef FL_MAIL_COMPOSE_H
#define FL_MAIL_COMPOSE_H
/* Writing one outbound message (RFC 5322, UTF-8 text/plain, quoted-printable; with files,
 * multipart/mixed) with GMime 3.
 * Pure: struct in, bytes out.  Header values are made single-line (CR and LF become spaces) before
 * GMime encodes them, so no text can add a header. */
#include <stddef.h>
#include <stdint.h>

/* A file sent with the message (a part of multipart/mixed, base64, Content-Disposition: attachment). */
struct mail_file {
	const char *filename, *content_type; /* content_type "" or NULL: application/octet-stream */
	const unsigned char *data;
	size_t size;
};

struct mail_compose {
	const char *from_name, *from_addr; /* From */
	const char *reply_to;              /* Reply-To (may be NULL) */
	const char *to_addr;
	const char *subject, *body;
	const char *message_id;  /* without <> */
	const char *in_reply_to; /* without <>, may be NULL or "" */
	const char *references;  /* ids without <>, separated by spaces; may be NULL or "" */
	int auto_submitted;      /* adds Auto-Submitted: auto-replied (RFC 3834) */
	int64_t date_ms;
	const struct mail_file *files; /* with n_files > 0 the message is multipart/mixed: the text, then each file */
	size_t n_files;
};

/* The message with CRLF line ends; *len receives its length.  Caller frees. */
char *mail_compose(const struct mail_compose *m, size_t *len);

#endif
