"""The case ledger over HTTP: ownership with acceptance (S1 steps 1-2), scoping, bad input."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from lib import Server, check, eq, run_module  # noqa: E402

V = "vendor-co"


def test_s1_handoff_chat_to_phone():
    with Server(demo=True, start="2026-03-02T21:00:00Z") as s:  # 15:00 in Chicago
        chris = s.login("chris@vendor-co.example", V)
        pat = s.login("pat@vendor-co.example", V)
        case = chris.ok("POST", "/api/v1/cases", {"subject": "Two phones, buy one get one half price",
                                                   "channel": "chat", "customer_name": "Sam Carter",
                                                   "customer_phone": "+1 217 555 0142",
                                                   "summary": "Sam wants two phones"})
        eq(case["owner"]["name"], "Chris Young", "Chris owns the new case")
        s.advance(minutes=70)  # 16:10
        offer = chris.ok("POST", "/api/v1/cases/%s/offers" % case["id"], {"to": "pat@vendor-co.example",
                                                                          "note": "phones can't be ordered online"})
        eq(offer["status"], "pending", "offer is pending")
        now = chris.ok("GET", "/api/v1/cases/" + case["id"])
        eq(now["owner"]["name"], "Chris Young", "an offer does not move ownership")
        s.advance(minutes=2)  # 16:12
        pat.ok("POST", "/api/v1/offers/%s/accept" % offer["id"])
        now = pat.ok("GET", "/api/v1/cases/" + case["id"])
        eq(now["owner"]["name"], "Pat Morgan", "acceptance moves ownership")
        kinds = [e["kind"] for e in now["history"]]
        check("case.offered" in kinds and "case.accepted" in kinds, "history shows offer and acceptance: %r" % kinds)
        accepted = [e for e in now["history"] if e["kind"] == "case.accepted"][0]
        eq(accepted["at"], "2026-03-02T22:12:00.000Z", "acceptance time is the manual clock's")
        again = pat.post("/api/v1/offers/%s/accept" % offer["id"])
        eq(again.status, 409, "accepting a decided offer conflicts")


def test_unanswered_offer_comes_back_with_an_alert():
    with Server(demo=True, start="2026-03-02T21:00:00Z") as s:
        chris = s.login("chris@vendor-co.example", V)
        case = chris.ok("POST", "/api/v1/cases", {"subject": "Where is my parcel", "channel": "chat",
                                                   "customer_name": "Lee Offerless"})
        offer = chris.ok("POST", "/api/v1/cases/%s/offers" % case["id"], {"to": "kim@vendor-co.example"})
        s.advance(minutes=59)
        eq(chris.ok("GET", "/api/v1/offers?direction=from_me")["items"][0]["status"], "pending",
           "still pending before the organization's 60 minutes")
        s.advance(minutes=2)
        mine = chris.ok("GET", "/api/v1/offers?direction=from_me&status=expired")["items"]
        eq([o["id"] for o in mine], [offer["id"]], "the offer expired after 60 minutes")
        now = chris.ok("GET", "/api/v1/cases/" + case["id"])
        eq(now["owner"]["name"], "Chris Young", "the case stays with its owner")
        alerts = chris.ok("GET", "/api/v1/alerts")["items"]
        check(any(a.get("kind") == "offer_unanswered" and a.get("case_id") == case["id"] for a in alerts),
              "the offerer is told: %r" % [a.get("kind") for a in alerts])
        s.advance(minutes=120)
        alerts2 = chris.ok("GET", "/api/v1/alerts")["items"]
        eq(len([a for a in alerts2 if a.get("kind") == "offer_unanswered" and a.get("case_id") == case["id"]]), 1,
           "told exactly once")
        late = s.login("kim@vendor-co.example", V).post("/api/v1/offers/%s/accept" % offer["id"])
        eq(late.status, 409, "an expired offer can no longer be accepted")


def test_renamed_person_shows_everywhere_at_once():
    """People are memoized within a request; a change must never show the old name."""
    with Server(demo=True) as s:
        chris = s.login("chris@vendor-co.example", V)
        admin = s.login("admin@vendor-co.example", V)
        case = chris.ok("POST", "/api/v1/cases", {"subject": "Rename check", "channel": "chat", "customer_name": "R. Check"})
        before = admin.ok("GET", "/api/v1/people/chris@vendor-co.example")
        eq(before["name"], "Chris Young", "the name before")
        after = admin.ok("PATCH", "/api/v1/people/" + before["id"], {"name": "Christine Young", "team": "Phone Sales"})
        eq((after["name"], after["team"]), ("Christine Young", "Phone Sales"), "the change's own answer shows it")
        page = admin.ok("GET", "/api/v1/cases/" + case["id"])
        eq(page["owner"]["name"], "Christine Young", "the case page shows the new name")
        eq(page["history"][0]["actor"]["name"], "Christine Young", "and so does the history")


if __name__ == "__main__":
    run_module(globals())
