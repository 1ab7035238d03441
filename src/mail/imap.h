#ifndef FL_MAIL_IMAP_H
#define FL_MAIL_IMAP_H
/* Reading one IMAP mailbox with libcurl (mail/imap.c): list messages by UID, fetch one, and run
 * the commands that mark or move it.  No storage: the poller (cli/cmd_imap.c) decides when, and
 * marks or moves a message only after the case store has committed it.  One session keeps one
 * connection (libcurl reuses it across calls). */
#include <stddef.h>
#include <stdint.h>

struct imap_conf {
	const char *url;      /* imap://host:port/MAILBOX or imaps://... (MAILBOX URL-encoded) */
	const char *user;
	const char *password; /* LOGIN / AUTH PLAIN, or ... */
	const char *bearer;   /* ... an OAuth2 access token (SASL XOAUTH2 / OAUTHBEARER) */
	int starttls;         /* 1: require STARTTLS on imap:// */
	long timeout_s;
};

typedef struct imap_session imap_session;

/* A session over conf (which must outlive it); NULL when libcurl can't start. */
imap_session *imap_open(const struct imap_conf *conf);
void imap_close(imap_session *s);

/* UIDs matching a SEARCH criteria ("UNDELETED", ...), ascending.  Returns 0 (*uids new, may be
 * NULL when *n is 0) or -1 with err (errlen bytes) saying why. */
int imap_search(imap_session *s, const char *criteria, uint64_t **uids, size_t *n, char *err, size_t errlen);

/* The whole message with that UID (keeping at most max bytes; the rest is read and dropped).
 * Returns 0 (*data new and NUL-terminated, *len its bytes), 1 when the message is gone, or -1. */
int imap_fetch(imap_session *s, uint64_t uid, size_t max, char **data, size_t *len, char *err, size_t errlen);

/* Add (+1) or remove (-1) a flag or keyword on a message: "\\Seen", "FrontlinePending".  Returns
 * 0 or -1. */
int imap_flag(imap_session *s, uint64_t uid, int add, const char *flag, char *err, size_t errlen);

/* Move a message to another mailbox (RFC 6851 UID MOVE).  folder must be a plain name (letters,
 * digits, and . _ - / space); returns 0 or -1. */
int imap_move(imap_session *s, uint64_t uid, const char *folder, char *err, size_t errlen);

/* Whether a folder name is safe to put in a command (see imap_move). */
int imap_folder_ok(const char *folder);

#endif
