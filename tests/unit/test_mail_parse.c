/* The mail parser (mail/parse.c) and its text helpers (mail/text.c): encodings, alternatives,
 * nested messages, attachments, limits as stubs, auto-reply detection, quote stripping. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/util.h"
#include "harness.h"
#include "mail/compose.h"
#include "mail/parse.h"
#include "mail/text.h"

static const struct mail_limits LIM = {1024 * 1024, 50, 8, 100, 64 * 1024};

static int parse(const char *raw, struct mail_parsed *m) { return mail_parse(raw, strlen(raw), &LIM, m); }

TEST(headers_decode_rfc2047_and_normalize_ids)
{
	struct mail_parsed m;
	CHECK(parse("From: =?ISO-8859-15?Q?J=F6rg_M=FCller?= <Joerg@Example.COM>\n"
		    "To: Support <support+c12-abc@vendor.example>\n"
		    "Subject: =?UTF-8?B?w6ljaGFuZ2U=?= [vendor-co #12]\n"
		    "Message-ID: <ABC.123@Mail.Example>\n"
		    "In-Reply-To: <out-1@vendor.example>\n"
		    "References: <root@x> <out-1@vendor.example>\n"
		    "Date: Mon, 2 Mar 2026 15:00:00 +0000\n"
		    "\n"
		    "Hello\n",
		    &m) == 0);
	CHECK(m.error == NULL);
	CHECK_STR(m.from_addr, "joerg@example.com");
	CHECK_STR(m.from_name, "J\xc3\xb6rg M\xc3\xbcller");
	CHECK_STR(m.subject, "\xc3\xa9" "change [vendor-co #12]");
	CHECK_STR(m.message_id, "abc.123@mail.example");
	CHECK_STR(m.in_reply_to, "out-1@vendor.example");
	CHECK(m.n_refs == 2);
	CHECK(m.n_refs == 2 && strcmp(m.refs[0], "root@x") == 0);
	CHECK(m.n_rcpts == 1 && strcmp(m.rcpts[0], "support+c12-abc@vendor.example") == 0);
	CHECK(m.date_ms == 1772463600000LL);
	CHECK(m.auto_reason == NULL);
	CHECK_STR(m.text, "Hello\n");
	mail_parsed_release(&m);
}

TEST(alternative_prefers_plain_and_html_becomes_text)
{
	struct mail_parsed m;
	const char *alt = "From: a@b.c\nSubject: x\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=BB\n\n"
			  "--BB\nContent-Type: text/html\n\n<p>HTML <b>version</b></p>\n"
			  "--BB\nContent-Type: text/plain; charset=utf-8\n\nplain version\n--BB--\n";
	CHECK(parse(alt, &m) == 0);
	CHECK_STR(m.text, "plain version");
	mail_parsed_release(&m);
	const char *html = "From: a@b.c\nContent-Type: text/html; charset=iso-8859-1\n\n"
			   "<html><head><title>t</title><style>p{}</style></head><body><script>alert(1)</script>"
			   "<p>Caf\xe9 &amp; &lt;b&gt;</p><div>two</div></body></html>";
	CHECK(parse(html, &m) == 0);
	CHECK_STR(m.text, "Caf\xc3\xa9 & <b>\n\ntwo");
	mail_parsed_release(&m);
}

TEST(attachments_with_rfc2231_names_and_nested_message)
{
	struct mail_parsed m;
	const char *raw = "From: a@b.c\nSubject: files\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=XX\n\n"
			  "--XX\nContent-Type: text/plain\n\nsee attached\n"
			  "--XX\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n"
			  "Content-Disposition: attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf\n\naGVsbG8=\n"
			  "--XX\nContent-Type: message/rfc822\n\nFrom: old@x.y\nSubject: earlier\n\ninner text\n"
			  "--XX--\n";
	CHECK(parse(raw, &m) == 0);
	CHECK(m.error == NULL);
	CHECK(m.n_att == 1);
	if (m.n_att == 1) {
		CHECK_STR(m.att[0].filename, "r\xc3\xa9sum\xc3\xa9.pdf");
		CHECK_STR(m.att[0].content_type, "application/pdf");
		CHECK(m.att[0].size == 5 && memcmp(m.att[0].data, "hello", 5) == 0);
	}
	CHECK(strstr(m.text, "see attached") != NULL);
	CHECK(strstr(m.text, "Subject: earlier") != NULL && strstr(m.text, "inner text") != NULL);
	mail_parsed_release(&m);
}

#define BIG 200000

/* Append s to the BIG-byte buffer b (strcat is banned: base/banned.h). */
static void put(char *b, const char *s)
{
	size_t at = strlen(b);
	snprintf(b + at, BIG - at, "%s", s);
}

TEST(limits_make_stubs_with_headers)
{
	struct mail_parsed m;
	/* many parts */
	char *big = malloc(BIG);
	big[0] = '\0';
	put(big, "From: flood@x.y\nSubject: parts\nMessage-ID: <p@x>\nContent-Type: multipart/mixed; boundary=Z\n\n");
	for (int i = 0; i < 100; i++)
		put(big, "--Z\nContent-Type: text/plain\n\nx\n");
	put(big, "--Z--\n");
	CHECK(parse(big, &m) == 0);
	CHECK_STR(m.error, "too_many_parts");
	CHECK_STR(m.from_addr, "flood@x.y");
	CHECK_STR(m.message_id, "p@x");
	CHECK_STR(m.text, "");
	mail_parsed_release(&m);
	/* deep nesting */
	big[0] = '\0';
	put(big, "From: deep@x.y\nContent-Type: multipart/mixed; boundary=B0\n\n");
	for (int i = 1; i < 12; i++) {
		char line[100];
		snprintf(line, sizeof line, "--B%d\nContent-Type: multipart/mixed; boundary=B%d\n\n", i - 1, i);
		put(big, line);
	}
	put(big, "--B11\nContent-Type: text/plain\n\ndeep\n");
	CHECK(parse(big, &m) == 0);
	CHECK_STR(m.error, "too_deep");
	mail_parsed_release(&m);
	/* too many headers */
	big[0] = '\0';
	put(big, "From: h@x.y\n");
	for (int i = 0; i < 150; i++)
		put(big, "X-Filler: 1\n");
	put(big, "\nbody\n");
	CHECK(parse(big, &m) == 0);
	CHECK_STR(m.error, "too_many_headers");
	CHECK_STR(m.from_addr, "h@x.y");
	mail_parsed_release(&m);
	/* too large */
	struct mail_limits small = LIM;
	small.max_bytes = 100;
	big[0] = '\0';
	put(big, "From: l@x.y\nSubject: large\n\n");
	for (int i = 0; i < 20; i++)
		put(big, "0123456789");
	CHECK(mail_parse(big, strlen(big), &small, &m) == 0);
	CHECK_STR(m.error, "too_large");
	CHECK_STR(m.subject, "large");
	mail_parsed_release(&m);
	free(big);
}

TEST(auto_replies_are_recognized)
{
	static const char *const CASES[][2] = {
		{"Auto-Submitted: auto-replied\n", "auto-submitted: auto-replied"},
		{"Precedence: bulk\n", "precedence: bulk"},
		{"Precedence: junk\n", "precedence: junk"},
		{"X-Autoreply: yes\n", "x-autoreply"},
		{"List-Id: <news.example>\n", "list-id"},
		{"Return-Path: <>\n", "empty return-path"},
	};
	for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
		struct mail_parsed m;
		char raw[300];
		snprintf(raw, sizeof raw, "From: sam@x.y\n%sSubject: Out of office\n\nAway\n", CASES[i][0]);
		parse(raw, &m);
		CHECK_STR(m.auto_reason, CASES[i][1]);
		mail_parsed_release(&m);
	}
	struct mail_parsed m;
	parse("From: MAILER-DAEMON@mx.example\nSubject: Undelivered\n\nx\n", &m);
	CHECK_STR(m.auto_reason, "mailer-daemon");
	mail_parsed_release(&m);
	parse("From: sam@x.y\nAuto-Submitted: no\nPrecedence: first-class\n\nx\n", &m);
	CHECK(m.auto_reason == NULL);
	mail_parsed_release(&m);
}

/* Found by fuzzing (fuzz/crashes/mail/auto-reason-not-utf8): the reason quoted the header's raw bytes,
 * cut at a byte count, and jansson refused it.  It is cut on a character boundary and made valid. */
TEST(auto_reason_is_valid_utf8)
{
	struct mail_parsed m;
	parse("From: sam@x.y\nPrecedence: bulk: \x9f\xbf\x9d caf\xc3\xa9\nSubject: x\n\nx\n", &m);
	CHECK(m.auto_reason && strncmp(m.auto_reason, "precedence: bulk: ", 18) == 0);
	CHECK(utf8_valid_text(m.auto_reason, strlen(m.auto_reason)));
	mail_parsed_release(&m);
	/* 20 bytes of the value end inside "é": the cut keeps the character whole or leaves it out */
	parse("From: sam@x.y\nPrecedence: bulk aaaaaaaaaaaaaa\xc3\xa9\nSubject: x\n\nx\n", &m);
	CHECK_STR(m.auto_reason, "precedence: bulk aaaaaaaaaaaaaa");
	CHECK(utf8_valid_text(m.auto_reason, strlen(m.auto_reason)));
	mail_parsed_release(&m);
}

TEST(garbage_is_survived)
{
	struct mail_parsed m;
	CHECK(mail_parse("", 0, &LIM, &m) <= 0);
	mail_parsed_release(&m);
	const char bin[] = "\x00\xff\xfe\n\n\x01\x02";
	mail_parse(bin, sizeof bin, &LIM, &m);
	mail_parsed_release(&m);
}

TEST(new_text_strips_quotes_and_signature)
{
	char *t = mail_new_text("Yes, 11:00 tomorrow works.\n\nThanks\n-- \nSam Carter\n555 0142\n");
	CHECK_STR(t, "Yes, 11:00 tomorrow works.\n\nThanks");
	free(t);
	t = mail_new_text("Sounds good.\n\nOn Mon, 2 Mar 2026 at 15:00, Pat <pat@vendor.example> wrote:\n> Your phones\n> are late\n");
	CHECK_STR(t, "Sounds good.");
	free(t);
	t = mail_new_text("Top\nOn Mon, 2 Mar 2026 at 15:00, Pat Smith\n<pat@vendor.example> wrote:\n> old\n");
	CHECK_STR(t, "Top");
	free(t);
	t = mail_new_text("ok\n\n-----Original Message-----\nFrom: x\n");
	CHECK_STR(t, "ok");
	free(t);
	t = mail_new_text("ok2\n\nFrom: Pat\nSent: Monday\nTo: Sam\n\nold text\n");
	CHECK_STR(t, "ok2");
	free(t);
	t = mail_new_text("> only quoted\n");
	CHECK_STR(t, "> only quoted");
	free(t);
}

TEST(utf8_clean_and_addresses)
{
	char *s = mail_utf8_clean("a\xffz\r\nb\x01\xc3\xa9", 9);
	CHECK_STR(s, "a\xef\xbf\xbdz\nb\xc3\xa9");
	free(s);
	char tag[64];
	CHECK(mail_plus_tag("Support+c12-AbC@Vendor.example", "support@vendor.example", tag, sizeof tag) == 1);
	CHECK_STR(tag, "c12-abc");
	CHECK(mail_plus_tag("support@vendor.example", "support@vendor.example", tag, sizeof tag) == 0);
	CHECK(mail_plus_tag("other+c12-abc@vendor.example", "support@vendor.example", tag, sizeof tag) == 0);
	CHECK(mail_plus_tag("support+c12@evil.example", "support@vendor.example", tag, sizeof tag) == 0);
	char *id = mail_norm_id("  <Foo@Bar>  ");
	CHECK_STR(id, "foo@bar");
	free(id);
	id = mail_norm_id("\x1e<G1@Example.CN>\x01"); /* fuzz/crashes/mail: controls around the <> */
	CHECK_STR(id, "g1@example.cn");
	free(id);
}

TEST(compose_round_trips_and_admits_no_header_injection)
{
	struct mail_compose mc = {"Vendor Co Support", "support@vendor.example", "support+c3-abc@vendor.example", "sam@x.y",
				  "Caf\xc3\xa9 order\r\nBcc: evil@x.y", "Line one\nBcc: not-a-header\n",
				  "out-1@vendor.example", "in-1@x.y", "root@x.y in-1@x.y", 1, 1772463600000LL, NULL, 0};
	size_t len;
	char *raw = mail_compose(&mc, &len);
	CHECK(strstr(raw, "\r\n\r\n") != NULL);
	CHECK(strstr(raw, "\nBcc:") == NULL || strstr(raw, "\nBcc:") > strstr(raw, "\r\n\r\n")); /* only in the body */
	struct mail_parsed m;
	CHECK(mail_parse(raw, len, &LIM, &m) == 0);
	CHECK_STR(m.subject, "Caf\xc3\xa9 order  Bcc: evil@x.y");
	CHECK_STR(m.message_id, "out-1@vendor.example");
	CHECK_STR(m.in_reply_to, "in-1@x.y");
	CHECK(m.n_refs == 2);
	CHECK_STR(m.auto_reason, "auto-submitted: auto-replied");
	CHECK(m.n_rcpts == 1 && strcmp(m.rcpts[0], "sam@x.y") == 0);
	CHECK_STR(m.text, "Line one\nBcc: not-a-header\n");
	mail_parsed_release(&m);
	free(raw);
}

TEST(compose_with_files_is_multipart_mixed_and_parses_back)
{
	static const unsigned char PDF[] = {'%', 'P', 'D', 'F', 0, 1, 2, 0xff, 0xfe, '\r', '\n', '.', '\n'};
	const struct mail_file files[] = {
		{"Quote M\xc3\xa4rz \"final\".pdf", "application/pdf", PDF, sizeof PDF},
		{"evil\r\nX-Injected: 1.txt", NULL, (const unsigned char *)"plain", 5},
	};
	struct mail_compose mc = {"Support", "support@vendor.example", NULL, "sam@x.y", "Your quote", "See the files.\n",
				  "out-2@vendor.example", NULL, NULL, 0, 1772463600000LL, files, 2};
	size_t len;
	char *raw = mail_compose(&mc, &len);
	CHECK(strstr(raw, "multipart/mixed") != NULL);
	CHECK(strstr(raw, "\nX-Injected:") == NULL); /* a file's name is one header value */
	struct mail_parsed m;
	CHECK(mail_parse(raw, len, &LIM, &m) == 0);
	CHECK(m.error == NULL);
	CHECK_STR(m.text, "See the files.\n");
	CHECK(m.n_att == 2);
	if (m.n_att == 2) {
		CHECK_STR(m.att[0].filename, "Quote M\xc3\xa4rz \"final\".pdf");
		CHECK_STR(m.att[0].content_type, "application/pdf");
		CHECK(m.att[0].size == sizeof PDF && memcmp(m.att[0].data, PDF, sizeof PDF) == 0);
		CHECK_STR(m.att[1].content_type, "application/octet-stream");
		CHECK(m.att[1].size == 5 && memcmp(m.att[1].data, "plain", 5) == 0);
	}
	mail_parsed_release(&m);
	free(raw);
}

TEST(authentication_results_from_the_trusted_server_only)
{
	char why[128];
	char *fail[] = {"mx.vendor.example; spf=fail smtp.mailfrom=x.y; dkim=none; dmarc=fail header.from=x.y"};
	char *pass[] = {"mx.vendor.example; spf=pass smtp.mailfrom=x.y; dkim=pass header.d=x.y; dmarc=pass"};
	char *dkim_ok[] = {"mx.vendor.example; spf=fail smtp.mailfrom=x.y; dkim=pass header.d=x.y"};
	char *other[] = {"evil.example; dmarc=fail", "MX.Vendor.Example;\n spf=softfail; dkim=fail (bad signature)"};
	char *lookalike[] = {"mx.vendor.example.evil; dmarc=fail", "mx.vendor.example; x-dmarc=failure"};
	CHECK(mail_auth_failed(fail, 1, "mx.vendor.example", why, sizeof why) == 1);
	CHECK_STR(why, "authentication failed: dmarc=fail spf=fail");
	CHECK(mail_auth_failed(pass, 1, "mx.vendor.example", why, sizeof why) == 0);
	CHECK(mail_auth_failed(dkim_ok, 1, "mx.vendor.example", why, sizeof why) == 0);
	CHECK(mail_auth_failed(other, 1, "mx.vendor.example", why, sizeof why) == 0);
	CHECK(mail_auth_failed(other, 2, "mx.vendor.example", why, sizeof why) == 1);
	CHECK(mail_auth_failed(lookalike, 2, "mx.vendor.example", why, sizeof why) == 0);
	CHECK(mail_auth_failed(fail, 1, "", why, sizeof why) == 0);
}

TEST(delivery_reports_name_the_message_and_the_failure)
{
	struct mail_parsed m;
	const char *raw = "From: MAILER-DAEMON@mx.y\nSubject: Undelivered\nContent-Type: multipart/report; "
			  "report-type=delivery-status; boundary=R\n\n--R\nContent-Type: text/plain\n\nsorry\n"
			  "--R\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.y\n\nAction: failed\n"
			  "Status: 5.1.1\nDiagnostic-Code: smtp; 550 no such user\n"
			  "--R\nContent-Type: message/rfc822\n\nFrom: a@b.c\nMessage-ID: <Out-7@Vendor.Example>\n\nhi\n--R--\n";
	CHECK(parse(raw, &m) == 0);
	CHECK_STR(m.dsn_message_id, "out-7@vendor.example");
	CHECK_STR(m.dsn_action, "failed");
	CHECK_STR(m.dsn_diagnostic, "5.1.1 smtp; 550 no such user");
	CHECK_STR(m.auto_reason, "mailer-daemon");
	mail_parsed_release(&m);
	CHECK(parse("From: a@b.c\n\nno report\n", &m) == 0);
	CHECK(m.dsn_message_id == NULL);
	mail_parsed_release(&m);
}

TEST(render_refuses_absent_facts)
{
	const struct mail_fact f[] = {{"owner", "Pat"}, {"time", NULL}, {NULL, NULL}};
	char *s = mail_render("{owner} owns it", f);
	CHECK_STR(s, "Pat owns it");
	free(s);
	CHECK(mail_render("by {time}", f) == NULL);
	CHECK(mail_render("{card}", f) == NULL);
}

/* Python's own email test suite (Debian libpython3.11-testsuite): messages nobody here wrote.
 * Every one parses without a crash, in bounded time, with valid UTF-8 out. */
#define CORPUS "/usr/lib/python3.11/test/test_email/data"
TEST(answers_to_a_proposal)
{
	CHECK(mail_answer("Yes") == 1);
	CHECK(mail_answer("\n  OK, that works for me.\n\nSam") == 1);
	CHECK(mail_answer("Agreed.") == 1);
	CHECK(mail_answer("No") == -1);
	CHECK(mail_answer("That doesn't work for me") == -1);
	CHECK(mail_answer("Yes, but can you deliver to the store instead") == 0);
	CHECK(mail_answer("ok?") == 0);
	CHECK(mail_answer("Good morning, I have a question about the invoice") == 0);
	CHECK(mail_answer("") == 0);
	CHECK(mail_answer("yes yes yes yes yes yes yes yes yes yes yes yes yes") == 0); /* too long to be sure */
}

TEST(python_email_corpus_survives)
{
	DIR *d = opendir(CORPUS);
	if (!d) {
		printf("  (skipped: %s missing; install libpython3.11-testsuite)\n", CORPUS);
		return;
	}
	int files = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[512];
		snprintf(path, sizeof path, "%s/%s", CORPUS, e->d_name);
		FILE *f = fopen(path, "rb");
		if (!f)
			continue;
		static char buf[1 << 20];
		size_t n = fread(buf, 1, sizeof buf, f);
		fclose(f);
		struct mail_parsed m;
		clock_t t0 = clock();
		mail_parse(buf, n, &LIM, &m);
		double s = (double)(clock() - t0) / CLOCKS_PER_SEC;
		CHECK(s < 2.0);
		CHECK(m.subject && m.text && m.from_addr && m.message_id);
		char *again = mail_utf8_clean(m.text, strlen(m.text));
		CHECK(strcmp(again, m.text) == 0);
		free(again);
		mail_parsed_release(&m);
		files++;
	}
	closedir(d);
	printf("  %d corpus files parsed\n", files);
	CHECK(files > 50);
}

int main(void)
{
	RUN(headers_decode_rfc2047_and_normalize_ids);
	RUN(alternative_prefers_plain_and_html_becomes_text);
	RUN(attachments_with_rfc2231_names_and_nested_message);
	RUN(limits_make_stubs_with_headers);
	RUN(auto_replies_are_recognized);
	RUN(auto_reason_is_valid_utf8);
	RUN(garbage_is_survived);
	RUN(new_text_strips_quotes_and_signature);
	RUN(utf8_clean_and_addresses);
	RUN(compose_round_trips_and_admits_no_header_injection);
	RUN(compose_with_files_is_multipart_mixed_and_parses_back);
	RUN(render_refuses_absent_facts);
	RUN(delivery_reports_name_the_message_and_the_failure);
	RUN(authentication_results_from_the_trusted_server_only);
	RUN(answers_to_a_proposal);
	RUN(python_email_corpus_survives);
	DONE();
}
