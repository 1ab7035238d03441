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


def login(s, email, password=PASSWORD, addr=None, org=V):
    """One sign-in attempt, optionally as if forwarded for addr by a proxy."""
    h = {"X-Forwarded-For": addr} if addr else None
    return Client(s).request("POST", "/api/v1/auth/login", {"org": org, "email": email, "password": password},
                             headers=h)


def retry_after(r):
    return int(r.headers.get("Retry-After", "0"))


def fnv1a(text):
    h = 2166136261
    for b in text.encode():
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


def colliding_emails(victim_key, n):
    """Made-up emails whose sign-in counter key lands on the victim's slot of the old fixed
    4096-slot table (FNV-1a, 8 probes): enough of them used to push the victim's counter out."""
    slot = fnv1a(victim_key) % 4096
    out, i = [], 0
    while len(out) < n:
        e = "made-up-%d@vendor-co.example" % i
        if fnv1a(V + "|" + e) % 4096 == slot:
            out.append(e)
        i += 1
    return out


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
                      {"mon": "09:00-12:00,11:00-13:00"}, {"mon": 9}, {"\u20ac" * 30: "closed"}):
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


def test_signin_counters_cannot_be_evicted():
    """Item 3: failed sign-ins on made-up emails can't push a victim's counter out."""
    with Server(demo=True) as s:
        for i in range(5):
            eq(login(s, DANA, "guess-%d" % i).status, 401, "a wrong password")
        r = login(s, DANA)
        eq((r.status, err_code(r)), (429, "too_many_attempts"), "after 5 failures even the right password waits")
        check(retry_after(r) >= 1, "and the answer says when to try again: %r" % r.headers.get("Retry-After"))
        for e in colliding_emails(V + "|" + DANA, 12):
            s.advance(ms=1)  # each made-up counter is newer than Dana's (the old table evicted the oldest)
            login(s, e, "x" * 12)
        r = login(s, DANA)
        eq((r.status, err_code(r)), (429, "too_many_attempts"), "a dozen made-up emails did not evict Dana's counter")


def test_signin_slows_guessing_without_lockout():
    """Item 3: delays grow with each failure per account and per address, and a correct password
    after the delay works: nobody is locked out, not even behind a guesser's address."""
    with Server(demo=True) as s:
        for i in range(5):
            login(s, DANA, "guess-%d" % i)
        waits = []
        for i in range(4):
            r = login(s, DANA, "guess-again")
            eq(r.status, 429, "an attempt before the allowed time is refused (and counts nothing)")
            waits.append(retry_after(r))
            s.advance(ms=retry_after(r) * 1000)
            eq(login(s, DANA, "guess-%d" % (10 + i)).status, 401, "after the wait the password is checked again")
        check(waits == sorted(waits) and waits[-1] >= 4 * waits[0], "the delay grows: %r" % waits)
        r = login(s, DANA)
        s.advance(ms=retry_after(r) * 1000)
        eq(login(s, DANA).status, 200, "after the wait the right password works")
        eq(login(s, DANA, "one typo").status, 401, "a success starts the account's count again...")
        eq(login(s, DANA).status, 200, "...so one typo costs no wait")
        # many accounts from one address: the address is slowed, not shut (at most a minute)
        for i in range(25):
            login(s, "spray-%d@vendor-co.example" % i, "x" * 12)
        r = login(s, PAT)
        eq((r.status, err_code(r)), (429, "too_many_attempts"), "a spraying address waits, whoever signs in")
        check(1 <= retry_after(r) <= 60, "for at most a minute: %r" % r.headers.get("Retry-After"))
        s.advance(ms=retry_after(r) * 1000)
        eq(login(s, PAT).status, 200, "then Pat signs in")


def test_trusted_proxies():
    """Item 3: X-Forwarded-For is believed only from the configured proxy addresses."""
    with Server(demo=True) as s:
        for i in range(5):
            login(s, DANA, "guess-%d" % i, addr="198.51.100.1")
        eq(login(s, DANA, addr="198.51.100.2").status, 429, "without trusted proxies the header is ignored")
    with Server(demo=True, extra_args=["--trusted-proxies", "127.0.0.1, 10.0.0.0/8"]) as s:
        for i in range(5):
            login(s, DANA, "guess-%d" % i, addr="198.51.100.1")
        eq(login(s, DANA, addr="198.51.100.1").status, 429, "the guessing address waits")
        eq(login(s, DANA, addr="198.51.100.2").status, 200, "Dana from her own address does not")
        eq(login(s, DANA, addr="1.1.1.1, 198.51.100.1").status, 429,
           "a client can't pick its address: only the entry our proxy added counts")
        # guessing one account from many addresses: the account is slowed (at most a minute), not locked
        for i in range(25):
            login(s, PAT, "guess-%d" % i, addr="203.0.113.%d" % i)
        r = login(s, PAT, addr="192.0.2.1")
        eq((r.status, err_code(r)), (429, "too_many_attempts"), "a guessed-at account waits from anywhere")
        check(1 <= retry_after(r) <= 60, "for at most a minute: %r" % r.headers.get("Retry-After"))
        s.advance(ms=retry_after(r) * 1000)
        eq(login(s, PAT, addr="192.0.2.1").status, 200, "then Pat signs in")
    code, _, err = run_cli("serve", "--db", "/nonexistent.db", "--trusted-proxies", "localhost", check=False,
                           json_out=False)
    check(code == 2 and "trusted proxies" in err, "a trusted-proxy list that is not addresses stops the server: %d %s"
          % (code, err))


def test_signin_flood_keeps_server_responsive():
    """Item 3: a flood of valid sign-ins can't take every worker: password checks run a few at a
    time, the others are answered at once with 503 signin_busy and Retry-After."""
    import threading
    import time
    with Server(demo=True, threads=4) as s:
        statuses, lock, stop = {}, threading.Lock(), time.time() + 3
        busy = []

        def flood():
            while time.time() < stop:
                r = login(s, CHRIS)
                with lock:
                    statuses[r.status] = statuses.get(r.status, 0) + 1
                    if r.status == 503 and not busy:
                        busy.append(r)

        ts = [threading.Thread(target=flood) for _ in range(8)]
        for t in ts:
            t.start()
        health = []
        while time.time() < stop:
            t0 = time.time()
            eq(Client(s).get("/healthz").status, 200, "health answers during the flood")
            health.append(time.time() - t0)
            time.sleep(0.05)
        for t in ts:
            t.join()
        eq(set(statuses) - {200, 503}, set(), "every sign-in succeeds or is told to retry: %r" % statuses)
        check(statuses.get(200, 0) > 0 and busy, "some sign in, the rest are turned away: %r" % statuses)
        if busy:
            eq((err_code(busy[0]), retry_after(busy[0])), ("signin_busy", 1), "busy, retry in a second")
        health.sort()
        print("  healthz during the flood: median %.1f ms, max %.1f ms; sign-ins %r"
              % (health[len(health) // 2] * 1000, health[-1] * 1000, statuses))


def test_expired_sessions_are_deleted():
    """Item 3: the scheduler deletes expired sessions, so floods of sign-ins don't pile up."""
    with Server(demo=True) as s:
        for _ in range(3):
            s.login(CHRIS, V)
        login(s, DANA, "a typo")
        tick = s.advance(hours=13)["tick"]  # moving the clock runs a scheduler pass
        check(tick.get("sessions_deleted", 0) >= 3, "the tick deleted the expired sessions: %r" % tick)
        tick = Client(s).ok("POST", "/api/v1/test/clock", {"tick": True})["tick"]
        eq(tick.get("sessions_deleted", 0), 0, "and there is nothing left to delete")
        eq(tick.get("signin_counters_forgotten", 0), 0, "a failure is remembered for a day...")
        tick = s.advance(hours=12)["tick"]
        check(tick.get("signin_counters_forgotten", 0) >= 1, "...then forgotten: %r" % tick)


def all_events(client):
    out, after = [], 0
    while True:
        page = client.ok("GET", "/api/v1/events?after=%d&limit=500" % after)["items"]
        if not page:
            return out
        out += page
        after = page[-1]["seq"]


def test_password_change_needs_current_password():
    """Item 7: a stolen token can't change the password; guessing the current one through it is
    slowed like sign-in; an admin's reset of someone else's password is allowed and recorded."""
    with Server(demo=True) as s:
        chris = s.login(CHRIS, V)
        me = chris.ok("GET", "/api/v1/me")
        stolen = Client(s, token=chris.ok("POST", "/api/v1/tokens", {"name": "script"}, status=201)["token"])
        path = "/api/v1/people/%s/password" % me["id"]
        r = stolen.post(path, {"password": "taken-over-123"})
        eq((r.status, err_code(r), r.json["error"].get("field")), (400, "required", "current_password"),
           "no current password -> refused")
        r = stolen.post(path, {"password": "taken-over-123", "current_password": "a guess"})
        eq((r.status, err_code(r)), (403, "wrong_password"), "a wrong current password -> refused")
        eq(login(s, CHRIS).status, 200, "the password did not change")
        for i in range(5):  # (the sign-in above cleared the account's count)
            stolen.post(path, {"password": "taken-over-123", "current_password": "guess-%d" % i})
        r = stolen.post(path, {"password": "taken-over-123", "current_password": PASSWORD})
        eq((r.status, err_code(r)), (429, "too_many_attempts"), "guessing through a token is slowed like sign-in")
        check(retry_after(r) >= 1, "with Retry-After")
        s.advance(ms=retry_after(r) * 1000)
        r = stolen.post(path, {"password": "my-new-password", "current_password": PASSWORD})
        eq((r.status, r.json.get("reset")), (200, False), "with the current password the owner changes it")
        eq(chris.get("/api/v1/me").status, 401, "the sign-in sessions ended")
        eq(login(s, CHRIS, "my-new-password").status, 200, "the new password works")
        admin = s.login(ADMIN, V)
        pat_id = admin.ok("GET", "/api/v1/people/" + PAT)["id"]
        r = s.login(DANA, V).post("/api/v1/people/%s/password" % pat_id, {"password": "dana-says-so"})
        eq((r.status, err_code(r)), (403, "role_required"), "only an admin resets someone else's password")
        r = admin.post("/api/v1/people/%s/password" % pat_id, {"password": "reset-by-admin"})
        eq((r.status, r.json.get("reset")), (200, True), "an admin resets Pat's password without knowing it")
        eq(login(s, PAT, "reset-by-admin").status, 200, "and Pat signs in with it")
        kinds = [(e["kind"], e.get("entity_id")) for e in all_events(admin) if e["kind"].startswith("person.password")]
        eq(kinds[-2:], [("person.password_set", me["id"]), ("person.password_reset", pat_id)],
           "the own change and the admin's reset are recorded apart")
        code, _, _ = run_cli("person", "password", CHRIS, "--password", "cli-password-1", db=s.db, as_=CHRIS,
                             check=False)
        eq(code, 2, "the command line asks for the current password too")


def test_api_tokens_expire_and_can_be_listed_and_revoked():
    """Item 7: tokens take an optional expiry; their owner and admins list and revoke them."""
    with Server(demo=True) as s:
        chris = s.login(CHRIS, V)
        r = chris.post("/api/v1/tokens", {"name": "old", "expires_at": "2026-03-01T00:00:00Z"})
        eq((r.status, err_code(r)), (400, "time_in_past"), "an expiry in the past is refused")
        short = chris.ok("POST", "/api/v1/tokens", {"name": "an hour", "expires_at": "2026-03-02T16:00:00Z"}, status=201)
        eq(short["expires_at"][:19], "2026-03-02T16:00:00", "the token says when it expires")
        forever = chris.ok("POST", "/api/v1/tokens", {"name": "forever"}, status=201)
        eq(forever["expires_at"], None, "without expires_at a token does not expire")
        mine = {t["name"]: t for t in chris.ok("GET", "/api/v1/tokens")["items"]}
        eq((mine["an hour"]["active"], mine["an hour"]["expires_at"][:19]), (True, "2026-03-02T16:00:00"),
           "listed with its expiry")
        eq(Client(s, token=short["token"]).get("/api/v1/me").status, 200, "it works before it expires")
        s.advance(hours=2)
        eq(Client(s, token=short["token"]).get("/api/v1/me").status, 401, "and not after")
        eq(Client(s, token=forever["token"]).get("/api/v1/me").status, 200, "the other still works")
        names = [t["name"] for t in chris.ok("GET", "/api/v1/tokens")["items"] if t["active"]]
        eq(names, ["forever"], "only live tokens are active")
        pat = s.login(PAT, V)
        r = pat.get("/api/v1/tokens?person=" + CHRIS)
        eq((r.status, err_code(r)), (403, "role_required"), "nobody else lists Chris's tokens...")
        admin = s.login(ADMIN, V)
        listed = admin.ok("GET", "/api/v1/tokens?person=" + CHRIS)["items"]
        check(any(t["id"] == forever["id"] for t in listed), "...but an admin does")
        admin.ok("POST", "/api/v1/tokens/%s/revoke" % forever["id"])
        eq(Client(s, token=forever["token"]).get("/api/v1/me").status, 401, "and revokes it")
        t = [x for x in chris.ok("GET", "/api/v1/tokens")["items"] if x["id"] == forever["id"]][0]
        check(t["revoked_at"] and not t["active"], "the owner sees it revoked: %r" % t)
        code, out, _ = run_cli("token", "list", "--person", CHRIS, db=s.db, as_=ADMIN)
        check(any(x["id"] == forever["id"] for x in out["items"]), "the command line lists them too")


def test_unknown_nested_keys_are_refused():
    """Item 17: unknown keys inside nested objects (answers[].respondent, raise_issue.raised_by,
    layers[].windows[].x) are refused like unknown top-level keys, naming the path; nothing is stored."""
    with Server(demo=True) as s:
        admin, jo = s.login(ADMIN, V), s.login("jo@vendor-co.example", V)
        survey = admin.ok("POST", "/api/v1/surveys", {"team": "Customer Care"})
        path = "/api/v1/surveys/%s/responses" % survey["id"]
        issues = len(jo.ok("GET", "/api/v1/system-issues")["items"])
        r = jo.post(path, {"answers": [{"question": 1, "rating": 4}, {"question": 2, "rating": 2,
                                                                        "respondent": "per_somebody_else"}]})
        eq((r.status, err_code(r), r.json["error"].get("field")), (400, "unknown_field", "answers[1].respondent"),
           "an unknown key inside an answer is refused")
        r = jo.post(path, {"answers": [{"question": 2, "rating": 2}],
                           "raise_issue": {"title": "Resend status missing", "raised_by": "per_somebody_else"}})
        eq((r.status, err_code(r), r.json["error"].get("field")), (400, "unknown_field", "raise_issue.raised_by"),
           "an unknown key inside raise_issue is refused")
        r = jo.post(path, {"answers": [{"question": "two"}]})
        eq((r.status, err_code(r), r.json["error"].get("field")), (400, "wrong_type", "answers[0].question"),
           "nested types are checked too")
        eq(len(jo.ok("GET", "/api/v1/system-issues")["items"]), issues, "no issue was raised")
        ok = jo.ok("POST", path, {"answers": [{"question": 1, "rating": 4}]}, status=201)
        check(ok["response_id"], "the same answer without the stray key is taken (nothing was stored before)")
        rota = {"name": "Billing nights", "skill": "billing",
                "layers": [{"members": [ADMIN], "windows": [{"days": ["mon"], "from": "18:00", "to": "22:00",
                                                             "note": "x"}]}]}
        r = admin.post("/api/v1/rotas", rota)
        eq((r.status, err_code(r), r.json["error"].get("field")), (400, "unknown_field", "layers[0].windows[0].note"),
           "at any depth")
        doc = s.openapi()
        body = doc["paths"]["/api/v1/surveys/{id}/responses"]["post"]["requestBody"]["content"]["application/json"]
        item = body["schema"]["properties"]["answers"]["items"]
        eq((item.get("additionalProperties"), sorted(item["properties"])), (False, ["question", "rating", "text"]),
           "the API document describes the nested objects")


if __name__ == "__main__":
    run_module(globals())
