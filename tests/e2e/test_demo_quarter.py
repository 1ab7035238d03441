"""The demo tells a real quarter (issue 15): `frontline demo` makes 90 days of everyday work in the
four organizations through the services before the stories: a few thousand cases, promises kept
and broken, requests in time and late, exceptions co-signed and expired and reviewed, failure
reviews with their causes, survey rounds, system issues and rotas.  Every leadership report has
rows to show, the audit chains verify, the stories stay as they are on top, and Rosa is on call
for billing on the coming weekend whatever day the demo is loaded."""
import datetime
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from lib import Server, check, eq, run_cli, run_module, scalar  # noqa: E402

# The quarter on SQLite; three weeks of it on PostgreSQL, where every statement is a round trip
# and the 90 days take many minutes on a shared machine (the code that makes them is the same).
DAYS = 21 if os.environ.get("FRONTLINE_PG") else 90
ORGS = {"vendor-co": "riley", "lee-practice": "morgan", "harbor-financial": "grace", "northwind": "helen"}
REPORTS = ["/api/v1/reports/breaches?by=cause", "/api/v1/reports/breaches?by=level", "/api/v1/reports/breaches?by=team",
           "/api/v1/reports/overdue-requests", "/api/v1/reports/promise-keeping?by=team",
           "/api/v1/reports/promise-keeping?by=channel", "/api/v1/reports/update-duties",
           "/api/v1/reports/root-causes?view=pareto", "/api/v1/system-issues?limit=200", "/api/v1/surveys?limit=200"]
_srv = None


def rows(report):
    """A report's rows: its items, or the first list of objects in it (as the Leadership page reads it)."""
    if isinstance(report.get("items"), list):
        return report["items"]
    for v in report.values():
        if isinstance(v, list) and v and isinstance(v[0], dict):
            return v
    return []


def server():
    global _srv
    if _srv is None:
        _srv = Server(test_clock=False)
        t0 = time.time()
        run_cli("demo", "--days", str(DAYS), db=_srv.db, json_out=False)
        print("  %d days of history loaded in %.1f s" % (DAYS, time.time() - t0))
        _srv.start()
    return _srv


def test_a_quarter_of_cases_in_every_organization():
    srv = server()
    total = 0
    for org, leader in ORGS.items():
        c = srv.login("%s@%s.example" % (leader, org), org)
        counts = {v["view"]: v["count"] for v in c.ok("GET", "/api/v1/queue/counts")["items"]}
        check(counts["resolved"] > 0 and counts["open"] > 0, org + " has open and recently resolved cases: %r" % counts)
        page = c.ok("GET", "/api/v1/cases?limit=%d&status=resolved" % (2 * DAYS))
        check(len(page["items"]) == 2 * DAYS and page["next"], org + " has over %d resolved cases" % (2 * DAYS))
        oldest = c.ok("GET", "/api/v1/reports/promise-keeping?by=team&from=%s&to=%s" % (
            iso(days=-DAYS - 2), iso(days=-DAYS + 20)))
        check(sum(r.get("kept", 0) for r in rows(oldest)) > 0, org + " kept promises at the history's start")
        n = 0
        cursor = None
        while True:  # count every case through the pages
            p = c.ok("GET", "/api/v1/cases?limit=200" + ("&cursor=" + cursor if cursor else ""))
            n += len(p["items"])
            cursor = p["next"]
            if not cursor:
                break
        check(n >= 3 * DAYS, org + " has %d days of cases: %d" % (DAYS, n))
        total += n
    check(22 * DAYS <= total <= 66 * DAYS, "about 32 cases a day in all (a few thousand in a quarter): %d" % total)


def iso(days):
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_every_leadership_report_has_rows():
    srv = server()
    for org, leader in ORGS.items():
        c = srv.login("%s@%s.example" % (leader, org), org)
        for path in REPORTS:
            sep = "&" if "?" in path else "?"
            r = c.ok("GET", path + (sep + "from=" + iso(-95) + "&to=" + iso(1) if "/reports/" in path else ""))
            check(len(rows(r)) > 0, "%s %s has rows" % (org, path))
        kept = rows(c.ok("GET", "/api/v1/reports/promise-keeping?by=team&from=%s&to=%s" % (iso(-95), iso(1))))
        check(sum(r.get("kept", 0) for r in kept) > DAYS // 2 and sum(r.get("broken", 0) for r in kept) > DAYS // 9,
              org + ": promises kept and broken")
    for org in ("vendor-co", "harbor-financial"):
        c = srv.login("%s@%s.example" % (ORGS[org], org), org)
        x = c.ok("GET", "/api/v1/reports/exceptions?from=%s&to=%s" % (iso(-95), iso(1)))
        t = x.get("totals", {})
        check(t.get("cosigned", 0) > DAYS // 20 and t.get("expired", 0) + t.get("withdrawn", 0) > 0,
              org + " exceptions co-signed, and expired or withdrawn: %r" % t)


def test_the_stories_stay_on_top():
    srv = server()
    dana = srv.login("dana@vendor-co.example", "vendor-co")
    found = dana.ok("GET", "/api/v1/cases?q=Sam%20Carter")["items"]
    check(any("Two phones" in c["subject"] for c in found), "S1: Dana finds Sam's case")
    noah = srv.login("noah@harbor-financial.example", "harbor-financial")
    ex = noah.ok("GET", "/api/v1/exceptions?limit=200")["items"]
    check(any(e.get("status") == "approved" and "$120" in (e.get("description") or "") for e in ex), "S3: Mia's $120 refund approved")
    alex = srv.login("alex@lee-practice.example", "lee-practice")
    check(any("Insurance forms" in c["subject"] for c in alex.ok("GET", "/api/v1/cases?q=Jones")["items"]), "S2: Mr. Jones's case")
    chris = srv.login("chris@vendor-co.example", "vendor-co")
    saved = chris.ok("GET", "/api/v1/queue/saved")["items"]
    eq([v["name"] for v in saved], ["My chats"], "the demo's saved view is Chris's own")
    mine = chris.ok("GET", "/api/v1/queue?view=mine&limit=200")["items"]
    check(0 < len(mine) < 20, "Chris's own queue holds the stories' cases, not the quarter's: %d" % len(mine))


def test_rosa_on_call_this_weekend():
    srv = server()
    omar = srv.login("omar@northwind.example", "northwind")
    today = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=-6))).date()
    sat = today + datetime.timedelta(days=(5 - today.weekday()) % 7)  # this weekend's Saturday (today if it is one)
    if today.weekday() == 6:
        sat = today - datetime.timedelta(days=1)
    for day, hour in ((sat, 12), (sat + datetime.timedelta(days=1), 3)):
        at = "%sT%02d:00:00Z" % (day.isoformat(), hour + 6)
        who = omar.ok("GET", "/api/v1/oncall/who?skill=billing&near=Chicago&at=" + at)["items"]
        check(bool(who) and who[0]["person"]["name"].startswith("Rosa"), "Rosa is on call for billing %s: %r" % (at, who[:1]))


def test_rosa_on_call_whatever_day_the_demo_is_loaded():
    monday = datetime.date(2026, 12, 7)
    for i in range(7):  # loaded at 15:00 in Chicago on each day of a week
        day = monday + datetime.timedelta(days=i)
        srv = Server(start="%sT21:00:00Z" % day.isoformat())
        run_cli("demo", "--days", "0", "--now", "%sT21:00:00Z" % day.isoformat(), db=srv.db, json_out=False)
        with srv:
            omar = srv.login("omar@northwind.example", "northwind")
            sat = day + datetime.timedelta(days=5 - i) if i < 6 else day - datetime.timedelta(days=1)
            for when in ("%sT18:00:00Z" % sat.isoformat(), "%sT09:00:00Z" % (sat + datetime.timedelta(days=1)).isoformat()):
                who = omar.ok("GET", "/api/v1/oncall/who?skill=billing&near=Chicago&at=" + when)["items"]
                check(bool(who) and who[0]["person"]["name"].startswith("Rosa"),
                      "loaded on %s: Rosa is on call for billing this weekend (%s): %r" % (day.strftime("%A"), when, who[:1]))


def test_every_case_keeps_the_due_times_of_its_promises_and_requests():
    """The due-time triggers keep each case's due_at and risk_at (the Cases page's sorts and its
    at-risk view) equal to what its promises and requests say (the view case_due_times), through a
    quarter of promises made, kept, broken and renegotiated and requests opened, done and late; on
    SQLite a new promise or request lowers them by itself (0044), every other change recomputes."""
    srv = server()
    eq(scalar(srv.db, "SELECT COUNT(*) FROM cases ca JOIN case_due_times d ON d.org_id = ca.org_id AND d.case_id = ca.id "
                      "WHERE ca.due_at <> d.due_at OR ca.risk_at <> d.risk_at"), "0", "every case's due times are the view's")
    check(int(scalar(srv.db, "SELECT COUNT(*) FROM cases WHERE status = 'open' AND due_at < 9007199254740991")) > 10,
          "the quarter leaves open cases with something due")


def test_the_quarter_verifies():
    srv = server()
    rc, out, err = run_cli("audit", "verify", db=srv.db, json_out=False, check=False)
    eq(rc, 0, "audit verify passes on the quarter: " + err)
    check(out.count("chain intact") == 4, "every organization's chain: " + out)


try:
    run_module(globals())  # ends the process with sys.exit
finally:
    if _srv:
        _srv.stop()
