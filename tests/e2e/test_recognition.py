"""S8 (owning it gets seen) over HTTP on the manual clock: ownership acts recognised from the record
(an intake routed outside one's team or role, a takeover while on call, a follow-up before the request
was due, a rescued promise, a case put right for another team, an issue that got fixed, a co-signed
exception adopted as policy), their negatives, thanks with its limits, scorecards and who may see them."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from lib import Server, check, eq, run_module  # noqa: E402

V = "vendor-co"
WALKIN = "Walk-in customers are served first"
START = "2026-03-02T15:00:00Z"  # Monday 09:00 in Chicago
RANGE = "from=2026-03-01T00:00:00Z&to=2026-03-10T00:00:00Z"


def who(s, name, org=V):
    return s.login("%s@%s.example" % (name, org), org)


def code(r):
    return (r.json or {}).get("error", {}).get("code")


def acts(client, person=None, period=RANGE):
    path = "/api/v1/recognition?" + period + ("&person=" + person if person else "")
    return [(a["kind"], a["person"]["name"], (a["case"] or {}).get("id")) for a in client.ok("GET", path)["items"]]


def measures(card):
    return {m["key"]: m["value"] for m in card["measures"]}


def open_case(client, subject, customer="Erin Park"):
    return client.ok("POST", "/api/v1/cases", {"subject": subject, "channel": "phone", "customer_name": customer})


def test_follow_up_rescue_put_right_and_breaches():
    with Server(demo=True, start=START) as s:
        jo, pat, dana = who(s, "jo"), who(s, "pat"), who(s, "dana")
        # S5: Jo asks Dispatch for a resend due in 24 hours, and checks on it at half time
        case = open_case(jo, "Parcel dispatched to the wrong address")
        req = jo.ok("POST", "/api/v1/cases/%s/requests" % case["id"],
                    {"what": "resend Erin's parcel", "due_at": "2026-03-03T15:00:00Z", "to_team": "Dispatch"}, status=201)
        late = jo.ok("POST", "/api/v1/cases/%s/requests" % case["id"],
                     {"what": "confirm the courier's pickup", "due_at": "2026-03-02T18:00:00Z", "to_team": "Dispatch"},
                     status=201)
        r = who(s, "devon").post("/api/v1/requests/%s/follow-up" % req["id"], {"note": "x"})
        eq((r.status, code(r)), (403, "not_requester"), "only who asked (or the case owner) follows a request up")
        s.set_clock("2026-03-03T03:00:00Z")
        jo = who(s, "jo")
        jo.ok("POST", "/api/v1/requests/%s/follow-up" % req["id"], {"note": "called Dispatch: the van leaves at 10"})
        jo.ok("POST", "/api/v1/requests/%s/follow-up" % req["id"], {"note": "and again"})
        # a follow-up after the request was already overdue is recorded, but it is not an act
        jo.ok("POST", "/api/v1/requests/%s/follow-up" % late["id"], {"note": "too late"})
        got = acts(jo)
        eq([a for a in got if a[0] == "follow_up"], [("follow_up", "Jo Baker", case["id"])],
           "one follow-up act, for the request that was not yet due: %r" % got)
        hist = [e["kind"] for e in jo.ok("GET", "/api/v1/cases/%s/history" % case["id"])["items"]]
        eq(hist.count("request.followed_up"), 3, "every follow-up is in the history")
        check("recognition.recognised" in hist, "the act is in the case's history")

        # a promise at risk that Store 12 still delivered: Dana rescued it
        s.set_clock("2026-03-03T15:00:00Z")
        pat, dana = who(s, "pat"), who(s, "dana")
        sam = open_case(pat, "Two phones for pickup", "Sam Carter")
        prom = pat.ok("POST", "/api/v1/cases/%s/promises" % sam["id"],
                      {"what": "Two phones ready for pickup at Store 12", "due_at": "2026-03-03T21:00:00Z",
                       "channel": "phone", "deliver_team": "Store 12"}, status=201)
        hold = pat.ok("POST", "/api/v1/cases/%s/requests" % sam["id"],
                      {"what": "hold two phones for Sam", "due_at": "2026-03-03T20:00:00Z", "to_team": "Store 12",
                       "blocks": [prom["id"]]}, status=201)
        dana.ok("POST", "/api/v1/requests/%s/defer" % hold["id"],
                {"reason": "store full of walk-ins", "until": "2026-03-03T22:00:00Z", "policy": WALKIN})
        check(pat.ok("GET", "/api/v1/promises/" + prom["id"])["at_risk"], "the deferral puts the promise at risk")
        s.set_clock("2026-03-03T20:30:00Z")
        pat, dana = who(s, "pat"), who(s, "dana")
        dana.ok("POST", "/api/v1/requests/%s/complete" % hold["id"], {"note": "phones on hold after all"})
        pat.ok("POST", "/api/v1/promises/%s/keep" % prom["id"], {})
        eq([a for a in acts(dana) if a[0] == "rescue"], [("rescue", "Dana Fox", sam["id"])],
           "Dana, who delivered once it was at risk, rescued the promise")
        check(not [a for a in acts(pat) if a[0] == "rescue"], "Pat kept it, but did not rescue it")

        # a promise Store 12 breaks: the breach counts against Store 12, never against Pat or Phone Sales
        ana = open_case(pat, "Case for a phone cover", "Ana Lee")
        p2 = pat.ok("POST", "/api/v1/cases/%s/promises" % ana["id"],
                    {"what": "Cover ready for pickup", "due_at": "2026-03-03T22:00:00Z", "channel": "phone",
                     "deliver_team": "Store 12"}, status=201)
        h2 = pat.ok("POST", "/api/v1/cases/%s/requests" % ana["id"],
                    {"what": "hold a cover", "due_at": "2026-03-03T21:30:00Z", "to_team": "Store 12",
                     "blocks": [p2["id"]]}, status=201)
        dana.ok("POST", "/api/v1/requests/%s/defer" % h2["id"],
                {"reason": "walk-ins", "until": "2026-03-04T16:00:00Z", "policy": WALKIN})
        s.set_clock("2026-03-03T22:01:00Z")  # the promise breaks
        pat = who(s, "pat")
        pat.ok("POST", "/api/v1/cases/%s/resolve" % ana["id"], {"resolution": "Sam's cover came from another store",
                                                          "open_requests": "keep"})
        eq([a for a in acts(pat) if a[0] == "put_right"], [("put_right", "Pat Morgan", ana["id"])],
           "Pat put right what Store 12 held up")

        kim = who(s, "kim")
        teams = {t["team"]: t for t in kim.ok("GET", "/api/v1/scorecards/teams?" + RANGE)["items"]}
        eq(teams["Store 12"]["breaches"], 1, "the breach counts against Store 12")
        eq(teams["Phone Sales"]["breaches"], 0, "and never against Phone Sales")
        eq(teams["Phone Sales"]["kept_as_made"], 1, "Pat's promise kept as made")
        check(teams["Store 12"]["acts"] >= 1 and teams["Customer Care"]["follow_ups"] == 1,
              "acts and follow-ups by team: %r" % teams)
        eq(measures(pat.ok("GET", "/api/v1/scorecards/people/pat@vendor-co.example?" + RANGE))["breaches"], 0,
           "Pat's scorecard carries no breach")
        csv = kim.get("/api/v1/scorecards/teams?format=csv&" + RANGE)
        check(csv.status == 200 and csv.raw.startswith("team_id,team,acts"), "the team table as CSV")


def test_thanks_and_who_sees_a_scorecard():
    with Server(demo=True, start=START) as s:
        pat, dana, sandy, taylor, kim = (who(s, n) for n in ("pat", "dana", "sandy", "taylor", "kim"))
        case = open_case(pat, "Two phones for pickup", "Sam Carter")
        path = "/api/v1/cases/%s/thanks" % case["id"]
        t = pat.ok("POST", path, {"to": "dana@vendor-co.example", "text": "for holding the phones"}, status=201)
        eq((t["from"]["name"], t["to"]["name"], t["case"]["number"]), ("Pat Morgan", "Dana Fox", case["number"]),
           "the thanks names both and the case")
        r = pat.post(path, {"to": "pat@vendor-co.example", "text": "well done me"})
        eq((r.status, code(r)), (422, "thanks_to_self"), "a thank-you to oneself is refused")
        eq((pat.post(path, {"to": "dana@vendor-co.example"}).status), 400, "a thank-you says what for")
        eq(pat.post(path, {"to": "nobody@vendor-co.example", "text": "x"}).status, 404, "an unknown colleague")
        eq(pat.post("/api/v1/cases/cas_00000000000000000000000000/thanks",
                    {"to": "dana@vendor-co.example", "text": "x"}).status, 404, "an unknown case")
        pat.ok("POST", path, {"to": "jo@vendor-co.example", "text": "two"}, status=201)
        pat.ok("POST", path, {"to": "kim@vendor-co.example", "text": "three"}, status=201)
        r = pat.post(path, {"to": "chris@vendor-co.example", "text": "four"})
        eq((r.status, code(r)), (422, "thanks_limit"), "three thanks a day (the default), so each means something")
        eq(len(pat.ok("GET", "/api/v1/thanks?given=true")["items"]), 3, "the refused ones left nothing behind")
        s.advance(hours=25)
        pat = who(s, "pat")
        pat.ok("POST", path, {"to": "chris@vendor-co.example", "text": "a new day"}, status=201)

        dana, sandy, taylor, kim = (who(s, n) for n in ("dana", "sandy", "taylor", "kim"))
        mine = dana.ok("GET", "/api/v1/thanks")["items"]
        eq([x["text"] for x in mine], ["for holding the phones"], "Dana sees her thanks")
        eq([x["text"] for x in sandy.ok("GET", "/api/v1/thanks?person=dana@vendor-co.example")["items"]],
           ["for holding the phones"], "so does her supervisor")
        check(any(a["kind"] == "thanks" for a in dana.ok("GET", "/api/v1/alerts")["items"]), "Dana is told")
        for name, other in (("Taylor, another supervisor", taylor), ("Kim, a peer", kim)):
            for p in ("/api/v1/thanks?person=dana@vendor-co.example",
                      "/api/v1/scorecards/people/dana@vendor-co.example",
                      "/api/v1/recognition?person=dana@vendor-co.example"):
                r = other.get(p)
                eq((r.status, code(r)), (403, "not_in_reporting_line"), "%s can't see %s" % (name, p))
        card = sandy.ok("GET", "/api/v1/scorecards/people/dana@vendor-co.example")
        eq(measures(card)["thanks"], 1, "the thanks counts on Dana's scorecard")
        check(any("Handle time" in x for x in card["not_counted"]), "the card says what it leaves out")
        check(all(m["explains"] for m in card["measures"]), "each measure is explained")
        team = kim.ok("GET", "/api/v1/scorecards/teams/Store 12".replace(" ", "%20"))
        eq((team["team"]["name"], measures(team)["thanks"]), ("Store 12", 1), "a team's scorecard is open to all")
        r = kim.get("/api/v1/scorecards/teams/Nope")
        eq((r.status, code(r)), (404, "team_not_found"), "an unknown team")
        r = kim.get("/api/v1/scorecards/teams?from=2026-03-05T00:00:00Z&to=2026-03-01T00:00:00Z")
        eq((r.status, code(r)), (400, "invalid_range"), "a period that ends before it starts")


def test_intake_on_call_issue_and_exception():
    # S4 (Northwind, Saturday 14:00 in Chicago): Omar, an engineer, takes a customer in and routes her
    # to Rosa, on call for billing this weekend
    with Server(demo=True, start="2026-03-07T20:00:00Z") as s:
        admin = who(s, "admin", "northwind")
        admin.ok("POST", "/api/v1/rotas", {
            "name": "Billing weekends", "skill": "billing", "location": "Chicago",
            "layers": [{"layer": "primary", "members": ["rosa@northwind.example"], "handoff": "sat 00:00",
                        "start": "2026-03-07", "windows": [{"days": ["sat", "sun"], "from": "00:00", "to": "24:00"}]}]})
        omar, rosa, ben = who(s, "omar", "northwind"), who(s, "rosa", "northwind"), who(s, "ben", "northwind")
        case = omar.ok("POST", "/api/v1/cases", {"subject": "Charged twice", "channel": "in_person",
                                                 "customer_name": "Dana Brooks"})
        offer = omar.ok("POST", "/api/v1/cases/%s/offers" % case["id"], {"to": "rosa@northwind.example"}, status=201)
        rosa.ok("POST", "/api/v1/offers/%s/accept" % offer["id"])
        eq([a[0] for a in acts(omar, None)], ["routed_outside"], "Omar is credited for the intake")
        eq([a[0] for a in acts(rosa)], ["on_call_takeover"], "Rosa for taking it over while on call")
        # within one's own team it is not "outside one's team" (and Ben is not on call)
        own = rosa.ok("POST", "/api/v1/cases", {"subject": "Invoice copy", "channel": "phone", "customer_name": "Lee"})
        o2 = rosa.ok("POST", "/api/v1/cases/%s/offers" % own["id"], {"to": "ben@northwind.example"}, status=201)
        ben.ok("POST", "/api/v1/offers/%s/accept" % o2["id"])
        eq([a[0] for a in acts(rosa)], ["on_call_takeover"], "no act for handing a case within one's team")
        eq(acts(ben), [], "nor for Ben, who was not on call")

    # S3 (Harbor Financial): Noah co-signed Mia's exception, which a review adopted as policy; Mia raised
    # a system issue that Grace fixed
    with Server(demo=True, start="2030-01-07T17:00:00Z") as s:
        h = "harbor-financial"
        y2030 = "from=2030-01-01T00:00:00Z&to=2030-02-01T00:00:00Z"
        mia, noah, grace = who(s, "mia", h), who(s, "noah", h), who(s, "grace", h)
        case = mia.ok("POST", "/api/v1/cases", {"subject": "$120 in fees", "channel": "phone", "customer_name": "Ana"})
        exc = mia.ok("POST", "/api/v1/cases/%s/exceptions" % case["id"],
                     {"policy": "Frontline may refund fees up to $50", "kind": "refund", "amount": 120,
                      "description": "Refund all $120", "reasoning": "our posting error"}, status=201)
        noah.ok("POST", "/api/v1/exceptions/%s/cosign" % exc["id"], {"note": "our error"})
        grace.ok("POST", "/api/v1/exceptions/%s/review" % exc["id"],
                 {"verdict": "adopt", "reasoning": "never pay for our mistakes",
                  "proposal": "Fees caused by our error are refunded in full"})
        eq(acts(noah, period=y2030), [("cosign_adopted", "Noah Silva", case["id"])], "Noah's co-signature became policy")
        eq(acts(mia, period=y2030), [], "no act for Mia yet")
        fixed = mia.ok("POST", "/api/v1/system-issues", {"title": "Deposits post late", "owner": "grace@%s.example" % h},
                       status=201)
        other = mia.ok("POST", "/api/v1/system-issues", {"title": "Slow screen", "owner": "grace@%s.example" % h},
                       status=201)
        grace.ok("POST", "/api/v1/system-issues/%s/respond" % other["id"], {"response": "we'll look at it"})
        eq(acts(mia, period=y2030), [], "a response that fixes nothing is not an act")
        done = grace.ok("POST", "/api/v1/system-issues/%s/respond" % fixed["id"],
                        {"response": "deposits now post the same day", "fixed": True})
        check(done["fixed"], "the issue is fixed")
        eq(acts(mia, period=y2030), [("issue_fixed", "Mia Wong", None)], "Mia raised an issue that got fixed")


run_module(globals())
