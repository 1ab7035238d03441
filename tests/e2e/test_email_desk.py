"""Email at the desk (issue 16): mail that opens a case out of hours is offered to whoever is on
call for the mailbox's skill.  Real parts as in test_email.py: messages piped to `frontline
mailgate`, the outbox delivered by `frontline mail-deliver` to an aiosmtpd sink on loopback."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from lib import Server, check, eq, run_module  # noqa: E402
from test_email import V, case_of, mailgate, msg  # noqa: E402

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


if __name__ == "__main__":
    run_module(globals())
