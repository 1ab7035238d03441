"""My day in one read (GET /api/v1/me/day, issue 15): every list the web UI's My day shows, each
exactly as its own route answers the same person, and the promises and update duties of the open
cases they own as the case page shows them.  A bad period is refused with a stable code."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from lib import Server, check, eq, run_module  # noqa: E402

FROM = "2026-02-01T00:00:00Z"
PARTS = [("offers", "/api/v1/offers"), ("alerts", "/api/v1/alerts?limit=10"),
         ("cases", "/api/v1/cases?mine=true&status=open&limit=50"), ("requests", "/api/v1/requests"),
         ("cosign", "/api/v1/exceptions?waiting_for_me=true"), ("exception_reviews", "/api/v1/exception-reviews"),
         ("reviews", "/api/v1/reviews?mine=true&status=open"), ("review_actions", "/api/v1/review-actions?status=open"),
         ("surveys", "/api/v1/surveys?mine=true"), ("system_issues", "/api/v1/system-issues?mine=true&status=open"),
         ("coaching_notes", "/api/v1/coaching-notes"), ("recognition", "/api/v1/recognition?from=" + FROM),
         ("thanks", "/api/v1/thanks?from=" + FROM)]


def one_by_one(client, path):
    r = client.get(path)
    return r.json if r.status == 200 else None


def test_my_day_in_one_read_is_each_list_as_its_own_route_answers_it():
    with Server(demo=True) as s:
        for org, email in [("vendor-co", "pat@vendor-co.example"), ("vendor-co", "taylor@vendor-co.example"),
                           ("lee-practice", "alex@lee-practice.example"), ("harbor-financial", "mia@harbor-financial.example")]:
            who = s.login(email, org)
            day = who.ok("GET", "/api/v1/me/day?from=" + FROM)
            for key, path in PARTS:
                eq(day[key], one_by_one(who, path), "%s: %s as %s answers it" % (email, key, path))
            owned = [c["id"] for c in day["cases"]["items"]]
            eq([v["id"] for v in day["case_views"]], owned, email + ": a view of each open case owned")
            for v in day["case_views"]:
                page = who.ok("GET", "/api/v1/cases/" + v["id"])
                eq((v["number"], v["subject"], v.get("promises"), v.get("update_duty")),
                   (page["number"], page["subject"], page.get("promises"), page.get("update_duty")),
                   "%s: case #%d's promises and update duties as its page shows them" % (email, v["number"]))
        check(any(len(who.ok("GET", "/api/v1/me/day")["case_views"]) > 0
                  for who in [s.login("alex@lee-practice.example", "lee-practice"), s.login("pat@vendor-co.example", "vendor-co")]),
              "someone owns an open case (the views were compared)")


def test_a_bad_period_is_refused_and_a_signed_out_reader_gets_nothing():
    with Server(demo=True) as s:
        pat = s.login("pat@vendor-co.example", "vendor-co")
        r = pat.get("/api/v1/me/day?from=yesterday")
        eq((r.status, r.json["error"]["code"], r.json["error"].get("field")), (400, "invalid_time", "from"), "a bad period")
        r = pat.get("/api/v1/me/day?colour=red")
        eq((r.status, r.json["error"]["code"]), (400, "unknown_field"), "an unknown parameter")
        eq(s.anon().get("/api/v1/me/day").status, 401, "signed out")


if __name__ == "__main__":
    run_module(globals())
