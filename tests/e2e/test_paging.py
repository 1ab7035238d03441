"""Lists page by cursor (issue 17): every list route takes `limit` and `cursor` and answers
{"items", "next"}.  Walking a list page by page gives exactly the rows of one big page, in the same
order; rows added during the walk don't shift it (keyset paging on the sort key and the id, one
mechanism in src/svc/page.c); a made-up cursor, or one from another list, is refused with 400
invalid_cursor and changes nothing."""
import base64
import json
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from lib import Server, check, eq, run_module  # noqa: E402

V = "vendor-co"


def paged_routes(s):
    """GET routes of the API document that take a cursor, and those that take a limit."""
    doc = s.openapi()
    cursor, limit = set(), set()
    for path, item in doc["paths"].items():
        op = item.get("get")
        if not op or "{" in path:
            continue
        names = {p["name"] for p in op.get("parameters", []) if p["in"] == "query"}
        if "cursor" in names:
            cursor.add(path)
        if "limit" in names:
            limit.add(path)
    return cursor, limit


def walk(client, path, limit, params=None, between=None):
    """Every item of a list, page by page; between(i) runs after page i."""
    items, cursor, pages = [], None, 0
    while True:
        q = dict(params or {}, limit=limit)
        if cursor:
            q["cursor"] = cursor
        page = client.ok("GET", path + "?" + urllib.parse.urlencode(q))
        check("next" in page, "%s answers next" % path)
        check(len(page["items"]) <= limit, "%s: a page holds at most limit items" % path)
        items += page["items"]
        pages += 1
        if between:
            between(pages)
        cursor = page["next"]
        if not cursor:
            return items, pages
        check(pages < 1000, "the walk ends")


# answers with a "limit" that are the best N of a ranking or one page of groups, not a list to walk
NOT_PAGED = ["/api/v1/articles/search", "/api/v1/oncall/who", "/api/v1/reports/leadership", "/api/v1/exception-reviews"]

# the lists that only some people see rows in: (path, query)
PATHS = {
    "/api/v1/offers": {"status": "accepted"},
    "/api/v1/events": {},
}


def test_every_list_pages_to_the_same_rows():
    with Server(demo=True) as s:
        cursor, limit = paged_routes(s)
        eq(sorted(limit - cursor), sorted(NOT_PAGED), "every list with a page size takes a cursor but the top-N answers")
        check(len(cursor) >= 16, "at least the 16 lists of issue 17 page by cursor (%d)" % len(cursor))
        admin = s.login("admin@%s.example" % V, V)
        for path in sorted(cursor):
            params = PATHS.get(path, {})
            whole, _ = walk(admin, path, 500, params)
            small = 1 if len(whole) < 60 else 7
            items, pages = walk(admin, path, small, params)
            eq(items, whole, "%s: page by page (limit %d) = pages of 500" % (path, small))
            check(pages * small >= len(whole), "%s walked in %d pages" % (path, pages))


def test_cases_walk_is_stable_while_cases_are_added():
    with Server(demo=True) as s:
        chris = s.login("chris@%s.example" % V, V)
        opened = []
        for i in range(7):
            opened.append(chris.ok("POST", "/api/v1/cases",
                                   {"subject": "Paging case %d" % i, "channel": "chat", "customer_name": "Pat Page"})["id"])
            s.advance(minutes=1)
        before = [c["id"] for c in chris.ok("GET", "/api/v1/cases?mine=true&limit=500")["items"]]

        def add(page):
            s.advance(minutes=1)
            chris.ok("POST", "/api/v1/cases", {"subject": "Added during the walk %d" % page, "channel": "chat",
                                               "customer_name": "Pat Page"})

        items, pages = walk(chris, "/api/v1/cases", 2, {"mine": "true"}, between=add)
        eq([c["id"] for c in items], before, "the walk saw exactly the cases there when it began, once each")
        check(pages >= 4, "in several pages (%d)" % pages)
        after = chris.ok("GET", "/api/v1/cases?mine=true&limit=500")["items"]
        eq(len(after), len(before) + pages, "the added cases are there for a new walk")
        # the search box's ranked list pages the same way
        found = chris.ok("GET", "/api/v1/cases?q=Paging&limit=500")["items"]
        eq(sorted(c["id"] for c in found), sorted(opened), "the search finds the seven")
        items, _ = walk(chris, "/api/v1/cases", 3, {"q": "Paging"})
        eq(items, found, "the ranked search pages to the same rows")


def test_bad_cursors_are_refused():
    with Server(demo=True) as s:
        admin = s.login("admin@%s.example" % V, V)
        first = admin.ok("GET", "/api/v1/people?limit=1")
        check(first["next"], "people has a second page")
        for bad in ["nonsense", "", "%%%", base64.urlsafe_b64encode(b'["people"]').decode().rstrip("="),
                    base64.urlsafe_b64encode(b'["people", 1, 2]').decode().rstrip("="),
                    base64.urlsafe_b64encode(json.dumps(["people", "x"]).encode()).decode().rstrip("=")]:
            r = admin.get("/api/v1/people?" + urllib.parse.urlencode({"limit": 1, "cursor": bad}))
            eq(r.status, 400, "cursor %r refused" % bad)
            if bad:
                eq(r.json["error"]["code"], "invalid_cursor", "its code (%r)" % bad)
            eq(r.json["error"]["field"], "cursor", "names the field")
        r = admin.get("/api/v1/customers?" + urllib.parse.urlencode({"cursor": first["next"]}))
        eq((r.status, r.json["error"]["code"]), (400, "invalid_cursor"), "another list's cursor is refused")
        second = admin.ok("GET", "/api/v1/people", {"limit": 1, "cursor": first["next"]})  # a GET's dict: the query
        check(second["items"][0]["id"] != first["items"][0]["id"], "the real cursor gives the next person")


if __name__ == "__main__":
    run_module(globals())
