"""Access hardening over real HTTP (issue 13 items 3, 7, 15, 16, 17): sign-in throttling that slows
guessing without locking anyone out, trusted proxies, bounded sign-ins and expired sessions,
password changes that need the current password, token expiry / listing / revoking, the last
admin, one validation for locations, and unknown keys inside nested objects."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from lib import Client, Server, check, eq, run_cli, run_module  # noqa: E402

V = "vendor-co"
CHRIS = "chris@vendor-co.example"
PAT = "pat@vendor-co.example"
DANA = "dana@vendor-co.example"
ADMIN = "admin@vendor-co.example"
PASSWORD = "frontline-demo"


def err_code(r):
    return (r.json or {}).get("error", {}).get("code")


def location_count(client):
    return len(client.ok("GET", "/api/v1/locations")["items"])


def test_location_create_validates_like_patch():
    """Item 16: POST /locations refuses what PATCH refuses (fake zones, bad opening hours)."""
    with Server(demo=True) as s:
        admin = s.login(ADMIN, V)
        before = location_count(admin)
        for tz in ("America", "zone.tab", "Mars/Olympus", "../etc/passwd"):
            r = admin.post("/api/v1/locations", {"name": "Store 99", "tz": tz})
            eq((r.status, err_code(r), (r.json or {}).get("error", {}).get("field")), (400, "unknown_time_zone", "tz"),
               "POST refuses the time zone %r" % tz)
        for hours in ({"xyz": "whenever"}, {"mon": "whenever"}, {"mon": "13:00-17:00,09:00-12:00"},
                      {"mon": "09:00-12:00,11:00-13:00"}, {"mon": 9}):
            r = admin.post("/api/v1/locations", {"name": "Store 99", "tz": "America/Chicago", "hours": hours})
            eq((r.status, err_code(r)), (400, "invalid_hours"), "POST refuses the hours %r" % hours)
            loc = admin.ok("GET", "/api/v1/locations")["items"][0]["id"]
            r = admin.patch("/api/v1/locations/" + loc, {"hours": hours})
            eq((r.status, err_code(r)), (400, "invalid_hours"), "PATCH refuses the hours %r too" % hours)
        eq(location_count(admin), before, "nothing was created")
        made = admin.ok("POST", "/api/v1/locations", {"name": "Store 99", "tz": "America/Chicago",
                                                      "hours": {"mon": "09:00-12:00,13:00-17:00", "sun": "closed"}},
                        status=201)
        eq(made["tz"], "America/Chicago", "a real zone and good hours are accepted")
        eq(admin.ok("POST", "/api/v1/locations", {"name": "Store 100"}, status=201)["tz"], "UTC", "the default is UTC")


def test_last_admin_cannot_step_down():
    """Item 15: the last active admin can neither demote nor deactivate themself (409 last_admin)."""
    with Server(demo=True) as s:
        admin = s.login(ADMIN, V)
        me = admin.ok("GET", "/api/v1/me")
        for change in ({"role": "leader"}, {"active": False}, {"role": "support", "active": False}):
            r = admin.patch("/api/v1/people/" + me["id"], change)
            eq((r.status, err_code(r)), (409, "last_admin"), "the last admin can't %r" % change)
        after = admin.ok("GET", "/api/v1/people/" + me["id"])
        eq((after["role"], after["active"]), ("admin", True), "nothing changed")
        eq(admin.patch("/api/v1/people/" + me["id"], {"title": "Owner"}).status, 200, "other changes still work")
        # with a second active admin, one may step down; then the other is the last
        dana = admin.ok("PATCH", "/api/v1/people/" + DANA, {"role": "admin"})
        admin.ok("PATCH", "/api/v1/people/" + me["id"], {"role": "leader"})
        second = s.login(DANA, V)
        r = second.patch("/api/v1/people/" + dana["id"], {"active": False})
        eq((r.status, err_code(r)), (409, "last_admin"), "now Dana is the last admin")
        second.ok("PATCH", "/api/v1/people/" + me["id"], {"role": "admin"})
        second.ok("PATCH", "/api/v1/people/" + dana["id"], {"role": "supervisor"})
        eq(second.get("/api/v1/people").status, 200, "a demoted admin still signs in")
        code, _, _ = run_cli("person", "update", ADMIN, "--role", "frontline", db=s.db, as_=ADMIN, check=False)
        eq(code, 5, "the command line refuses it too (exit 5: conflicting state)")


if __name__ == "__main__":
    run_module(globals())
