"""S2 (the paperwork) over HTTP on the manual clock: Dr. Lee's request is reminded, goes overdue,
escalates to Morgan (Dr. Lee has no manager), the promise breaks and is attributed to the leader's
overdue request, the words offer to speak with Dr. Lee, and the leadership report lists it."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from lib import Server, check, eq, run_module  # noqa: E402

L = "lee-practice"
MON_0900 = "2026-03-02T14:00:00Z"  # America/New_York, EST
RANGE = "from=2026-03-01T00:00:00Z&to=2026-03-10T00:00:00Z"


def who(s, name):
    return s.login(name + "@lee-practice.example", L)


def kinds(client):
    return [(a["kind"], a["entity_id"]) for a in client.ok("GET", "/api/v1/alerts")["items"]]


def test_s2_paperwork():
    with Server(demo=True, start=MON_0900) as s:
        admin = who(s, "admin")
        admin.ok("PATCH", "/api/v1/org/settings", {"settings": {"request.escalation_contact": "morgan@lee-practice.example",
                                                                "request.escalate_after_minutes": 240}})
        alex = who(s, "alex")
        case = alex.ok("POST", "/api/v1/cases", {"subject": "Insurance forms", "channel": "in_person",
                                                  "customer_name": "Mr. Jones", "customer_phone": "+1 212 555 0190"})
        prom = alex.ok("POST", "/api/v1/cases/%s/promises" % case["id"],
                       {"what": "insurance forms ready at your appointment", "due_at": "2026-03-03T15:00:00Z",
                        "channel": "in_person"}, status=201)
        req = alex.ok("POST", "/api/v1/cases/%s/requests" % case["id"],
                      {"what": "sign Mr. Jones's forms", "due_at": "2026-03-02T22:00:00Z",
                       "to_person": "lee@lee-practice.example", "blocks": [prom["id"]]}, status=201)
        eq(req["holder_role"], "leader", "Dr. Lee is a leader")
        eq(req["holder_level"], 0, "at the top of the reporting line")
        # a request asked a minute ago: said plainly, no apology, and never the colleague's own words
        fresh = {m["key"]: m["text"] for m in alex.ok("GET", "/api/v1/cases/%s/suggested-words" % case["id"])["messages"]}
        check("asked" in fresh and "waiting" not in fresh, "no apology for a request just made: %r" % fresh)
        check(all("sign Mr. Jones" not in t for t in fresh.values()), "the internal request is not read out: %r" % fresh)
        eq(fresh.get("promise"), "We promised you \u201cinsurance forms ready at your appointment\u201d by "
           "Tue 3 Mar 2026 10:00 New York time.", "the promise quoted, in the practice's time")

        s.set_clock("2026-03-02T20:59:00Z")
        check(("request_reminder", req["id"]) not in kinds(who(s, "lee")), "no reminder before 16:00")
        s.set_clock("2026-03-02T21:00:00Z")  # Monday 16:00
        check(("request_reminder", req["id"]) in kinds(who(s, "lee")), "Dr. Lee is reminded at 16:00")

        s.set_clock("2026-03-02T22:00:00Z")  # Monday 17:00
        view = alex.ok("GET", "/api/v1/cases/" + case["id"])
        check(view["requests"][0]["overdue"], "the case shows the request overdue")
        check(view["promises"][0]["at_risk"], "the promise is at risk")
        check(("request_overdue", req["id"]) in kinds(alex), "Alex is told")
        check(("promise_at_risk", prom["id"]) in kinds(alex), "Alex is alerted the promise is at risk")

        s.set_clock("2026-03-03T01:59:00Z")
        morgan = who(s, "morgan")
        check(("escalation", req["id"]) not in kinds(morgan), "no escalation before 4 hours")
        s.set_clock("2026-03-03T02:00:00Z")  # Monday 21:00
        morgan = who(s, "morgan")
        check(("escalation", req["id"]) in kinds(morgan), "escalated to Morgan (Dr. Lee has no manager)")
        eq(who(s, "alex").ok("GET", "/api/v1/requests/" + req["id"])["escalated_to"]["name"], "Morgan Diaz",
           "the request shows whom it escalated to")

        s.set_clock("2026-03-03T14:50:00Z")  # Tuesday 09:50: Mr. Jones arrives
        alex = who(s, "alex")
        w = alex.ok("GET", "/api/v1/cases/%s/suggested-words" % case["id"])
        msgs = {m["key"]: m for m in w["messages"]}
        check("waiting" in msgs, "an apology for the wait is offered: %r" % list(msgs))
        check("Mr. Jones" in msgs["waiting"]["text"] and "track it down" in msgs["waiting"]["text"],
              "it names the customer and the next step: %r" % msgs["waiting"]["text"])
        eq(msgs["waiting"]["facts"].get("waiting_on"), "our Physicians team", "waiting on a team, not a named colleague")
        check("Dr. Jordan Lee" not in msgs["waiting"]["text"], "the apology does not blame Dr. Lee by name")
        check("speak_senior" in msgs, "an offer to speak with the senior person responsible")
        eq(msgs["speak_senior"]["text"], "Would you like to speak with Dr. Jordan Lee directly?", "S2's question")
        eq(w["facts"]["senior"], "Dr. Jordan Lee", "the fact behind it")

        # the practice words it its own way; the facts stay the record's
        admin = who(s, "admin")
        r = alex.request("PUT", "/api/v1/words/templates/speak_senior", {"text": "Shall I ask {senior}?"})
        eq(r.status, 403, "only an admin edits templates")
        r = admin.request("PUT", "/api/v1/words/templates/speak_senior", {"text": "Shall I ask {doctor} to see you?"})
        eq((r.status, r.json["error"]["code"]), (400, "unknown_placeholder"), "an unknown placeholder is refused")
        t = admin.ok("PUT", "/api/v1/words/templates/speak_senior",
                     {"text": "{customer}, shall I ask {senior} to see you before your appointment?"})
        check(t["customized"], "the template is the practice's own")
        w2 = alex.ok("GET", "/api/v1/cases/%s/suggested-words" % case["id"])
        eq([m["text"] for m in w2["messages"] if m["key"] == "speak_senior"],
           ["Mr. Jones, shall I ask Dr. Jordan Lee to see you before your appointment?"], "the edited template is used")
        eq(alex.request("PUT", "/api/v1/words/templates/nope", {"text": "x"}).status, 403, "not an admin")
        eq(admin.request("PUT", "/api/v1/words/templates/nope", {"text": "x"}).status, 404, "unknown template")
        admin.ok("PUT", "/api/v1/words/templates/speak_senior", {"reset": True})
        tl = {t["key"]: t for t in admin.ok("GET", "/api/v1/words/templates")["items"]}
        eq(tl["speak_senior"]["text"], tl["speak_senior"]["default"], "reset to the default")

        s.set_clock("2026-03-03T15:00:00Z")  # Tuesday 10:00: the promise breaks
        view = alex.ok("GET", "/api/v1/cases/" + case["id"])
        eq(len(view["breaches"]), 1, "one breach")
        att = view["breaches"][0]["attribution"]
        eq([c["cause"] for c in att["causes"]], ["request_overdue"], "attributed to the overdue request")
        eq(att["causes"][0]["holder"]["name"], "Dr. Jordan Lee", "held by Dr. Lee")
        eq(att["causes"][0]["level"], "leader", "level: leader")
        eq(att["owner_at_fault"], False, "no breach attributed to Alex")

        # another pass, and another: nothing happens twice
        s.advance(minutes=5)
        s.advance(minutes=5)
        view = alex.ok("GET", "/api/v1/cases/" + case["id"])
        eq(len(view["breaches"]), 1, "still one breach")
        eq(kinds(alex).count(("promise_broken", prom["id"])), 1, "one breach alert")
        eq(kinds(who(s, "morgan")).count(("escalation", req["id"])), 1, "one escalation")

        # once resolved, nothing is awaited: the words own the broken promise and promise nothing more
        alex.ok("POST", "/api/v1/cases/%s/resolve" % case["id"], {"resolution": "forms signed at the desk", "open_requests": "keep"})
        done = alex.ok("GET", "/api/v1/cases/%s/suggested-words" % case["id"])["messages"]
        eq([m["key"] for m in done], ["broken"], "a resolved case: only the broken promise is said")
        check(all("haven't received" not in m["text"] for m in done), "no \"we haven't received\" once resolved")

        lead = who(s, "morgan")
        lvl = {i["key"]: i for i in lead.ok("GET", "/api/v1/reports/breaches?by=level&" + RANGE)["items"]}
        eq(lvl.get("leader", {}).get("breaches"), 1, "breaches by level: leader")
        check("owner" not in lvl, "none attributed to the owner")
        od = {i["level"]: i for i in lead.ok("GET", "/api/v1/reports/overdue-requests?" + RANGE)["items"]}
        eq((od.get("leader", {}).get("overdue"), od.get("leader", {}).get("escalated")), (1, 1),
           "overdue requests by level include the leader")
        csv = lead.get("/api/v1/reports/overdue-requests?format=csv&" + RANGE)
        check(csv.status == 200 and "leader" in csv.raw, "overdue report as CSV")
        eq(csv.headers.get("Content-Disposition"),
           'attachment; filename="frontline-overdue-requests-from-2026-03-01-to-2026-03-10.csv"',
           "the CSV's file name says what it is and for when")
        cd = lead.get("/api/v1/reports/breaches?by=level&format=csv&" + RANGE).headers.get("Content-Disposition")
        eq(cd, 'attachment; filename="frontline-breaches-by-level-from-2026-03-01-to-2026-03-10.csv"', "with its grouping")
        duties = {i["owner"]: i for i in lead.ok("GET", "/api/v1/reports/update-duties?" + RANGE)["items"]}
        check(duties.get("Alex Kim", {}).get("lapsed", 0) >= 1, "Alex let an update duty lapse: %r" % duties)
        r = lead.get("/api/v1/reports/breaches?from=2026-03-05T00:00:00Z&to=2026-03-04T00:00:00Z")
        eq(r.status, 400, "a backwards range is refused")


if __name__ == "__main__":
    run_module(globals())
