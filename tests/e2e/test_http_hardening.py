"""Hardening of the HTTP layer (issue 13) and its unit of work (issue 12), over real HTTP and raw
sockets to the real server: no request stops the server, secrets never rest in the idempotency
table, framing is strict, sign-out is never replayed, every request is logged, cookies are Secure
behind https, slow headers and connection floods are bounded, a second server can't share the
port, and a busy database answers 503 with Retry-After."""
import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from lib import BIN, Client, Server, check, eq, run_module, skip  # noqa: E402

V = "vendor-co"
CHRIS = "chris@vendor-co.example"
PG = os.environ.get("FRONTLINE_PG")

NEW_CASE = {"subject": "Two phones", "channel": "chat", "customer_name": "Sam Carter",
            "customer_phone": "+1 217 555 0142"}


def err_code(r):
    return (r.json or {}).get("error", {}).get("code")


def raw_exchange(port, data, timeout=10):
    """Send raw bytes; return everything the server sent until it closed (b"" if it closed at once)."""
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
    return buf


def api_token(s):
    """A long-lived API token for Chris (sessions end after 12 h of test clock)."""
    chris = s.login(CHRIS, V)
    return Client(s, token=chris.ok("POST", "/api/v1/tokens", {"name": "tests"}, status=201)["token"])


def log_lines(s):
    with open(s.log.name, "rb") as f:
        return f.read()


# --- item 1: a request kills the server ---

def test_item1_cut_text_never_kills_the_server():
    with Server(demo=True) as s:
        anon = s.anon()
        body = '{"' + "a" * 39 + '\u20ac":1}'
        r = anon.request("POST", "/api/v1/auth/login", raw=body.encode("utf-8"))
        eq((r.status, err_code(r)), (400, "unknown_field"), "the unknown field is refused")
        check(r.json is not None and r.json["error"]["message"].startswith("unknown field"), "with a message: %r" % r)
        eq(anon.get("/healthz").status, 200, "the server still answers")
        chris = s.login(CHRIS, V)
        long_key = "b" * 70 + "\u20ac"
        r = chris.get("/api/v1/cases?" + urlquote(long_key) + "=1")
        eq((r.status, err_code(r)), (400, "unknown_field"), "an unknown query parameter with a cut character")
        r = chris.get("/api/v1/cases?%FF%FE=1")
        eq((r.status, err_code(r)), (400, "unknown_field"), "a query parameter that is not UTF-8")
        check(r.json is not None, "still a JSON error body")
        eq(anon.get("/healthz").status, 200, "the server is still up")


def urlquote(text):
    import urllib.parse
    return urllib.parse.quote(text)


# --- item 4: secrets in the idempotency table ---

def test_item4_idempotent_replay_has_no_secret_and_expires():
    with Server(demo=True) as s:
        chris = api_token(s)
        case = chris.ok("POST", "/api/v1/cases", NEW_CASE)
        secrets = []
        for path, body in (("/api/v1/tokens", {"name": "replayed"}),
                           ("/api/v1/customers/%s/portal-link" % case["customer"]["id"], {}),
                           ("/api/v1/oncall/feeds", {})):
            h = {"Idempotency-Key": "secret-" + path}
            first = chris.request("POST", path, body, headers=h)
            eq(first.status, 201, "%s creates" % path)
            again = chris.request("POST", path, body, headers=h)
            eq((again.status, again.json.get("id")), (201, first.json["id"]), "%s: the replay answers the first" % path)
            for field in ("token", "csrf_token", "link", "path"):
                if field in first.json:
                    secrets.append(first.json[field].split("=")[-1])
                    check(field not in again.json, "%s: the replay leaves out %s" % (path, field))
        check(len(secrets) >= 3, "three secrets were shown once")
        if not PG:
            with sqlite3.connect(s.db) as db:
                bodies = " ".join(b for (b,) in db.execute("SELECT body FROM idempotency"))
            for secret in secrets:
                check(secret not in bodies, "the secret %s... is not stored" % secret[:6])
        h = {"Idempotency-Key": "open-once"}
        a = chris.request("POST", "/api/v1/cases", NEW_CASE, headers=h)
        b = chris.request("POST", "/api/v1/cases", NEW_CASE, headers=h)
        eq(b.json["id"], a.json["id"], "within 24 h the key replays")
        s.advance(hours=25)
        c = chris.request("POST", "/api/v1/cases", NEW_CASE, headers=h)
        eq(c.status, 201, "after 24 h the key runs again")
        check(c.json["id"] != a.json["id"], "and creates a new case")
        if not PG:
            time.sleep(0.5)  # the server purges expired answers within a moment of the clock moving
            with sqlite3.connect(s.db) as db:
                old = db.execute("SELECT COUNT(*) FROM idempotency WHERE key <> 'open-once'").fetchone()[0]
            eq(old, 0, "expired answers are deleted")


# --- item 8: ambiguous framing ---

def test_item8_ambiguous_framing_is_refused_and_closed():
    with Server(demo=True) as s:
        smuggled = b"GET /api/v1/openapi.json HTTP/1.1\r\nHost: x\r\n\r\n"
        body = b'{"org":"x"}'
        two_lengths = (b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                       b"Content-Length: %d\r\nContent-Length: %d\r\n\r\n" % (len(body), len(body) + len(smuggled))
                       + body + smuggled)
        out = raw_exchange(s.port, two_lengths)
        check(out.startswith(b"HTTP/1.1 400"), "two different Content-Length -> 400: %r" % out[:60])
        eq(out.count(b"HTTP/1.1 "), 1, "one answer: the leftover bytes never run as a request")
        chunked = (b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                   b"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                   b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body) + smuggled)
        out = raw_exchange(s.port, chunked)
        check(out.startswith(b"HTTP/1.1 400"), "Content-Length with chunked -> 400: %r" % out[:60])
        eq(out.count(b"HTTP/1.1 "), 1, "one answer, then the connection closes")
        eq(s.anon().get("/healthz").status, 200, "the server still answers")


# --- item 9: sign-out is never replayed ---

def test_item9_logout_is_never_replayed():
    with Server(demo=True) as s:
        h = {"Idempotency-Key": "bye"}
        first = s.login(CHRIS, V)
        eq(first.request("POST", "/api/v1/auth/logout", {}, headers=h).status, 200, "first sign-out")
        eq(first.get("/api/v1/me").status, 401, "the first session ended")
        second = s.login(CHRIS, V)
        eq(second.request("POST", "/api/v1/auth/logout", {}, headers=h).status, 200, "second sign-out, same key")
        eq(second.get("/api/v1/me").status, 401, "the second session ended too")


# --- item 11: every request is logged ---

def test_item11_every_request_gets_a_complete_log_line():
    with Server(demo=True) as s:
        for target in (b"/api/v1/\xff\xfe", b"/%FF%C3", b"/api/v1/cases/\xe2\x82"):
            raw_exchange(s.port, b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        eq(s.anon().get("/healthz").status, 200, "the server still answers")
        time.sleep(0.2)
    text = log_lines(s)
    check(b"(null)" not in text, "no '(null)' log line")
    lines = [json.loads(x) for x in text.decode("utf-8").splitlines() if x.startswith("{") and '"req"' in x]
    paths = [line["path"] for line in lines]
    for want in ("/api/v1/%FF%FE", "/%FF%C3", "/api/v1/cases/%E2%82"):
        check(want in paths, "the path is logged escaped: %s in %r" % (want, paths))


# --- item 13: Secure cookies and HSTS behind https ---

def login_headers(s):
    r = Client(s).post("/api/v1/auth/login", {"org": V, "email": CHRIS, "password": "frontline-demo"})
    eq(r.status, 200, "signed in")
    return r.headers


def test_item13_secure_cookie_and_hsts_when_public_url_is_https():
    with Server(demo=True, extra_args=["--public-url", "https://desk.example.com"]) as s:
        h = login_headers(s)
        check("; Secure" in h.get("Set-Cookie", ""), "the session cookie is Secure: %r" % h.get("Set-Cookie"))
        check("max-age=" in h.get("Strict-Transport-Security", ""), "HSTS is sent")
        static = s.anon().get("/")
        check("Strict-Transport-Security" in static.headers, "on every answer")
    with Server(demo=True, extra_args=["--public-url", "http://desk.example.com"]) as s:
        h = login_headers(s)
        check("Secure" not in h.get("Set-Cookie", ""), "plain http: no Secure")
        check("Strict-Transport-Security" not in h, "plain http: no HSTS")
    with Server(demo=True, extra_args=["--public-url", "https://desk.example.com", "--secure-cookies", "off"]) as s:
        check("Secure" not in login_headers(s).get("Set-Cookie", ""), "the setting turns it off")


# --- item 14: slow headers and connection slots ---

def test_item14_slow_headers_are_cut_and_addresses_capped():
    with Server(demo=True, extra_args=["--header-timeout", "2", "--max-per-address", "3"]) as s:
        slow = socket.create_connection(("127.0.0.1", s.port), timeout=10)
        t0 = time.time()
        closed = False
        for ch in b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 40:
            try:
                slow.sendall(bytes([ch]))
                slow.settimeout(0.5)
                if slow.recv(1024) == b"":
                    closed = True
                    break
            except socket.timeout:
                continue
            except OSError:
                closed = True
                break
        slow.close()
        check(closed, "a connection trickling its headers is closed")
        check(time.time() - t0 < 8, "within the header time limit (%.1fs)" % (time.time() - t0))
        time.sleep(1)  # the server notices the closed socket
        held = [socket.create_connection(("127.0.0.1", s.port), timeout=5) for _ in range(3)]
        for h in held:
            h.sendall(b"GET /healthz HTTP/1.1\r\n")
        time.sleep(0.3)
        extra = socket.create_connection(("127.0.0.1", s.port), timeout=5)
        try:
            extra.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            answer = extra.recv(1024)
        except OSError:
            answer = b""
        extra.close()
        eq(answer, b"", "the fourth connection from one address is refused")
        for h in held:
            h.close()
        time.sleep(0.3)
        eq(s.anon().get("/healthz").status, 200, "slots come back")


# --- item 18: a second server on a port in use ---

def test_item18_second_serve_on_a_used_port_refuses_to_start():
    with Server(demo=True) as s:
        other = Server()
        p = subprocess.run([BIN, "serve", "--db", other.db, "--listen", "127.0.0.1:%d" % s.port],
                           capture_output=True, text=True, timeout=30)
        check(p.returncode != 0, "the second server exits (code %d)" % p.returncode)
        check("already in use" in p.stderr, "with a clear message: %r" % p.stderr[-300:])
        eq(s.anon().get("/healthz").status, 200, "the first server still answers")


# --- issue 12: a busy database answers 503 with Retry-After ---

def hold_write_lock(db_url, seconds, ready):
    """Hold the database's write lock (SQLite) or the idempotency table's lock (PostgreSQL)."""
    if PG:
        proc = subprocess.Popen(["psql", db_url, "-qc",
                                 "BEGIN; LOCK TABLE idempotency IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(%d); COMMIT;"
                                 % seconds], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1)
        ready.set()
        proc.wait()
        return
    db = sqlite3.connect(db_url, isolation_level=None, timeout=1)
    db.execute("BEGIN IMMEDIATE")
    ready.set()
    time.sleep(seconds)
    db.execute("ROLLBACK")
    db.close()


def test_busy_database_answers_503_with_retry_after():
    with Server(demo=True) as s:
        chris = api_token(s)
        before = len(chris.ok("GET", "/api/v1/cases?limit=200")["items"])
        ready = threading.Event()
        holder = threading.Thread(target=hold_write_lock, args=(s.db, 16, ready))
        holder.start()
        ready.wait()
        t0 = time.time()
        r = chris.request("POST", "/api/v1/cases", NEW_CASE, headers={"Idempotency-Key": "busy-1"})
        waited = time.time() - t0
        eq((r.status, err_code(r)), (503, "busy"), "a busy database answers 503 busy")
        eq(r.headers.get("Retry-After"), "1", "with Retry-After")
        check(waited < 15, "after a bounded wait (%.1fs)" % waited)
        holder.join()
        eq(len(chris.ok("GET", "/api/v1/cases?limit=200")["items"]), before, "nothing was written")
        eq(chris.request("POST", "/api/v1/cases", NEW_CASE, headers={"Idempotency-Key": "busy-1"}).status, 201,
           "the same request succeeds once the database is free")


if __name__ == "__main__":
    run_module(globals())
