"""Case pages kept rendered (issue 14, svc/ledger/case_cache.c): a server keeps the text of a case's
page with the versions it was rendered at (migration 0024, bumped by triggers in every writer's
transaction).  Whatever changes the page, whoever writes it (this server, the command line in
another process, plain SQL), the next read shows it: every read here is compared with the page the
command line renders from the database (no kept pages there)."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from lib import Server, eq, run_cli, run_module  # noqa: E402

V = "vendor-co"
CHRIS, ADMIN = "chris@vendor-co.example", "admin@vendor-co.example"


def fresh(s, case_id, email):
    return run_cli("case", "show", case_id, db=s.db, as_=email)[1]


def same(s, client, email, case_id, what):
    page = client.ok("GET", "/api/v1/cases/" + case_id)
    eq(page, fresh(s, case_id, email), "the page after %s is the database's" % what)
    return page


def sql(s, statement):
    """A write that no service makes: straight into the database."""
    if s.db.startswith("postgres"):
        subprocess.run(["psql", s.db, "-qc", statement], check=True, capture_output=True)
    else:
        import sqlite3
        con = sqlite3.connect(s.db)
        con.execute(statement)
        con.commit()
        con.close()


def test_every_kind_of_change_shows_at_the_next_read():
    with Server(demo=True) as s:
        chris, admin = s.login(CHRIS, V), s.login(ADMIN, V)
        case = chris.ok("POST", "/api/v1/cases", {"subject": "Kept page", "channel": "chat", "customer_name": "Kay Kept",
                                                  "customer_email": "kay@example.com", "summary": "first"})
        cid = case["id"]
        same(s, chris, CHRIS, cid, "opening")
        again = same(s, chris, CHRIS, cid, "nothing")
        eq(again["subject"], "Kept page", "the kept page")

        chris.ok("POST", "/api/v1/cases/%s/notes" % cid, {"body": "a note", "visibility": "internal"})
        eq(len(same(s, chris, CHRIS, cid, "a note")["notes"]), 1, "the note shows")

        chris.ok("POST", "/api/v1/cases/%s/promises" % cid, {"what": "call back", "due_at": "2026-03-03T10:00:00Z",
                                                             "channel": "phone"})
        eq(len(same(s, chris, CHRIS, cid, "a promise")["promises"]), 1, "the promise shows")

        run_cli("case", "note", cid, "--body", "from the command line", "--visibility", "internal", db=s.db, as_=CHRIS)
        eq(len(same(s, chris, CHRIS, cid, "a note by another process")["notes"]), 2, "its note shows")

        me = chris.ok("GET", "/api/v1/me")
        person = me.get("person", me)
        admin.ok("PATCH", "/api/v1/people/" + person["id"], {"name": "Chris Renamed"})
        eq(same(s, chris, CHRIS, cid, "the owner's new name")["owner"]["name"], "Chris Renamed", "the new name shows")

        sql(s, "UPDATE touchpoints SET summary = 'edited in the database' WHERE case_id = '%s'" % cid)
        eq(same(s, chris, CHRIS, cid, "a plain SQL update")["touchpoints"][0]["summary"], "edited in the database",
           "a row changed by plain SQL shows")
        sql(s, "UPDATE customers SET name = 'Kay Renamed' WHERE id = '%s'" % case["customer"]["id"])
        eq(same(s, chris, CHRIS, cid, "the customer's new name")["customer"]["name"], "Kay Renamed", "the customer shows")

        s.advance(hours=30)  # the promise breaks: the scheduler's writes
        chris = s.login(CHRIS, V)
        eq(len(same(s, chris, CHRIS, cid, "the scheduler's pass")["breaches"]), 1, "the breach shows")


def test_another_organizations_reader_gets_404_when_the_page_is_kept():
    with Server(demo=True) as s:
        chris, alex = s.login(CHRIS, V), s.login("alex@lee-practice.example", "lee-practice")
        cid = chris.ok("GET", "/api/v1/cases?mine=true")["items"][0]["id"]
        chris.ok("GET", "/api/v1/cases/" + cid)
        chris.ok("GET", "/api/v1/cases/" + cid)
        r = alex.get("/api/v1/cases/" + cid)
        eq((r.status, r.json["error"]["code"]), (404, "case_not_found"), "another organization's case is unknown")


if __name__ == "__main__":
    run_module(globals())
