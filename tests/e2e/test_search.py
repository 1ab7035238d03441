"""The search box over cases (GET /api/v1/cases?q=, issue 14/15): an index kept in step with every
write, on both backends.  Case numbers ("#123" and "123"), any part of a customer's email or phone,
names, subjects, notes, contact summaries, requests, resolutions and owners; ranked; scoped to the
organization; search syntax in the query is inert."""
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from lib import Server, check, eq, run_cli, run_module  # noqa: E402

V = "vendor-co"
H = "harbor-financial"
START = "2030-01-07T17:00:00Z"


def ids(client, q, **filters):
    params = dict(filters, q=q)
    return [c["id"] for c in client.ok("GET", "/api/v1/cases?" + urllib.parse.urlencode(params))["items"]]


def open_case(client, subject, name, email="", phone="", summary="first contact"):
    body = {"subject": subject, "channel": "phone", "customer_name": name, "summary": summary}
    if email:
        body["customer_email"] = email
    if phone:
        body["customer_phone"] = phone
    return client.ok("POST", "/api/v1/cases", body)


def test_s3_refund_found_by_owner_and_by_word():
    with Server(demo=True, start=START) as s:
        sofia = s.login("sofia@%s.example" % H, H)
        refund = [c for c in sofia.ok("GET", "/api/v1/cases?limit=100")["items"]
                  if c["subject"] == "$120 in fees from our posting error"]
        eq(len(refund), 1, "the demo's S3 refund case is there")
        check(refund[0]["id"] in ids(sofia, "Mia"), "found by its owner's name, Mia")
        check(refund[0]["id"] in ids(sofia, "refund"), "found by 'refund' (its resolution: all $120 is refunded)")
        check(refund[0]["id"] in ids(sofia, "mia"), "case does not matter")


def test_partial_email_and_phone():
    with Server(demo=True, start=START) as s:
        chris = s.login("chris@vendor-co.example", V)
        a = open_case(chris, "Tablet will not charge", "Nora Lindqvist", email="nora.lindqvist@fjordmail.example",
                      phone="+1 (415) 867-0199")["id"]
        b = open_case(chris, "Tablet will not charge either", "Per Holm", email="per.holm@example.com",
                      phone="+1 312 867 0123")["id"]
        eq(ids(chris, "lindqvist@fjord"), [a], "part of the email around the @")
        eq(ids(chris, "fjordmail"), [a], "the email's domain alone")
        eq(ids(chris, "nora.lindq"), [a], "the start of the email")
        eq(ids(chris, "867-0199"), [a], "the end of the phone number, formatted")
        eq(ids(chris, "0199"), [a], "the last four digits")
        eq(ids(chris, "(415) 867"), [a], "the area code and exchange")
        eq(ids(chris, "4158670199"), [a], "the digits only")
        eq(ids(chris, "+1 312 867 0123"), [b], "the whole number as the customer wrote it")
        eq(sorted(ids(chris, "867")), sorted([a, b]), "a part both numbers share finds both")
        eq(ids(chris, "holm lindqvist"), [], "every word must match")


def test_case_number_with_and_without_hash():
    with Server(demo=True, start=START) as s:
        chris = s.login("chris@vendor-co.example", V)
        made = [open_case(chris, "Numbered case %d" % i, "Numbered Customer %d" % i) for i in range(3)]
        target = made[1]
        n = target["number"]
        eq(ids(chris, "#%d" % n)[:1], [target["id"]], "#%d finds case %d first" % (n, n))
        eq(ids(chris, str(n))[:1], [target["id"]], "%d alone finds it first" % n)
        eq(ids(chris, " #%d " % n)[:1], [target["id"]], "spaces around do not matter")
        eq(ids(chris, "#999999"), [], "no such number, nothing found")


def test_index_follows_every_write_that_changes_text():
    with Server(demo=True, start=START) as s:
        chris = s.login("chris@vendor-co.example", V)
        admin = s.login("admin@vendor-co.example", V)
        cid = open_case(chris, "Router keeps dropping", "Quinn Okafor", summary="wifi drops at night")["id"]
        eq(ids(chris, "drops at night"), [cid], "the first contact's summary")
        chris.ok("POST", "/api/v1/cases/%s/notes" % cid, {"body": "checked the xylophone firmware"})
        eq(ids(chris, "xylophone"), [cid], "a note, at once")
        chris.ok("POST", "/api/v1/cases/%s/touchpoints" % cid, {"channel": "email", "direction": "outbound",
                                                                "summary": "sent the quokka manual"})
        eq(ids(chris, "quokka"), [cid], "a later contact")
        chris.ok("POST", "/api/v1/cases/%s/requests" % cid, {"what": "replace the marmalade antenna",
                                                              "due_at": "2030-01-09T17:00:00Z",
                                                              "to_team": "Phone Sales"})
        eq(ids(chris, "marmalade"), [cid], "a request")
        chris.ok("POST", "/api/v1/cases/%s/resolve" % cid, {"resolution": "swapped the zeppelin router", "open_requests": "keep"})
        eq(ids(chris, "zeppelin"), [cid], "the resolution")
        eq(ids(chris, "zeppelin", status="open"), [], "and the other filters still apply")
        before = admin.ok("GET", "/api/v1/people/chris@vendor-co.example")
        admin.ok("PATCH", "/api/v1/people/" + before["id"], {"name": "Kit Marlowe"})
        check(cid in ids(chris, "Kit Marlowe"), "the owner's new name")
        check(cid not in ids(chris, "Chris Young"), "and no longer the old one")
        # the maintenance command merges the indexes while the server runs; every answer stays
        run_cli("search-optimize", db=s.db, json_out=False)
        eq(ids(chris, "zeppelin"), [cid], "after search-optimize, a word")
        eq(ids(chris, "eppeli"), [cid], "a part inside a word (the trigram index)")
        check(cid in ids(chris, "Kit Marlowe"), "and the owner")


def test_ranked_scoped_and_inert():
    with Server(demo=True, start=START) as s:
        chris = s.login("chris@vendor-co.example", V)
        in_note = open_case(chris, "Billing question", "Rowan Jx")["id"]
        chris.ok("POST", "/api/v1/cases/%s/notes" % in_note, {"body": "customer mentioned a kumquat"})
        in_subject = open_case(chris, "Kumquat delivery late", "Ellis Marr")["id"]
        eq(ids(chris, "kumquat"), [in_subject, in_note], "a subject match ranks above a note match")
        other = s.login("admin@harbor-financial.example", H)
        open_case(other, "Kumquat at the harbor", "Harbor Kumquat")
        eq(ids(chris, "kumquat"), [in_subject, in_note], "another organization's cases never show")
        for q in ['"*(: zzqx^ -', "100%zz", "a_bzz", "zzqx OR kumquat", 'kumquat" OR "zzqx', "NEAR(kumquat", "\\"]:
            r = chris.get("/api/v1/cases?" + urllib.parse.urlencode({"q": q}))
            eq((r.status, r.json["items"] if r.json else None), (200, []), "search syntax is inert: %r" % q)
        eq(ids(chris, "Jx"), [in_note], "a two-letter query still finds by a scan")
        eq(ids(chris, "#"), [], "a lone # finds nothing")


if __name__ == "__main__":
    run_module(globals())
