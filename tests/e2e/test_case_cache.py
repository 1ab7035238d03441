"""Case pages kept rendered (issue 14, svc/ledger/case_cache.c): a server keeps the text of a case's
page with the versions it was rendered at (migration 0024, bumped by triggers in every writer's
transaction).  Whatever changes the page, whoever writes it (this server, the command line in
another process, plain SQL), the next read shows it: every read here is compared with the page the
command line renders from the database (no kept pages there)."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from lib import Server, check, eq, run_cli, run_module  # noqa: E402

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


def org_version(s, slug):
    """org_versions.v of an organization (0 when it has no row yet), read straight from the database."""
    q = "SELECT COALESCE((SELECT v FROM org_versions v JOIN orgs o ON o.id = v.org_id WHERE o.slug = '%s'), 0)" % slug
    if s.db.startswith("postgres"):
        return int(subprocess.run(["psql", s.db, "-qAtXc", q], check=True, capture_output=True, text=True).stdout)
    import sqlite3
    con = sqlite3.connect(s.db)
    try:
        return con.execute(q).fetchone()[0]
    finally:
        con.close()


def test_a_new_customer_leaves_the_organization_version():
    """A new customer (customer.created) changes no page kept: the organization's version stays, so
    one organization's case creations do not all take its org_versions row (issue 14, migration
    0033).  What a page shows of other changes without a case still moves it."""
    with Server(demo=True) as s:
        chris, admin = s.login(CHRIS, V), s.login(ADMIN, V)
        v0 = org_version(s, V)
        cust = chris.ok("POST", "/api/v1/customers", {"name": "Nina New", "email": "nina@example.com"})
        case = chris.ok("POST", "/api/v1/cases", {"subject": "New customer", "channel": "chat",
                                                  "customer_name": "Otto Other", "customer_email": "otto@example.com"})
        eq(org_version(s, V), v0, "a new customer, alone or with a new case, leaves the organization's version")
        same(s, chris, CHRIS, case["id"], "opening for a new customer")
        me = chris.ok("GET", "/api/v1/me")
        admin.ok("PATCH", "/api/v1/people/" + me.get("person", me)["id"], {"name": "Chris Moved"})
        check(org_version(s, V) > v0, "a person's change still moves it")
        v1 = org_version(s, V)
        admin.ok("POST", "/api/v1/customers/%s/merge" % cust["id"], {"into": case["customer"]["id"]})
        check(org_version(s, V) > v1, "a customer merged (an event without a case) still moves it")
        eq(same(s, chris, CHRIS, case["id"], "the merge")["customer"]["id"], case["customer"]["id"], "the page is current")


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


def test_list_rows_kept_show_every_change():
    """Case lists ("my open cases") keep each row rendered at its case's version
    (svc/ledger/case_list_rows.c): after each kind of change the list equals the one the command line
    renders (no kept rows there), pages continue by cursor, and ?format=csv still answers."""
    with Server(demo=True) as s:
        chris, admin = s.login(CHRIS, V), s.login(ADMIN, V)
        opened = "/api/v1/cases?status=open&limit=50"

        def listed(what):
            got = admin.ok("GET", opened)
            eq(got, run_cli("case", "list", "--status", "open", "--limit", "50", db=s.db, as_=ADMIN)[1],
               "the open cases after %s are the database's" % what)
            return got

        first = listed("nothing")
        eq(listed("nothing, read again (kept rows)"), first, "kept rows read the same")
        eq(len(first["items"]) > 3, True, "the demo has open cases to list")
        cid = first["items"][0]["id"]
        sql(s, "UPDATE cases SET subject = 'renamed in the database' WHERE id = '%s'" % cid)
        eq([i["subject"] for i in listed("a plain SQL update")["items"] if i["id"] == cid], ["renamed in the database"],
           "the row shows the new subject")
        cust = first["items"][1]["customer"]["id"]
        sql(s, "UPDATE customers SET name = 'Renamed Customer' WHERE id = '%s'" % cust)
        eq({i["customer"]["name"] for i in listed("the customer's new name")["items"] if i["customer"]["id"] == cust},
           {"Renamed Customer"}, "the customer's new name shows in every row of theirs")
        me = chris.ok("GET", "/api/v1/me")
        chris_id = me.get("person", me)["id"]
        admin.ok("PATCH", "/api/v1/people/" + chris_id, {"name": "Chris Listed"})
        eq({i["owner"]["name"] for i in listed("the owner's new name")["items"] if i["owner"]["id"] == chris_id},
           {"Chris Listed"}, "the owner's new name")
        last = first["items"][-1]["id"]
        admin.ok("POST", "/api/v1/cases/%s/notes" % last, {"body": "moves it", "visibility": "internal"})
        eq(last in [i["id"] for i in listed("a note (a new updated_at)")["items"]], True, "the noted case is listed")
        page = admin.ok("GET", "/api/v1/cases?status=open&limit=2")
        rest = admin.ok("GET", "/api/v1/cases?status=open&limit=50&cursor=" + (page["next"] or ""))
        eq([i["id"] for i in page["items"] + rest["items"]], [i["id"] for i in listed("paging")["items"]],
           "the cursor continues the list")
        csv = admin.get(opened + "&format=csv")
        eq((csv.status, csv.headers.get("Content-Type", "").startswith("text/csv")), (200, True), "CSV still answers")


def test_another_organizations_reader_gets_404_when_the_page_is_kept():
    with Server(demo=True) as s:
        chris, alex = s.login(CHRIS, V), s.login("alex@lee-practice.example", "lee-practice")
        cid = chris.ok("GET", "/api/v1/cases?mine=true")["items"][0]["id"]
        chris.ok("GET", "/api/v1/cases/" + cid)
        chris.ok("GET", "/api/v1/cases/" + cid)
        r = alex.get("/api/v1/cases/" + cid)
        eq((r.status, r.json["error"]["code"]), (404, "case_not_found"), "another organization's case is unknown")


READER_KEYS = ("mail", "reviews", "exceptions", "actions", "attachments", "mail_proposals")


def test_a_page_with_parts_for_its_reader_is_kept_without_them():
    """A page whose mail, reviews or exceptions depend on who reads it is kept without those parts,
    which run again at every read: a read of it unchanged sends fewer statements than rendering it,
    and each reader still gets the page the database gives that reader."""
    os.environ["FRONTLINE_COUNT_STATEMENTS"] = "1"
    try:
        s = Server(demo=True).start()
    finally:
        del os.environ["FRONTLINE_COUNT_STATEMENTS"]
    try:
        chris, admin = s.login(CHRIS, V), s.login(ADMIN, V)
        cid = None
        for item in chris.ok("GET", "/api/v1/cases?limit=200")["items"]:
            page = chris.ok("GET", "/api/v1/cases/" + item["id"])
            if any(page.get(k) for k in READER_KEYS):
                cid = item["id"]
                break
        check(cid is not None, "the demo has a case whose page has parts for its reader")
        chris.ok("POST", "/api/v1/cases/%s/notes" % cid, {"body": "a note", "visibility": "internal"})
        rendered = chris.get("/api/v1/cases/" + cid)
        kept = chris.get("/api/v1/cases/" + cid)
        eq((rendered.status, kept.status), (200, 200), "both reads")
        n_rendered, n_kept = int(rendered.headers["X-Statements"]), int(kept.headers["X-Statements"])
        check(n_kept < n_rendered, "the kept read sends fewer statements (%d) than the render (%d)" % (n_kept, n_rendered))
        eq(kept.json, rendered.json, "the kept page with its reader's parts is the rendered one")
        eq(kept.json, fresh(s, cid, CHRIS), "and the database's")
        eq(len(kept.json["notes"]), 1 + len([n for n in rendered.json["notes"] if n["body"] != "a note"]), "the note shows")
        eq(admin.ok("GET", "/api/v1/cases/" + cid), fresh(s, cid, ADMIN), "another reader gets that reader's page")
        eq(admin.ok("GET", "/api/v1/cases/" + cid), fresh(s, cid, ADMIN), "kept for them too")
    finally:
        s.stop()


if __name__ == "__main__":
    run_module(globals())
