/* Demo part for email (issue 16, story S6): vendor-co's support mailbox, and a short thread in
 * it: Lena writes in (a case opens for Customer Care with an honest acknowledgement queued),
 * Kim answers from the case page (a voucher attached), Lena replies above the quoted text, and her out-of-office
 * reply is recorded and never answered; a forged "Lena" is held for review; night mail is
 * offered to the person on call.  The mail goes through the same path as the mailgate's. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "base/util.h"
#include "cli/demo.h"
#include "svc/mail/inbound.h"
#include "svc/mail/outbox.h"

#define TZ "America/Chicago"
#define ADDRESS "support@vendor-co.example"

/* Take one message into the mailbox as the mail server would hand it over. */
static json_t *receive(struct demo *d, const char *raw, const char *recipient)
{
	struct mailbox mb;
	json_t *out = NULL;
	struct mail_gate_in gi = {raw, strlen(raw), recipient, NULL};
	if (mailbox_find(&d->c, ADDRESS, &mb) || mail_ingest(&d->c, &mb, &gi, &out))
		fl_die("demo: mail: %s (%s)", d->c.err.message, d->c.err.code);
	return out;
}

/* Kim promises the replacement, then Store 12's delivery slips: she proposes a new time by email
 * and Lena's "yes" in reply is the consent that moves the promise (confirmed to her by mail). */
static void demo_email_proposal(struct demo *d, const char *case_id, const char *to)
{
	demo_at(d, 1, "10:50", TZ);
	demo_as(d, "kim@vendor-co.example");
	json_t *due = svc_time(d->c.now + 2 * FL_DAY_MS - 50 * FL_MIN_MS), *later = svc_time(d->c.now + 3 * FL_DAY_MS);
	json_t *p = demo_callf(d, "POST",
			       json_pack("{s:s,s:O,s:s}", "what", "a replacement phone ready to swap at Store 12", "due_at", due,
					 "channel", "email"),
			       "/api/v1/cases/%s/promises", case_id);
	demo_at(d, 1, "11:20", TZ);
	json_t *prop = demo_callf(d, "POST",
				  json_pack("{s:O,s:s}", "due_at", later, "note", "Store 12's delivery of replacements slipped a day."),
				  "/api/v1/promises/%s/propose", json_string_value(json_object_get(p, "id")));
	char mid[300] = "", raw[2048];
	if (svc_text(&d->c, mid, sizeof mid, "SELECT message_id FROM mail_out WHERE org_id = ? AND id = ?",
		     DB_ARGS(DB_TXT(d->c.actor.org_id), DB_TXT(json_string_value(json_object_get(prop, "mail_id"))))) ||
	    !*mid)
		fl_die("demo: proposal mail: %s", d->c.err.message);
	demo_at(d, 1, "11:45", TZ);
	snprintf(raw, sizeof raw,
		 "From: Lena Ortiz <lena.ortiz@example.com>\nTo: %s\nSubject: Re: Cracked screen on my new phone\n"
		 "Message-ID: <lena-3@mail.example.com>\nIn-Reply-To: <%s>\nReferences: <%s>\n\n"
		 "Yes, Friday is fine.\n\nOn Tue, Kim wrote:\n> I propose a new time\n",
		 to, mid, mid);
	json_decref(receive(d, raw, to));
	json_decref(due);
	json_decref(later);
	json_decref(p);
	json_decref(prop);
}

/* Out of hours, new mail goes to whoever is on call for the mailbox's skill: Chris covers support
 * mail at night; a message at 22:30, when Springfield is closed, is offered to him (Kim keeps the
 * case until he accepts). */
static void demo_email_night(struct demo *d)
{
	demo_at_as(d, 1, "21:00", TZ, "admin@vendor-co.example");
	json_decref(demo_call(d, "POST", "/api/v1/skills",
			      json_pack("{s:s,s:s}", "name", "support-mail", "description", "answering support mail")));
	json_decref(demo_call(d, "POST", "/api/v1/rotas",
			      json_pack("{s:s,s:s,s:s,s:[{s:s,s:[s],s:s,s:i,s:s}]}", "name", "Support mail, nights", "skill",
					"support-mail", "location", "Springfield", "layers", "layer", "primary", "members",
					"chris@vendor-co.example", "handoff", "00:00", "period_days", 7, "start", "2026-01-05")));
	json_t *boxes = demo_call(d, "GET", "/api/v1/mailboxes", NULL);
	json_decref(demo_callf(d, "PATCH", json_pack("{s:s}", "on_call_skill", "support-mail"), "/api/v1/mailboxes/%s",
			       json_string_value(json_object_get(json_array_get(json_object_get(boxes, "items"), 0), "id"))));
	json_decref(boxes);
	demo_at(d, 1, "22:30", TZ);
	json_decref(receive(d,
			    "From: Ines Duarte <ines.duarte@example.net>\nTo: Vendor Co Support <" ADDRESS ">\n"
			    "Subject: Order 5512 charged twice\nMessage-ID: <ines-1@example.net>\n\n"
			    "Hello,\n\nmy card was charged twice tonight for order 5512. Please refund one of them.\n\nInes\n",
			    NULL));
}

/* Kim's answer, with the swap voucher Store 12 asks for attached (sent as multipart/mixed). */
static void demo_email_reply(struct demo *d, const char *case_id)
{
	static const char VOUCHER[] = "Vendor Co - Store 12\r\nScreen swap voucher\r\n\r\nCustomer: Lena Ortiz\r\n"
				      "Item: phone, cracked screen on delivery\r\nSwap from: Thursday 10:00\r\n"
				      "Bring: the phone and its box\r\n";
	size_t n = sodium_base64_encoded_len(sizeof VOUCHER - 1, sodium_base64_VARIANT_ORIGINAL);
	char *b64 = xmalloc(n);
	sodium_bin2base64(b64, n, (const unsigned char *)VOUCHER, sizeof VOUCHER - 1, sodium_base64_VARIANT_ORIGINAL);
	json_t *att = demo_call(d, "POST", "/api/v1/attachments",
				json_pack("{s:s,s:s,s:s}", "filename", "Store 12 swap voucher.txt", "content_type", "text/plain",
					  "data_base64", b64));
	free(b64);
	json_decref(demo_callf(d, "POST",
			       json_pack("{s:s,s:[O]}", "body",
					 "Hello Lena,\n\nI'm sorry about the screen. I have asked Store 12 to set aside a "
					 "replacement; you can swap it there from Thursday 10:00. Bring the phone and its box, "
					 "and the voucher attached.\n\nKim, Customer Care",
					 "attachment_ids", json_object_get(att, "id")),
			       "/api/v1/cases/%s/replies", case_id));
	json_decref(att);
}

void demo_email(struct demo *d)
{
	demo_org(d, "vendor-co");
	demo_at(d, 1, "08:55", TZ);
	json_decref(demo_call(d, "POST", "/api/v1/mailboxes",
			      json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "name", "support", "address", ADDRESS, "display_name",
					"Vendor Co Support", "team", "Customer Care", "owner", "kim@vendor-co.example",
					"location", "Springfield", "authserv_id", "mx.vendor-co.example")));
	demo_at(d, 1, "09:12", TZ);
	json_t *first = receive(d,
				"From: Lena Ortiz <lena.ortiz@example.com>\nTo: Vendor Co Support <" ADDRESS ">\n"
				"Subject: Cracked screen on my new phone\nMessage-ID: <lena-1@mail.example.com>\n\n"
				"Hello,\n\nthe phone I picked up at Store 12 yesterday has a cracked screen. It was like that "
				"when I opened the box. What can you do?\n\nLena Ortiz\n",
				NULL);
	const char *case_id = json_string_value(json_object_get(first, "case_id"));
	demo_remember(d, "vendor-co/case:lena", case_id);
	demo_at_as(d, 1, "10:05", TZ, "kim@vendor-co.example");
	demo_email_reply(d, case_id);
	char secret[MAIL_SECRET_LEN + 1], tag[64], to[160];
	if (outbox_case_secret(&d->c, case_id, secret))
		fl_die("demo: mail secret: %s", d->c.err.message);
	outbox_tag(json_integer_value(json_object_get(first, "case_number")), secret, tag, sizeof tag);
	snprintf(to, sizeof to, "support+%s@vendor-co.example", tag);
	char raw[2048];
	demo_at(d, 1, "10:40", TZ);
	snprintf(raw, sizeof raw,
		 "From: Lena Ortiz <lena.ortiz@example.com>\nTo: %s\nSubject: Re: Cracked screen on my new phone\n"
		 "Message-ID: <lena-2@mail.example.com>\nIn-Reply-To: <lena-1@mail.example.com>\n\n"
		 "Thank you, Thursday works. I'll come by after work.\n\nOn Tue, Kim wrote:\n> Hello Lena,\n> I'm sorry about "
		 "the screen.\n-- \nLena Ortiz\n",
		 to);
	json_decref(receive(d, raw, to));
	demo_at(d, 1, "10:41", TZ);
	snprintf(raw, sizeof raw,
		 "From: Lena Ortiz <lena.ortiz@example.com>\nTo: %s\nSubject: Out of office: Re: Cracked screen\n"
		 "Message-ID: <lena-ooo@mail.example.com>\nAuto-Submitted: auto-replied\n\nI am out of the office until 13:00.\n",
		 to);
	json_decref(receive(d, raw, to));
	demo_email_proposal(d, case_id, to);
	json_decref(first);
	/* a forged "Lena" failing the mail server's DMARC check: held for Kim to review (or release) */
	demo_at(d, 1, "12:05", TZ);
	json_decref(receive(d,
			    "From: Lena Ortiz <lena.ortiz@example.com>\nTo: " ADDRESS
			    "\nSubject: Re: Cracked screen: new bank details\n"
			    "Message-ID: <forged-lena@mail.example.net>\nAuthentication-Results: mx.vendor-co.example; "
			    "spf=fail smtp.mailfrom=example.com; dmarc=fail header.from=example.com\n\n"
			    "Please send the refund to my new account IBAN XX00 0000.\n",
			    NULL));
	demo_email_night(d);
}
