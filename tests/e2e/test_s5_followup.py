"""S5 (own it, follow up) over HTTP on the manual clock: Jo's resend request to Dispatch, the
follow-up reminder at half time, the holder's reminder, the update cadence (one kept, one lapsed,
which counts against Jo), the breach attributed to Dispatch, and the reports."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from lib import Server, check, eq, run_module  # noqa: E402

V = "vendor-co"
START = "2026-03-02T15:00:00Z"  # 09:00 in Chicago
RANGE = "from=2026-03-01T00:00:00Z&to=2026-03-10T00:00:00Z"


def who(s, name):
    return s.login(name + "@vendor-co.example", V)


def kinds(client):
    return [(a["kind"], a["entity_id"]) for a in client.ok("GET", "/api/v1/alerts?limit=500")["items"]]


def test_s5_follow_up_and_updates():
    with Server(demo=True, start=START) as s:
        jo = who(s, "jo")
        case = jo.ok("POST", "/api/v1/cases", {"subject": "Parcel dispatched to the wrong address", "channel": "email",
                                                "customer_name": "Erin Park", "customer_email": "erin.park@example.com"})
        prom = jo.ok("POST", "/api/v1/cases/%s/promises" % case["id"],
                     {"what": "a replacement parcel dispatched", "due_at": "2026-03-03T15:00:00Z", "channel": "email",
                      "deliver_team": "Dispatch"}, status=201)
        req = jo.ok("POST", "/api/v1/cases/%s/requests" % case["id"],
                    {"what": "resend Erin's parcel", "due_at": "2026-03-03T15:00:00Z", "to_team": "Dispatch",
                     "blocks": [prom["id"]]}, status=201)
        devon = who(s, "devon")
        check(any(r["id"] == req["id"] for r in devon.ok("GET", "/api/v1/requests")["items"]),
              "the request is in Dispatch's list")
        devon.ok("POST", "/api/v1/requests/%s/accept" % req["id"])
        r = jo.post("/api/v1/requests/%s/complete" % req["id"])
        eq(r.status, 403, "Jo can't complete Dispatch's request")

        s.set_clock("2026-03-02T21:00:00Z")  # +6h: Jo updates Erin
        jo = who(s, "jo")
        jo.ok("POST", "/api/v1/cases/%s/touchpoints" % case["id"],
              {"channel": "email", "direction": "outbound", "summary": "Told Erin a replacement is on its way"})
        nxt = jo.ok("GET", "/api/v1/cases/" + case["id"])["update_duty"]["next"]
        eq((nxt["kind"], nxt["due_at"]), ("cadence", "2026-03-03T21:00:00.000Z"), "the next update is due in 24 hours")

        s.set_clock("2026-03-03T02:59:00Z")
        check(("follow_up", req["id"]) not in kinds(jo), "no follow-up reminder before half time")
        s.set_clock("2026-03-03T03:00:00Z")  # half time
        jo = who(s, "jo")
        check(("follow_up", req["id"]) in kinds(jo), "Jo is reminded to check on progress at half time")

        s.set_clock("2026-03-03T14:00:00Z")  # an hour before due
        devon = who(s, "devon")
        check(("request_reminder", req["id"]) in kinds(devon), "Dispatch is reminded")

        s.set_clock("2026-03-03T15:00:00Z")  # due: overdue, and the promise breaks
        jo = who(s, "jo")
        view = jo.ok("GET", "/api/v1/cases/" + case["id"])
        att = view["breaches"][0]["attribution"]
        eq([(c["cause"], c["holder"]["team"]) for c in att["causes"]], [("request_overdue", "Dispatch")],
           "the breach is Dispatch's overdue request")
        eq(att["owner_at_fault"], False, "not Jo's")

        s.set_clock("2026-03-03T21:00:00Z")  # Jo lets the next update lapse
        jo = who(s, "jo")
        check(any(k == "update_lapsed" for k, _ in kinds(jo)), "Jo is told the update lapsed")
        view = jo.ok("GET", "/api/v1/cases/" + case["id"])
        eq(sorted(d["status"] for d in view["update_duty"]["duties"] if d["status"] != "pending"),
           ["lapsed", "lapsed", "met"], "one update kept; the cadence one and the at-risk one lapsed")

        lead = who(s, "riley")
        peek = jo.get("/api/v1/reports/update-duties?" + RANGE)
        eq(peek.status, 403, "a frontline colleague can't read the per-owner update-duty report")
        duties = {i["owner"]: i for i in lead.ok("GET", "/api/v1/reports/update-duties?" + RANGE)["items"]}
        eq((duties["Jo Baker"]["kept"], duties["Jo Baker"]["lapsed"]), (1, 2), "the lapses count against Jo")
        keep = {i["label"]: i for i in lead.ok("GET", "/api/v1/reports/promise-keeping?by=team&" + RANGE)["items"]}
        eq((keep["Dispatch"]["kept"], keep["Dispatch"]["broken"]), (0, 1), "Dispatch's promise-keeping")
        team = lead.ok("GET", "/api/v1/reports/breaches?by=team&team=Dispatch&" + RANGE)
        eq([i["label"] for i in team["items"]], ["Dispatch"], "team filter")
        other = lead.ok("GET", "/api/v1/reports/breaches?by=team&team=Store%2012&" + RANGE)
        eq(other["items"], [], "another team's filter shows none")

        # alerts: mine only, unread first, and marking one read
        mine = jo.ok("GET", "/api/v1/alerts")
        check(mine["unread"] >= 1, "Jo has unread alerts")
        first = mine["items"][0]
        jo.ok("POST", "/api/v1/alerts/%s/read" % first["id"])
        again = jo.ok("GET", "/api/v1/alerts")
        eq(again["unread"], mine["unread"] - 1, "one fewer unread")
        check(again["items"][-1]["read"] or not any(a["read"] for a in again["items"]), "read alerts come last")
        r = devon.post("/api/v1/alerts/%s/read" % first["id"])
        eq(r.status, 404, "someone else's alert looks unknown")


if __name__ == "__main__":
    run_module(globals())
