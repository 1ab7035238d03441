"""Email as a channel (issue 16), with real parts: messages piped to `frontline mailgate` (and,
where Postfix can be started here, sent through a real Postfix on loopback that pipes to it),
and the outbox delivered by `frontline mail-deliver` to a Python aiosmtpd sink on loopback that
the test reads.  Every defense has its test: loops, duplicates, floods, strangers, shells."""
import email
import email.policy
import os
import shutil
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from lib import BIN, Server, check, eq, free_port, run_module, skip, wait_for  # noqa: E402

V = "vendor-co"
MAILBOX = "sales@vendor-co.example"  # the demo has support@ (Customer Care); these tests add Pat's
CORPUS = "/usr/lib/python3.11/test/test_email/data"


# --- the SMTP sink: aiosmtpd on loopback, keeping what arrives ---

class Sink:
    """delay: seconds the first DATA waits before answering (a worker can be killed meanwhile)."""

    def __init__(self, refuse=None, delay=0):
        from aiosmtpd.controller import Controller

        self.messages = []
        self.delay = delay
        sink = self

        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                if refuse:
                    return refuse
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                sink.messages.append((envelope.mail_from, list(envelope.rcpt_tos),
                                      email.message_from_bytes(envelope.content, policy=email.policy.default)))
                if sink.delay:
                    import asyncio
                    d, sink.delay = sink.delay, 0
                    await asyncio.sleep(d)
                return "250 Message accepted"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        self.url = "smtp://127.0.0.1:%d" % self.port

    def stop(self):
        self.controller.stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


# --- helpers ---

def mailgate(s, raw, *extra, mailbox=MAILBOX, timeout=60):
    if isinstance(raw, str):
        raw = raw.encode()
    p = subprocess.run([BIN, "mailgate", "--db", s.db, "--mailbox", mailbox] + list(extra), input=raw,
                       capture_output=True, timeout=timeout)
    import json
    out = None
    try:
        out = json.loads(p.stdout.decode() or "null")
    except ValueError:
        pass
    return p.returncode, out, p.stderr.decode()


def deliver(s, sink_url, *extra):
    return subprocess.run([BIN, "mail-deliver", "--db", s.db, "--smtp", sink_url, "--once"] + list(extra),
                          capture_output=True, text=True, timeout=120)


def setup(s):
    admin = s.login("admin@vendor-co.example", V)
    admin.ok("POST", "/api/v1/mailboxes", {"name": "sales", "address": MAILBOX, "display_name": "Vendor Co Sales",
                                           "team": "Phone Sales", "owner": "pat@vendor-co.example",
                                           "location": "Springfield"})
    return admin, s.login("pat@vendor-co.example", V)


def msg(frm="Sam Carter <sam.carter@example.com>", to=MAILBOX, subject="Where are my phones?", mid=None,
        body="I was promised my phones by 19:15 and the store knows nothing.\n", headers=""):
    mid = mid or "<%s@example.com>" % os.urandom(6).hex()
    return ("From: %s\nTo: %s\nSubject: %s\nMessage-ID: %s\nDate: Mon, 2 Mar 2026 19:20:00 -0600\n%s\n%s"
            % (frm, to, subject, mid, headers, body))


def case_of(client, case_id):
    return client.ok("GET", "/api/v1/cases/" + case_id)


def mail_count(s, table):
    if s.db.startswith("postgres"):
        out = subprocess.run(["psql", s.db, "-tAc", "SELECT COUNT(*) FROM " + table], capture_output=True, text=True)
    else:
        out = subprocess.run(["sqlite3", s.db, "SELECT COUNT(*) FROM " + table], capture_output=True, text=True)
    return int(out.stdout.strip())


def ack_of(sink, to="sam.carter@example.com"):
    acks = [m for _, _, m in sink.messages if m["Auto-Submitted"] == "auto-replied" and m["To"] == to]
    return acks[-1] if acks else None


# --- in ---

def test_new_mail_opens_a_case_for_the_team_and_the_owner_hears_at_once():
    with Server(demo=True, test_clock=False) as s, Sink() as sink:
        admin, pat = setup(s)
        rc, out, err = mailgate(s, msg())
        eq(rc, 0, "mailgate exits 0 once committed (%s)" % err)
        eq(out["status"], "opened", "a message that fits no case opens one")
        case = case_of(pat, out["case_id"])
        eq(case["owner"]["email"], "pat@vendor-co.example", "the mailbox's owner owns the new case")
        eq(case["channel"], "email", "channel")
        eq(case["customer"]["name"], "Sam Carter", "the customer is found by address")
        tps = case["touchpoints"]
        check(len(tps) == 1 and tps[0]["direction"] == "inbound" and "19:15" in tps[0]["summary"],
              "the mail is an inbound contact: %r" % tps)
        alerts = pat.ok("GET", "/api/v1/alerts")["items"]
        check(any(a.get("case_id") == case["id"] for a in alerts), "Pat is alerted: %r" % alerts[:2])
        mails = case["mail"]
        check([m["direction"] for m in mails] == ["inbound", "outbound"], "received and an acknowledgement queued")
        eq(mails[1]["status"], "queued", "acknowledgement queued in the same transaction")
        p = deliver(s, sink.url)
        eq(p.returncode, 0, "mail-deliver: %s" % p.stderr)
        ack = ack_of(sink)
        check(ack is not None, "the acknowledgement arrived at the sink")
        body = ack.get_content()
        check("Pat Morgan" in body and "owns your case" in body, "it says who owns the case: %r" % body)
        check("Chicago time" in body, "in the intake location's time: %r" % body)
        check("[vendor-co #%d]" % case["number"] in ack["Subject"], "subject carries the case tag: %s" % ack["Subject"])
        check("sales+c%d-" % case["number"] in ack["Reply-To"], "reply address carries the case's secret: %s" % ack["Reply-To"])
        eq(ack["In-Reply-To"].strip("<>"), mails[0]["message_id"], "threads after Sam's message")
        eq(case_of(pat, case["id"])["mail"][1]["status"], "sent", "delivery status on the case")


def test_replies_thread_by_reply_address_and_by_references_and_show_only_the_new_text():
    with Server(demo=True, test_clock=False) as s, Sink() as sink:
        admin, pat = setup(s)
        rc, first, _ = mailgate(s, msg())
        deliver(s, sink.url)
        ack = ack_of(sink)
        reply = msg(to=ack["Reply-To"].split("<")[-1].strip(">"), subject="Re: " + ack["Subject"],
                    body="Yes, 11:00 tomorrow works.\n\nOn Mon, Pat wrote:\n> old text\n> more\n-- \nSam Carter\n555 0142\n")
        rc, out, err = mailgate(s, reply)
        eq((rc, out["status"], out["reason"]), (0, "threaded", "reply_address"), "by the reply address (%s)" % err)
        eq(out["case_id"], first["case_id"], "onto the same case")
        case = case_of(pat, first["case_id"])
        eq(case["touchpoints"][-1]["summary"], "Yes, 11:00 tomorrow works.", "quoted history and signature stripped")
        orig = pat.ok("GET", "/api/v1/mail/%s/original" % out["id"])
        check("> old text" in orig["raw"] and "555 0142" in orig["raw"], "show original keeps everything")
        by_ref = msg(to=MAILBOX, subject="something else", headers="In-Reply-To: <%s>\n" % ack["Message-ID"].strip("<>"))
        rc, out, _ = mailgate(s, by_ref)
        eq((out["status"], out["reason"], out["case_id"]), ("threaded", "references", first["case_id"]),
           "a reply to a Message-ID we sent threads onto its case")
        tag = msg(subject="again [vendor-co #%d]" % case["number"])
        rc, out, _ = mailgate(s, tag)
        eq((out["status"], out["reason"], out["case_id"]), ("threaded", "subject_tag", first["case_id"]),
           "the subject tag threads when the sender is the case's customer")
        other = s.login("dana@vendor-co.example", V)
        r = other.get("/api/v1/mail/min_00000000000000000000000000/original")
        eq(r.status, 404, "an unknown message is not found")


def test_a_stranger_with_the_case_number_cannot_inject():
    with Server(demo=True, test_clock=False) as s, Sink():
        admin, pat = setup(s)
        rc, first, _ = mailgate(s, msg())
        case = case_of(pat, first["case_id"])
        n = case["number"]
        forged = msg(frm="Mallory <mallory@evil.example>", to="sales+c%d-aaaaaaaaaaaa@vendor-co.example" % n,
                     subject="Re: Where are my phones? [vendor-co #%d]" % n, body="cancel my order\n")
        rc, out, _ = mailgate(s, forged)
        eq(rc, 0, "accepted")
        check(out["case_id"] != first["case_id"], "a wrong secret and the case number thread nothing")
        eq(out["status"], "opened", "the stranger's mail is a new case of its own")
        eq(len(case_of(pat, first["case_id"])["touchpoints"]), 1, "Sam's case is untouched")


def test_auto_replies_and_loops_are_recorded_never_answered():
    with Server(demo=True, test_clock=False) as s, Sink() as sink:
        admin, pat = setup(s)
        rc, first, _ = mailgate(s, msg())
        deliver(s, sink.url)
        ack = ack_of(sink)
        reply_to = ack["Reply-To"].split("<")[-1].strip(">")
        ooo = msg(to=reply_to, subject="Out of office", headers="Auto-Submitted: auto-replied\n", body="I am away.\n")
        rc, out, _ = mailgate(s, ooo)
        eq((rc, out["status"]), (0, "threaded"), "Sam's out-of-office lands on his case")
        check(out["reason"].startswith("auto-submitted"), "and is marked automatic: %r" % out["reason"])
        outbound = [m for m in case_of(pat, first["case_id"])["mail"] if m["direction"] == "outbound"]
        eq(len(outbound), 1, "it is never answered")
        variants = [("Auto-Submitted: auto-generated\n", "Bob <bob@example.org>", None),
                    ("Precedence: bulk\n", "news <news@example.org>", None),
                    ("Precedence: junk\n", "spam <spam@example.org>", None),
                    ("Precedence: list\n", "list <list@example.org>", None),
                    ("X-Autoreply: yes\n", "Ann <ann@example.org>", None),
                    ("List-Id: <announce.example.org>\n", "Lists <lists@example.org>", None),
                    ("", "MAILER-DAEMON@mx.example.org", None),
                    ("", "postmaster@example.org", None),
                    ("Return-Path: <>\n", "Zed <zed@example.org>", None),
                    ("", "Yan <yan@example.org>", ["--sender", ""])]
        before = mail_count(s, "mail_out")
        for hdr, frm, extra in variants:
            rc, out, err = mailgate(s, msg(frm=frm, headers=hdr), *(extra or []))
            eq((rc, out and out["status"]), (0, "auto"), "%r from %s: recorded, no case (%s)" % (hdr, frm, err))
        eq(mail_count(s, "mail_out"), before, "no automatic mail answers any of them")


def test_duplicates_and_floods():
    with Server(demo=True, test_clock=False) as s, Sink():
        admin, pat = setup(s)
        m = msg(mid="<Same.ID@Example.COM>")
        rc1, a, _ = mailgate(s, m)
        rc2, b, _ = mailgate(s, m.replace("<Same.ID@Example.COM>", "< same.id@example.com >"))
        eq((rc1, rc2), (0, 0), "both deliveries succeed")
        eq(b["status"], "duplicate", "the second (normalized Message-ID) is a duplicate")
        eq(len(case_of(pat, a["case_id"])["touchpoints"]), 1, "the message is on its case once")
        nomid = "From: x@example.org\nTo: %s\nSubject: no id\n\nhello\n" % MAILBOX
        eq(mailgate(s, nomid)[1]["status"], "opened", "a message without Message-ID is taken")
        eq(mailgate(s, nomid)[1]["status"], "duplicate", "and its redelivery is recognized by its bytes")
        admin.ok("PATCH", "/api/v1/org/settings", {"settings": {"mail.max_per_sender_hour": 3}})
        statuses = [mailgate(s, msg(frm="flood@example.org", subject="spam %d" % i))[1]["status"] for i in range(5)]
        eq(statuses, ["opened", "opened", "opened", "rate_limited", "rate_limited"], "capped per sender per hour")


def test_limits_keep_a_stub_never_drop():
    with Server(demo=True, test_clock=False) as s, Sink():
        admin, pat = setup(s)
        parts = "".join("--ZZ\nContent-Type: text/plain\n\npart %d\n" % i for i in range(10000))
        big = msg(subject="ten thousand parts",
                  headers="MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=ZZ\n",
                  body=parts + "--ZZ--\n")
        t0 = time.time()
        rc, out, err = mailgate(s, big)
        eq(rc, 0, "a 10,000-part message is accepted (%s)" % err)
        check(time.time() - t0 < 30, "quickly")
        eq(out["parse_error"], "too_many_parts", "kept as a stub with its error")
        case = case_of(pat, out["case_id"])
        check("too_many_parts" in case["touchpoints"][0]["summary"], "the agent is told why there is no text")
        orig = pat.ok("GET", "/api/v1/mail/%s/original" % out["id"])
        check("part 9999" in orig["raw"], "the original is kept whole")


def test_forged_mail_failing_the_mail_servers_checks_is_held():
    with Server(demo=True, test_clock=False) as s, Sink():
        admin, pat = setup(s)
        admin.ok("POST", "/api/v1/mailboxes", {"name": "checked", "address": "checked@vendor-co.example",
                                               "team": "Phone Sales", "owner": "pat@vendor-co.example",
                                               "authserv_id": "mx.vendor-co.example"})
        rc, first, _ = mailgate(s, msg(), mailbox="checked@vendor-co.example")
        n = first["case_number"]
        forged = msg(subject="Re: cancel it [vendor-co #%d]" % n, body="Cancel my order and refund to IBAN XX.\n",
                     headers="Authentication-Results: mx.vendor-co.example; spf=fail smtp.mailfrom=example.com;\n"
                             " dkim=none; dmarc=fail header.from=example.com\n")
        rc, out, _ = mailgate(s, forged, mailbox="checked@vendor-co.example")
        eq((rc, out["status"]), (0, "held"), "a message failing DMARC at our own mail server is held")
        check("dmarc=fail" in out["reason"], "with why: %r" % out["reason"])
        eq(out.get("case_id"), None, "and threaded into no case by its From address")
        eq(len(case_of(pat, first["case_id"])["touchpoints"]), 1, "Sam's case is untouched")
        alerts = pat.ok("GET", "/api/v1/alerts")["items"]
        check(any("held for review" in a.get("message", "") for a in alerts), "the mailbox's owner is told to review it")
        spoofed = msg(subject="Re: [vendor-co #%d]" % n,
                      headers="Authentication-Results: mx.vendor-co.example; spf=pass smtp.mailfrom=example.com; dmarc=pass\n"
                              "Authentication-Results: evil.example; dmarc=fail\n")
        rc, out, _ = mailgate(s, spoofed, mailbox="checked@vendor-co.example")
        eq((out["status"], out.get("case_id")), ("threaded", first["case_id"]),
           "results from another authserv-id are not trusted either way; ours passed")
        unchecked = msg(subject="Re: [vendor-co #%d]" % n, headers="Authentication-Results: mx.vendor-co.example; dmarc=fail\n")
        rc, out, _ = mailgate(s, unchecked)
        eq(out["status"], "threaded", "a mailbox with no authserv-id trusts no Authentication-Results")


# --- out ---

def test_agent_reply_is_an_outbound_contact_and_is_delivered_threaded():
    with Server(demo=True, test_clock=False) as s, Sink() as sink:
        admin, pat = setup(s)
        rc, first, _ = mailgate(s, msg(mid="<sam-1@example.com>"))
        r = pat.post("/api/v1/cases/%s/replies" % first["case_id"], {"body": "Your phones are ready at 11:00 tomorrow."})
        eq(r.status, 201, "reply accepted: %r" % (r.json,))
        s.check_contract("POST", "/api/v1/cases/{id}/replies", r)
        case = case_of(pat, first["case_id"])
        out_tp = [t for t in case["touchpoints"] if t["direction"] == "outbound"]
        check(len(out_tp) == 1 and out_tp[0]["channel"] == "email", "recorded as an outbound email contact")
        duties = case.get("update_duty", {}).get("duties", [])
        check(duties and duties[0]["status"] == "met", "the reply meets the update duty: %r" % duties)
        p = deliver(s, sink.url, "--max", "200")  # the demo's staff mail shares the outbox
        eq(p.returncode, 0, p.stderr)
        replies = [m for _, _, m in sink.messages if m["Auto-Submitted"] is None and m["To"] == "sam.carter@example.com"]
        eq(len(replies), 1, "one reply sent")
        m = replies[0]
        eq(m["In-Reply-To"], "<sam-1@example.com>", "In-Reply-To Sam's message")
        check("<sam-1@example.com>" in m["References"], "References carry the thread")
        check(m["Message-ID"].endswith("@vendor-co.example>"), "our Message-ID: %s" % m["Message-ID"])
        check("11:00 tomorrow" in m.get_content(), "the text")
        statuses = [x["status"] for x in case_of(pat, first["case_id"])["mail"] if x["direction"] == "outbound"]
        eq(statuses, ["sent", "sent"], "acknowledgement and reply sent")
        bad = pat.post("/api/v1/cases/%s/replies" % first["case_id"], {"body": ""})
        eq(bad.status, 400, "an empty reply is refused")
        injected = pat.post("/api/v1/cases/%s/replies" % first["case_id"], {"body": "x"})
        eq(injected.status, 201, "second reply")


def test_promises_on_an_email_case_are_confirmed_by_mail_and_so_is_every_change():
    import datetime
    with Server(demo=True, test_clock=False) as s, Sink() as sink:
        admin, pat = setup(s)
        rc, first, _ = mailgate(s, msg())
        soon = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)).replace(
            hour=1, minute=15, second=0, microsecond=0)
        p = pat.ok("POST", "/api/v1/cases/%s/promises" % first["case_id"],
                   {"what": "two phones ready for pickup at Store 12", "due_at": soon.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "channel": "email"})
        later = soon + datetime.timedelta(hours=14)
        pat.ok("POST", "/api/v1/promises/%s/renegotiate" % p["id"],
               {"due_at": later.strftime("%Y-%m-%dT%H:%M:%SZ"), "consent": "yes, 11:00 tomorrow works",
                "consent_channel": "email"})
        kinds = [m["kind"] for m in case_of(pat, first["case_id"])["mail"] if m["direction"] == "outbound"]
        eq(kinds, ["ack", "promise", "promise"], "the promise and its change are queued with the events")
        deliver(s, sink.url)
        mails = [m for _, _, m in sink.messages if m["To"] == "sam.carter@example.com"]
        texts = [m.get_content() for m in mails if "promised you" in m.get_content()]
        eq(len(texts), 2, "both confirmations arrived")
        check("two phones ready for pickup at Store 12" in texts[0] and "Chicago time" in texts[0],
              "what, and by when in the intake location's time: %r" % texts[0])
        check("time has changed from" in texts[1], "the change says what it replaces: %r" % texts[1])
        check(all(m["Auto-Submitted"] == "auto-replied" for m in mails), "automatic mail says so")
        # a case the customer never wrote about by email stays quiet
        other = pat.ok("POST", "/api/v1/cases", {"subject": "walk-in", "channel": "store", "customer_name": "Walk In",
                                                 "customer_email": "walk.in@example.com"})
        pat.ok("POST", "/api/v1/cases/%s/promises" % other["id"], {"what": "a call back", "channel": "store",
                                                                   "due_at": soon.strftime("%Y-%m-%dT%H:%M:%SZ")})
        eq(case_of(pat, other["id"]).get("mail"), [], "no mail on a case without email")


def test_delivery_retries_with_back_off_then_bounces_on_refusal():
    with Server(demo=True, test_clock=False) as s:
        admin, pat = setup(s)
        rc, first, _ = mailgate(s, msg())
        dead = "smtp://127.0.0.1:%d" % free_port()
        p = deliver(s, dead)
        eq(p.returncode, 0, "an unreachable server is not the worker's failure: %s" % p.stderr)
        m = [x for x in case_of(pat, first["case_id"])["mail"] if x["direction"] == "outbound"][0]
        eq((m["status"], m["attempts"]), ("deferred", 1), "deferred after one attempt")
        check(m["next_attempt_at"] is not None and m["last_error"], "with the next time and why: %r" % m)
        with Sink() as sink:
            deliver(s, sink.url)
            eq(len(sink.messages), 0, "not retried before its time (back-off)")
        with Sink(refuse="550 5.1.1 no such user") as sink:
            r = pat.post("/api/v1/cases/%s/replies" % first["case_id"], {"body": "hello"})
            deliver(s, sink.url)
            mails = [x for x in case_of(pat, first["case_id"])["mail"] if x["id"] == r.json["id"]]
            eq(mails[0]["status"], "bounced", "a permanent refusal bounces at once")


def test_two_workers_send_each_message_once():
    with Server(demo=True, test_clock=False) as s, Sink() as sink:
        admin, pat = setup(s)
        rc, first, _ = mailgate(s, msg())
        ids = [pat.ok("POST", "/api/v1/cases/%s/replies" % first["case_id"], {"body": "update %d" % i})["id"] for i in range(12)]
        procs = [subprocess.Popen([BIN, "mail-deliver", "--db", s.db, "--smtp", sink.url, "--once"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
        for p in procs:
            p.communicate(timeout=120)
            eq(p.returncode, 0, "worker exit")
        ours = [m for _, _, m in sink.messages if m["To"] == "sam.carter@example.com"]
        mids = [m["Message-ID"] for m in ours]
        eq(len(mids), 13, "the acknowledgement and 12 replies arrived")
        eq(len(set(mids)), len(mids), "each exactly once: one attempt at a time per message")
        statuses = {x["id"]: x["status"] for x in case_of(pat, first["case_id"])["mail"]}
        check(all(statuses[i] == "sent" for i in ids), "all sent")


def test_worker_killed_mid_send_sends_again_with_the_same_message_id():
    with Server(demo=True, test_clock=False) as s, Sink() as drain:
        admin, pat = setup(s)
        deliver(s, drain.url)  # the demo's own queued mail out of the way
        rc, first, _ = mailgate(s, msg())
        with Sink(delay=30) as slow:
            proc = subprocess.Popen([BIN, "mail-deliver", "--db", s.db, "--smtp", slow.url, "--once", "--lease", "10"],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            check(wait_for(lambda: len(slow.messages) >= 1, 30), "the message reached the sink")
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            m = [x for x in case_of(pat, first["case_id"])["mail"] if x["direction"] == "outbound"][0]
            eq(m["status"], "queued", "killed before the outcome was recorded: still queued (leased)")
        with Sink() as sink:
            p = deliver(s, sink.url)
            eq(len(sink.messages), 0, "not resent while the lease holds: %s" % p.stderr)
            time.sleep(10.5)
            deliver(s, sink.url)
            eq(len(sink.messages), 1, "sent again once the lease ran out")
            eq(sink.messages[0][2]["Message-ID"], slow.messages[0][2]["Message-ID"], "the duplicate carries the same Message-ID")
        m = [x for x in case_of(pat, first["case_id"])["mail"] if x["direction"] == "outbound"][0]
        eq((m["status"], m["attempts"]), ("sent", 2), "sent, on the second attempt")


def test_templates_and_mailboxes_belong_to_admins():
    with Server(demo=True, test_clock=False) as s, Sink() as sink:
        admin, pat = setup(s)
        r = pat.post("/api/v1/mailboxes", {"name": "x", "address": "x@vendor-co.example", "team": "Phone Sales",
                                           "owner": "pat@vendor-co.example"})
        eq((r.status, r.json["error"]["code"]), (403, "role_required"), "only an admin adds a mailbox")
        r = admin.post("/api/v1/mailboxes", {"name": "dup", "address": MAILBOX.upper(), "team": "Phone Sales",
                                             "owner": "pat@vendor-co.example"})
        eq((r.status, r.json["error"]["code"]), (409, "mailbox_exists"), "an address is taken once")
        r = admin.post("/api/v1/mailboxes", {"name": "plus", "address": "a+b@vendor-co.example", "team": "Phone Sales",
                                             "owner": "pat@vendor-co.example"})
        eq(r.status, 400, "no + in a mailbox address")
        bad = admin.post("/api/v1/mail/templates/ack", {"subject": "{subject}", "body": "Your card number is {card}"})
        eq((bad.status, bad.json["error"]["code"]), (400, "unknown_placeholder"), "a template can't claim unknown facts")
        t = admin.ok("POST", "/api/v1/mail/templates/ack",
                     {"subject": "We have it: {subject} [{case_tag}]", "body": "Hi {customer}, {owner} owns case #{number}; by {next_time}."})
        check("owner" in t["placeholders"], "placeholders listed")
        rc, out, _ = mailgate(s, msg())
        deliver(s, sink.url)
        ack = ack_of(sink)
        check(ack["Subject"].startswith("We have it: Where are my phones?"), "the organization's template: %s" % ack["Subject"])
        check("Pat Morgan owns case #%d" % out["case_number"] in ack.get_content(), "with the facts")


def dsn(original_id, action="failed"):
    return ("From: MAILER-DAEMON@mx.example.com\nTo: %s\nSubject: Undelivered Mail Returned to Sender\n"
            "Message-ID: <dsn-%s@mx.example.com>\nMIME-Version: 1.0\n"
            "Content-Type: multipart/report; report-type=delivery-status; boundary=\"R\"\n\n"
            "--R\nContent-Type: text/plain\n\nYour message could not be delivered.\n"
            "--R\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.com\n\n"
            "Final-Recipient: rfc822; sam.carter@example.com\nAction: %s\nStatus: 5.1.1\n"
            "Diagnostic-Code: smtp; 550 5.1.1 user unknown\n"
            "--R\nContent-Type: text/rfc822-headers\n\nFrom: %s\nTo: sam.carter@example.com\nSubject: Re: x\n"
            "Message-ID: %s\n--R--\n" % (MAILBOX, os.urandom(4).hex(), action, MAILBOX, original_id))


def test_a_delivery_report_bounces_the_message_it_reports_on():
    with Server(demo=True, test_clock=False) as s, Sink() as sink:
        admin, pat = setup(s)
        rc, first, _ = mailgate(s, msg())
        r = pat.ok("POST", "/api/v1/cases/%s/replies" % first["case_id"], {"body": "Your phones are ready."})
        deliver(s, sink.url)
        sent = [m for _, _, m in sink.messages if m["Auto-Submitted"] is None and m["To"] == "sam.carter@example.com"][0]
        rc, out, err = mailgate(s, dsn(sent["Message-ID"]))
        eq((rc, out["status"], out["reason"]), (0, "auto", "delivery report"), "the report is recorded as automatic (%s)" % err)
        eq(out["case_id"], first["case_id"], "on the case of the message it reports on")
        mails = {m["id"]: m for m in case_of(pat, first["case_id"])["mail"]}
        eq(mails[r["id"]]["status"], "bounced", "the reply's delivery status becomes bounced")
        check("5.1.1" in mails[r["id"]]["last_error"], "with the server's words: %r" % mails[r["id"]]["last_error"])
        eq(len([t for t in case_of(pat, first["case_id"])["touchpoints"] if t["direction"] == "inbound"]), 1,
           "a report is no contact from the customer")
        alerts = pat.ok("GET", "/api/v1/alerts")["items"]
        check(any("did not arrive" in a["message"] for a in alerts), "the owner is told the customer did not get it")
        rc, out, _ = mailgate(s, dsn("<not-ours@elsewhere.example>"))
        eq((out["status"], out.get("case_id")), ("auto", None), "a report about someone else's message changes nothing")


# --- the gate's contract ---

def test_mailgate_exit_codes_and_a_kill_mid_way_loses_nothing():
    with Server(demo=True, test_clock=False) as s, Sink():
        admin, pat = setup(s)
        rc, _, _ = mailgate(s, msg(), mailbox="nobody@vendor-co.example")
        eq(rc, 75, "unknown mailbox: EX_TEMPFAIL, the mail server keeps the message")
        p = subprocess.run([BIN, "mailgate", "--db", "/nonexistent/dir/x.db", "--mailbox", MAILBOX], input=b"x",
                           capture_output=True, timeout=30)
        eq(p.returncode, 75, "database unavailable: EX_TEMPFAIL")
        m = msg(mid="<crash-1@example.com>").encode()
        before = mail_count(s, "mail_in")
        proc = subprocess.Popen([BIN, "mailgate", "--db", s.db, "--mailbox", MAILBOX], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        proc.stdin.write(m[: len(m) // 2])
        proc.stdin.flush()
        time.sleep(0.3)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        check(proc.returncode != 0, "killed mid-message: not a success, so the mail server retries")
        eq(mail_count(s, "mail_in"), before, "nothing of it was committed")
        rc, a, _ = mailgate(s, m)
        rc2, b, _ = mailgate(s, m)
        eq((rc, a["status"], rc2, b["status"]), (0, "opened", 0, "duplicate"), "the retry lands once, a second is a duplicate")
        eq(mail_count(s, "mail_in"), before + 1, "exactly once")


def test_nothing_reaches_a_shell():
    with Server(demo=True, test_clock=False) as s, Sink():
        admin, pat = setup(s)
        tmp = tempfile.mkdtemp()
        canary = os.path.join(tmp, "pwned")
        evil = msg(frm="\"$(touch %s)\" <a`touch %s`@example.org>" % (canary, canary),
                   subject="; touch %s; $(touch %s) `touch %s`" % (canary, canary, canary),
                   body="|touch %s\n" % canary)
        rc, out, _ = mailgate(s, evil)
        eq(rc, 0, "taken as data")
        check(not os.path.exists(canary), "no command ran")
        p = subprocess.run(["nm", "-D", "--undefined-only", BIN], capture_output=True, text=True)
        names = {line.split()[-1].split("@")[0] for line in p.stdout.splitlines() if line.strip()}
        for fn in ("system", "popen", "execl", "execlp", "execv", "execvp", "execve", "posix_spawn", "posix_spawnp"):
            check(fn not in names, "the binary imports no %s()" % fn)
        shutil.rmtree(tmp)


def test_python_email_corpus_through_the_mailgate():
    if not os.path.isdir(CORPUS):
        skip("%s missing (Debian libpython3.11-testsuite)" % CORPUS)
    with Server(demo=True, test_clock=False) as s, Sink():
        admin, pat = setup(s)
        admin.ok("PATCH", "/api/v1/org/settings", {"settings": {"mail.max_per_sender_hour": 100000}})
        files = sorted(f for f in os.listdir(CORPUS) if f.startswith("msg_"))
        bad = []
        for f in files:
            with open(os.path.join(CORPUS, f), "rb") as fh:
                rc, out, err = mailgate(s, fh.read(), timeout=30)
            if rc != 0 or not out or out.get("status") not in ("opened", "threaded", "auto", "duplicate"):
                bad.append((f, rc, out, err[-300:]))
        eq(bad, [], "every corpus message is taken (%d files)" % len(files))
        check(len(files) > 40, "the corpus is there")


# --- a real Postfix on loopback, piping to the mailgate ---

def postfix_instance(tmp, db, port):
    """A throwaway Postfix (own config and queue directories) listening on 127.0.0.1:port and
    piping mail for support@vendor-co.example to `frontline mailgate`.  Returns the config dir,
    or None (with the reason) when Postfix can't be started here."""
    if not shutil.which("postfix") or os.geteuid() != 0:
        return None, "needs postfix and root"
    conf = os.path.join(tmp, "postfix")
    queue = os.path.join(tmp, "spool")
    data = os.path.join(tmp, "data")
    for d in (conf, queue, data):
        os.makedirs(d)
    shutil.chown(data, "postfix")
    # Postfix starts an instance from another directory only when the default configuration
    # lists it: add ours (for root on a test machine; removed again by postfix_forget)
    listed = subprocess.run(["postconf", "-h", "alternate_config_directories"], capture_output=True,
                            text=True).stdout.strip()
    subprocess.run(["postconf", "-e", "alternate_config_directories = %s %s" % (listed, conf)], check=True)
    shutil.copy("/etc/postfix/master.cf", conf)
    with open(os.path.join(conf, "master.cf"), "a") as f:
        f.write("127.0.0.1:%d inet n - n - - smtpd\n" % port)
        f.write("frontline unix - n n - - pipe\n  flags=Rq user=nobody argv=%s mailgate --db %s --mailbox %s "
                "--recipient ${original_recipient} --sender ${sender}\n" % (BIN, db, MAILBOX))
    with open(os.path.join(conf, "main.cf"), "w") as f:
        f.write("\n".join([
            "compatibility_level = 3.6", "queue_directory = " + queue, "data_directory = " + data,
            "command_directory = /usr/sbin", "daemon_directory = /usr/lib/postfix/sbin",
            "mail_owner = postfix", "setgid_group = postdrop", "inet_interfaces = loopback-only",
            "inet_protocols = ipv4", "myhostname = mx.vendor-co.example", "mydestination =",
            "relay_domains = vendor-co.example", "transport_maps = inline:{vendor-co.example=frontline:}",
            "recipient_delimiter = +", "local_recipient_maps =", "smtpd_recipient_restrictions = permit_mynetworks, reject",
            "mynetworks = 127.0.0.0/8", "maillog_file = " + os.path.join(tmp, "maillog"),
            "frontline_destination_recipient_limit = 1", "master_service_disable = ", "smtp_bind_address = 127.0.0.1",
            "default_process_limit = 10", "shlib_directory = /usr/lib/postfix", "maillog_file_prefixes = /tmp",
            ""]))
    # the database and the binary must be reachable by the pipe's user
    subprocess.run(["chmod", "-R", "a+rwX", os.path.dirname(db)], check=False)
    p = subprocess.run(["postfix", "-c", conf, "start"], capture_output=True, text=True)
    if p.returncode != 0:
        log = os.path.join(tmp, "maillog")
        tail = open(log).read()[-600:] if os.path.exists(log) else ""
        postfix_forget(conf)
        return None, "postfix -c start failed: " + tail
    return conf, None


def postfix_forget(conf):
    listed = subprocess.run(["postconf", "-h", "alternate_config_directories"], capture_output=True,
                            text=True).stdout.split()
    rest = " ".join(d for d in listed if d != conf)
    subprocess.run(["postconf", "-e", "alternate_config_directories = " + rest], check=False)


def test_through_a_real_postfix_with_a_retry():
    """Postfix on loopback pipes to the mailgate.  The first delivery fails before the commit (the
    mailbox is not configured yet): exit 75, Postfix keeps the message.  Once the mailbox exists,
    the queue is flushed and the message lands on a case exactly once."""
    with Server(demo=True, test_clock=False) as s, Sink():
        if s.db.startswith("postgres"):
            skip("the Postfix test runs on SQLite (the pipe runs as another user)")
        port = free_port()
        tmp = tempfile.mkdtemp(prefix="fl-postfix-")
        os.chmod(tmp, 0o755)
        conf, why = postfix_instance(tmp, os.path.abspath(s.db), port)
        if not conf:
            skip(why)
        log = os.path.join(tmp, "maillog")
        try:
            wait_for(lambda: socket.create_connection(("127.0.0.1", port), timeout=1).close() or True, 20)
            with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
                smtp.sendmail("sam.carter@example.com", [MAILBOX], msg(mid="<via-postfix@example.com>"))
            deferred = wait_for(lambda: os.path.exists(log) and "status=deferred" in open(log).read())
            check(deferred, "the mailgate's exit 75 made Postfix keep the message for later")
            admin, pat = setup(s)
            subprocess.run(["postqueue", "-c", conf, "-f"], capture_output=True)
            found = wait_for(lambda: [c for c in pat.ok("GET", "/api/v1/cases?q=phones")["items"] if c["channel"] == "email"])
            check(found, "after the retry the message opened a case")
            if found:
                eq(len(case_of(pat, found[0]["id"])["touchpoints"]), 1, "exactly once")
            check(wait_for(lambda: "status=sent" in open(log).read(), 20), "Postfix recorded the delivery")
        finally:
            subprocess.run(["postfix", "-c", conf, "stop"], capture_output=True)
            postfix_forget(conf)
            if os.path.exists(log):
                print("".join(open(log).readlines()[-8:]))
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    run_module(globals())
