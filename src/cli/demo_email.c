/* Demo part for email (issue 16, story S6): vendor-co's support mailbox, and a short thread in
 * it: Lena writes in (a case opens for Customer Care with an honest acknowledgement queued),
 * Kim answers from the case page, Lena replies above the quoted text, and her out-of-office
 * reply is recorded and never answered.  The mail goes through the same path as the mailgate's. */
#include <stdio.h>
#include <string.h>

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

void demo_email(struct demo *d)
{
	demo_org(d, "vendor-co");
	demo_at(d, 1, "08:55", TZ);
	json_decref(demo_call(d, "POST", "/api/v1/mailboxes",
			      json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "name", "support", "address", ADDRESS, "display_name",
					"Vendor Co Support", "team", "Customer Care", "owner", "kim@vendor-co.example", "location",
					"Springfield")));
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
	json_decref(demo_callf(d, "POST",
			       json_pack("{s:s}", "body",
					 "Hello Lena,\n\nI'm sorry about the screen. I have asked Store 12 to set aside a "
					 "replacement; you can swap it there from Thursday 10:00. Bring the phone and its box.\n\n"
					 "Kim, Customer Care"),
			       "/api/v1/cases/%s/replies", case_id));
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
	json_decref(first);
}
