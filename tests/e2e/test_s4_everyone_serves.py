"""S4 - everyone serves, over HTTP on the manual clock: intake by anyone, who can help now, on-call
rotas with overrides, routing with expiry, coverage gaps and the iCalendar feed, knowledge search."""
import os
import sys
from urllib.parse import quote

sys.path.insert(0, os.path.dirname(__file__))
from lib import Server, check, eq, run_module  # noqa: E402

NW = "northwind"
SAT_1400 = "2026-03-07T20:00:00Z"  # Saturday 14:00 in Chicago (CST), the day before the DST change


def q(path, **params):
    return path + "?" + "&".join("%s=%s" % (k, quote(str(v))) for k, v in params.items())


def rotas(admin):
    """This test's rotas (the demo's are anchored in the present, so they are not in force in March 2026)."""
    weekend = admin.ok("POST", "/api/v1/rotas", {
        "name": "S4 billing weekends Chicago", "skill": "billing", "location": "Chicago",
        "layers": [
            {"layer": "primary", "members": ["rosa@northwind.example", "helen@northwind.example"],
             "handoff": "sat 00:00", "period_days": 7, "start": "2026-03-07",
             "windows": [{"days": ["sat", "sun"], "from": "00:00", "to": "24:00"}]},
            {"layer": "secondary", "members": ["helen@northwind.example"], "handoff": "sat 00:00",
             "start": "2026-03-07", "windows": [{"days": ["sat", "sun"], "from": "00:00", "to": "24:00"}]},
        ]})
    weekday = admin.ok("POST", "/api/v1/rotas", {
        "name": "S4 billing weekdays Chicago", "skill": "billing", "location": "Chicago",
        "layers": [{"members": ["rosa@northwind.example"], "handoff": "mon 09:00", "start": "2026-03-02",
                    "windows": [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "09:00", "to": "17:00"}]}]})
    return weekend, weekday


def open_case(client, subject):
    return client.ok("POST", "/api/v1/cases", {"subject": subject, "channel": "in_person",
                                               "customer_name": "Dana Brooks",
                                               "customer_email": "dana.brooks@example.com",
                                               "location": "Chicago", "summary": "at the trade show booth"})


def test_s4_story():
    with Server(demo=True, start=SAT_1400) as s:
        admin = s.login("admin@northwind.example", NW)
        omar = s.login("omar@northwind.example", NW)
        rosa = s.login("rosa@northwind.example", NW)
        weekend, _ = rotas(admin)
        now = weekend["on_call_now"]
        check(any(x["layer"] == "primary" and x["person"]["name"] == "Rosa Alvarez" for x in now),
              "Rosa is on call for billing this weekend: %r" % now)

        # 1. Omar (support, Engineering) opens a case - anyone can
        case = open_case(omar, "Charged twice for the annual plan")
        eq(case["intake_by"]["name"], "Omar Haddad", "the case records who took it in")
        eq(case["owner"]["name"], "Omar Haddad", "Omar owns it until someone accepts")
        check(case["intake_location_id"] is not None, "the case records where it was taken in")

        # 2. who can help with billing near Chicago now
        who = omar.ok("GET", q("/api/v1/oncall/who", skill="billing", near="Chicago"))
        first = who["items"][0]
        eq(first["person"]["name"], "Rosa Alvarez", "the directory answers with Rosa")
        eq(first["reason"], "on_call", "because she is on call")
        eq(first["layer"], "primary", "on the primary layer")
        eq(first["person"]["phone"], "+1 312 555 0150", "with her contact")
        eq(first["distance"], "same_location", "nearest first")
        eq(first["until"], "2026-03-09T05:00:00.000Z", "on call until Monday 00:00 in Chicago (after the DST change)")
        names = [x["person"]["name"] for x in who["items"]]
        check("Helen Park" in names and names.index("Helen Park") > 0, "the secondary comes after: %r" % names)
        check("Ben Weber" not in names, "Ben (Berlin, weekdays) is not on call nor in hours on Saturday: %r" % names)

        # Omar offers the case to whoever is on call; Rosa accepts
        offer = omar.ok("POST", "/api/v1/cases/%s/route" % case["id"], {"skill": "billing", "location": "Chicago",
                                                                        "note": "charged twice"})
        eq(offer["to"]["name"], "Rosa Alvarez", "the routed offer goes to Rosa")
        s.advance(minutes=6)
        rosa.ok("POST", "/api/v1/offers/%s/accept" % offer["id"])
        page = rosa.ok("GET", "/api/v1/cases/" + case["id"])
        eq(page["owner"]["name"], "Rosa Alvarez", "Rosa owns the case")
        eq(page["intake_by"]["name"], "Omar Haddad", "intake stays Omar's")

        # Omar is credited for the intake
        rep = admin.ok("GET", q("/api/v1/reports/intake", **{"from": "2026-03-07T00:00:00Z", "to": "2026-03-08T00:00:00Z"}))
        omar_row = [r for r in rep["items"] if r["name"] == "Omar Haddad"]
        check(len(omar_row) == 1 and omar_row[0]["cases"] == 1 and omar_row[0]["role"] == "support",
              "Omar credited with one intake as support: %r" % rep["items"])
        check(omar_row and omar_row[0]["handed_on"] == 1, "and it was handed on")
        check({"role": "support", "cases": 1} in rep["by_role"], "by role: %r" % rep["by_role"])

        # 3. search "billing dispute" finds the first-steps article
        omar.ok("POST", "/api/v1/articles", {"title": "Billing questions", "tags": ["billing"],
                                              "body": "Billing billing billing: invoices, billing cycles and billing dates."})
        hits = omar.ok("GET", q("/api/v1/articles/search", q="billing dispute"))["items"]
        eq(hits[0]["title"], "How to take the first steps on a billing dispute", "the right article comes first")
        check(len(hits) >= 2 and hits[0]["rank"] >= hits[1]["rank"], "ranked: %r" % [(h["title"], h["rank"]) for h in hits])
        omar.ok("POST", "/api/v1/cases/%s/articles" % case["id"], {"article": hits[0]["id"]})
        page = rosa.ok("GET", "/api/v1/cases/" + case["id"])
        eq([a["title"] for a in page["articles"]], [hits[0]["title"]], "the article is linked from the case")

        # 4. coverage: the week after, billing in Chicago (known answer)
        cov = admin.ok("GET", q("/api/v1/oncall/coverage", skill="billing", area="Chicago",
                                **{"from": "2026-03-09T05:00:00Z", "weeks": 1}))
        eq(len(cov["items"]), 1, "one skill and area")
        item = cov["items"][0]
        eq(item["gap_hours"], 80.0, "Mon 00-09, Mon-Thu nights 17-09 and Fri 17-24 have nobody on call")
        eq(item["covered_hours"], 88.0, "40 weekday hours + 48 weekend hours")
        eq(len(item["gaps"]), 6, "six gaps")
        eq(item["gaps"][0], {"start": "2026-03-09T05:00:00.000Z", "end": "2026-03-09T14:00:00.000Z", "hours": 9.0},
           "Monday 00:00-09:00 CDT")


def test_calendar_feed():
    with Server(demo=True, start=SAT_1400) as s:
        admin = s.login("admin@northwind.example", NW)
        rotas(admin)
        r = admin.get(q("/api/v1/oncall/calendar", skill="billing", area="Chicago",
                        **{"from": "2026-03-09T05:00:00Z", "weeks": 1}))
        eq(r.status, 200, "calendar answers")
        check(r.headers.get("Content-Type", "").startswith("text/calendar"), "as text/calendar: %r" % r.headers)
        text = r.raw
        check(text.startswith("BEGIN:VCALENDAR\r\n") and text.rstrip().endswith("END:VCALENDAR"), "a VCALENDAR")
        unfolded = text.replace("\r\n ", "")
        events = unfolded.split("BEGIN:VEVENT")[1:]
        # 5 weekday shifts of Rosa, the weekend shift of the primary (Helen's turn) and of the secondary
        eq(len(events), 7, "one event per shift")
        summaries = sorted(line.split(":", 1)[1] for line in unfolded.split("\r\n") if line.startswith("SUMMARY:"))
        eq(summaries.count("On call: billing (primary) - Rosa Alvarez"), 5, "Rosa's weekday shifts")
        check(all("DTSTART:" in e and "DTEND:" in e and "UID:" in e for e in events), "events have times and ids")
        check("DTSTART:20260309T140000Z" in unfolded, "Monday 09:00 CDT is 14:00Z")
        again = admin.get(q("/api/v1/oncall/calendar", skill="billing", area="Chicago",
                            **{"from": "2026-03-09T05:00:00Z", "weeks": 1}))
        uids = lambda t: sorted(x for x in t.replace("\r\n ", "").split("\r\n") if x.startswith("UID:"))  # noqa: E731
        eq(uids(again.raw), uids(text), "stable UIDs for subscribers")


def test_calendar_link_for_subscribers():
    with Server(demo=True, start=SAT_1400) as s:
        admin = s.login("admin@northwind.example", NW)
        rosa = s.login("rosa@northwind.example", NW)
        omar = s.login("omar@northwind.example", NW)
        rotas(admin)
        link = rosa.ok("POST", "/api/v1/oncall/feeds", {"skill": "billing", "area": "Chicago"})
        check(link["path"].startswith("/api/v1/oncall/feed.ics?key="), "a secret link: %r" % link["path"])
        r = s.anon().get(link["path"])
        eq(r.status, 200, "a calendar application fetches it without signing in")
        check(r.headers.get("Content-Type", "").startswith("text/calendar"), "as text/calendar")
        check("SUMMARY:On call: billing (primary) - Rosa Alvarez" in r.raw.replace("\r\n ", ""), "with the shifts")
        with open(s.log.name, "rb") as f:
            check(link["path"].split("key=")[1].encode() not in f.read(), "the key never reaches the log")
        eq(s.anon().get("/api/v1/oncall/feed.ics?key=not-a-key").status, 404, "a wrong key is not found")
        eq(omar.post("/api/v1/oncall/feeds/%s/revoke" % link["id"]).status, 404, "only its owner revokes it")
        rosa.ok("POST", "/api/v1/oncall/feeds/%s/revoke" % link["id"])
        eq(s.anon().get(link["path"]).status, 404, "a revoked link stops working")


def test_routing_moves_on_and_tells_the_offerer():
    with Server(demo=True, start=SAT_1400) as s:
        admin = s.login("admin@northwind.example", NW)
        omar = s.login("omar@northwind.example", NW)
        rotas(admin)
        case = open_case(omar, "Refund for a double charge")
        first = omar.ok("POST", "/api/v1/cases/%s/route" % case["id"], {"skill": "billing"})
        eq(first["to"]["name"], "Rosa Alvarez", "first to Rosa")
        s.advance(minutes=59)
        eq(omar.ok("GET", "/api/v1/routing/notices")["items"], [], "nothing before the organization's time")
        s.advance(minutes=2)  # 61 minutes: offer.expire_minutes is 60
        page = omar.ok("GET", "/api/v1/cases/" + case["id"])
        by_id = {o["id"]: o for o in page["offers"]}
        eq(by_id[first["id"]]["status"], "expired", "Rosa's offer expired")
        pending = [o for o in page["offers"] if o["status"] == "pending"]
        check(len(pending) == 1 and pending[0]["to"]["name"] == "Helen Park", "moved to the next on call: %r" % pending)
        check(pending and pending[0]["from"]["name"] == "Omar Haddad", "still Omar's offer")
        notes = omar.ok("GET", "/api/v1/routing/notices")["items"]
        check(len(notes) == 1 and notes[0]["kind"] == "offer_moved" and "Helen Park" in notes[0]["text"],
              "Omar is told: %r" % notes)
        alerts = omar.ok("GET", "/api/v1/alerts")["items"]
        check(any(a["kind"] == "offer_moved" for a in alerts), "and it is among his alerts: %r" % alerts)
        s.advance(minutes=1)
        eq(len(omar.ok("GET", "/api/v1/routing/notices")["items"]), 1, "exactly once")
        s.advance(minutes=61)
        notes = omar.ok("GET", "/api/v1/routing/notices")["items"]
        check(len(notes) == 2 and notes[0]["kind"] == "offer_unanswered", "nobody left: Omar is told: %r" % notes)
        page = omar.ok("GET", "/api/v1/cases/" + case["id"])
        eq(page["owner"]["name"], "Omar Haddad", "the case never left an owner")
        eq([o["status"] for o in page["offers"] if o["status"] == "pending"], [], "no offer left waiting")
        kinds = [e["kind"] for e in page["history"]]
        eq(kinds.count("case.offer_expired"), 2, "two expiries in the history")


def test_intake_by_every_role():
    with Server(demo=True, start=SAT_1400) as s:
        for email, org in [("admin@northwind.example", NW), ("helen@northwind.example", NW),
                           ("rosa@northwind.example", NW), ("omar@northwind.example", NW),
                           ("sofia@harbor-financial.example", "harbor-financial")]:
            c = s.login(email, org)
            r = c.post("/api/v1/cases", {"subject": "intake", "channel": "phone", "customer_name": "Walk In"})
            eq(r.status, 201, "%s can open a case" % email)
            me = r.json["intake_by"]
            check(me is not None and me["name"] != "", "intake recorded for %s" % email)


def test_overrides_and_bad_input():
    with Server(demo=True, start=SAT_1400) as s:
        admin = s.login("admin@northwind.example", NW)
        omar = s.login("omar@northwind.example", NW)
        weekend, _ = rotas(admin)
        rid = weekend["id"]
        admin.ok("POST", "/api/v1/rotas/%s/overrides" % rid, {"person": "ben@northwind.example", "reason": "Rosa at a wedding",
                                                              "start": "2026-03-08T15:00:00Z", "end": "2026-03-08T21:00:00Z"})
        who = omar.ok("GET", q("/api/v1/oncall/who", skill="billing", near="Chicago", at="2026-03-08T18:00:00Z"))
        eq(who["items"][0]["person"]["name"], "Ben Weber", "the override covers Sunday afternoon")
        eq(who["items"][0]["until"], "2026-03-08T21:00:00.000Z", "until the override ends")
        who = omar.ok("GET", q("/api/v1/oncall/who", skill="billing", near="Chicago", at="2026-03-08T21:00:00Z"))
        eq(who["items"][0]["person"]["name"], "Rosa Alvarez", "then back to Rosa")

        def refused(r, status, code, msg):
            eq(r.status, status, msg + " status")
            eq((r.json or {}).get("error", {}).get("code"), code, msg + " code")

        refused(admin.post("/api/v1/rotas/%s/overrides" % rid, {"person": "helen@northwind.example",
                                                                "start": "2026-03-08T20:00:00Z", "end": "2026-03-08T23:00:00Z"}),
                409, "override_overlap", "overlapping override")
        refused(admin.post("/api/v1/rotas/%s/overrides" % rid, {"person": "helen@northwind.example",
                                                                "start": "2026-03-08T20:00:00Z", "end": "2026-03-08T19:00:00Z"}),
                400, "invalid_range", "override ending before it starts")
        base = {"skill": "billing", "location": "Chicago",
                "layers": [{"members": ["rosa@northwind.example"], "handoff": "sun 02:30", "start": "2026-03-01"}]}
        refused(admin.post("/api/v1/rotas", dict(base, name="bad dst")), 400, "handover_time_nonexistent",
                "Sunday 02:30 does not exist on 2026-03-08 in Chicago")
        refused(admin.post("/api/v1/rotas", dict(base, name="bad tz", tz="America/Chicag0",
                                                 layers=[{"members": ["rosa@northwind.example"]}])),
                400, "unknown_time_zone", "unknown time zone")
        refused(admin.patch("/api/v1/locations/Chicago", {"tz": "Mars/Base"}), 400, "unknown_time_zone", "location tz")
        refused(admin.post("/api/v1/rotas", {"name": "no area", "skill": "billing",
                                             "layers": [{"members": ["rosa@northwind.example"]}]}),
                400, "area_required", "a rota needs an area")
        refused(omar.post("/api/v1/rotas", dict(base, name="by omar")), 403, "role_required", "support can't plan rotas")
        refused(admin.post("/api/v1/locations/Chicago/holidays", {"day": "2026-02-30"}), 400, "invalid_date", "bad holiday")
        refused(admin.patch("/api/v1/locations/Chicago", {"hours": {"mon": "17:00-09:00"}}), 400, "invalid_hours", "bad hours")
        # another organization's rota looks like an unknown one
        other = s.login("admin@vendor-co.example", "vendor-co")
        refused(other.get("/api/v1/rotas/" + rid), 404, "rota_not_found", "scoped by organization")
        refused(other.get(q("/api/v1/oncall/who", skill="billing")), 404, "skill_not_found", "skills scoped too")


def test_region_rota():
    with Server(demo=True, start=SAT_1400) as s:
        admin = s.login("admin@northwind.example", NW)
        omar = s.login("omar@northwind.example", NW)
        admin.ok("POST", "/api/v1/rotas", {"name": "Returns US central", "skill": "returns", "region": "us-central",
                                           "tz": "America/Chicago",
                                           "layers": [{"members": ["helen@northwind.example"], "handoff": "mon 09:00",
                                                       "start": "2026-03-02"}]})
        who = omar.ok("GET", q("/api/v1/oncall/who", skill="returns", near="Chicago"))
        eq([(x["person"]["name"], x["distance"]) for x in who["items"]], [("Helen Park", "same_region")],
           "a region rota serves the locations of its region")
        who = omar.ok("GET", q("/api/v1/oncall/who", skill="returns", near="Berlin"))
        eq([x["distance"] for x in who["items"]], ["elsewhere"], "and is elsewhere for Berlin")
        cov = admin.ok("GET", q("/api/v1/oncall/coverage", skill="returns", area="us-central",
                                **{"from": "2026-03-09T05:00:00Z", "weeks": 1}))
        eq([(i["area"]["kind"], i["area"]["name"], i["gap_hours"]) for i in cov["items"]], [("region", "us-central", 0.0)],
           "24/7 cover leaves no gap")
        cov = admin.ok("GET", q("/api/v1/oncall/coverage", skill="returns", area="us-central",
                                **{"from": "2026-02-28T06:00:00Z", "weeks": 1}))
        eq(cov["items"][0]["gap_hours"], 57.0, "before the first hand-over (Mon 2 March 09:00 CST) nobody is on call")


def test_a_rota_covers_from_its_start():
    """A weekly "mon 09:00" rota made on a Saturday: its first hand-over is Monday, and member 0 is on
    call from the Saturday it starts, not only from Monday."""
    with Server(demo=True, start=SAT_1400) as s:
        admin = s.login("admin@northwind.example", NW)
        omar = s.login("omar@northwind.example", NW)
        layer = {"members": ["helen@northwind.example", "rosa@northwind.example"], "handoff": "mon 09:00"}
        rota = admin.ok("POST", "/api/v1/rotas", {"name": "Returns from today", "skill": "returns", "region": "us-central",
                                                  "tz": "America/Chicago", "layers": [layer]})
        stored = rota["layers"][0]
        eq((stored["start"], stored.get("covers_from")), ("2026-03-09", "2026-03-07"),
           "the first hand-over is Monday; cover begins today (the default start)")
        who = omar.ok("GET", q("/api/v1/oncall/who", skill="returns", near="Chicago"))
        eq([x["person"]["name"] for x in who["items"]], ["Helen Park"], "member 0 is on call before the first hand-over")
        cov = admin.ok("GET", q("/api/v1/oncall/coverage", skill="returns", area="us-central",
                                **{"from": "2026-03-07T06:00:00Z", "weeks": 1}))
        eq(cov["items"][0]["gap_hours"], 0.0, "from the start's midnight on, no gap")
        cov = admin.ok("GET", q("/api/v1/oncall/coverage", skill="returns", area="us-central",
                                **{"from": "2026-03-06T06:00:00Z", "weeks": 1}))
        eq(cov["items"][0]["gap_hours"], 24.0, "the day before the start is not covered")
        # the stored form sent back (the web form's "change this rota") keeps the lead-in
        patched = admin.ok("PATCH", "/api/v1/rotas/" + rota["id"], {"layers": rota["layers"]})
        eq(patched["layers"][0].get("covers_from"), "2026-03-07", "sending the stored layers back keeps covers_from")
        eq([x["person"]["name"] for x in omar.ok("GET", q("/api/v1/oncall/who", skill="returns", near="Chicago"))["items"]],
           ["Helen Park"], "and member 0 still covers")
        for bad, code in (("2026-03-01", "invalid_date"), ("2026-03-10", "invalid_date"), ("2026-3-7 9", "invalid_date"),
                          (7, "wrong_type")):
            r = admin.post("/api/v1/rotas", {"name": "bad cover %s" % bad, "skill": "returns", "region": "us-central",
                                             "layers": [dict(layer, start="2026-03-07", covers_from=bad)]})
            eq((r.status, (r.json or {}).get("error", {}).get("code")), (400, code),
               "covers_from %r (more than 6 days before, after the first hand-over, not a date) is refused" % (bad,))


def test_holidays_and_hours():
    with Server(demo=True, start="2026-03-09T16:00:00Z") as s:  # Monday 11:00 in Chicago (CDT)
        admin = s.login("admin@northwind.example", NW)
        omar = s.login("omar@northwind.example", NW)
        who = omar.ok("GET", q("/api/v1/oncall/who", skill="billing", near="Chicago"))
        in_hours = [x["person"]["name"] for x in who["items"] if x["reason"] == "in_hours"]
        check("Helen Park" in in_hours, "Helen has billing in Chicago, open Monday 11:00: %r" % in_hours)
        sk = omar.ok("GET", "/api/v1/skills/billing")
        held = sorted((h["person"]["name"], h["location"]["name"]) for h in sk["holders"])
        eq(held, [("Ben Weber", "Berlin"), ("Helen Park", "Chicago"), ("Rosa Alvarez", "Chicago")],
           "who has billing at which locations")
        loc = admin.ok("POST", "/api/v1/locations/Chicago/holidays", {"day": "2026-03-09", "name": "Closed for training"})
        check({"day": "2026-03-09", "name": "Closed for training"} in loc["holidays"], "holiday listed: %r" % loc["holidays"])
        who = omar.ok("GET", q("/api/v1/oncall/who", skill="billing", near="Chicago"))
        in_hours = [x["person"]["name"] for x in who["items"] if x["reason"] == "in_hours"]
        check("Helen Park" not in in_hours, "closed on a holiday: %r" % in_hours)


def test_article_revisions():
    with Server(demo=True, start=SAT_1400) as s:
        omar = s.login("omar@northwind.example", NW)
        a = omar.ok("POST", "/api/v1/articles", {"title": "Gift cards", "body": "Gift cards stay valid forever.", "tags": ["giftcard"]})
        eq(a["version"], 1, "first version")
        b = omar.ok("PATCH", "/api/v1/articles/" + a["id"], {"body": "Gift cards expire after five years.", "note": "policy"})
        eq(b["version"], 2, "an edit makes a revision")
        revs = omar.ok("GET", "/api/v1/articles/%s/revisions" % a["id"])["items"]
        eq([r["version"] for r in revs], [2, 1], "both revisions kept")
        eq(revs[1]["body"], "Gift cards stay valid forever.", "the old text is kept")
        eq([h["id"] for h in omar.ok("GET", q("/api/v1/articles/search", q="five years"))["items"]], [a["id"]],
           "search sees the new text")
        eq(omar.ok("GET", q("/api/v1/articles/search", q="forever"))["items"], [], "and not the old one")
        eq(omar.ok("GET", q("/api/v1/articles/search", q='"*(: zzqx^ -'))["items"], [], "search syntax in the query is inert")


if __name__ == "__main__":
    run_module(globals())
