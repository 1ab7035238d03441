"""The HTTP API's rules over real HTTP to the real server (issue 3): every error status, no mass
assignment, idempotency, login against guessing, tokens and sign-out, GET never changes state,
CSRF, security headers, limits, health, structured logs without secrets, the OpenAPI document
matches the router, and the test clock exists only when asked for."""
import glob
import json
import os
import re
import socket
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from lib import BIN, ROOT, Client, Server, check, eq, run_module  # noqa: E402

V = "vendor-co"
CHRIS = "chris@vendor-co.example"
PAT = "pat@vendor-co.example"
DANA = "dana@vendor-co.example"
TAYLOR = "taylor@vendor-co.example"
ADMIN = "admin@vendor-co.example"

NEW_CASE = {"subject": "Two phones", "channel": "chat", "customer_name": "Sam Carter",
            "customer_phone": "+1 217 555 0142", "summary": "Sam wants two phones"}


def err_code(r):
    return (r.json or {}).get("error", {}).get("code")


def is_error_shape(r):
    e = (r.json or {}).get("error")
    return isinstance(e, dict) and isinstance(e.get("code"), str) and isinstance(e.get("message"), str)


def history(client, cid):
    return client.ok("GET", "/api/v1/cases/%s/history" % cid)["items"]


def case_count(client):
    """Cases this test made (the demo data holds cases of its own)."""
    items = client.ok("GET", "/api/v1/cases?limit=500")["items"]
    return sum(1 for c in items if c["subject"] == NEW_CASE["subject"])


def raw_http(port, data, timeout=10):
    """Send raw bytes; return (status or None when the server closed the connection, text)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(data)
    except OSError:
        pass
    buf = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
    except OSError:
        pass
    s.close()
    m = re.match(rb"HTTP/1\.[01] (\d{3})", buf)
    return (int(m.group(1)) if m else None), buf.decode("latin-1")


def test_error_statuses():
    with Server(demo=True) as s:
        chris = s.login(CHRIS, V)
        pat = s.login(PAT, V)
        case = chris.ok("POST", "/api/v1/cases", NEW_CASE)
        cid = case["id"]

        r = chris.request("POST", "/api/v1/cases", raw='{"subject": "x",')
        eq(r.status, 400, "malformed JSON -> 400")
        eq(err_code(r), "malformed_json", "malformed JSON code")
        check(is_error_shape(r), "error shape {error:{code,message}}: %r" % r)
        r = chris.post("/api/v1/cases", dict(NEW_CASE, subject=12))
        eq(r.status, 400, "wrong type -> 400")
        eq((err_code(r), r.json["error"].get("field")), ("wrong_type", "subject"), "wrong type names the field")
        r = chris.request("POST", "/api/v1/cases", raw="[1,2]")
        eq(r.status, 400, "a JSON array body -> 400")
        r = chris.post("/api/v1/cases", {"channel": "chat"})
        eq((r.status, err_code(r)), (400, "required"), "missing required field -> 400 required")
        r = chris.get("/api/v1/cases?limit=abc")
        eq(r.status, 400, "wrong type in the query -> 400")
        r = chris.get("/api/v1/cases?colour=red")
        eq((r.status, err_code(r)), (400, "unknown_field"), "unknown query parameter -> 400")

        r = s.anon().get("/api/v1/cases")
        eq((r.status, err_code(r)), (401, "unauthenticated"), "no credentials -> 401")
        r = Client(s, token="not-a-real-token").get("/api/v1/cases")
        eq(r.status, 401, "invalid token -> 401")
        r = Client(s, token="x" * 500).get("/api/v1/cases")
        eq(r.status, 401, "absurd token -> 401")

        r = chris.post("/api/v1/people", {"name": "New Person", "email": "new@vendor-co.example", "role": "frontline"})
        eq(r.status, 403, "frontline can't add people -> 403")
        r = chris.post("/api/v1/cases/%s/assign" % cid, {"to": PAT})
        eq(r.status, 403, "frontline can't assign -> 403")
        eq(chris.ok("GET", "/api/v1/cases/" + cid)["owner"]["email"], CHRIS, "refused assignment changed nothing")

        r = chris.get("/api/v1/cases/case_00000000000000000000000000")
        eq(r.status, 404, "unknown id -> 404")
        r = chris.request("DELETE", "/api/v1/cases/" + cid)
        eq(r.status, 405, "wrong method -> 405")
        r = chris.request("PUT", "/api/v1/cases")
        eq(r.status, 405, "PUT on a collection -> 405")
        r = chris.get("/api/v1/no-such-thing")
        eq(r.status, 404, "unknown path -> 404")

        offer = chris.ok("POST", "/api/v1/cases/%s/offers" % cid, {"to": PAT})
        chris.ok("POST", "/api/v1/offers/%s/withdraw" % offer["id"])
        r = pat.post("/api/v1/offers/%s/accept" % offer["id"])
        eq((r.status, err_code(r)), (409, "offer_not_pending"), "accepting a withdrawn offer -> 409")
        eq(chris.ok("GET", "/api/v1/cases/" + cid)["owner"]["email"], CHRIS, "still Chris's case")

        r = chris.post("/api/v1/cases/%s/offers" % cid, {"to": CHRIS})
        eq((r.status, err_code(r)), (422, "already_owner"), "offering to the owner -> 422")

        big = json.dumps(dict(NEW_CASE, summary="x" * (1024 * 1024 + 10)))
        try:
            r = chris.request("POST", "/api/v1/cases", raw=big)
            eq(r.status, 413, "body over 1 MiB -> 413")
        except OSError as e:  # the server may close early; then it must still answer and have stored nothing
            eq((s.anon().get("/healthz").status, case_count(chris)), (200, 1),
               "connection closed on a huge body (%r): the server still answers, no case stored" % e)
        r = chris.request("POST", "/api/v1/cases", raw=json.dumps(NEW_CASE), content_type="text/plain")
        eq((r.status, err_code(r)), (415, "unsupported_media_type"), "not JSON -> 415")
        r = chris.request("POST", "/api/v1/cases", raw=json.dumps(NEW_CASE),
                          content_type="application/x-www-form-urlencoded")
        eq(r.status, 415, "a form post -> 415")
        eq(case_count(chris), 1, "none of the refused requests created a case")


def test_other_organization_is_not_found():
    with Server(demo=True) as s:
        chris = s.login(CHRIS, V)
        lee = s.login("admin@lee-practice.example", "lee-practice")
        theirs = lee.ok("POST", "/api/v1/cases", {"subject": "Billing", "channel": "phone",
                                                   "customer_name": "Mr. Jones"})
        mine = chris.ok("POST", "/api/v1/cases", NEW_CASE)
        unknown = "case_" + "0" * 26
        a = chris.get("/api/v1/cases/" + theirs["id"])
        b = chris.get("/api/v1/cases/" + unknown)
        eq(a.status, 404, "another organization's case -> 404")
        eq(a.json, b.json, "the same body for another organization's id and an unknown id")
        a = chris.post("/api/v1/cases/%s/notes" % theirs["id"], {"body": "hi"})
        b = chris.post("/api/v1/cases/%s/notes" % unknown, {"body": "hi"})
        eq((a.status, a.json), (b.status, b.json), "writes to another organization's case look like unknown ids")
        a = chris.get("/api/v1/cases/%s/history" % theirs["id"])
        eq(a.status, 404, "history of another organization's case -> 404")
        # referring to another organization's person is refused too
        a = chris.post("/api/v1/cases/%s/offers" % mine["id"], {"to": "admin@lee-practice.example"})
        b = chris.post("/api/v1/cases/%s/offers" % mine["id"], {"to": "nobody@vendor-co.example"})
        check(400 <= a.status < 500, "offer to another organization's person refused (%d)" % a.status)
        eq((a.status, err_code(a)), (b.status, err_code(b)), "another organization's person looks like an unknown one")
        r = chris.get("/api/v1/cases?limit=500")
        check(all(c["id"] != theirs["id"] for c in r.json["items"]), "lists never show another organization")
        eq(len(history(lee, theirs["id"])), 1, "their case is untouched")


def test_unknown_fields_and_bad_text_change_nothing():
    with Server(demo=True) as s:
        chris = s.login(CHRIS, V)
        admin = s.login(ADMIN, V)
        case = chris.ok("POST", "/api/v1/cases", NEW_CASE)
        cid = case["id"]
        before = history(chris, cid)
        r = chris.post("/api/v1/cases/%s/notes" % cid, {"body": "hello", "owner_id": "per_x"})
        eq((r.status, err_code(r), r.json["error"].get("field")), (400, "unknown_field", "owner_id"),
           "unknown field refused and named")
        r = chris.post("/api/v1/cases", dict(NEW_CASE, status="resolved"))
        eq(r.status, 400, "unknown field on create refused")
        r = chris.request("POST", "/api/v1/cases/%s/notes" % cid, raw=b'{"body": "caf\xff"}')
        eq(r.status, 400, "invalid UTF-8 body -> 400")
        r = chris.post("/api/v1/cases/%s/notes" % cid, {"body": "bell \u0007 here"})
        eq((r.status, err_code(r)), (400, "invalid_text"), "control characters refused")
        r = chris.post("/api/v1/cases/%s/notes" % cid, {"body": "x" * 10001})
        eq((r.status, err_code(r)), (400, "too_long"), "text over FL_MAX_TEXT refused")
        r = chris.request("POST", "/api/v1/cases/%s/notes" % cid, raw='{"body":"a","body":"b"}')
        eq(r.status, 400, "duplicate keys refused")
        eq(history(chris, cid), before, "the case's history is unchanged after refused requests")
        eq(case_count(chris), 1, "no case was created")
        person = admin.ok("GET", "/api/v1/people/" + DANA)
        r = admin.patch("/api/v1/people/" + person["id"], {"password_hash": "x"})
        eq(r.status, 400, "no mass assignment on people")
        r = admin.patch("/api/v1/people/" + person["id"], {"role": "admin", "org_id": "org_x"})
        eq(r.status, 400, "a valid field next to an unknown one is refused as a whole")
        eq(admin.ok("GET", "/api/v1/people/" + person["id"])["role"], person["role"], "role unchanged")


def test_huge_header_and_url():
    with Server(demo=True) as s:
        st, _ = raw_http(s.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200000 + b"\r\n\r\n")
        check(st is None or st in (400, 413, 431), "a huge header is refused (got %r)" % st)
        st, _ = raw_http(s.port, b"GET /api/v1/cases?q=" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n"
                         b"Connection: close\r\n\r\n")
        check(st is None or st in (400, 414, 431), "a huge URL is refused (got %r)" % st)
        r = s.anon().get("/api/v1/cases?q=" + "a" * 3000)
        check(r.status in (414, 431, 400), "a URL over the cap is refused (%d)" % r.status)
        eq(s.anon().get("/healthz").status, 200, "the server still answers")


def test_idempotency_key():
    with Server(demo=True) as s:
        chris = s.login(CHRIS, V)
        h = {"Idempotency-Key": "open-sam-1"}
        a = chris.request("POST", "/api/v1/cases", NEW_CASE, headers=h)
        eq(a.status, 201, "first request creates")
        b = chris.request("POST", "/api/v1/cases", NEW_CASE, headers=h)
        eq(b.status, 201, "the retry answers like the first")
        eq(b.json["id"], a.json["id"], "the retry returns the first response")
        eq(case_count(chris), 1, "the retry created nothing new")
        c = chris.request("POST", "/api/v1/cases", dict(NEW_CASE, subject="Something else"), headers=h)
        eq((c.status, err_code(c)), (422, "idempotency_key_reused"), "same key, different body refused")
        eq(case_count(chris), 1, "still one case")
        d = chris.request("POST", "/api/v1/cases", NEW_CASE, headers={"Idempotency-Key": "open-sam-2"})
        eq(d.status, 201, "another key creates another case")
        check(d.json["id"] != a.json["id"], "a new case for a new key")
        # keys belong to the person: Pat's identical key is independent
        pat = s.login(PAT, V)
        e = pat.request("POST", "/api/v1/cases", NEW_CASE, headers=h)
        eq(e.status, 201, "another person's same key is a different request")
        check(e.json["id"] != a.json["id"], "and creates its own case")
        r = chris.request("POST", "/api/v1/cases", NEW_CASE, headers={"Idempotency-Key": "k" * 201})
        eq((r.status, err_code(r)), (400, "invalid_idempotency_key"), "an over-long key is refused")


def test_login_resists_guessing():
    with Server(demo=True) as s:
        anon = s.anon()
        unknown = anon.post("/api/v1/auth/login", {"org": V, "email": "nobody@vendor-co.example",
                                                    "password": "frontline-demo"})
        wrong = anon.post("/api/v1/auth/login", {"org": V, "email": CHRIS, "password": "wrong-password"})
        no_org = anon.post("/api/v1/auth/login", {"org": "no-such-org", "email": CHRIS, "password": "x" * 12})
        eq(unknown.status, 401, "unknown user -> 401")
        eq((wrong.status, wrong.json), (unknown.status, unknown.json), "same answer: unknown user, wrong password")
        eq((no_org.status, no_org.json), (unknown.status, unknown.json), "same answer for an unknown organization")
        # how guessing is slowed (growing delays, never a lockout): test_access.py


def test_tokens_and_sign_out():
    with Server(demo=True) as s:
        login = s.anon().post("/api/v1/auth/login", {"org": V, "email": CHRIS, "password": "frontline-demo"})
        eq(login.status, 200, "sign in")
        session = login.json["token"]
        check(len(session) >= 22, "session token has at least 128 bits")
        cookie = login.headers.get("Set-Cookie", "")
        check("HttpOnly" in cookie and "SameSite=Strict" in cookie, "session cookie is HttpOnly; SameSite=Strict: %r"
              % cookie)
        chris = Client(s, token=session)
        t = chris.ok("POST", "/api/v1/tokens", {"name": "reporting script"}, status=201)
        api = Client(s, token=t["token"])
        eq(api.ok("GET", "/api/v1/me")["email"], CHRIS, "the API token works")
        listed = chris.ok("GET", "/api/v1/tokens")["items"]
        check(any(x["id"] == t["id"] for x in listed), "token listed")
        check(all("token" not in x for x in listed), "listing never shows the secret")
        chris.ok("POST", "/api/v1/tokens/%s/revoke" % t["id"])
        eq(api.get("/api/v1/me").status, 401, "a revoked token is refused")
        r = chris.post("/api/v1/tokens/%s/revoke" % t["id"])
        eq(r.status, 404, "revoking twice -> 404")
        other = s.login(PAT, V)
        t2 = other.ok("POST", "/api/v1/tokens", {"name": "pat's"}, status=201)
        r = chris.post("/api/v1/tokens/%s/revoke" % t2["id"])
        eq(r.status, 404, "someone else's token can't be revoked")
        eq(Client(s, token=t2["token"]).get("/api/v1/me").status, 200, "and still works")
        chris.ok("POST", "/api/v1/auth/logout")
        eq(chris.get("/api/v1/me").status, 401, "sign-out ends the session")


def test_cookie_session_needs_csrf_token():
    with Server(demo=True) as s:
        c = s.login(CHRIS, V, cookie=True)
        eq(c.get("/api/v1/me").status, 200, "cookie session reads")
        no_csrf = Client(s, cookie=c.cookie)
        r = no_csrf.post("/api/v1/cases", NEW_CASE)
        eq((r.status, err_code(r)), (403, "csrf"), "cookie POST without X-CSRF-Token -> 403")
        r = no_csrf.request("POST", "/api/v1/cases", NEW_CASE, headers={"X-CSRF-Token": "forged"})
        eq(r.status, 403, "a wrong CSRF token -> 403")
        eq(case_count(c), 0, "nothing was created")
        r = c.post("/api/v1/cases", NEW_CASE)
        eq(r.status, 201, "with the CSRF token the cookie session writes")
        bearer = s.login(PAT, V)
        eq(bearer.post("/api/v1/cases", NEW_CASE).status, 201, "Bearer tokens need no CSRF token")


def test_get_never_changes_state():
    with Server(demo=True) as s:
        chris = s.login(CHRIS, V)
        admin = s.login(ADMIN, V)
        case = chris.ok("POST", "/api/v1/cases", NEW_CASE)
        chris.ok("POST", "/api/v1/cases/%s/offers" % case["id"], {"to": PAT})
        before = admin.ok("GET", "/api/v1/events?limit=500")
        doc = s.openapi()
        n = 0
        for path, item in doc["paths"].items():
            if "get" not in item:
                continue
            if "text/event-stream" in item["get"]["responses"].get("200", {}).get("content", {}):
                continue  # the live stream never ends by itself (tests/e2e/test_live.py reads it)
            p = path.replace("{id}", case["id"])
            for who in (chris, admin):
                r = who.get(p)
                check(r.status < 500, "GET %s answered %d" % (p, r.status))
                n += 1
        check(n >= 10, "probed %d GETs" % n)
        # GET with a write-looking query parameter or a body still changes nothing
        chris.request("GET", "/api/v1/cases/%s/resolve" % case["id"])
        after = admin.ok("GET", "/api/v1/events?limit=500")
        eq(after, before, "no event was appended by any GET")
        eq(chris.ok("GET", "/api/v1/cases/" + case["id"])["status"], "open", "case still open")


def test_security_headers_everywhere():
    with Server(demo=True) as s:
        chris = s.login(CHRIS, V)
        samples = [
            s.anon().get("/healthz"), s.anon().get("/readyz"), s.anon().get("/api/v1/cases"),
            chris.get("/api/v1/cases"), chris.post("/api/v1/cases", NEW_CASE), chris.post("/api/v1/cases", {}),
            chris.request("DELETE", "/api/v1/cases"), chris.get("/api/v1/nope"), s.anon().get("/no-such-page"),
            chris.request("POST", "/api/v1/cases", raw="x", content_type="text/plain"),
            chris.get("/api/v1/cases?format=csv"), s.anon().get("/"),
        ]
        for r in samples:
            h = {k.lower(): v for k, v in r.headers.items()}
            ct = h.get("content-type", "")
            check("charset=" in ct.lower(), "Content-Type with charset on %r: %r" % (r, ct))
            eq(h.get("x-content-type-options"), "nosniff", "nosniff on %r" % r)
            check("default-src" in h.get("content-security-policy", ""), "CSP on %r" % r)
        csv = chris.get("/api/v1/cases?format=csv")
        check(csv.headers.get("Content-Type", "").startswith("text/csv"), "CSV served as text/csv")
        check(csv.raw.startswith("id,") or "," in csv.raw.splitlines()[0], "CSV has a header row")


def test_health_and_readiness():
    with Server() as s:
        r = s.anon().get("/healthz")
        eq((r.status, r.json), (200, {"status": "ok"}), "/healthz")
        r = s.anon().get("/readyz")
        eq(r.status, 200, "/readyz when the database answers")


def test_structured_log_without_secrets():
    with Server(demo=True) as s:
        login = s.anon().post("/api/v1/auth/login", {"org": V, "email": CHRIS, "password": "frontline-demo"})
        chris = Client(s, token=login.json["token"])
        tok = chris.ok("POST", "/api/v1/tokens", {"name": "script"}, status=201)["token"]
        s.anon().post("/api/v1/auth/login", {"org": V, "email": PAT, "password": "Secret-Guess-1234"})
        chris.get("/api/v1/cases?q=sam.carter%40example.com")
        chris.ok("POST", "/api/v1/cases", NEW_CASE)
        csrf = login.json["csrf_token"]
        n_requests = 6
    with open(s.log.name, "rb") as f:
        text = f.read().decode("utf-8", "replace")
    lines = [json.loads(x) for x in text.splitlines() if x.startswith("{") and '"req"' in x]
    check(len(lines) >= n_requests, "one log line per request (%d lines)" % len(lines))
    for line in lines:
        check(all(k in line for k in ("req", "method", "path", "status", "us")), "log line fields: %r" % line)
    for secret in ("frontline-demo", "Secret-Guess-1234", login.json["token"], tok, csrf, "sam.carter"):
        check(secret not in text, "the log does not contain %r" % secret[:12])


def route_table():
    """Every (METHOD, path, flags) in the route tables (src/svc/**/NAME.api.json, which tools/apigen
    turns into the router's registry)."""
    routes = []
    for fn in glob.glob(os.path.join(ROOT, "src/svc/**/*.api.json"), recursive=True):
        with open(fn, encoding="utf-8") as f:
            for d in json.load(f):
                for r in d["items"] if "routes" in d else []:
                    routes.append((r["method"], r["path"], str(r.get("flags", ""))))
    return routes


def test_openapi_matches_router():
    with Server(demo=True) as s:
        doc = s.openapi()
        eq(doc.get("openapi", "")[:2], "3.", "an OpenAPI 3 document")
        documented = {(m.upper(), p) for p, item in doc["paths"].items() for m in item
                      if m in ("get", "post", "patch", "put", "delete")}
        routes = route_table()
        check(len(routes) >= 30, "found the route tables (%d routes)" % len(routes))
        for method, path, flags in routes:
            public_http = "R_CLI_ONLY" not in flags and "R_TEST_ONLY" not in flags
            if public_http:
                check((method, path) in documented, "route %s %s is in the document" % (method, path))
            elif "R_CLI_ONLY" in flags:
                check((method, path) not in documented, "CLI-only %s %s is not in the document" % (method, path))
        table = {(m, p) for m, p, _ in routes}
        for method, path in documented:
            check((method, path) in table, "documented %s %s is a route" % (method, path))
        # and by probing: every documented operation reaches a route (never the router's 404/405)
        admin = s.login(ADMIN, V)
        streams = {p for p, item in doc["paths"].items()
                   if "text/event-stream" in item.get("get", {}).get("responses", {}).get("200", {}).get("content", {})}
        for method, path in sorted(documented):
            if path in streams:
                continue  # the live stream never ends by itself (tests/e2e/test_live.py reads it)
            r = admin.request(method, path.replace("{id}", "x_probe"), {} if method != "GET" else None)
            check(r.status != 405 and not (r.status == 404 and r.json["error"]["message"] == "no such resource"),
                  "%s %s reaches a route (%d %s)" % (method, path, r.status, err_code(r)))
        # the commands the CLI lists are the same routes
        out = subprocess.run([BIN, "commands"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            parts = line.split()
            i = next((k for k, w in enumerate(parts) if w in ("GET", "POST", "PATCH", "PUT", "DELETE")), None)
            if i is None:
                continue
            check((parts[i], parts[i + 1]) in table, "command %s maps to a route" % " ".join(parts[:i]))
        # CLI-only routes are not reachable over HTTP
        r = admin.post("/api/v1/orgs", {"slug": "evil", "name": "Evil"})
        check(r.status in (404, 405), "installation-level routes are not on HTTP (%d)" % r.status)


def test_test_clock_only_when_asked():
    with Server(demo=True, test_clock=False) as s:
        r = s.anon().post("/api/v1/test/clock", {"advance_ms": 1000})
        eq(r.status, 404, "no test clock route without --test-clock")
        r = s.anon().get("/api/v1/test/clock")
        eq(r.status, 404, "not even for reading")
        check(not any(p.startswith("/api/v1/test") for p in s.openapi()["paths"]), "not in the document")
    with Server(demo=True) as s:
        before = s.anon().get("/api/v1/test/clock").json
        s.advance(hours=2)
        after = s.anon().get("/api/v1/test/clock").json
        check(before != after, "the manual clock moves when told: %r -> %r" % (before, after))
        r = s.anon().post("/api/v1/test/clock", {"set": "2020-01-01T00:00:00Z"})
        check(r.status >= 400, "the clock never goes backwards (%d)" % r.status)
    with open(s.log.name, "rb") as f:
        log = f.read().decode("utf-8", "replace").lower()
    check("test clock" in log or "test-clock" in log or "test_clock" in log, "the test clock is logged loudly")


def test_request_target_without_leading_slash():
    """A request line like `GET foo HTTP/1.1` is answered 404 and the server lives on."""
    import socket
    with Server() as s:
        for target in (b"foo", b"*", b"foo.js", b"http://example.com/x"):
            conn = socket.create_connection(("127.0.0.1", s.port), timeout=10)
            conn.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            head = conn.recv(64)
            conn.close()
            check(head.startswith(b"HTTP/1.1 4"), "GET %r answered with a 4xx: %r" % (target, head))
        eq(s.anon().get("/healthz").status, 200, "the server is still up")


if __name__ == "__main__":
    run_module(globals())
