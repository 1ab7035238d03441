"""Resolving a case that still has open requests or pending promises: the owner chooses (keep or
cancel the requests; settle the promises first, or record them broken and tell the customer).
Nothing is ever marked kept to close a case."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from lib import Server, check, eq, run_module  # noqa: E402

V = "vendor-co"
START = "2026-03-02T15:00:00Z"


def who(s, name):
    return s.login("%s@%s.example" % (name, V), V)


def setup(s, subject):
    chris = who(s, "chris")
    c = chris.ok("POST", "/api/v1/cases", {"subject": subject, "channel": "chat", "customer_name": "Erin Park"})
    return chris, c


def err(r):
    return (r.json or {}).get("error", {})


def test_open_requests_are_kept_or_cancelled_by_choice():
    with Server(demo=True, start=START) as s:
        chris, c = setup(s, "Resolve with a request")
        q = chris.ok("POST", "/api/v1/cases/%s/requests" % c["id"],
                     {"what": "hold two phones", "due_at": "2026-03-03T15:00:00Z", "to_person": "dana@vendor-co.example"})
        path = "/api/v1/cases/%s/resolve" % c["id"]
        r = chris.post(path, {"resolution": "sorted"})
        eq(r.status, 422, "resolving with an open request asks first")
        eq(err(r).get("code"), "requests_open", "with its own code")
        eq(err(r).get("field"), "open_requests", "naming the choice to make")
        eq(chris.ok("GET", "/api/v1/cases/" + c["id"])["status"], "open", "nothing changed")
        eq(chris.post(path, {"resolution": "sorted", "open_requests": "maybe"}).status, 400, "only keep or cancel")
        chris.ok("POST", path, {"resolution": "sorted", "open_requests": "keep"})
        eq(chris.ok("GET", "/api/v1/requests/" + q["id"])["status"], "open", "kept: the holder carries on")

        chris2, c2 = setup(s, "Resolve and call off")
        q2 = chris2.ok("POST", "/api/v1/cases/%s/requests" % c2["id"],
                       {"what": "courier a form", "due_at": "2026-03-03T15:00:00Z", "to_person": "dana@vendor-co.example"})
        chris2.ok("POST", "/api/v1/cases/%s/resolve" % c2["id"], {"resolution": "customer withdrew", "open_requests": "cancel"})
        got = chris2.ok("GET", "/api/v1/requests/" + q2["id"])
        eq(got["status"], "cancelled", "cancelled: called off, not delivered")
        check(not got["overdue"], "and never overdue")
        dana = who(s, "dana")
        check(any(a["kind"] == "request_cancelled" for a in dana.ok("GET", "/api/v1/alerts")["items"]), "the holder is told")
        owed = [x["id"] for x in dana.ok("GET", "/api/v1/requests")["items"]]
        check(q2["id"] not in owed, "it leaves the holder's list")
        kinds = [e["kind"] for e in chris2.ok("GET", "/api/v1/cases/%s/history" % c2["id"])["items"]]
        check("request.cancelled" in kinds, "the history records it")
        s.advance(hours=72)
        dana = who(s, "dana")
        check(not any(a["kind"] in ("request_overdue", "request_escalated") and a.get("entity_id") == q2["id"]
                      for a in dana.ok("GET", "/api/v1/alerts")["items"]), "nobody is chased for it later")


def test_pending_promises_are_settled_or_recorded_broken_never_kept():
    with Server(demo=True, start=START) as s:
        chris, c = setup(s, "Resolve with a promise")
        p = chris.ok("POST", "/api/v1/cases/%s/promises" % c["id"],
                     {"what": "a call back tomorrow", "due_at": "2026-03-03T15:00:00Z", "channel": "chat"})
        path = "/api/v1/cases/%s/resolve" % c["id"]
        r = chris.post(path, {"resolution": "gave up"})
        eq(r.status, 422, "a pending promise asks first")
        eq(err(r).get("code"), "promises_pending", "promises_pending")
        eq(err(r).get("field"), "pending_promises", "naming the choice")
        check("kept" in err(r).get("message", "") and "broken" in err(r).get("message", ""), "and the honest choices")
        case = chris.ok("POST", path, {"resolution": "customer went elsewhere", "pending_promises": "broken"})
        eq(case["status"], "resolved", "resolved")
        got = chris.ok("GET", "/api/v1/promises/" + p["id"])
        eq(got["status"], "broken", "the promise is recorded broken, not kept")
        check(chris.ok("GET", "/api/v1/cases/" + c["id"]).get("breaches"), "with its breach on the case page")


if __name__ == "__main__":
    run_module(globals())
