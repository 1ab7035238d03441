"""The Cases page (issue 15): views with counts, filters, sorts and cursor pages (GET /api/v1/queue),
saved views per person, bulk actions with one result per case, the search box ranked inside a
view, duplicate customers flagged when a case is opened, and merging two customers."""
import os
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from lib import Server, check, eq, new_db_url, run_cli, run_module  # noqa: E402

V = "vendor-co"
START = "2030-01-07T15:00:00Z"


def q(client, **params):
    return client.ok("GET", "/api/v1/queue?" + urllib.parse.urlencode(params))


def ids(client, **params):
    return [c["id"] for c in q(client, limit=200, **params)["items"]]


def open_case(client, subject, name, channel="phone", **extra):
    body = dict({"subject": subject, "channel": channel, "customer_name": name}, **extra)
    return client.ok("POST", "/api/v1/cases", body)


def err(resp, status, code, msg):
    eq(resp.status, status, msg + " (status)")
    eq((resp.json or {}).get("error", {}).get("code"), code, msg + " (code)")


def counts(client):
    return {i["view"]: i for i in client.ok("GET", "/api/v1/queue/counts")["items"]}


def test_views_and_counts():
    with Server(demo=True, start=START) as s:
        chris = s.login("chris@%s.example" % V, V)  # Web Chat
        kim = s.login("kim@%s.example" % V, V)      # Web Chat too
        pat = s.login("pat@%s.example" % V, V)      # Phone Sales
        before = counts(chris)
        a = open_case(chris, "Queue A", "Ada Queue")["id"]
        b = open_case(chris, "Queue B", "Bo Queue")["id"]
        c = open_case(kim, "Queue C", "Cy Queue")["id"]
        d = open_case(pat, "Queue D", "Di Queue")["id"]
        mine = ids(chris, view="mine")
        check(a in mine and b in mine and c not in mine and d not in mine, "mine: only my open cases")
        team = ids(chris, view="team")
        check({a, b, c} <= set(team) and d not in team, "my team's: Web Chat's cases, not Phone Sales'")
        eq(ids(chris), mine, "mine is the default view")
        # offered to me, or to someone of my team
        kim.ok("POST", "/api/v1/cases/%s/offers" % c, {"to": "chris@%s.example" % V, "note": "yours?"})
        pat.ok("POST", "/api/v1/cases/%s/offers" % d, {"to": "kim@%s.example" % V})
        offered = ids(chris, view="offered")
        check(c in offered and d in offered, "offered to me (C) and to my team-mate Kim (D)")
        check(d in ids(kim, view="offered") and c not in ids(pat, view="offered"), "offers seen by the team offered to")
        eq(counts(chris)["offered"]["count"], before["offered"]["count"] + 2,
           "two more offers waiting for me or my team (the demo's night mail is offered to Chris on call)")
        # at risk or overdue: a promise due in an hour, then two hours later
        chris.ok("POST", "/api/v1/cases/%s/promises" % a, {"what": "call back", "due_at": "2030-01-07T16:00:00Z",
                                                           "channel": "phone"})
        page = q(chris, view="mine", limit=200)
        row = [x for x in page["items"] if x["id"] == a][0]
        eq(row["due_at"], "2030-01-07T16:00:00.000Z" if row["due_at"].endswith(".000Z") else "2030-01-07T16:00:00Z",
           "the case's due time is its promise's")
        check(a not in ids(chris, view="at_risk"), "not at risk before its time")
        s.advance(hours=2)
        risky = q(chris, view="at_risk", limit=200)["items"]
        check(a in [x["id"] for x in risky], "overdue once its promise's time passed")
        check(all(x["at_risk"] for x in risky), "every row of the view says so")
        check(b not in [x["id"] for x in risky], "a case with nothing due is not at risk")
        # resolved recently, and out of the open views
        chris.ok("POST", "/api/v1/cases/%s/resolve" % b, {"resolution": "done"})
        check(b in ids(chris, view="resolved") and b not in ids(chris, view="mine"), "resolved: moves to resolved recently")
        check(b in ids(chris, view="mine", status="resolved"), "a status filter shows the view's resolved cases")
        s.advance(hours=24 * 8)
        chris = s.login("chris@%s.example" % V, V)  # the session ended meanwhile
        check(b not in ids(chris, view="resolved"), "resolved more than a week ago: no longer recent")
        opened = ids(chris, view="open")
        check({a, c, d} <= set(opened) and b not in opened, "all open")
        after = counts(chris)
        eq(after["mine"]["count"], len(ids(chris, view="mine")), "the count of mine is its rows")
        eq(after["open"]["count"], before["open"]["count"] + 3, "four opened, one resolved")
        eq(after["offered"]["count"], 0, "the offers expired meanwhile")
        check(all(i["more"] is False for i in after.values()), "under the cap, counts are exact")
        eq([i["label"] for i in chris.ok("GET", "/api/v1/queue/counts")["items"]][:2], ["Mine", "My team's"], "labels")


def test_unassigned_is_what_nobody_took():
    with Server(demo=True, start=START) as s:
        admin = s.login("admin@%s.example" % V, V)
        taylor = s.login("taylor@%s.example" % V, V)
        jo = s.login("jo@%s.example" % V, V)
        c = open_case(jo, "Left behind", "Lou Left")["id"]
        check(c not in ids(taylor, view="unassigned"), "an active owner's case is assigned")
        jo_id = jo.ok("GET", "/api/v1/me")["id"]
        admin.ok("PATCH", "/api/v1/people/%s" % jo_id, {"active": False})
        check(c in ids(taylor, view="unassigned"), "its owner has left: unassigned")
        taylor.ok("POST", "/api/v1/cases/%s/assign" % c, {"to": "kim@%s.example" % V})
        check(c not in ids(taylor, view="unassigned"), "assigned again")


def test_filters_sort_and_pages():
    with Server(demo=True, start=START) as s:
        chris = s.login("chris@%s.example" % V, V)
        sandy = s.login("sandy@%s.example" % V, V)
        made = []
        for i, ch in enumerate(["phone", "chat", "email", "chat"]):
            made.append(open_case(chris, "Filter %d" % i, "Fil Ter %d" % i, channel=ch)["id"])
            s.advance(minutes=5)
        store = open_case(sandy, "At the store", "Sto Re", channel="store", location="Springfield")["id"]
        ours = lambda got: [x for x in got if x in made]  # noqa: E731 (the demo has cases of its own)
        eq(ours(ids(chris, view="mine", channel="chat")), [made[3], made[1]], "channel, latest change first")
        check(all(c["channel"] == "chat" for c in q(chris, view="mine", channel="chat")["items"]), "only chat")
        eq(ours(ids(chris, view="open", owner="chris@%s.example" % V, channel="email")), [made[2]], "owner and channel")
        check(store in ids(chris, view="open", location="Springfield")
              and made[0] not in ids(chris, view="open", location="Springfield"), "intake location")
        check(store in ids(chris, view="open", team="Store 12") and made[0] not in ids(chris, view="open", team="Store 12"),
              "team by name")
        eq(ids(chris, view="mine", sort="created", **{"from": "2030-01-07T15:04:00Z", "to": "2030-01-07T15:11:00Z"}),
           [made[2], made[1]], "opened between two times, latest first")
        # due time: the nearest due first, cases with nothing due last
        chris.ok("POST", "/api/v1/cases/%s/promises" % made[1], {"what": "later", "due_at": "2030-01-09T10:00:00Z",
                                                                  "channel": "chat"})
        chris.ok("POST", "/api/v1/cases/%s/requests" % made[2], {"what": "check stock", "due_at": "2030-01-08T10:00:00Z",
                                                                  "to_team": "Store 12"})
        eq(ids(chris, view="mine", sort="due")[:2], [made[2], made[1]], "due: the request's time, then the promise's")
        # a change moves a case to the top of "last change"
        s.advance(minutes=1)
        chris.ok("POST", "/api/v1/cases/%s/notes" % made[0], {"body": "touched"})
        eq([x for x in ids(chris, view="mine", sort="updated") if x in made][0], made[0], "updated: the case just noted first")
        # pages: limit + cursor walk the whole view once, in order
        for sort in ("due", "updated", "created"):
            whole = ids(chris, view="mine", sort=sort)
            seen, cursor = [], None
            while True:
                params = {"view": "mine", "sort": sort, "limit": 2}
                if cursor:
                    params["cursor"] = cursor
                page = q(chris, **params)
                seen += [x["id"] for x in page["items"]]
                cursor = page["next"]
                if not cursor:
                    break
            eq(seen, whole, "pages of 2 by %s give the whole view once, in order" % sort)
        # bad input: stable codes
        err(chris.get("/api/v1/queue?cursor=nonsense"), 400, "invalid_cursor", "a cursor this list did not give")
        err(chris.get("/api/v1/queue?view=everything"), 400, "invalid_value", "an unknown view")
        err(chris.get("/api/v1/queue?sort=sideways"), 400, "invalid_value", "an unknown sort")
        err(chris.get("/api/v1/queue?channel=fax"), 400, "invalid_value", "an unknown channel")
        err(chris.get("/api/v1/queue?owner=nobody@nowhere.example"), 404, "person_not_found", "an unknown owner")
        err(chris.get("/api/v1/queue?team=No+Such+Team"), 404, "team_not_found", "an unknown team")
        err(chris.get("/api/v1/queue?from=yesterday"), 400, "invalid_time", "a time that is not RFC 3339")


def test_saved_views_per_person():
    with Server(demo=True, start=START) as s:
        chris = s.login("chris@%s.example" % V, V)
        kim = s.login("kim@%s.example" % V, V)
        chat = open_case(chris, "Saved chat", "Sav Ed", channel="chat")["id"]
        phone = open_case(chris, "Saved phone", "Sav Ed Two", channel="phone")["id"]
        v = chris.ok("POST", "/api/v1/queue/saved", {"name": "Chats I own", "view": "mine", "sort": "created",
                                                     "filters": {"channel": "chat"}}, status=201)
        eq((v["name"], v["view"], v["sort"], v["filters"]), ("Chats I own", "mine", "created", {"channel": "chat"}), "saved")
        demo = [x["id"] for x in chris.ok("GET", "/api/v1/queue/saved")["items"] if x["name"] == "My chats"]
        eq([x["id"] for x in chris.ok("GET", "/api/v1/queue/saved")["items"]], [v["id"]] + demo, "listed by name for its owner")
        eq(kim.ok("GET", "/api/v1/queue/saved")["items"], [], "not for anyone else")
        got = ids(chris, saved=v["id"])
        check(chat in got and phone not in got, "the saved view's filters apply")
        eq(q(chris, saved=v["id"])["sort"], "created", "and its sort")
        check(phone in ids(chris, saved=v["id"], channel="phone"), "a filter given with it wins")
        err(chris.post("/api/v1/queue/saved", {"name": "Chats I own", "view": "open"}), 409, "saved_view_name_taken",
            "the same name twice")
        err(chris.post("/api/v1/queue/saved", {"name": "Bad", "view": "open", "filters": {"owner": "ghost@x.example"}}),
            404, "person_not_found", "a filter naming nobody")
        err(chris.post("/api/v1/queue/saved", {"name": "Bad", "view": "open", "filters": {"colour": "red"}}),
            400, "unknown_field", "a filter that does not exist")
        err(chris.post("/api/v1/queue/saved", {"name": "Bad", "view": "somewhere"}), 400, "invalid_value", "a bad view")
        eq(len(chris.ok("GET", "/api/v1/queue/saved")["items"]), 2, "bad input saved nothing")
        err(kim.get("/api/v1/queue?saved=" + v["id"]), 404, "saved_view_not_found", "another's view can't be used")
        err(kim.request("DELETE", "/api/v1/queue/saved/" + v["id"]), 404, "saved_view_not_found",
            "nor deleted by someone else")
        chris.ok("DELETE", "/api/v1/queue/saved/" + v["id"])
        eq([x["id"] for x in chris.ok("GET", "/api/v1/queue/saved")["items"]], demo, "deleted")
        err(chris.request("DELETE", "/api/v1/queue/saved/" + v["id"]), 404, "saved_view_not_found", "deleted once")


def test_bulk_each_case_reported():
    with Server(demo=True, start=START) as s:
        chris = s.login("chris@%s.example" % V, V)
        kim = s.login("kim@%s.example" % V, V)
        taylor = s.login("taylor@%s.example" % V, V)
        mine = [open_case(chris, "Bulk %d" % i, "Bul K %d" % i) for i in range(3)]
        theirs = open_case(kim, "Kim's", "Kim Customer")
        sel = [mine[0]["id"], theirs["id"], "#%d" % mine[1]["number"], mine[2]["number"], 999999]
        r = chris.ok("POST", "/api/v1/queue/bulk", {"cases": sel, "action": "resolve", "resolution": "sorted in bulk"})
        eq([i["ok"] for i in r["items"]], [True, False, True, True, False], "each case reported, in order")
        eq((r["succeeded"], r["failed"]), (3, 2), "the totals")
        eq(r["items"][1]["error"]["code"], "not_owner", "not mine: refused alone")
        eq(r["items"][4]["error"]["code"], "case_not_found", "no such number")
        eq(r["items"][2]["case"], mine[1]["id"], "a number is answered with the case's id")
        for c in mine:
            eq(chris.ok("GET", "/api/v1/cases/" + c["id"])["status"], "resolved", "resolved: " + c["subject"])
        eq(chris.ok("GET", "/api/v1/cases/" + theirs["id"])["status"], "open", "the refused case is untouched")
        # a note on many; the resolved ones take notes too
        r = chris.ok("POST", "/api/v1/queue/bulk", {"cases": [c["id"] for c in mine], "action": "note", "body": "bulk note"})
        eq(r["succeeded"], 3, "notes on all three")
        check(any(n["body"] == "bulk note" for n in chris.ok("GET", "/api/v1/cases/" + mine[0]["id"])["notes"]), "noted")
        # offer and assign
        more = [open_case(chris, "Offer %d" % i, "Off Er %d" % i)["id"] for i in range(2)]
        r = chris.ok("POST", "/api/v1/queue/bulk", {"cases": more, "action": "offer", "to": "pat@%s.example" % V,
                                                    "note": "phones"})
        eq(r["succeeded"], 2, "offered both")
        pat = s.login("pat@%s.example" % V, V)
        check(set(more) <= set(ids(pat, view="offered")), "both offered to Pat")
        r = chris.ok("POST", "/api/v1/queue/bulk", {"cases": more, "action": "assign", "to": "pat@%s.example" % V})
        eq([i["error"]["code"] for i in r["items"]], ["not_supervisor"] * 2, "frontline may not assign: each says why")
        r = taylor.ok("POST", "/api/v1/queue/bulk", {"cases": more, "action": "assign", "to": "pat@%s.example" % V,
                                                     "note": "Pat has the stock"})
        eq(r["succeeded"], 2, "a supervisor assigns")
        check(set(more) <= set(ids(pat, view="mine")), "Pat owns both")
        # bad input changes nothing
        err(chris.post("/api/v1/queue/bulk", {"cases": [more[0]], "action": "resolve"}), 400, "required",
            "resolve needs a resolution")
        err(chris.post("/api/v1/queue/bulk", {"cases": [{"id": more[0]}], "action": "note", "body": "x"}), 400,
            "wrong_type", "a case is an id or a number")
        err(chris.post("/api/v1/queue/bulk", {"cases": [], "action": "note", "body": "x"}), 400, "required", "no case")
        err(chris.post("/api/v1/queue/bulk", {"cases": [more[0]] * 101, "action": "note", "body": "x"}), 400, "too_many",
            "over 100 cases")
        err(chris.post("/api/v1/queue/bulk", {"cases": [more[0]], "action": "explode"}), 400, "invalid_value",
            "an unknown action")
        eq(len([n for n in chris.ok("GET", "/api/v1/cases/" + more[0])["notes"] if n["body"] == "x"]), 0,
           "no note was written")


def test_search_inside_views_ranked():
    with Server(demo=True, start=START) as s:
        sofia = s.login("sofia@harbor-financial.example", "harbor-financial")
        for word in ("Mia", "refund"):
            subjects = [c["subject"] for c in q(sofia, view="open", q=word)["items"]]
            check("$120 in fees from our posting error" in subjects, "S3's refund found by %r in all open" % word)
        eq(q(sofia, view="open", q="refund")["sort"], "relevance", "ranked when no sort is asked")
        chris = s.login("chris@%s.example" % V, V)
        body_hit = open_case(chris, "Printer jams", "Hal Body", summary="the zebracorn model jams")["id"]
        s.advance(minutes=1)
        head_hit = open_case(chris, "Zebracorn will not start", "Ann Head")["id"]
        eq(ids(chris, view="mine", q="zebracorn"), [head_hit, body_hit], "a subject match ranks above a contact summary")
        n = chris.ok("GET", "/api/v1/cases/" + body_hit)["number"]
        eq(ids(chris, view="mine", q="#%d" % n)[:1], [body_hit], "the case number first")
        eq(ids(chris, view="open", q="zebracorn", sort="created"), [head_hit, body_hit], "a sort asked for wins")
        eq(ids(chris, view="team", q="zebracorn"), ids(chris, view="mine", q="zebracorn"), "inside any view")
        eq(q(chris, view="mine", q="  ")["items"], q(chris, view="mine")["items"], "blank words search nothing")


def test_duplicates_flagged_and_merged():
    with Server(demo=True, start=START) as s:
        chris = s.login("chris@%s.example" % V, V)
        devon = s.login("devon@%s.example" % V, V)   # support: may not merge
        riley = s.login("riley@%s.example" % V, V)   # leader: may not either
        sam = chris.ok("GET", "/api/v1/customers?q=sam.carter@example.com")["items"][0]
        c1 = open_case(chris, "Phones again", "Samuel Carter", customer_email="SAM.CARTER@example.com")
        dup = c1["possible_duplicates"]
        eq([(d["id"], d["match"]) for d in dup], [(sam["id"], "email")], "same email: Sam is flagged")
        c2 = open_case(chris, "Phones by phone", "S. Carter", customer_phone="(217) 555-0142 ")
        eq([d["match"] for d in c2["possible_duplicates"] if d["id"] == sam["id"]], ["phone"], "same phone digits")
        c3 = open_case(chris, "Someone else", "Unrelated Person", customer_email="unrelated@example.org")
        eq(c3["possible_duplicates"], [], "nobody alike: nothing flagged")
        new = c1["customer"]["id"]
        eq([d["id"] for d in chris.ok("GET", "/api/v1/customers/" + new)["possible_duplicates"]], [sam["id"]],
           "the customer page flags it too")
        path = "/api/v1/customers/%s/merge" % new
        err(devon.post(path, {"into": sam["id"]}), 403, "role_required", "support may not merge")
        err(riley.post(path, {"into": sam["id"]}), 403, "role_required", "a leader may not merge")
        err(chris.post(path, {"into": new}), 422, "merge_same_customer", "not into itself")
        err(chris.post(path, {"into": "cus_nope"}), 404, "customer_not_found", "into nobody")
        err(chris.post("/api/v1/customers/cus_nope/merge", {"into": sam["id"]}), 404, "customer_not_found", "nobody")
        err(chris.post(path, {}), 400, "required", "into is required")
        eq(chris.ok("GET", "/api/v1/customers/" + new)["merged_into"], None, "refusals changed nothing")
        r = chris.ok("POST", path, {"into": sam["id"], "reason": "same email"})
        eq((r["id"], r["merged"]["customer_id"], r["merged"]["cases_moved"]), (sam["id"], new, 1), "merged: one case moved")
        case = chris.ok("GET", "/api/v1/cases/" + c1["id"])
        eq(case["customer"]["id"], sam["id"], "the case is Sam's now")
        check(any(e["kind"] == "case.customer_merged" and e["data"]["from"] == new for e in case["history"]),
              "the case's history records the merge")
        check(c1["id"] in [x["id"] for x in chris.ok("GET", "/api/v1/customers/" + sam["id"])["cases"]], "Sam's cases")
        eq(chris.ok("GET", "/api/v1/customers/" + new)["merged_into"], sam["id"], "the merged customer points at Sam")
        check(new not in [x["id"] for x in chris.ok("GET", "/api/v1/customers?q=carter")["items"]],
              "merged customers leave the customer list")
        check(c1["id"] in [x["id"] for x in chris.ok("GET", "/api/v1/cases?q=sam.carter")["items"]],
              "the case is found by its new customer")
        err(chris.post(path, {"into": sam["id"]}), 422, "customer_merged", "merged once")


def test_command_line():
    db = new_db_url(tempfile.mkdtemp(prefix="fl-queues-"), "cli")
    run_cli("init", db=db)
    run_cli("demo", db=db)
    chris = "chris@%s.example" % V
    _, counts_out, _ = run_cli("queue", "counts", db=db, as_=chris)
    eq([i["view"] for i in counts_out["items"]], ["mine", "team", "offered", "unassigned", "open", "at_risk", "resolved"],
       "queue counts: every view")
    _, saved, _ = run_cli("queue", "saved", db=db, as_=chris)
    eq([v["name"] for v in saved["items"]], ["My chats"], "the demo's saved view")
    _, page, _ = run_cli("queue", "list", "--saved", saved["items"][0]["id"], db=db, as_=chris)
    check(all(c["channel"] == "chat" for c in page["items"]), "queue list --saved applies its filter")
    _, opened, _ = run_cli("case", "open", "--subject", "From the command line", "--channel", "phone", "--customer-name",
                           "Cli Customer", db=db, as_=chris)
    _, r, _ = run_cli("queue", "bulk", "--cases", "[%d]" % opened["number"], "--action", "note", "--body", "cli note",
                      db=db, as_=chris)
    eq((r["succeeded"], r["failed"]), (1, 0), "queue bulk by case number")
    rc, _, err = run_cli("queue", "list", "--view", "nowhere", db=db, as_=chris, check=False)
    check(rc == 2 and "invalid_value" in err, "a bad view exits 2 and says why: %d %s" % (rc, err))
    _, dup, _ = run_cli("case", "open", "--subject", "Again", "--channel", "phone", "--customer-name", "Sam C",
                        "--customer-email", "sam.carter@example.com", db=db, as_=chris)
    sam = [d for d in dup["possible_duplicates"] if d["name"] == "Sam Carter"]
    eq(len(sam), 1, "case open flags Sam as a likely duplicate")
    _, merged, _ = run_cli("customer", "merge", dup["customer"]["id"], "--into", sam[0]["id"], db=db, as_=chris)
    eq(merged["merged"]["cases_moved"], 1, "customer merge")


if __name__ == "__main__":
    run_module(globals())
