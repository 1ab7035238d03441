"""The truth by email (issue 16): when a promise on an email case becomes at risk, the owner is
prompted to tell the customer, with the words ready; when the owner proposes a new time by email,
the customer's "yes" in reply is the consent that moves the promise (the message is the evidence;
a "yes" from anyone else is not),
a "no" leaves it, and anything unclear is left to a person.  Real mailgate, real outbox delivered
to an aiosmtpd sink."""
import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from lib import Server, check, eq, run_module  # noqa: E402
from test_email import Sink, V, case_of, deliver, mailgate, msg, setup  # noqa: E402

SAM = "sam.carter@example.com"


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def email_case_with_promise(s, pat):
    rc, first, _ = mailgate(s, msg())
    soon = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) + datetime.timedelta(days=1)
    p = pat.ok("POST", "/api/v1/cases/%s/promises" % first["case_id"],
               {"what": "two phones ready for pickup at Store 12", "due_at": iso(soon), "channel": "email"})
    return first["case_id"], p, soon


def sent_to_sam(sink):
    return [m for _, _, m in sink.messages if m["To"] == SAM]


def reply(s, to_mail, text, mid):
    return mailgate(s, msg(subject="Re: " + to_mail["Subject"], mid=mid, body=text + "\n\n> earlier text\n",
                           headers="In-Reply-To: %s\nReferences: %s\n" % (to_mail["Message-ID"], to_mail["Message-ID"])))


def test_a_yes_by_email_is_the_consent_and_moves_the_promise():
    with Server(demo=True, test_clock=False) as s, Sink() as sink:
        admin, pat = setup(s)
        case_id, p, soon = email_case_with_promise(s, pat)
        later = soon + datetime.timedelta(hours=20)
        prop = pat.ok("POST", "/api/v1/promises/%s/propose" % p["id"],
                      {"due_at": iso(later), "note": "The courier lost a day."})
        eq(prop["status"], "pending", "proposed; the promise has not moved")
        view = case_of(pat, case_id)
        eq([x["status"] for x in view["promises"]], ["pending"], "still the one promise")
        eq([x["status"] for x in view["mail_proposals"]], ["pending"], "the proposal is on the case")
        deliver(s, sink.url)
        asked = [m for m in sent_to_sam(sink) if "I propose a new time" in m.get_content()]
        eq(len(asked), 1, "the proposal reached the customer")
        check(asked[0]["Auto-Submitted"] is None, "a person's proposal is not automatic mail")
        check("The courier lost a day." in asked[0].get_content() and "Yes" in asked[0].get_content(),
              "the owner's words, and how to agree: %r" % asked[0].get_content())
        # a "yes" that answers some other mail moves nothing
        rc, out, _ = mailgate(s, msg(subject="Re: something", mid="<unrelated-yes@example.com>", body="Yes\n",
                                     headers="In-Reply-To: <not-the-proposal@vendor-co.example>\n"))
        check("proposal" not in (out or {}), "only a reply to the proposal answers it")
        # someone else who has the proposal in hand (a forward) can't consent for Sam
        fwd = msg(frm="Pat Other <pat.other@example.org>", subject="Re: " + asked[0]["Subject"], mid="<other-yes@example.org>",
                  body="Yes\n", headers="In-Reply-To: %s\n" % asked[0]["Message-ID"])
        rc, out, _ = mailgate(s, fwd)
        eq(out.get("proposal", {}).get("answer"), "unclear", "a stranger's yes is left to a person")
        rc, out, _ = reply(s, asked[0], "Yes, that works for me.", "<sam-yes@example.com>")
        eq((rc, out["status"], out.get("proposal", {}).get("answer")), (0, "threaded", "accepted"), "accepted by the reply")
        view = case_of(pat, case_id)
        eq(sorted(x["status"] for x in view["promises"]), ["pending", "renegotiated"], "the promise moved")
        new = [x for x in view["promises"] if x["status"] == "pending"][0]
        eq(new["consent_channel"], "email", "consent given by email")
        check(new["consent"].startswith("Accepted by email: Yes, that works for me."), "the customer's words: %r" % new["consent"])
        check("earlier text" not in new["consent"], "the quoted history is not part of the consent")
        eq(new["due_at"], iso(later).replace("Z", ".000Z"), "at the time proposed")
        eq(view["mail_proposals"][0]["status"], "accepted", "the proposal is decided")
        check(view["mail_proposals"][0]["answer_mail_id"], "its evidence: the customer's message")
        events = pat.ok("GET", "/api/v1/cases/%s/history" % case_id)["items"]
        ren = [e for e in events if e["kind"] == "promise.renegotiated"]
        eq(len(ren), 1, "one renegotiation")
        eq(ren[0]["data"]["evidence"]["message_id"], "sam-yes@example.com", "the event names the message")
        alerts = [a for a in pat.ok("GET", "/api/v1/alerts")["items"] if a["kind"] == "mail.proposal_answered"]
        check(alerts and "accepted" in alerts[0]["message"], "the owner is told")
        deliver(s, sink.url)
        confirm = [m for m in sent_to_sam(sink) if "time has changed from" in m.get_content()]
        eq(len(confirm), 1, "the agreed change is confirmed by mail")
        eq(confirm[0]["Auto-Submitted"], "auto-replied", "automatically")
        rc, out, _ = reply(s, asked[0], "Yes", "<sam-yes-again@example.com>")
        check("proposal" not in out, "a decided proposal is not answered twice")


def test_a_no_or_an_unclear_answer_moves_nothing():
    with Server(demo=True, test_clock=False) as s, Sink() as sink:
        admin, pat = setup(s)
        case_id, p, soon = email_case_with_promise(s, pat)
        pat.ok("POST", "/api/v1/promises/%s/propose" % p["id"], {"due_at": iso(soon + datetime.timedelta(days=2))})
        deliver(s, sink.url)
        asked = [m for m in sent_to_sam(sink) if "I propose a new time" in m.get_content()][-1]
        rc, out, _ = reply(s, asked, "Yes, but could it be Saturday?", "<sam-unclear@example.com>")
        eq(out["proposal"]["answer"], "unclear", "a person reads it")
        eq(case_of(pat, case_id)["mail_proposals"][0]["status"], "pending", "still open")
        rc, out, _ = reply(s, asked, "No, that is far too late.", "<sam-no@example.com>")
        eq(out["proposal"]["answer"], "declined", "declined")
        view = case_of(pat, case_id)
        eq([x["status"] for x in view["promises"]], ["pending"], "the promise stands as made")
        eq(view["promises"][0]["due_at"], iso(soon).replace("Z", ".000Z"), "at its time")
        # a second proposal supersedes the first
        pat.ok("POST", "/api/v1/promises/%s/propose" % p["id"], {"due_at": iso(soon + datetime.timedelta(hours=3))})
        pat.ok("POST", "/api/v1/promises/%s/propose" % p["id"], {"due_at": iso(soon + datetime.timedelta(hours=4))})
        eq([x["status"] for x in case_of(pat, case_id)["mail_proposals"]], ["declined", "superseded", "pending"],
           "one open question at a time")
        r = pat.post("/api/v1/promises/%s/propose" % p["id"], {"due_at": "2020-01-01T00:00:00Z"})
        eq((r.status, r.json["error"]["code"]), (400, "due_in_past"), "a time in the past is refused")
        dana = s.login("dana@vendor-co.example", V)
        r = dana.post("/api/v1/promises/%s/propose" % p["id"], {"due_at": iso(soon + datetime.timedelta(hours=5))})
        eq(r.status, 403, "only who may settle the case's promises proposes")


def test_at_risk_the_owner_is_prompted_with_the_words():
    with Server(demo=True, test_clock=False) as s, Sink() as sink:
        admin, pat = setup(s)
        case_id, p, soon = email_case_with_promise(s, pat)
        eq(case_of(pat, case_id)["mail_draft"], None, "nothing to tell yet")
        req = pat.ok("POST", "/api/v1/cases/%s/requests" % case_id,
                     {"what": "hold two phones for Sam", "due_at": iso(soon - datetime.timedelta(hours=2)),
                      "to_team": "Store 12", "blocks": [p["id"]]})
        dana = s.login("dana@vendor-co.example", V)
        r = dana.post("/api/v1/requests/%s/decline" % req["id"], {"reason": "no stock until Friday"})
        if r.status != 200:
            dana.ok("POST", "/api/v1/requests/%s/accept" % req["id"])
            dana.ok("POST", "/api/v1/requests/%s/decline" % req["id"], {"reason": "no stock until Friday"})
        alerts = [a for a in pat.ok("GET", "/api/v1/alerts")["items"] if a["kind"] == "mail.tell_customer"]
        eq(len(alerts), 1, "the owner is prompted to tell the customer")
        draft = case_of(pat, case_id)["mail_draft"]
        check(draft and draft["reason"] == "at_risk" and draft["promise_id"] == p["id"], "a draft for that promise")
        check("two phones ready for pickup at Store 12" in draft["body"] and "at risk" in draft["body"]
              and "declined" in draft["body"], "the honest words: what, that it is at risk, and why: %r" % draft["body"])
        check("Chicago time" in draft["body"], "times in the intake location's time")
        eq([m for m in sent_to_sam(sink) if "at risk" in m.get_content()], [], "nothing is sent by itself")
        pat.ok("POST", "/api/v1/cases/%s/replies" % case_id, {"body": draft["body"]})
        eq(case_of(pat, case_id)["mail_draft"], None, "told: the prompt is gone")
        deliver(s, sink.url)
        check([m for m in sent_to_sam(sink) if "at risk" in m.get_content()], "the owner's words went out")


def test_the_customer_gets_a_copy_of_an_exceptions_outcome():
    h = "harbor-financial"
    with Server(demo=True, test_clock=False) as s, Sink() as sink:
        admin = s.login("admin@harbor-financial.example", h)
        admin.ok("POST", "/api/v1/mailboxes", {"name": "members", "address": "members@harbor-financial.example",
                                               "display_name": "Harbor Member Services", "team": "Member Services",
                                               "owner": "mia@harbor-financial.example"})
        rc, got, err = mailgate(s, msg(frm="Ana Rivera <ana.rivera@example.com>", to="members@harbor-financial.example",
                                       subject="Four overdraft fees", body="You posted my deposit late.\n"),
                                mailbox="members@harbor-financial.example")
        eq((rc, got["status"]), (0, "opened"), "the mail opened a case: " + err)
        mia, noah = s.login("mia@harbor-financial.example", h), s.login("noah@harbor-financial.example", h)
        body = {"policy": "Frontline may refund fees up to $50", "kind": "refund", "amount": 120,
                "description": "Refund all $120 in fees", "reasoning": "the fees exist only because we posted late"}
        e1 = mia.ok("POST", "/api/v1/cases/%s/exceptions" % got["case_id"], body, status=201)
        noah.ok("POST", "/api/v1/exceptions/%s/cosign" % e1["id"], {"note": "our error"})
        e2 = mia.ok("POST", "/api/v1/cases/%s/exceptions" % got["case_id"], dict(body, description="Waive next year's fee"),
                    status=201)
        mia.ok("POST", "/api/v1/exceptions/%s/withdraw" % e2["id"], {"reason": "not needed after the refund"})
        kinds = [m["kind"] for m in mia.ok("GET", "/api/v1/cases/" + got["case_id"])["mail"] if m["direction"] == "outbound"]
        eq(kinds, ["ack", "exception", "exception"], "a copy of each outcome, queued with it")
        deliver(s, sink.url)
        copies = [m for _, _, m in sink.messages if m["To"] == "ana.rivera@example.com" and "exception" in m.get_content()]
        eq(len(copies), 2, "both reached Ana")
        check("Refund all $120 in fees" in copies[0].get_content() and "approved" in copies[0].get_content(),
              "what was granted: %r" % copies[0].get_content())
        check("could not approve" in copies[1].get_content(), "and what was not: %r" % copies[1].get_content())
        check(all(m["Auto-Submitted"] == "auto-replied" for m in copies), "automatic mail says so")


def test_templates_for_the_new_kinds():
    with Server(demo=True, test_clock=False) as s, Sink():
        admin, pat = setup(s)
        kinds = [t["kind"] for t in admin.ok("GET", "/api/v1/mail/templates")["items"]]
        eq(kinds, ["ack", "promise", "at_risk", "proposal", "exception", "portal_link"], "every kind has its template")
        admin.ok("POST", "/api/v1/mail/templates/proposal",
                 {"subject": "New time for case {number}", "body": "Dear {customer}, may we move it to {new_due}? {note}"})
        case_id, p, soon = email_case_with_promise(s, pat)
        pat.ok("POST", "/api/v1/promises/%s/propose" % p["id"], {"due_at": iso(soon + datetime.timedelta(hours=6))})
        subjects = [m["subject"] for m in case_of(pat, case_id)["mail"] if m["direction"] == "outbound"]
        check(any(x.startswith("New time for case ") for x in subjects), "the organization's words: %r" % subjects)
        r = admin.post("/api/v1/mail/templates/at_risk", {"subject": "x", "body": "{nonsense}"})
        eq(r.json["error"]["code"], "unknown_placeholder", "only facts the record holds")


if __name__ == "__main__":
    run_module(globals())
