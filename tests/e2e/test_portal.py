"""The customer portal over HTTP: single-use expiring links, customer sessions apart from staff
sessions, only the customer's own cases and only what is addressed to them, replies become
inbound touchpoints."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from lib import Client, Server, check, eq, run_module  # noqa: E402

V = "vendor-co"


def customer_id(staff, name):
    found = staff.ok("GET", "/api/v1/customers?q=" + name.replace(" ", "%20"))
    return [c for c in found["items"] if c["name"] == name][0]["id"]


def setup(s):
    chris = s.login("chris@vendor-co.example", V)
    sam = customer_id(chris, "Sam Carter")
    erin = customer_id(chris, "Erin Park")
    case = chris.ok("POST", "/api/v1/cases", {"subject": "Two phones", "channel": "chat", "customer_id": sam,
                                               "summary": "Sam wants two phones"})
    chris.ok("POST", "/api/v1/cases/%s/notes" % case["id"], {"body": "INTERNAL: stock system is flaky"})
    chris.ok("POST", "/api/v1/cases/%s/notes" % case["id"],
             {"body": "Your phones are reserved.", "visibility": "customer"})
    chris.ok("POST", "/api/v1/cases/%s/touchpoints" % case["id"],
             {"channel": "email", "direction": "outbound", "summary": "Emailed Sam the order number",
              "customer_visible": True})
    other = chris.ok("POST", "/api/v1/cases", {"subject": "Erin's refund", "channel": "phone", "customer_id": erin})
    return chris, sam, erin, case, other


def redeem(s, token):
    return Client(s).post("/api/v1/portal/redeem", {"token": token})


def portal_client(s, session):
    return Client(s, token=session["token"])


def test_link_is_single_use_and_shows_only_own_cases():
    with Server(demo=True) as s:
        chris, sam, erin, case, other = setup(s)
        link = chris.ok("POST", "/api/v1/customers/%s/portal-link" % sam, {})
        check(link["link"].startswith("/portal#token="), "the link points at the portal: %r" % link["link"])
        r = redeem(s, link["token"])
        eq(r.status, 200, "first redemption works")
        again = redeem(s, link["token"])
        eq(again.status, 401, "a link works only once")
        eq(again.json["error"]["code"], "portal_link_invalid", "used link code")
        check("fl_portal=" in r.headers.get("Set-Cookie", ""), "redemption sets the portal cookie")
        check("Path=/api/v1/portal" in r.headers.get("Set-Cookie", ""), "portal cookie is limited to the portal")
        p = portal_client(s, r.json)
        cases = p.ok("GET", "/api/v1/portal/cases")["items"]
        ids = [c["id"] for c in cases]
        check(case["id"] in ids and other["id"] not in ids, "Sam sees his case, not Erin's")
        owners = [chris.ok("GET", "/api/v1/cases/" + i)["customer"]["id"] for i in ids]
        check(all(o == sam for o in owners), "every case shown is Sam's")
        mine = [c for c in cases if c["id"] == case["id"]][0]
        texts = [u["text"] for u in mine["updates"]]
        check("Your phones are reserved." in texts, "customer-visible note shown: %r" % texts)
        check("Emailed Sam the order number" in texts, "customer-visible outbound touchpoint shown")
        check(not any("INTERNAL" in t for t in texts), "internal note never shown")
        check("Sam wants two phones" not in texts, "staff's inbound summary not shown")
        eq(mine["owner"], {"first_name": "Chris", "team": "Web Chat"}, "owner's first name and team only")
        # replying on another customer's case looks like an unknown case
        bad = p.post("/api/v1/portal/cases/%s/replies" % other["id"], {"body": "hello"})
        eq(bad.status, 404, "another customer's case is not found")
        ok = p.post("/api/v1/portal/cases/%s/replies" % case["id"], {"body": "Thanks, I'll come at 7"})
        eq(ok.status, 201, "reply accepted")
        staff_view = chris.ok("GET", "/api/v1/cases/" + case["id"])
        tps = [t for t in staff_view["touchpoints"] if t["channel"] == "portal"]
        eq(len(tps), 1, "the reply is a touchpoint on the case")
        eq(tps[0]["direction"], "inbound", "the reply is inbound")
        eq(tps[0]["summary"], "Thanks, I'll come at 7", "reply text kept")


def test_links_expire():
    with Server(demo=True) as s:
        chris, sam, erin, case, other = setup(s)
        link = chris.ok("POST", "/api/v1/customers/%s/portal-link" % sam, {"hours": 1})
        s.advance(minutes=61)
        r = redeem(s, link["token"])
        eq(r.status, 401, "an expired link is refused")
        eq(redeem(s, "not-a-token").status, 401, "an unknown token is refused")
        eq(chris.post("/api/v1/customers/%s/portal-link" % sam, {"hours": 0}).status, 400, "hours must be positive")


def test_customer_session_never_reaches_staff_routes():
    with Server(demo=True) as s:
        chris, sam, erin, case, other = setup(s)
        link = chris.ok("POST", "/api/v1/customers/%s/portal-link" % sam, {})
        sess = redeem(s, link["token"]).json
        p = portal_client(s, sess)
        for path in ("/api/v1/me", "/api/v1/cases", "/api/v1/cases/" + case["id"], "/api/v1/customers",
                     "/api/v1/people", "/api/v1/offers"):
            eq(p.get(path).status, 401, "portal token refused on " + path)
        # as a cookie too: the portal cookie under the staff cookie's name is still refused
        c = Client(s, cookie=sess["token"], csrf=sess["csrf_token"])
        eq(c.get("/api/v1/cases").status, 401, "portal token as staff cookie refused")
        # and a staff session never opens the portal
        eq(chris.get("/api/v1/portal/cases").status, 401, "staff token refused on the portal")
        eq(Client(s).get("/api/v1/portal/cases").status, 401, "no session, no portal")


def test_portal_cookie_needs_csrf():
    with Server(demo=True) as s:
        chris, sam, erin, case, other = setup(s)
        link = chris.ok("POST", "/api/v1/customers/%s/portal-link" % sam, {})
        sess = redeem(s, link["token"]).json
        cookie = {"Cookie": "fl_portal=" + sess["token"]}
        anon = Client(s)
        r = anon.request("POST", "/api/v1/portal/cases/%s/replies" % case["id"], {"body": "x"}, headers=cookie)
        eq(r.status, 403, "cookie without CSRF header refused")
        h = dict(cookie, **{"X-CSRF-Token": sess["csrf_token"]})
        r = anon.request("POST", "/api/v1/portal/cases/%s/replies" % case["id"], {"body": "x"}, headers=h)
        eq(r.status, 201, "cookie with CSRF header accepted")
        me = anon.request("GET", "/api/v1/portal/me", headers=cookie)
        eq(me.json["csrf_token"], sess["csrf_token"], "portal/me gives the CSRF token after a reload")
        out = anon.request("POST", "/api/v1/portal/logout", {}, headers=h)
        eq(out.status, 200, "sign out")
        eq(anon.request("GET", "/api/v1/portal/me", headers=cookie).status, 401, "signed-out session is dead")


def test_erins_link_never_shows_sams_case():
    with Server(demo=True) as s:
        chris, sam, erin, case, other = setup(s)
        link = chris.ok("POST", "/api/v1/customers/%s/portal-link" % erin, {})
        p = portal_client(s, redeem(s, link["token"]).json)
        ids = [c["id"] for c in p.ok("GET", "/api/v1/portal/cases")["items"]]
        check(other["id"] in ids and case["id"] not in ids, "Erin sees her case, never Sam's")
        check(all(chris.ok("GET", "/api/v1/cases/" + i)["customer"]["id"] == erin for i in ids), "every case shown is Erin's")
        # another organization's staff can't make links for Vendor Co's customers
        alex = s.login("alex@lee-practice.example", "lee-practice")
        eq(alex.post("/api/v1/customers/%s/portal-link" % sam, {}).status, 404, "other org's customer is not found")


if __name__ == "__main__":
    run_module(globals())
