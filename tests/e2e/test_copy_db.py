"""copy-db (issue 9): an installation moves between databases with its history and hash chains
intact.  On SQLite alone it copies SQLite -> SQLite; with FRONTLINE_PG it copies PostgreSQL ->
SQLite -> a fresh PostgreSQL database.  Each copy passes `audit verify` and serves the same cases."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from lib import Server, check, eq, new_db_url, run_cli, run_module  # noqa: E402

CHRIS = "chris@vendor-co.example"
V = "vendor-co"


def build(s):
    chris = s.login("chris@vendor-co.example", V)
    pat = s.login("pat@vendor-co.example", V)
    ids = []
    for i in range(5):
        case = chris.ok("POST", "/api/v1/cases", {"subject": "Copy me %d — café ✓" % i, "channel": "phone",
                                                  "customer_name": "Sam O'Neil %d" % i, "summary": "it's \"quoted\" ?"})
        chris.ok("POST", "/api/v1/cases/%s/notes" % case["id"], {"body": "note with ? and $1 and 'quotes'",
                                                                 "visibility": "internal"})
        offer = chris.ok("POST", "/api/v1/cases/%s/offers" % case["id"], {"to": "pat@vendor-co.example"})
        if i % 2:
            pat.ok("POST", "/api/v1/offers/%s/accept" % offer["id"])
        s.advance(minutes=5)
        ids.append(case["id"])
    admin = s.login("admin@vendor-co.example", V)
    art = admin.ok("POST", "/api/v1/articles", {"title": "Warranty returns in store",
                                                "body": "Phones bought in store are returned to any store.",
                                                "tags": ["warranty", "returns"]})
    return ids, [pat.ok("GET", "/api/v1/cases/" + i) for i in ids], art["id"]


def views(db, ids):
    """The cases as served from db, and the article ids a search for "warranty" finds there."""
    s = Server(db=db)
    with s:
        pat = s.login("pat@vendor-co.example", V)
        hits = pat.ok("GET", "/api/v1/articles/search?q=warranty")["items"]
        return [pat.ok("GET", "/api/v1/cases/" + i) for i in ids], [h["id"] for h in hits]


def verify(db, what):
    code, out, err = run_cli("audit", "verify", db=db)
    eq(code, 0, "audit verify passes on %s: %s" % (what, err))
    return {o["org"]: o["events"] for o in out["orgs"]} if out else {}


def test_copy_keeps_history_and_chains():
    src = Server(demo=True)
    with src:
        ids, before, article = build(src)
    counts = verify(src.db, "the source")
    pg = os.environ.get("FRONTLINE_PG")
    mid = "sqlite:" + os.path.join(src.tmp, "copy.db")
    code, _, err = run_cli("copy-db", "--from", src.db if pg else "sqlite:" + src.db, "--to", mid, json_out=False)
    eq(code, 0, "copy-db to SQLite works: " + err)
    eq(verify(mid, "the SQLite copy"), counts, "the SQLite copy has every event")
    last = mid
    if pg:
        last = new_db_url(src.tmp)
        code, _, err = run_cli("copy-db", "--from", mid, "--to", last, json_out=False)
        eq(code, 0, "copy-db SQLite -> PostgreSQL works: " + err)
        eq(verify(last, "the PostgreSQL copy"), counts, "the PostgreSQL copy has every event")
    if pg:  # the SQLite copy of a PostgreSQL installation rebuilt its FTS5 search index
        eq(views(mid[len("sqlite:"):], ids)[1], [article], "search works on the SQLite copy")
    after, found = views(last.replace("sqlite:", "", 1) if last.startswith("sqlite:") else last, ids)
    eq(json.dumps(after, sort_keys=True), json.dumps(before, sort_keys=True), "the copy serves the same cases")
    eq(found, [article], "search finds the article on the copy")
    counts = verify(last, "the copy after use")  # signing in appends an event
    # the counters go on past the copied rows: a case opened on each copy takes the next number
    # (a number taken again would be refused: cases are unique by organization and number)
    for db in dict.fromkeys((mid, last)):
        code, opened, err = run_cli("case", "open", "--subject", "after the copy", "--channel", "email",
                                    "--customer-name", "Copied", db=db, as_=CHRIS, check=False)
        eq(code, 0, "a case opens on the copy %s: %s" % (db, err))
        check(opened["number"] > max(c["number"] for c in before), "numbered after the copied ones: %r" % opened["number"])
    counts = verify(last, "the copy after new cases")
    # copying into a database that already holds organizations is refused and changes nothing
    code, _, err = run_cli("copy-db", "--from", mid, "--to", last, json_out=False, check=False)
    check(code != 0 and "empty" in err, "copy-db refuses a non-empty target: %r" % err)
    eq(verify(last, "the refused target"), counts, "the refused target is unchanged")


if __name__ == "__main__":
    run_module(globals())
