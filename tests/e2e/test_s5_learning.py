"""Learning from failure over HTTP on the manual clock (S5 and the review at the end of S1):
failure reviews (complaint, manual and - when the promises capability is present - breach),
causes with evidence, tracked actions, the root-cause report on generated data, confidential
pulse surveys, system issues with leader owners and the leadership report, coaching notes and
their access rules."""
import csv
import io
import os
import random
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from lib import Client, Server, check, eq, run_module  # noqa: E402

V = "vendor-co"
START = "2026-03-02T21:00:00Z"  # 15:00 in Chicago
HOUR = 3600 * 1000
DAY = 24 * HOUR


def em(user):
    return "%s@%s.example" % (user, V)


def login(s, user, org=V):
    """A client with an API token (sessions expire after 12 hours of the manual clock)."""
    c = s.login(user if "@" in user else em(user), org)
    t = c.ok("POST", "/api/v1/tokens", {"name": "e2e"})
    return Client(s, token=t["token"])


def code(r):
    return (r.json or {}).get("error", {}).get("code")


def all_events(admin):
    out, after = [], 0
    while True:
        page = admin.ok("GET", "/api/v1/events?after=%d&limit=500" % after)["items"]
        out += page
        if len(page) < 500:
            return out
        after = page[-1]["seq"]


def sam_case(s, chris, pat, dana):
    """S1 steps 1-2 and the contacts of the evening: chat -> phone -> store."""
    case = chris.ok("POST", "/api/v1/cases", {"subject": "Two phones, buy one get one half price", "channel": "chat",
                                               "customer_name": "Sam Carter", "customer_phone": "+1 217 555 0142",
                                               "summary": "Sam wants two phones"})
    s.advance(minutes=70)
    offer = chris.ok("POST", "/api/v1/cases/%s/offers" % case["id"], {"to": em("pat")})
    s.advance(minutes=2)
    pat.ok("POST", "/api/v1/offers/%s/accept" % offer["id"])
    pat.ok("POST", "/api/v1/cases/%s/touchpoints" % case["id"], {"channel": "phone", "direction": "inbound",
                                                                 "summary": "order placed, pickup at Store 12 by 19:15"})
    s.advance(hours=2, minutes=45)
    dana.ok("POST", "/api/v1/cases/%s/touchpoints" % case["id"], {"channel": "store", "direction": "inbound",
                                                                  "summary": "Sam asks whether the phones are ready"})
    return case


def test_s1_complaint_review_causes_and_actions():
    with Server(demo=True, start=START) as s:
        chris, pat, dana = login(s, "chris"), login(s, "pat"), login(s, "dana")
        taylor, sandy, riley = login(s, "taylor"), login(s, "sandy"), login(s, "riley")
        kim, admin = login(s, "kim"), login(s, "admin")
        case = sam_case(s, chris, pat, dana)
        s.advance(hours=15)
        pat.ok("POST", "/api/v1/cases/%s/resolve" % case["id"], {"resolution": "phones picked up next morning",
                                                                 "complaint": True})
        reviews = taylor.ok("GET", "/api/v1/reviews?case_id=" + case["id"])["items"]
        eq(len(reviews), 1, "a complaint opens one review")
        rv = taylor.ok("GET", "/api/v1/reviews/" + reviews[0]["id"])
        eq(rv["trigger"], "complaint", "trigger")
        eq(rv["owner"]["email"], em("taylor"), "owned by the case owner's supervisor (Pat -> Taylor)")
        eq(rv["case_owner"]["email"], em("pat"), "case owner recorded")
        eq(rv["facts"]["channels"], ["chat", "phone", "store"], "channels crossed, from the touchpoints")
        eq(sorted(rv["facts"]["boundaries"]), ["chat->phone", "phone->store"], "boundaries")
        settings = admin.ok("GET", "/api/v1/org/settings")["settings"]
        from datetime import datetime
        opened = datetime.fromisoformat(rv["opened_at"].replace("Z", "+00:00"))
        due = datetime.fromisoformat(rv["due_at"].replace("Z", "+00:00"))
        eq((due - opened).total_seconds(), settings["review.due_days"] * 86400, "due after review.due_days")

        eq([x["id"] for x in pat.ok("GET", "/api/v1/cases/" + case["id"])["reviews"]], [rv["id"]],
           "the case page lists its review for the case owner")
        eq(kim.ok("GET", "/api/v1/cases/" + case["id"])["reviews"], [], "but not for an uninvolved colleague")
        # access: the case owner sees it; a colleague not involved does not
        eq(pat.get("/api/v1/reviews/" + rv["id"]).status, 200, "the case owner reads the review")
        eq(kim.get("/api/v1/reviews/" + rv["id"]).status, 404, "an uninvolved frontline colleague gets 404")
        eq(len(kim.ok("GET", "/api/v1/reviews")["items"]), 0, "and does not see it listed")
        eq(pat.post("/api/v1/reviews/%s/causes" % rv["id"], {"category": "policy", "evidence": "x"}).status, 403,
           "only the review owner, a leader or an admin names causes")

        # causes: taxonomy, evidence, and individual needs a reason
        r = taylor.post("/api/v1/reviews/%s/close" % rv["id"], {"summary": "nothing yet"})
        eq((r.status, code(r)), (422, "causes_required"), "no closing without a cause")
        r = taylor.post("/api/v1/reviews/%s/causes" % rv["id"], {"category": "blame", "evidence": "x"})
        eq(r.status, 400, "unknown category refused")
        r = taylor.post("/api/v1/reviews/%s/causes" % rv["id"], {"category": "individual", "evidence": "Dana deferred"})
        eq((r.status, code(r)), (422, "individual_needs_reason"), "individual needs a written reason")
        r = taylor.post("/api/v1/reviews/%s/causes" % rv["id"], {"category": "policy", "evidence": "   "})
        eq((r.status, code(r)), (400, "evidence_required"), "evidence is required")
        taylor.ok("POST", "/api/v1/reviews/%s/causes" % rv["id"],
                  {"category": "policy", "evidence": "walk-in first conflicts with the 3-hour pickup guarantee"})
        taylor.ok("POST", "/api/v1/reviews/%s/causes" % rv["id"],
                  {"category": "coordination_handoff", "evidence": "the order reached the store by email only"})
        r = taylor.post("/api/v1/reviews/%s/causes" % rv["id"], {"category": "policy", "evidence": "again"})
        eq((r.status, code(r)), (409, "cause_exists"), "a category once per review")

        # an action owned by Sandy, due in 2 days: reminder, overdue, escalation to Riley, each once
        due_at = s.advance()["now"]
        from datetime import timedelta
        now = datetime.fromisoformat(due_at.replace("Z", "+00:00"))
        action_due = (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
        rv = taylor.ok("POST", "/api/v1/reviews/%s/actions" % rv["id"],
                       {"title": "Reserve stock for guaranteed pickups", "owner": em("sandy"), "due_at": action_due})
        act = rv["actions"][0]
        eq(act["status"], "open", "action open")
        r = taylor.post("/api/v1/reviews/%s/actions" % rv["id"], {"title": "x", "owner": em("sandy"),
                                                                 "due_at": "2020-01-01T00:00:00Z"})
        eq((r.status, code(r)), (400, "due_in_past"), "an action is due in the future")
        s.advance(hours=47, minutes=30)  # within the reminder window (60 min by default)
        mine = sandy.ok("GET", "/api/v1/review-actions")["items"]
        check(mine and mine[0]["reminded_at"] is not None, "the owner is reminded before the due time")
        check(mine[0]["overdue_at"] is None, "not yet overdue")
        s.advance(minutes=31)
        mine = sandy.ok("GET", "/api/v1/review-actions")["items"]
        check(mine[0]["overdue_at"] is not None and mine[0]["overdue"], "overdue after the due time")
        check(mine[0]["escalated_at"] is None, "not escalated before the delay")
        s.advance(hours=4)
        s.advance(minutes=5)
        mine = sandy.ok("GET", "/api/v1/review-actions")["items"]
        eq((mine[0]["escalated_to"] or {}).get("email"), em("riley"), "escalated to the owner's manager")
        evs = [e for e in all_events(admin) if e["entity_id"] == act["id"]]
        kinds = [e["kind"] for e in evs]
        eq([kinds.count(k) for k in ("review.action_reminded", "review.action_overdue", "review.action_escalated")],
           [1, 1, 1], "reminder, overdue and escalation happen exactly once: %r" % kinds)
        lead = riley.ok("GET", "/api/v1/reports/leadership")
        check(any(x["id"] == act["id"] for x in lead["overdue_review_actions"]), "overdue action on the leadership report")
        sandy.ok("POST", "/api/v1/review-actions/%s/done" % act["id"], {"note": "stock reserved"})
        eq(sandy.post("/api/v1/review-actions/%s/done" % act["id"], {}).status, 409, "done once")
        closed = taylor.ok("POST", "/api/v1/reviews/%s/close" % rv["id"], {"summary": "policy and coordination"})
        eq(closed["status"], "closed", "closed")
        eq(sorted(c["category"] for c in closed["causes"]), ["coordination_handoff", "policy"],
           "the review lists policy and coordination")
        eq(taylor.post("/api/v1/reviews/%s/causes" % rv["id"], {"category": "process", "evidence": "x"}).status, 409,
           "a closed review takes no more causes")

        # individual with a reason that system causes were considered
        case2 = kim.ok("POST", "/api/v1/cases", {"subject": "Refund", "channel": "chat", "customer_name": "Erin"})
        rv2 = taylor.ok("POST", "/api/v1/reviews", {"case_id": case2["id"], "summary": "manual"})
        eq(rv2["trigger"], "manual", "manual review")
        taylor.ok("POST", "/api/v1/reviews/%s/causes" % rv2["id"],
                  {"category": "individual", "evidence": "skipped the refund checklist",
                   "reason": "tools worked, training was done last month, staffing was normal; process was followed by others"})
        # another organization's id looks unknown
        other = login(s, "mia@harbor-financial.example", "harbor-financial")
        eq(other.get("/api/v1/reviews/" + rv2["id"]).status, 404, "another organization's review is 404")


def test_root_cause_report_known_answers():
    rnd = random.Random(6)
    cats = ["system_tools", "process", "policy", "resources_staffing", "training", "coordination_handoff",
            "incentives_compensation", "vendor"]
    with Server(demo=True, start=START) as s:
        agents = {"chris": "Web Chat", "kim": "Web Chat", "pat": "Phone Sales", "dana": "Store 12", "jo": "Customer Care"}
        clients = {u: login(s, u) for u in agents}
        riley = login(s, "riley")
        paths = [["chat"], ["chat", "phone"], ["phone", "store"], ["chat", "phone", "store"], ["email", "email", "phone"]]
        exp_cat, exp_team, exp_bound, exp_cases = {}, {}, {}, {}
        n = 24
        opened = []
        for i in range(n):
            u = rnd.choice(sorted(agents))
            path = rnd.choice(paths)
            c = clients[u].ok("POST", "/api/v1/cases", {"subject": "case %d" % i, "channel": path[0],
                                                        "customer_name": "Customer %d" % i})
            for ch in path[1:]:
                s.advance(minutes=1)
                clients[u].ok("POST", "/api/v1/cases/%s/touchpoints" % c["id"],
                              {"channel": ch, "direction": "inbound", "summary": "contact"})
            rv = riley.ok("POST", "/api/v1/reviews", {"case_id": c["id"]})
            opened.append(rv["opened_at"])
            chosen = rnd.sample(cats, rnd.randint(1, 3))
            for cat in chosen:
                riley.ok("POST", "/api/v1/reviews/%s/causes" % rv["id"], {"category": cat, "evidence": "seen"})
                exp_cat[cat] = exp_cat.get(cat, 0) + 1
                exp_team.setdefault(agents[u], {}).setdefault(cat, 0)
                exp_team[agents[u]][cat] += 1
                exp_cases.setdefault(cat, set()).add(c["id"])
            collapsed = [p for k, p in enumerate(path) if k == 0 or path[k - 1] != p]
            for b in set("%s->%s" % (collapsed[k - 1], collapsed[k]) for k in range(1, len(collapsed))):
                exp_bound[b] = exp_bound.get(b, 0) + 1
            s.advance(hours=3)
        window = "from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z"
        rep = riley.ok("GET", "/api/v1/reports/root-causes?cases_per_group=50&" + window)
        eq(rep["total_reviews"], n, "reviews counted")
        eq({p["category"]: p["count"] for p in rep["pareto"]}, exp_cat, "Pareto counts")
        counts = [p["count"] for p in rep["pareto"]]
        eq(counts, sorted(counts, reverse=True), "Pareto is in descending order")
        check(abs(rep["pareto"][-1]["cumulative_share"] - 1.0) < 1e-9, "cumulative share ends at 1")
        eq({p["category"]: set(c["id"] for c in p["cases"]) for p in rep["pareto"]}, exp_cases, "links to the cases")
        eq({t["team"]: t["counts"] for t in rep["by_team"]}, exp_team, "by team")
        eq({b["boundary"]: b["count"] for b in rep["by_boundary"]}, exp_bound, "by channel boundary")
        eq(sum(p["total"] for p in rep["over_time"]), sum(exp_cat.values()), "over time adds up")
        # a window of one day: the reviews opened in it
        first = riley.ok("GET", "/api/v1/reports/root-causes?from=2026-03-02T21:00:00Z&to=2026-03-03T21:00:00Z")
        eq(first["total_reviews"], sum(1 for t in opened if "2026-03-02T21:00:00" <= t < "2026-03-03T21:00:00"),
           "time window counts reviews opened in it")
        # CSV of the Pareto
        req = urllib.request.Request(s.url + "/api/v1/reports/root-causes?format=csv&view=pareto&" + window,
                                     headers={"Authorization": "Bearer " + riley.token})
        with urllib.request.urlopen(req) as resp:
            rows = list(csv.DictReader(io.StringIO(resp.read().decode())))
        eq({r["category"]: int(r["count"]) for r in rows}, exp_cat, "CSV Pareto")
        eq(login(s, "jo").get("/api/v1/reports/root-causes").status, 403, "frontline can't read the report")


def test_pulse_survey_confidentiality():
    with Server(demo=True, start=START) as s:
        admin = login(s, "admin")
        for u in ("lee", "max"):
            admin.ok("POST", "/api/v1/people", {"name": u.title(), "email": em(u), "role": "frontline", "team": "Web Chat",
                                                "manager": em("taylor"), "password": "frontline-demo"})
        survey = admin.ok("POST", "/api/v1/surveys", {"title": "March pulse"})
        eq(len(survey["questions"]), 4, "the four default questions")
        c = {u: login(s, u) for u in ("chris", "kim", "lee", "max", "jo", "taylor", "pat", "riley", "dana")}
        mine = c["jo"].ok("GET", "/api/v1/surveys")["items"]
        check(any(x["id"] == survey["id"] and x["invited"] for x in mine), "Jo is asked")

        def answer(u, rating, text):
            return c[u].ok("POST", "/api/v1/surveys/%s/responses" % survey["id"],
                           {"answers": [{"question": q, "rating": rating, "text": "%s q%d" % (text, q)} for q in (1, 2, 3, 4)]})
        ratings = {"chris": 4, "kim": 2, "lee": 5}
        for u, r in ratings.items():
            answer(u, r, "webchat-" + u)
        answer("jo", 3, "SECRET-jo")
        answer("taylor", 4, "SECRET-taylor")
        answer("pat", 1, "SECRET-pat")
        eq(c["kim"].post("/api/v1/surveys/%s/responses" % survey["id"], {"answers": [{"question": 1, "rating": 3}]}).status,
           409, "one response per person")
        eq(c["riley"].post("/api/v1/surveys/%s/responses" % survey["id"], {"answers": [{"question": 1, "rating": 3}]}).status,
           403, "leaders are not asked")
        r = c["dana"].post("/api/v1/surveys/%s/responses" % survey["id"], {"answers": [{"question": 1, "rating": 9}]})
        eq(r.status, 400, "ratings are 1-5")
        eq(c["jo"].get("/api/v1/surveys/%s/report" % survey["id"]).status, 403, "frontline can't read the report")
        live = c["taylor"].ok("GET", "/api/v1/surveys/%s/report" % survey["id"])
        eq(live["teams"], [], "while the survey is open, teams this small publish nothing yet (steps of 4)")
        s.set_clock("2026-03-09T21:00:01Z")  # the survey has closed: everything is published

        rep = c["taylor"].get("/api/v1/surveys/%s/report" % survey["id"])
        eq(rep.status, 200, "supervisor reads the report")
        teams = {t["team"]: t for t in rep.json["teams"]}
        eq(sorted(teams), ["Web Chat"], "only teams with >= 3 respondents (default survey.min_respondents)")
        q1 = teams["Web Chat"]["questions"][0]
        eq(round(q1["average"], 6), round(sum(ratings.values()) / 3.0, 6), "team average")
        eq(q1["distribution"], [sum(1 for v in ratings.values() if v == k) for k in range(1, 6)], "distribution")
        check("SECRET" not in rep.raw, "no answer of a hidden team appears in the report")
        eq(rep.json["hidden_teams"], 2, "the hidden teams are only counted")
        eq(rep.json["overall"]["respondents"], 3, "overall covers shown teams only (no subtraction)")

        admin.ok("PATCH", "/api/v1/org/settings", {"settings": {"survey.min_respondents": 2}})
        # Customer Care has Jo and Taylor: Taylor answered, so for Taylor only one other remains
        rep = c["taylor"].ok("GET", "/api/v1/surveys/%s/report" % survey["id"])
        check("Customer Care" not in [t["team"] for t in rep["teams"]],
              "a supervisor who answered can't read the one colleague left in the team")
        check("SECRET-jo" not in str(rep), "Jo's answers never reach her manager")
        rep = c["riley"].ok("GET", "/api/v1/surveys/%s/report" % survey["id"])
        check("Customer Care" in [t["team"] for t in rep["teams"]], "a leader who did not answer sees a team of 2")
        admin.ok("PATCH", "/api/v1/org/settings", {"settings": {"survey.min_respondents": 1}})
        rep = c["riley"].ok("GET", "/api/v1/surveys/%s/report" % survey["id"])
        check("Phone Sales" not in [t["team"] for t in rep["teams"]] and "SECRET-pat" not in str(rep),
              "never one person's answers, whatever the setting")
        evs = all_events(admin)
        check(all("SECRET" not in str(e["data"]) for e in evs), "answers stay out of the history")


def test_system_issue_owner_and_leadership_report():
    with Server(demo=True, start=START) as s:
        admin, jo, riley, avery = login(s, "admin"), login(s, "jo"), login(s, "riley"), login(s, "avery")
        taylor = login(s, "taylor")
        admin.ok("PATCH", "/api/v1/org/settings", {"settings": {"issue.response_days": 7}})  # S5: within 7 days
        case = jo.ok("POST", "/api/v1/cases", {"subject": "Parcel went to the wrong address", "channel": "email",
                                                "customer_name": "Erin Park"})
        r = jo.post("/api/v1/system-issues", {"title": "x", "owner": em("dana")})
        eq((r.status, code(r)), (422, "owner_not_leader"), "a frontline owner is refused")
        r = jo.post("/api/v1/system-issues", {"title": "x", "owner": em("taylor")})
        eq((r.status, code(r)), (422, "owner_not_leader"), "a supervisor owner is refused")
        survey = admin.ok("POST", "/api/v1/surveys", {"team": "Customer Care"})
        resp = jo.ok("POST", "/api/v1/surveys/%s/responses" % survey["id"], {
            "answers": [{"question": 1, "rating": 5, "text": "yes"},
                        {"question": 2, "rating": 2, "text": "the dispatch screen does not show resend status"}],
            "raise_issue": {"question": 2, "title": "The dispatch screen does not show resend status",
                            "owner": em("avery"), "cases": [case["id"]]}})
        issue = jo.ok("GET", "/api/v1/system-issues/" + resp["system_issue_id"])
        eq(issue["owner"]["email"], em("avery"), "owned by a leader")
        eq(issue["survey_id"], survey["id"], "raised from the survey")
        eq([c["id"] for c in issue["cases"]], [case["id"], ], "linked to the case as evidence")
        from datetime import datetime
        created = datetime.fromisoformat(issue["created_at"].replace("Z", "+00:00"))
        due = datetime.fromisoformat(issue["response_due_at"].replace("Z", "+00:00"))
        eq((due - created).days, 7, "response due after issue.response_days (7)")
        r = riley.patch("/api/v1/system-issues/" + issue["id"], {"owner": em("chris")})
        eq((r.status, code(r)), (422, "owner_not_leader"), "can't give it to frontline either")
        eq(jo.patch("/api/v1/system-issues/" + issue["id"], {"owner": em("riley")}).status, 403, "frontline can't reassign")
        dflt = jo.ok("POST", "/api/v1/system-issues", {"title": "Printer at the desk jams"})
        eq(dflt["owner"]["email"], em("riley"), "default owner: the first leader up the reporting line")
        eq(taylor.post("/api/v1/system-issues/%s/respond" % issue["id"], {"response": "x"}).status, 403,
           "only the owner responds")
        lead = riley.ok("GET", "/api/v1/reports/leadership")
        eq(lead["overdue_system_issue_responses"], [], "nothing overdue yet")
        s.advance(hours=7 * 24 + 1)
        lead = riley.ok("GET", "/api/v1/reports/leadership")
        rows = {x["id"]: x for x in lead["overdue_system_issue_responses"]}
        check(issue["id"] in rows, "the overdue response is on the leadership report")
        eq(rows[issue["id"]]["owner"]["email"], em("avery"), "with its leader owner")
        eq(rows[issue["id"]]["owner_level"], 0, "at the top of the reporting line")
        check("/reports/" in lead["overdue_requests"]["report"], "links to the overdue-requests report")
        listed = jo.ok("GET", "/api/v1/system-issues?overdue=true")["items"]
        check(issue["id"] in [x["id"] for x in listed], "overdue filter")
        evs = [e for e in all_events(admin) if e["entity_id"] == issue["id"] and e["kind"] == "system_issue.response_overdue"]
        eq(len(evs), 1, "marked overdue once")
        s.advance(hours=1)
        evs = [e for e in all_events(admin) if e["entity_id"] == issue["id"] and e["kind"] == "system_issue.response_overdue"]
        eq(len(evs), 1, "still once after another pass")
        avery.ok("POST", "/api/v1/system-issues/%s/respond" % issue["id"],
                 {"response": "Resend status goes on the dispatch screen in the April release"})
        lead = riley.ok("GET", "/api/v1/reports/leadership")
        check(issue["id"] not in [x["id"] for x in lead["overdue_system_issue_responses"]], "answered: off the report")
        eq(jo.get("/api/v1/reports/leadership").status, 403, "frontline can't read the leadership report")


def test_coaching_note_access():
    with Server(demo=True, start=START) as s:
        taylor, jo, kim = login(s, "taylor"), login(s, "jo"), login(s, "kim")
        sandy, riley, admin = login(s, "sandy"), login(s, "riley"), login(s, "admin")
        case = jo.ok("POST", "/api/v1/cases", {"subject": "Parcel went to the wrong address", "channel": "email",
                                                "customer_name": "Erin Park"})
        answers = {"ideal": "Call Dispatch the same day and confirm the resend",
                   "prevented": "The dispatch screen does not show resend status",
                   "whose_problem": "Mine: the customer is mine until it is solved",
                   "overcome": "Phone Devon instead of waiting for a message",
                   "help": "Ask IT for resend status on the screen",
                   "next_time": "Check progress at half time and update the customer daily"}
        before = [n["id"] for n in jo.ok("GET", "/api/v1/coaching-notes")["items"]]  # the demo's
        note = taylor.ok("POST", "/api/v1/coaching-notes", {"employee": em("jo"), "answers": answers,
                                                            "cases": [case["id"]], "summary": "forward, not backward"})
        eq([q["key"] for q in note["questions"]], ["ideal", "prevented", "whose_problem", "overcome", "help", "next_time"],
           "the six forward-looking questions")
        eq({q["key"]: q["answer"] for q in note["questions"]}, answers, "answers kept")
        eq(note["cases"][0]["id"], case["id"], "linked to the case")
        eq(jo.get("/api/v1/coaching-notes/" + note["id"]).status, 200, "the employee reads it")
        eq(taylor.get("/api/v1/coaching-notes/" + note["id"]).status, 200, "the supervisor reads it")
        for who, cl in (("another employee", kim), ("another supervisor", sandy), ("the supervisor's leader", riley),
                        ("an admin without a hold", admin)):
            eq(cl.get("/api/v1/coaching-notes/" + note["id"]).status, 404, "%s gets 404" % who)
            eq(cl.ok("GET", "/api/v1/coaching-notes")["items"], [], "%s lists nothing" % who)
        eq(sorted(n["id"] for n in jo.ok("GET", "/api/v1/coaching-notes")["items"]), sorted(before + [note["id"]]),
           "Jo lists her notes")
        page = jo.ok("GET", "/api/v1/cases/" + case["id"])
        check("forward, not backward" not in str(page) and "Phone Devon" not in str(page), "not on the case page")
        r = kim.post("/api/v1/coaching-notes", {"employee": em("jo"), "summary": "x"})
        eq((r.status, code(r)), (403, "role_required"), "frontline can't write coaching notes")
        r = sandy.post("/api/v1/coaching-notes", {"employee": em("jo"), "summary": "x"})
        eq((r.status, code(r)), (403, "not_in_reporting_line"), "only someone above the employee coaches")
        r = taylor.post("/api/v1/coaching-notes", {"employee": em("jo"), "answers": {"blame": "x"}})
        eq((r.status, code(r)), (400, "unknown_question"), "answers only to the six questions")
        # legal hold: admins read, and it is logged
        r = admin.post("/api/v1/legal-holds", {"person": em("jo"), "reason": "Park v. Vendor Co"})
        eq(r.status, 201, "hold placed")
        hold = r.json
        eq(kim.post("/api/v1/legal-holds/%s/coaching-notes" % hold["id"], {"reason": "curious"}).status, 403,
           "only admins read under a hold")
        got = admin.ok("POST", "/api/v1/legal-holds/%s/coaching-notes" % hold["id"], {"reason": "discovery request 4"})
        eq(sorted(n["id"] for n in got["items"]), sorted(before + [note["id"]]), "the admin reads the held person's notes")
        logged = [e for e in all_events(admin) if e["kind"] == "coaching.read_under_hold"]
        eq(len(logged), 1, "the reading is an event")
        eq(sorted(logged[0]["data"]["notes"]), sorted(before + [note["id"]]), "naming the notes read")
        admin.ok("POST", "/api/v1/legal-holds/%s/release" % hold["id"], {"reason": "settled"})
        r = admin.post("/api/v1/legal-holds/%s/coaching-notes" % hold["id"], {"reason": "again"})
        eq((r.status, code(r)), (403, "no_legal_hold"), "no reading after release")


WALKIN = "Walk-in customers are served first"
PICKUP = "In-store pickup within 3 hours of purchase"


def ensure_policies(s):
    riley = login(s, "riley")
    names = [p["name"] for p in riley.ok("GET", "/api/v1/policies")["items"]]
    for name, kind in ((PICKUP, "guarantee"), (WALKIN, "rule")):
        if name not in names:
            riley.ok("POST", "/api/v1/policies", {"name": name, "kind": kind, "owner": em("riley"), "text": name})


def sam_like(s, pat, chris, dana, name, phone, due, defer_until):
    case = chris.ok("POST", "/api/v1/cases", {"subject": "Two phones", "channel": "chat", "customer_name": name,
                                               "customer_phone": phone, "summary": "wants two phones"})
    s.advance(minutes=1)
    offer = chris.ok("POST", "/api/v1/cases/%s/offers" % case["id"], {"to": em("pat")})
    pat.ok("POST", "/api/v1/offers/%s/accept" % offer["id"])
    s.advance(minutes=1)
    prom = pat.ok("POST", "/api/v1/cases/%s/promises" % case["id"],
                  {"what": "Two phones ready for pickup at Store 12", "due_at": due, "channel": "phone",
                   "deliver_team": "Store 12", "policy": PICKUP})
    req = pat.ok("POST", "/api/v1/cases/%s/requests" % case["id"],
                 {"what": "hold two phones", "due_at": due, "to_team": "Store 12", "blocks": [prom["id"]]})
    s.advance(minutes=1)
    dana.ok("POST", "/api/v1/cases/%s/touchpoints" % case["id"], {"channel": "store", "direction": "inbound",
                                                                  "summary": "asks whether the phones are ready"})
    dana.ok("POST", "/api/v1/requests/%s/defer" % req["id"], {"reason": "walk-ins", "until": defer_until, "policy": WALKIN})
    return case, prom, req


def test_s1_breach_opens_review_and_survey_policy_pair_report():
    with Server(demo=True, start="2026-03-02T22:15:00Z") as s:  # 16:15 in Chicago
        ensure_policies(s)
        chris, pat, dana, taylor, riley = (login(s, u) for u in ("chris", "pat", "dana", "taylor", "riley"))
        sam, prom, req = sam_like(s, pat, chris, dana, "Sam Carter", "+1 217 555 0142", "2026-03-03T01:15:00Z",
                                  "2026-03-03T16:00:00Z")
        erin, _, _ = sam_like(s, pat, chris, dana, "Erin Park", "+1 217 555 0177", "2026-03-03T01:30:00Z",
                              "2026-03-03T16:00:00Z")
        mine = {sam["id"], erin["id"]}
        eq([r for r in taylor.ok("GET", "/api/v1/reviews")["items"] if r["case_id"] in mine], [],
           "no review before the breach")
        s.set_clock("2026-03-03T01:15:00Z")  # 19:15 Sam's promise breaks
        revs = taylor.ok("GET", "/api/v1/reviews?case_id=" + sam["id"])["items"]
        eq(len(revs), 1, "the breach opened a review")
        rv = taylor.ok("GET", "/api/v1/reviews/" + revs[0]["id"])
        eq(rv["trigger"], "breach", "trigger breach")
        eq(rv["owner"]["email"], em("taylor"), "owned by Pat's supervisor")
        view = pat.ok("GET", "/api/v1/cases/" + sam["id"])
        eq(rv["breach_id"], view["breaches"][0]["id"], "linked to the breach")
        eq(rv["facts"]["promise"]["id"], prom["id"], "pre-filled: the promise")
        eq(rv["facts"]["attribution"], view["breaches"][0]["attribution"], "pre-filled: the attribution")
        eq([r["id"] for r in rv["facts"]["late_requests"]], [req["id"]], "pre-filled: the deferred request")
        eq(rv["facts"]["late_requests"][0]["holder_team"]["name"], "Store 12", "with its holder")
        eq(len(rv["facts"]["policy_conflicts"]), 1, "pre-filled: the policy conflict")
        eq(rv["facts"]["channels"], ["chat", "phone", "store"], "channels crossed: chat -> phone -> store")
        eq(sorted(rv["facts"]["boundaries"]), ["chat->phone", "phone->store"], "boundaries")
        # the pulse survey offered to the people involved
        for u, cl in (("pat", pat), ("dana", dana), ("chris", chris)):
            got = [x for x in cl.ok("GET", "/api/v1/surveys?mine=true")["items"] if x["case_id"] in mine]
            eq([(x["kind"], x["case_id"]) for x in got], [("breach", sam["id"])], "%s is offered the after-breach survey" % u)
            check(any(a["kind"] == "survey_offered" for a in cl.ok("GET", "/api/v1/alerts")["items"]),
                  "%s is alerted" % u)
        check(all(x["kind"] != "breach" for x in riley.ok("GET", "/api/v1/surveys?mine=true")["items"]),
              "leaders are not asked")
        check(any(a["kind"] == "review_opened" for a in taylor.ok("GET", "/api/v1/alerts")["items"]),
              "Taylor is alerted to the review")
        s.set_clock("2026-03-03T01:30:00Z")  # Erin's breaks too
        s.set_clock("2026-03-03T01:31:00Z")  # another pass: still one review per breach
        eq(len(taylor.ok("GET", "/api/v1/reviews?case_id=" + sam["id"])["items"]), 1, "one review per breach")
        erv = taylor.ok("GET", "/api/v1/reviews?case_id=" + erin["id"])["items"]
        eq(len(erv), 1, "Erin's breach has its review")
        for r_id in (rv["id"], erv[0]["id"]):
            taylor.ok("POST", "/api/v1/reviews/%s/causes" % r_id,
                      {"category": "policy", "evidence": "walk-in first vs the 3-hour guarantee"})
            taylor.ok("POST", "/api/v1/reviews/%s/causes" % r_id,
                      {"category": "coordination_handoff", "evidence": "the store learned of the order by email"})
        again = taylor.ok("POST", "/api/v1/reviews/%s/refresh" % rv["id"])  # recount: nothing doubles
        eq(again["facts"]["channels"], ["chat", "phone", "store"], "refresh keeps the facts")
        rep = riley.ok("GET", "/api/v1/reports/root-causes?from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z")
        eq(rep["total_reviews"], 2, "two reviews in March")
        eq({b["boundary"]: b["count"] for b in rep["by_boundary"]}, {"chat->phone": 2, "phone->store": 2},
           "boundaries counted once per review after a refresh")
        edge = riley.ok("GET", "/api/v1/reports/root-causes?from=2026-03-03T01:00:00Z&to=2026-03-03T01:20:00Z")
        eq(edge["total_reviews"], 1, "a window inside one day counts from the rows (only Sam's)")
        pairs = rep["by_policy"]
        eq(len(pairs), 1, "one policy pair")
        eq(sorted(p["name"] for p in pairs[0]["policies"]), sorted([PICKUP, WALKIN]), "the pair's policies")
        eq(sorted(c["id"] for c in pairs[0]["cases"]), sorted([sam["id"], erin["id"]]), "both customers under the pair")
        eq({p["category"]: p["count"] for p in rep["pareto"]}, {"policy": 2, "coordination_handoff": 2}, "Pareto")
        eq({t["team"] for t in rep["by_team"]}, {"Store 12"}, "the team the attribution points to")
        s.set_clock("2026-03-03T16:00:00Z")
        pat, taylor = login(s, "pat"), login(s, "taylor")
        dana = login(s, "dana")
        dana.ok("POST", "/api/v1/requests/%s/complete" % req["id"], {"note": "on hold"})
        pat.ok("POST", "/api/v1/cases/%s/resolve" % sam["id"], {"resolution": "Sam picked up his phones"})
        closed = taylor.ok("POST", "/api/v1/reviews/%s/close" % rv["id"], {"summary": "policy and coordination"})
        eq(sorted(c["category"] for c in closed["causes"]), ["coordination_handoff", "policy"],
           "the failure review lists policy and coordination as causes")


def test_s5_jo_end_to_end():
    with Server(demo=True, start="2026-03-02T15:00:00Z") as s:  # 09:00 in Chicago
        jo, taylor, devon, riley, avery = (login(s, u) for u in ("jo", "taylor", "devon", "riley", "avery"))
        kim, sandy = login(s, "kim"), login(s, "sandy")
        login(s, "admin").ok("PATCH", "/api/v1/org/settings", {"settings": {"issue.response_days": 7}})
        case = jo.ok("POST", "/api/v1/cases", {"subject": "Parcel dispatched to the wrong address", "channel": "email",
                                                "customer_name": "Erin Park", "summary": "parcel went to an old address"})
        prom = jo.ok("POST", "/api/v1/cases/%s/promises" % case["id"],
                     {"what": "a replacement parcel dispatched", "due_at": "2026-03-03T15:00:00Z", "channel": "email",
                      "deliver_team": "Dispatch"})
        jo.ok("POST", "/api/v1/cases/%s/requests" % case["id"],
              {"what": "resend Erin's parcel", "due_at": "2026-03-03T15:00:00Z", "to_team": "Dispatch",
               "blocks": [prom["id"]]})
        s.set_clock("2026-03-03T15:00:00Z")  # the promise breaks
        jo, taylor, riley, avery = (login(s, u) for u in ("jo", "taylor", "riley", "avery"))
        kim, sandy = login(s, "kim"), login(s, "sandy")
        surveys = [x for x in jo.ok("GET", "/api/v1/surveys?mine=true")["items"] if x["case_id"] == case["id"]]
        eq(len(surveys), 1, "after the breach Jo is offered the pulse survey")
        eq(len(surveys[0]["questions"]), 4, "the four questions")
        resp = jo.ok("POST", "/api/v1/surveys/%s/responses" % surveys[0]["id"], {
            "answers": [{"question": 1, "rating": 5, "text": "yes"},
                        {"question": 2, "rating": 1, "text": "the dispatch screen does not show resend status"}],
            "raise_issue": {"question": 2, "title": "The dispatch screen does not show resend status",
                            "owner": em("avery"), "cases": [case["id"]]}})
        issue = avery.ok("GET", "/api/v1/system-issues/" + resp["system_issue_id"])
        eq((issue["owner"]["email"], issue["owner"]["role"]), (em("avery"), "leader"), "owned by a leader")
        check(any(a["kind"] == "system_issue_raised" for a in avery.ok("GET", "/api/v1/alerts")["items"]),
              "Avery is alerted")
        note = taylor.ok("POST", "/api/v1/coaching-notes", {
            "employee": em("jo"), "cases": [case["id"]],
            "answers": {"ideal": "call Dispatch at half time", "prevented": "could not see the resend status",
                        "whose_problem": "mine", "overcome": "phone Devon", "help": "raise the screen with IT",
                        "next_time": "update Erin every day"}})
        eq(jo.get("/api/v1/coaching-notes/" + note["id"]).status, 200, "visible to Jo")
        eq(kim.get("/api/v1/coaching-notes/" + note["id"]).status, 404, "not to Kim")
        eq(sandy.get("/api/v1/coaching-notes/" + note["id"]).status, 404, "not to another supervisor")
        s.advance(hours=7 * 24 + 1)
        riley = login(s, "riley")
        lead = riley.ok("GET", "/api/v1/reports/leadership")
        eq([x["id"] for x in lead["overdue_system_issue_responses"] if x["id"] == issue["id"]], [issue["id"]],
           "the overdue response is on the leadership report")
        eq(lead["overdue_requests"]["report"], "/api/v1/reports/overdue-requests", "beside the overdue requests")
        check(riley.get(lead["overdue_requests"]["report"]).status == 200, "which is a real report")


def test_demo_learning_part():
    with Server(demo=True, test_clock=False) as s:
        riley, jo, taylor, kim = login(s, "riley"), login(s, "jo"), login(s, "taylor"), login(s, "kim")
        lead = riley.ok("GET", "/api/v1/reports/leadership")
        rows = [x for x in lead["overdue_system_issue_responses"] if "resend status" in x["title"]]
        eq([x["owner"]["email"] for x in rows], [em("avery")], "Jo's issue, owned by Avery, is overdue")
        issue = riley.ok("GET", rows[0]["link"])
        eq(issue["raised_by"]["email"], em("jo"), "raised by Jo from her survey answer")
        check(issue["survey_id"] is not None and issue["question"] == 2, "from the tools question")
        notes = jo.ok("GET", "/api/v1/coaching-notes")["items"]
        eq([n["supervisor"]["email"] for n in notes], [em("taylor")], "Jo's coaching note from Taylor")
        eq(kim.ok("GET", "/api/v1/coaching-notes")["items"], [], "invisible to Kim")
        reviews = [r for r in taylor.ok("GET", "/api/v1/reviews")["items"] if "Two phones" in r["case"]["subject"]]
        check(len(reviews) >= 1, "Sam's case has a review")
        rv = taylor.ok("GET", "/api/v1/reviews/" + reviews[0]["id"])
        eq(sorted(c["category"] for c in rv["causes"]), ["coordination_handoff", "policy"], "policy and coordination causes")


if __name__ == "__main__":
    run_module(globals())
