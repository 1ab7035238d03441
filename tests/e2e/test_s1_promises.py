"""S1 (Sam's phones) over HTTP on the manual clock: a promise and the request it depends on, the
store's deferral citing the walk-in policy, the policy conflict, the alert, the honest words, the
breach and its attribution, and the reports.  Plus the bad input the promise routes refuse."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from lib import Server, check, eq, run_module  # noqa: E402

V = "vendor-co"
WALKIN = "Walk-in customers are served first"
PICKUP = "In-store pickup within 3 hours of purchase"
# 15:00 in Chicago (CST, UTC-6) on Monday 2 March 2026
START = "2026-03-02T21:00:00Z"
RANGE = "from=2026-03-01T00:00:00Z&to=2026-03-10T00:00:00Z"


def open_sam_case(s, chris, pat):
    case = chris.ok("POST", "/api/v1/cases", {"subject": "Two phones, buy one get one half price", "channel": "chat",
                                               "customer_name": "Sam Carter", "customer_phone": "+1 217 555 0142",
                                               "summary": "Sam wants two phones"})
    offer = chris.ok("POST", "/api/v1/cases/%s/offers" % case["id"], {"to": "pat@vendor-co.example"})
    pat.ok("POST", "/api/v1/offers/%s/accept" % offer["id"])
    return case


def promise_and_request(pat, case_id, due):
    prom = pat.ok("POST", "/api/v1/cases/%s/promises" % case_id,
                  {"what": "Two phones ready for pickup at Store 12", "due_at": due, "channel": "phone",
                   "deliver_team": "Store 12", "policy": PICKUP}, status=201)
    req = pat.ok("POST", "/api/v1/cases/%s/requests" % case_id,
                 {"what": "hold two phones for Sam", "due_at": due, "to_team": "Store 12", "blocks": [prom["id"]]},
                 status=201)
    return prom, req


def alerts_of(client, kind):
    return [a for a in client.ok("GET", "/api/v1/alerts")["items"] if a["kind"] == kind]


def test_s1_sams_phones():
    with Server(demo=True, start=START) as s:
        chris = s.login("chris@vendor-co.example", V)
        pat = s.login("pat@vendor-co.example", V)
        dana = s.login("dana@vendor-co.example", V)
        kim = s.login("kim@vendor-co.example", V)
        riley = s.login("riley@vendor-co.example", V)
        ids = {p["email"].split("@")[0]: p["id"] for p in riley.ok("GET", "/api/v1/people?limit=100")["items"]}

        case = open_sam_case(s, chris, pat)
        s.set_clock("2026-03-02T22:15:00Z")  # 16:15
        prom, req = promise_and_request(pat, case["id"], "2026-03-03T01:15:00Z")  # 19:15
        eq(prom["status"], "pending", "the promise is pending")
        eq(prom["made_by"]["name"], "Pat Morgan", "made by Pat")
        eq(prom["policy"]["name"], PICKUP, "made under the pickup guarantee")
        eq(req["blocks"], [prom["id"]], "the request blocks the promise")

        # 18:15: Store 12 is reminded an hour before; Pat is reminded to follow up at half time
        s.set_clock("2026-03-03T00:15:00Z")
        check(any(a["entity_id"] == req["id"] for a in alerts_of(dana, "request_reminder")), "Store 12 (Dana) is reminded")
        check(any(a["entity_id"] == req["id"] for a in alerts_of(pat, "follow_up")), "Pat is reminded to follow up")

        # 19:00 Sam calls Store 12; Dana finds the case by his phone number and sees the promise and the request
        s.set_clock("2026-03-03T01:00:00Z")
        found = dana.ok("GET", "/api/v1/cases?q=217%20555%200142")["items"]
        check(any(c["id"] == case["id"] for c in found), "Dana finds Sam's case by phone")
        view = dana.ok("GET", "/api/v1/cases/" + case["id"])
        eq([p["what"] for p in view["promises"]], ["Two phones ready for pickup at Store 12"], "Dana sees the promise")
        eq([(r["what"], r["status"]) for r in view["requests"]], [("hold two phones for Sam", "open")],
           "Dana sees the open request")
        mine = dana.ok("GET", "/api/v1/requests")["items"]
        check(any(r["id"] == req["id"] for r in mine), "the request is in Store 12's list")

        # 19:05 Dana defers to 10:00 next day, citing the walk-in policy
        s.set_clock("2026-03-03T01:05:00Z")
        d = dana.ok("POST", "/api/v1/requests/%s/defer" % req["id"],
                    {"reason": "store full of walk-in customers", "until": "2026-03-03T16:00:00Z", "policy": WALKIN})
        eq(d["status"], "deferred", "deferred")
        eq(d["policy"]["name"], WALKIN, "the deferral cites the walk-in policy")
        view = pat.ok("GET", "/api/v1/cases/" + case["id"])
        eq([(c["policy"]["name"], c["promise_policy"]["name"]) for c in view["policy_conflicts"]], [(WALKIN, PICKUP)],
           "a conflict between the walk-in policy and the pickup guarantee is recorded")
        check(view["promises"][0]["at_risk"], "the promise is at risk")
        check(any(a["entity_id"] == prom["id"] for a in alerts_of(pat, "promise_at_risk")), "Pat is alerted")
        check(view["update_duty"]["next"] is not None and view["update_duty"]["next"]["kind"] == "at_risk",
              "Sam must hear from us soon: an at-risk update duty")
        check(any(a["kind"] == "policy_conflict" for a in riley.ok("GET", "/api/v1/alerts")["items"]),
              "Riley, who owns the walk-in policy, hears of the conflict")

        words = pat.ok("GET", "/api/v1/cases/%s/suggested-words" % case["id"])
        f = words["facts"]
        eq(f["promise"], "Two phones ready for pickup at Store 12", "words: what was promised")
        eq(f["promise_due"], "Mon 2 Mar 2026 19:15 Chicago time", "words: when, in the store's time (the case was taken in Chicago)")
        eq(f["waiting_on"], "our Store 12 team", "words: waiting on the team, not a named colleague")
        eq(f["new_time"], "Tue 3 Mar 2026 10:00 Chicago time", "words: the new time, in the store's time")
        eq(f["policy"], WALKIN, "words: the policy")
        eq(f["senior"], "Riley Chen", "words: the senior person responsible (owner of the policy)")
        keys = [m["key"] for m in words["messages"]]
        for k in ("promise", "waiting", "deferred", "policy", "speak_senior"):
            check(k in keys, "message %s offered (%r)" % (k, keys))
        check(all("Dana" not in m["text"] and "Fox" not in m["text"] for m in words["messages"]),
              "no message names the colleague at the store")
        for m in words["messages"]:
            for name, value in m["facts"].items():
                eq(value, f[name], "message %s uses the recorded fact %s" % (m["key"], name))

        # 19:15 the promise breaks
        s.set_clock("2026-03-03T01:15:00Z")
        view = pat.ok("GET", "/api/v1/cases/" + case["id"])
        eq(view["promises"][0]["status"], "broken", "the promise is broken")
        eq(len(view["breaches"]), 1, "one breach")
        att = view["breaches"][0]["attribution"]
        causes = {c["cause"]: c for c in att["causes"]}
        check("request_deferred" in causes, "attributed to the deferred request: %r" % list(causes))
        eq(causes["request_deferred"]["holder"]["team"], "Store 12", "held by Store 12")
        eq(causes["request_deferred"]["level"], "team", "a team held it")
        check("policy_conflict" in causes, "and to the policy conflict")
        eq(causes["policy_conflict"]["policy"]["name"], WALKIN, "the walk-in policy")
        eq(causes["policy_conflict"]["promise_policy"]["name"], PICKUP, "against the pickup guarantee")
        eq(att["owner_at_fault"], False, "Pat, the owner, is not at fault")
        blamed = {c["holder"].get("person_id") for c in att["causes"]}
        for who in ("pat", "chris", "dana"):
            check(ids[who] not in blamed, "%s carries no personal fault" % who)
        check(any(a["entity_id"] == prom["id"] for a in alerts_of(pat, "promise_broken")), "Pat hears of the breach")

        # 19:30 Sam complains in chat to Kim: the same truth, the same words
        s.set_clock("2026-03-03T01:30:00Z")
        kw = kim.ok("GET", "/api/v1/cases/%s/suggested-words" % case["id"])
        pw = pat.ok("GET", "/api/v1/cases/%s/suggested-words" % case["id"])
        eq(kw["messages"], pw["messages"], "Kim gets the same words as Pat")
        check("broken" in [m["key"] for m in kw["messages"]], "the words now say the promise was not kept")

        # a second customer hits the same conflict the same evening
        erin = pat.ok("POST", "/api/v1/cases", {"subject": "Phone pickup", "channel": "phone",
                                                 "customer_name": "Erin Park", "customer_email": "erin.park@example.com"})
        p2, r2 = promise_and_request(pat, erin["id"], "2026-03-03T04:30:00Z")
        dana.ok("POST", "/api/v1/requests/%s/defer" % r2["id"],
                {"reason": "walk-ins", "until": "2026-03-03T16:00:00Z", "policy": WALKIN})

        # next day 10:00 Store 12 completes; Pat resolves Sam's case
        s.set_clock("2026-03-03T16:00:00Z")
        pat, dana, riley = (s.login(who + "@vendor-co.example", V) for who in ("pat", "dana", "riley"))  # sessions expire
        done = dana.ok("POST", "/api/v1/requests/%s/complete" % req["id"], {"note": "phones on hold"})
        eq(done["status"], "done", "Store 12 completed the request")
        pat.ok("POST", "/api/v1/cases/%s/resolve" % case["id"], {"resolution": "Sam picked up his phones"})

        rep = riley.ok("GET", "/api/v1/reports/policy-conflicts?" + RANGE)
        pair = [i for i in rep["items"] if i["policy"] == WALKIN and i["promise_policy"] == PICKUP]
        eq(len(pair), 1, "one row for the pair")
        eq(sorted(c["id"] for c in pair[0]["cases"]), sorted([case["id"], erin["id"]]),
           "both customers' cases under that policy pair")
        byc = {i["key"]: i for i in riley.ok("GET", "/api/v1/reports/breaches?by=cause&" + RANGE)["items"]}
        check(byc.get("request_deferred", {}).get("breaches", 0) >= 1 and "policy_conflict" in byc,
              "breaches by cause: %r" % list(byc))
        check(not any(k.startswith("owner") for k in byc), "no owner causes")
        byt = {i["label"]: i for i in riley.ok("GET", "/api/v1/reports/breaches?by=team&" + RANGE)["items"]}
        check("Store 12" in byt, "breaches by team name Store 12: %r" % list(byt))
        keep = {i["key"]: i for i in riley.ok("GET", "/api/v1/reports/promise-keeping?by=channel&" + RANGE)["items"]}
        check(keep.get("phone", {}).get("broken", 0) >= 1, "promise keeping by channel: phone has the broken promise")
        csv = riley.get("/api/v1/reports/breaches?by=cause&format=csv&" + RANGE)
        eq(csv.status, 200, "CSV report")
        check(csv.raw.splitlines()[0].startswith("key,label"), "CSV header: %r" % csv.raw[:40])


def test_bad_input_is_refused():
    with Server(demo=True, start=START) as s:
        chris = s.login("chris@vendor-co.example", V)
        pat = s.login("pat@vendor-co.example", V)
        kim = s.login("kim@vendor-co.example", V)
        dana = s.login("dana@vendor-co.example", V)
        case = open_sam_case(s, chris, pat)
        url = "/api/v1/cases/%s/promises" % case["id"]
        body = {"what": "call back", "channel": "phone"}
        r = pat.post(url, dict(body, due_at="2026-03-01T00:00:00Z"))
        eq((r.status, r.json["error"]["code"]), (400, "due_in_past"), "a due time in the past")
        r = pat.post(url, dict(body, due_at="tomorrow-ish"))
        eq((r.status, r.json["error"]["code"]), (400, "invalid_time"), "an unparseable due time")
        r = pat.post(url, dict(body))
        eq(r.status, 400, "no due time")
        eq(pat.ok("GET", url)["items"], [], "nothing was recorded")

        prom, req = promise_and_request(pat, case["id"], "2026-03-03T01:15:00Z")
        r = pat.post("/api/v1/cases/%s/requests" % case["id"],
                     {"what": "sign", "due_at": "2026-03-03T01:00:00Z", "to_person": "alex@lee-practice.example"})
        eq(r.status, 404, "a request to a person of another organization looks like an unknown person")
        r = kim.post("/api/v1/requests/%s/complete" % req["id"])
        eq((r.status, r.json["error"]["code"]), (403, "not_holder"), "Kim can't complete Store 12's request")
        r = pat.post("/api/v1/promises/%s/renegotiate" % prom["id"], {"due_at": "2026-03-04T01:00:00Z"})
        eq((r.status, r.json["error"]["code"]), (422, "consent_required"), "renegotiating without consent")
        eq(pat.ok("GET", "/api/v1/promises/" + prom["id"])["status"], "pending", "the promise is unchanged")

        # with consent: the old promise is renegotiated (never a breach), the new one carries the request
        new = pat.ok("POST", "/api/v1/promises/%s/renegotiate" % prom["id"],
                     {"due_at": "2026-03-04T01:00:00Z", "consent": "Sam agreed to pick up tomorrow evening",
                      "consent_channel": "phone"})
        eq(new["replaces_id"], prom["id"], "the new promise replaces the old one")
        eq(new["blocked_by"], [req["id"]], "the request now blocks the new promise")
        s.set_clock("2026-03-03T02:00:00Z")  # the old due time has passed
        view = pat.ok("GET", "/api/v1/cases/" + case["id"])
        eq(sorted(p["status"] for p in view["promises"]), ["pending", "renegotiated"], "no breach after consent")
        eq(view["breaches"], [], "no breach recorded")

        r = pat.post("/api/v1/cases/%s/resolve" % case["id"], {"resolution": "x"})
        eq((r.status, r.json["error"]["code"]), (422, "promises_pending"), "a case with a pending promise can't be resolved")
        dana.ok("POST", "/api/v1/requests/%s/complete" % req["id"])
        r = dana.post("/api/v1/requests/%s/complete" % req["id"])
        eq(r.status, 409, "completing twice conflicts")
        pat.ok("POST", "/api/v1/promises/%s/keep" % new["id"])
        pat.ok("POST", "/api/v1/cases/%s/resolve" % case["id"], {"resolution": "picked up"})
        r = pat.post(url, dict(body, due_at="2026-03-05T00:00:00Z"))
        eq((r.status, r.json["error"]["code"]), (422, "case_closed"), "no promises on a resolved case")
        r = pat.get("/api/v1/promises/prom_00000000000000000000000000")
        eq(r.status, 404, "unknown promise")
        r = chris.post("/api/v1/alerts/alert_00000000000000000000000000/read")
        eq(r.status, 404, "unknown alert")


if __name__ == "__main__":
    run_module(globals())
