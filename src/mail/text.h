#ifndef FL_MAIL_TEXT_H
#define FL_MAIL_TEXT_H
/* Text of mail, as pure functions over strings (no GMime, no storage): what the parser
 * (mail/parse.c) and the mail services use to turn a message into what an agent reads.
 * Every function returns a new NUL-terminated UTF-8 string the caller frees, never NULL. */
#include <stddef.h>

/* s[0..len) as valid UTF-8 text: invalid sequences become U+FFFD, NUL and control characters
 * other than newline and tab are dropped, CR LF becomes LF. */
char *mail_utf8_clean(const char *s, size_t len);

/* HTML as safe plain text: tags dropped (script, style and head with their content), block
 * elements and <br> become line breaks, character references decoded, blank runs collapsed.
 * The result is text, never markup: "<b>" written as "&lt;b&gt;" comes out as "<b>" and is
 * shown as text by whoever displays it. */
char *mail_html_to_text(const char *html, size_t len);

/* The new text of a reply: quoted history ("> " lines, "On ... wrote:", "-----Original
 * Message-----", an Outlook "From:/Sent:" block) and the signature ("-- ") cut off, trailing
 * blank lines trimmed.  When nothing would remain, the whole text (trimmed) is returned. */
char *mail_new_text(const char *text);

/* A Message-ID as stored and compared: surrounding blanks and <> removed, lower case, at most
 * MAIL_ID_MAX bytes ("" for NULL). */
#define MAIL_ID_MAX 250
char *mail_norm_id(const char *id);

/* An address in lower case with blanks removed ("" for NULL). */
char *mail_norm_addr(const char *addr);

/* Plus-addressing: when addr is LOCAL+TAG@DOMAIN and LOCAL@DOMAIN equals base (both compared in
 * lower case), copy TAG into tag (size bytes) and return 1; else return 0. */
int mail_plus_tag(const char *addr, const char *base, char *tag, size_t size);

/* Authentication-Results (RFC 8601) from the one mail server trusted to write them: returns 1 when
 * a field whose authserv-id equals authserv_id (case-insensitive) says dmarc=fail, or spf=fail or
 * dkim=fail with no spf=pass / dkim=pass, and writes the failing results into why; else 0.
 * Fields from any other authserv-id are ignored (anyone can write them). */
int mail_auth_failed(char *const *values, size_t n, const char *authserv_id, char *why, size_t size);

/* Render a template: each {name} is replaced by the value of the fact of that name (facts is a
 * NULL-name-terminated array).  Returns NULL when the template names a fact that is absent or
 * whose value is NULL, so a template can't claim what the record does not show. */
struct mail_fact {
	const char *name, *value;
};
char *mail_render(const char *tmpl, const struct mail_fact *facts);

/* The customer's answer to a yes-or-no question (a proposed new time), from the new text of
 * their reply: 1 for a clear yes ("Yes", "OK, that works", "Agreed."), -1 for a clear no ("No",
 * "That doesn't work for me"), 0 when it is not clear ("yes, but ...", a question, a long
 * message): then a person reads it.  Only the first line that says anything counts. */
int mail_answer(const char *text);

#endif
