/* Mail parsing (mail/parse.c with GMime 3, mail/text.c): one message as the mailgate or the IMAP
 * poller receives it, from anyone on the Internet.
 *
 * Input: the raw message bytes.  Parsed under small limits (so the fuzzer reaches them), the
 * result must keep parse.h's contract: every text is present and valid UTF-8 (it goes into JSON
 * and the case page), ids are normalized, a message over a limit is a stub with its error named
 * and no body, a kept attachment is within the attachment limit, a delivery report's fields are
 * all set or all absent.  The text helpers the services then apply (new text of a reply,
 * Authentication-Results, plus-address tag, HTML to text) must hold theirs on the same bytes. */
#include "mail/parse.h"
#include "mail/text.h"

#include "fuzz.h"

static const struct mail_limits LIMITS = {
	.max_bytes = 256 * 1024,
	.max_parts = 40,
	.max_depth = 6,
	.max_headers = 60,
	.max_attachment_bytes = 4096,
};

/* A text the services store: present, valid UTF-8 (jansson refuses anything else). */
static void check_text(const char *s)
{
	FUZZ_ASSERT(s);
	json_t *j = json_string(s);
	if (!j) {
		fprintf(stderr, "not UTF-8: \"%s\"\n", s);
		abort();
	}
	json_decref(j);
}

static void check_id(const char *id)
{
	check_text(id);
	FUZZ_ASSERT(id[0] != '<' && id[0] != ' ');
	for (const char *p = id; *p; p++)
		FUZZ_ASSERT(!(*p >= 'A' && *p <= 'Z')); /* compared in lower case */
}

static void check_parsed(const struct mail_parsed *m)
{
	check_id(m->message_id);
	check_id(m->in_reply_to);
	for (size_t i = 0; i < m->n_refs; i++)
		check_id(m->refs[i]);
	check_text(m->from_addr);
	check_text(m->from_name);
	check_text(m->subject);
	check_text(m->text);
	for (size_t i = 0; i < m->n_rcpts; i++)
		check_text(m->rcpts[i]);
	if (m->auto_reason)
		check_text(m->auto_reason);
	if (m->error) {
		check_text(m->error);
		FUZZ_ASSERT(m->text[0] == '\0'); /* a stub keeps no half of a body */
	} else {
		FUZZ_ASSERT(m->n_headers <= LIMITS.max_headers);
		FUZZ_ASSERT(m->n_parts <= LIMITS.max_parts);
		FUZZ_ASSERT(m->depth <= LIMITS.max_depth);
	}
	FUZZ_ASSERT(!m->dsn_message_id == !m->dsn_action && !m->dsn_action == !m->dsn_diagnostic);
	if (m->dsn_message_id) {
		check_id(m->dsn_message_id);
		check_text(m->dsn_action);
		check_text(m->dsn_diagnostic);
	}
	for (size_t i = 0; i < m->n_att; i++) {
		check_text(m->att[i].filename);
		check_text(m->att[i].content_type);
		FUZZ_ASSERT(!m->att[i].data || m->att[i].size <= LIMITS.max_attachment_bytes);
	}
}

/* What inbound.c does next with a parsed message. */
static void check_helpers(const struct mail_parsed *m, const uint8_t *data, size_t size)
{
	char *fresh = mail_new_text(m->text);
	check_text(fresh);
	FUZZ_ASSERT(strlen(fresh) <= strlen(m->text));
	free(fresh);
	char why[256];
	if (mail_auth_failed(m->auth_results, m->n_auth_results, "mx.vendor-co.example", why, sizeof why))
		FUZZ_ASSERT(memchr(why, '\0', sizeof why));
	char tag[64];
	for (size_t i = 0; i < m->n_rcpts; i++)
		if (mail_plus_tag(m->rcpts[i], "support@vendor-co.example", tag, sizeof tag))
			FUZZ_ASSERT(memchr(tag, '\0', sizeof tag));
	char *html = mail_html_to_text((const char *)data, size < 65536 ? size : 65536);
	check_text(html);
	free(html);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > LIMITS.max_bytes + 1024)
		return -1; /* the limit itself is checked by the scan before GMime; beyond it is just slow */
	struct mail_parsed m = MAIL_PARSED_INIT;
	mail_parse((const char *)data, size, &LIMITS, &m);
	check_parsed(&m);
	check_helpers(&m, data, size);
	mail_parsed_release(&m);
	return 0;
}
