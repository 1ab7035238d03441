"""Email at the desk (issue 16): mail that opens a case out of hours is offered to whoever is on
call for the mailbox's skill; the portal sign-in link goes to the customer by mail, at the public
address of the organization or the server; a message held by a defense is released onto a case
by a person, and the case's history says so.  Real parts as in test_email.py: messages piped to `frontline
mailgate`, the outbox delivered by `frontline mail-deliver` to an aiosmtpd sink on loopback."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import re

from lib import Client, Server, check, eq, run_module  # noqa: E402
from test_email import V, Sink, case_of, deliver, mailgate, msg, setup  # noqa: E402

DANA = "dana@vendor-co.example"


def night_desk(admin):
    """A skill with Dana on call around the clock, a location that is never open and one that
    always is (so the test does not depend on the hour the mailgate's real clock reads)."""
    admin.ok("POST", "/api/v1/skills", {"name": "mail-night"}, status=201)
    admin.ok("POST", "/api/v1/locations", {"name": "Mail Room", "tz": "America/Chicago", "hours": {}}, status=201)
    admin.ok("POST", "/api/v1/locations", {"name": "Always Open", "tz": "America/Chicago",
                                           "hours": {d: "00:00-24:00" for d in
                                                     ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}}, status=201)
    admin.ok("POST", "/api/v1/rotas", {"name": "Mail at night", "skill": "mail-night", "location": "Mail Room",
                                       "layers": [{"layer": "primary", "members": [DANA], "handoff": "00:00",
                                                   "period_days": 7, "start": "2026-01-01"}]}, status=201)


def mailbox(admin, name, location, skill="mail-night"):
    return admin.ok("POST", "/api/v1/mailboxes", {"name": name, "address": name + "@vendor-co.example",
                                                  "team": "Phone Sales", "owner": "pat@vendor-co.example",
                                                  "location": location, "on_call_skill": skill}, status=201)


def test_new_mail_out_of_hours_is_offered_to_the_person_on_call():
    with Server(demo=True, test_clock=False) as s:
        admin, pat, dana = (s.login(e + "@vendor-co.example", V) for e in ("admin", "pat", "dana"))
        night_desk(admin)
        night = mailbox(admin, "night", "Mail Room")
        eq(night["on_call_skill"]["name"], "mail-night", "the mailbox names its on-call skill")
        rc, out, err = mailgate(s, msg(subject="Router dead since 3 a.m."), mailbox="night@vendor-co.example")
        eq((rc, out["status"]), (0, "opened"), "a new case (%s)" % err)
        case = case_of(pat, out["case_id"])
        eq(out["offered_to"], dana.ok("GET", "/api/v1/me")["id"], "the intake location is closed: offered on call")
        eq(case["owner"]["email"], "pat@vendor-co.example", "the mailbox's owner keeps it until Dana accepts")
        offers = [o for o in case["offers"] if o["status"] == "pending"]
        eq(len(offers), 1, "one pending offer")
        check("Router dead" in offers[0].get("note", ""), "saying what came in: %r" % offers[0])
        alerts = dana.ok("GET", "/api/v1/alerts")["items"]
        check(any(a["kind"] == "offer" and a.get("case_id") == case["id"] for a in alerts), "Dana is alerted")
        dana.ok("POST", "/api/v1/offers/%s/accept" % offers[0]["id"], {})
        eq(case_of(pat, case["id"])["owner"]["email"], DANA, "and owns it once she accepts")

        mailbox(admin, "day", "Always Open")
        rc, out, _ = mailgate(s, msg(subject="Invoice question"), mailbox="day@vendor-co.example")
        eq((out["status"], out.get("offered_to")), ("opened", None), "in hours the case waits for the team")
        check(not case_of(pat, out["case_id"])["offers"], "no offer")

        cleared = admin.ok("PATCH", "/api/v1/mailboxes/" + night["id"], {"on_call_skill": ""})
        eq(cleared["on_call_skill"], None, "routing can be switched off")
        rc, out, _ = mailgate(s, msg(subject="Another night"), mailbox="night@vendor-co.example")
        eq(out.get("offered_to"), None, "then nothing is offered")


def test_mailbox_routing_input_has_stable_codes_and_changes_nothing():
    with Server(demo=True, test_clock=False) as s:
        admin, pat = (s.login(e + "@vendor-co.example", V) for e in ("admin", "pat"))
        night_desk(admin)
        box = mailbox(admin, "night", "Mail Room")
        for body, status, code in [({"on_call_skill": "astrology"}, 404, "skill_not_found"),
                                   ({}, 400, "required"), ({"on_call_skill": "mail-night", "x": 1}, 400, "unknown_field")]:
            r = admin.patch("/api/v1/mailboxes/" + box["id"], body)
            eq((r.status, r.json["error"]["code"]), (status, code), repr(body))
        r = pat.patch("/api/v1/mailboxes/" + box["id"], {"on_call_skill": ""})
        eq((r.status, r.json["error"]["code"]), (403, "role_required"), "admins only")
        r = admin.patch("/api/v1/mailboxes/mbx_nope", {"on_call_skill": ""})
        eq((r.status, r.json["error"]["code"]), (404, "mailbox_not_found"), "unknown mailbox")
        r = admin.post("/api/v1/mailboxes", {"name": "x", "address": "x@vendor-co.example", "team": "Phone Sales",
                                             "owner": "pat@vendor-co.example", "on_call_skill": "astrology"})
        eq((r.status, r.json["error"]["code"]), (404, "skill_not_found"), "on create too")
        items = admin.ok("GET", "/api/v1/mailboxes")["items"]
        eq([m["on_call_skill"]["name"] for m in items if m["id"] == box["id"]], ["mail-night"], "unchanged")
        check(all(m["name"] != "x" for m in items), "nothing created")


def test_an_admin_edits_a_mailbox_and_bad_input_changes_nothing():
    with Server(demo=True, test_clock=False) as s:
        admin, pat = (s.login(e + "@vendor-co.example", V) for e in ("admin", "pat"))
        night_desk(admin)
        box = mailbox(admin, "night", "Mail Room")
        mailbox(admin, "day", "Always Open")
        r = admin.patch("/api/v1/mailboxes/" + box["id"], {"address": "Nights@Vendor-Co.example", "team": "Customer Care",
                                                           "location": "Always Open", "display_name": "Night Desk",
                                                           "on_call_skill": ""})
        eq(r.status, 200, "changed: %r" % (r.json,))
        s.check_contract("PATCH", "/api/v1/mailboxes/{id}", r)
        eq((r.json["address"], r.json["display_name"], r.json["on_call_skill"]),
           ("nights@vendor-co.example", "Night Desk", None), "address (lower case), name, no routing")
        loc = [l["id"] for l in admin.ok("GET", "/api/v1/locations")["items"] if l["name"] == "Always Open"]
        eq(r.json["location_id"], loc[0], "the intake location")
        before = admin.ok("GET", "/api/v1/mailboxes")["items"]
        for body, status, code in [({"address": "a+b@vendor-co.example"}, 400, "invalid_email"),
                                   ({"address": "day@vendor-co.example"}, 409, "mailbox_exists"),
                                   ({"team": "Astronauts"}, 404, "team_not_found"),
                                   ({"location": "Atlantis", "address": "fine@vendor-co.example"}, 404, "location_not_found")]:
            r = admin.patch("/api/v1/mailboxes/" + box["id"], body)
            eq((r.status, r.json["error"]["code"]), (status, code), repr(body))
        r = pat.patch("/api/v1/mailboxes/" + box["id"], {"display_name": "Mine"})
        eq((r.status, r.json["error"]["code"]), (403, "role_required"), "admins only")
        eq(admin.ok("GET", "/api/v1/mailboxes")["items"], before, "nothing changed")
        r = admin.patch("/api/v1/mailboxes/" + box["id"], {"location": ""})
        eq(r.json["location_id"], None, "no intake location")


def link_in(sink, to):
    got = [m for _, rcpts, m in sink.messages if to in rcpts and "sign-in link" in m["Subject"]]
    return got, [re.search(r"(\S+)/portal#token=(\S+)", m.get_content()).groups() for m in got]


def test_the_portal_sign_in_link_goes_to_the_customer_by_mail():
    with Server(demo=True, test_clock=False, extra_args=["--public-url", "https://desk.example.com"]) as s, \
            Sink() as sink:
        admin, pat = setup(s)
        ada = pat.ok("POST", "/api/v1/customers", {"name": "Ada Quinn", "email": "ada@example.org"}, status=201)
        r = pat.post("/api/v1/customers/%s/portal-link/email" % ada["id"], {"hours": 48})
        eq(r.status, 201, "mailed: %r" % (r.json,))
        s.check_contract("POST", "/api/v1/customers/{id}/portal-link/email", r)
        eq((r.json["to"], r.json["status"]), ("ada@example.org", "queued"), "to her address, through the outbox")
        check("token" not in r.json and "link" not in r.json, "the token is in the mail only")
        eq(deliver(s, sink.url).returncode, 0, "delivered")
        got, links = link_in(sink, "ada@example.org")
        eq(len(got), 1, "one mail")
        eq(links[0][0], "https://desk.example.com", "at the server's public address")
        eq(got[0]["Auto-Submitted"], "auto-replied", "automatic mail")
        check("Ada Quinn" in got[0].get_content(), "addressed to her")
        session = Client(s).post("/api/v1/portal/redeem", {"token": links[0][1]})
        eq(session.status, 200, "the link signs her in")
        eq(Client(s).post("/api/v1/portal/redeem", {"token": links[0][1]}).status, 401, "once")

        r = admin.patch("/api/v1/org/settings", {"settings": {"portal.public_url": "javascript:alert(1)"}})
        eq((r.status, r.json["error"]["code"]), (400, "invalid_url"), "a web address only")
        admin.ok("PATCH", "/api/v1/org/settings", {"settings": {"portal.public_url": "https://help.vendor-co.example/"}})
        pat.ok("POST", "/api/v1/customers/%s/portal-link/email" % ada["id"], {}, status=201)
        deliver(s, sink.url)
        eq(link_in(sink, "ada@example.org")[1][-1][0], "https://help.vendor-co.example",
           "the organization's own address wins")
        nomail = pat.ok("POST", "/api/v1/customers", {"name": "Bo Finch"}, status=201)
        r = pat.post("/api/v1/customers/%s/portal-link/email" % nomail["id"], {})
        eq((r.status, r.json["error"]["code"]), (422, "customer_has_no_email"), "nobody to write to")
        r = pat.post("/api/v1/customers/cus_nope/portal-link/email", {})
        eq((r.status, r.json["error"]["code"]), (404, "customer_not_found"), "unknown customer")


def links_made(admin):
    import urllib.parse
    n, q = 0, "?limit=200"
    for _ in range(1000):
        page = admin.ok("GET", "/api/v1/events" + q)
        n += sum(1 for e in page["items"] if e["kind"] == "portal.link_created")
        if not page.get("next"):
            return n
        q = "?limit=200&cursor=" + urllib.parse.quote(page["next"])
    check(False, "the history never ended")


def test_without_a_public_address_no_link_is_mailed_and_nothing_changes():
    with Server(demo=True, test_clock=False) as s:
        admin, pat = setup(s)
        ada = pat.ok("POST", "/api/v1/customers", {"name": "Ada Quinn", "email": "ada@example.org"}, status=201)
        before = links_made(admin)
        r = pat.post("/api/v1/customers/%s/portal-link/email" % ada["id"], {})
        eq((r.status, r.json["error"]["code"]), (422, "public_url_unset"), "the desk says what to set")
        eq(links_made(admin), before, "no link was made")


def forged(n, body="Cancel my order and refund to IBAN XX.\n"):
    return msg(subject="Re: cancel it [vendor-co #%d]" % n, body=body,
               headers="Authentication-Results: mx.vendor-co.example; spf=fail smtp.mailfrom=example.com;\n"
                       " dkim=none; dmarc=fail header.from=example.com\n")


def test_a_held_message_is_released_by_a_person_onto_a_case_and_the_history_says_so():
    with Server(demo=True, test_clock=False) as s:
        admin, pat = setup(s)
        box = "checked@vendor-co.example"
        admin.ok("POST", "/api/v1/mailboxes", {"name": "checked", "address": box, "team": "Phone Sales",
                                               "owner": "pat@vendor-co.example", "authserv_id": "mx.vendor-co.example"})
        rc, first, _ = mailgate(s, msg(), mailbox=box)
        rc, held, _ = mailgate(s, forged(first["case_number"], "It is really me, my provider is broken.\n"), mailbox=box)
        eq(held["status"], "held", "held for review")
        r = pat.post("/api/v1/mail/%s/release" % held["id"], {})
        eq(r.status, 200, "released: %r" % (r.json,))
        s.check_contract("POST", "/api/v1/mail/{id}/release", r)
        eq((r.json["status"], r.json["case_id"]), ("threaded", first["case_id"]), "where its thread leads")
        check("was held" in r.json["reason"], "the reason keeps why it was held: %r" % r.json["reason"])
        case = case_of(pat, first["case_id"])
        check(any("provider is broken" in t["summary"] for t in case["touchpoints"]), "an inbound contact now")
        released = [e for e in case["history"] if e["kind"] == "mail.released"]
        eq(len(released), 1, "the case's history records the release")
        eq(released[0]["data"]["was"], "held", "and what it was")
        eq([m["status"] for m in case["mail"] if m["id"] == held["id"]], ["threaded"], "the mail list shows it")
        r = pat.post("/api/v1/mail/%s/release" % held["id"], {})
        eq((r.status, r.json["error"]["code"]), (409, "mail_not_held"), "once")
        r = pat.post("/api/v1/mail/%s/release" % first["id"], {})
        eq((r.status, r.json["error"]["code"]), (409, "mail_not_held"), "only held mail")
        r = pat.post("/api/v1/mail/min_nope/release", {})
        eq((r.status, r.json["error"]["code"]), (404, "mail_not_found"), "unknown message")

        other = pat.ok("POST", "/api/v1/cases", {"subject": "Sam's second order", "channel": "phone",
                                                 "customer_name": "Sam Carter"}, status=201)
        rc, held2, _ = mailgate(s, forged(first["case_number"], "About the second order.\n"), mailbox=box)
        r = pat.post("/api/v1/mail/%s/release" % held2["id"], {"case_id": "cas_nope"})
        eq((r.status, r.json["error"]["code"]), (404, "case_not_found"), "an unknown case")
        eq([m["status"] for m in case_of(pat, first["case_id"])["mail"] if m["id"] == held2["id"]], [],
           "and nothing changed")
        r = pat.post("/api/v1/mail/%s/release" % held2["id"], {"case_id": other["id"]})
        eq((r.status, r.json["case_id"]), (200, other["id"]), "onto the case a person names")
        check(any("second order" in t["summary"] for t in case_of(pat, other["id"])["touchpoints"]), "there")


if __name__ == "__main__":
    run_module(globals())
