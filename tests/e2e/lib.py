"""Shared helpers for end-to-end tests: a real `frontline serve` on a temporary database,
driven over real HTTP.  Standard library plus python3-jsonschema, which the API contract check
needs: without it every test file fails at once rather than passing unchecked.

Environment:
  FRONTLINE_BIN   the binary to test (default: build/san/frontline, the sanitized build)
  FRONTLINE_PG    a postgres:// URL prefix; when set, each server gets a fresh PostgreSQL database
"""
import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

try:
    import jsonschema
except ImportError:  # run_module refuses to run without the contract check
    jsonschema = None

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("FRONTLINE_BIN", os.path.join(ROOT, "build/san/frontline"))
PASSWORD = "frontline-demo"

_failures = []
_checks = 0


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# Days of the demo's generated history before the stories: none by default (the tests are about
# the stories, and the quarter takes half a minute to load); FRONTLINE_DEMO_DAYS=90 runs them on the
# demo `make run` loads (test_demo_quarter.py loads it whatever this says).
DEMO_DAYS = os.environ.get("FRONTLINE_DEMO_DAYS", "0")


def run_cli(*args, db=None, check=True, as_=None, json_out=True):
    """Run the binary; returns (exit code, parsed JSON or text).  `demo` gets --days DEMO_DAYS
    unless it says otherwise."""
    if args and args[0] == "demo" and "--days" not in args:
        args = args + ("--days", DEMO_DAYS)
    cmd = [BIN] + list(args)
    if db:
        cmd += ["--db", db]
    if as_:
        cmd += ["--as", as_]
    if json_out:
        cmd += ["--json"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if check and p.returncode != 0:
        raise AssertionError("%s failed (%d): %s" % (" ".join(cmd), p.returncode, p.stderr))
    out = p.stdout
    if json_out:
        try:
            out = json.loads(p.stdout) if p.stdout.strip() else None
        except ValueError:
            pass
    return p.returncode, out, p.stderr


def new_db_url(tmpdir, name="t"):
    pg = os.environ.get("FRONTLINE_PG")
    if pg:
        import uuid
        dbname = "fl_" + uuid.uuid4().hex[:12]
        subprocess.run(["psql", pg + "/postgres", "-qc", "CREATE DATABASE " + dbname], check=True,
                       capture_output=True)
        return pg + "/" + dbname
    return os.path.join(tmpdir, name + ".db")


def scalar(db, sql):
    """The first column of sql's first row, as text, read straight from db (a path or a postgres:// URL)."""
    if db.startswith("postgres"):
        return subprocess.run(["psql", "-qAtX", db, "-c", sql], capture_output=True, text=True, check=True).stdout.strip()
    con = sqlite3.connect(db)
    try:
        return str(con.execute(sql).fetchone()[0])
    finally:
        con.close()


def wait_for(pred, seconds=60, what=None):
    """Ask pred() every 0.2 s until it returns something true, and return that.  On timeout: None,
    or, when `what` names the awaited thing, an AssertionError saying so."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.2)
    if what:
        raise AssertionError("timed out waiting for " + what)
    return None


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.raw = body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    def __repr__(self):
        return "<%d %s>" % (self.status, self.raw[:300])


class Client:
    """One signed-in user (or anonymous).  Uses a Bearer token unless cookie=True."""

    def __init__(self, server, token=None, cookie=None, csrf=None):
        self.server = server
        self.token = token
        self.cookie = cookie
        self.csrf = csrf

    def request(self, method, path, body=None, headers=None, raw=None, content_type="application/json"):
        """body: the JSON body; for a GET, which has none, a dict of query parameters (added to path)."""
        if method == "GET" and (body is not None or raw is not None):
            if raw is not None or not isinstance(body, dict):
                raise ValueError("a GET sends no body: give its parameters as a dict")
            path += ("&" if "?" in path else "?") + urllib.parse.urlencode(body, doseq=True)
            body = None
        url = self.server.url + path
        data = None
        h = dict(headers or {})
        if raw is not None:
            data = raw if isinstance(raw, bytes) else raw.encode()
        elif body is not None:
            data = json.dumps(body).encode()
        if data is not None and content_type and "Content-Type" not in h:
            h["Content-Type"] = content_type
        if self.token:
            h.setdefault("Authorization", "Bearer " + self.token)
        if self.cookie:
            h.setdefault("Cookie", "fl_session=" + self.cookie)
            if self.csrf and method != "GET":
                h.setdefault("X-CSRF-Token", self.csrf)
        req = urllib.request.Request(url, data=data, method=method, headers=h)
        try:
            # a hang detector, not a timing target: a clock advance of days on PostgreSQL runs a
            # scheduler step per due time, which takes long on a machine shared with other suites
            with urllib.request.urlopen(req, timeout=300) as r:
                resp = Response(r.status, dict(r.headers), r.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as e:
            resp = Response(e.code, dict(e.headers), e.read().decode("utf-8", "replace"))
        self.server.check_contract(method, path, resp)
        return resp

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body if body is not None else {}, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body if body is not None else {}, **kw)

    def ok(self, method, path, body=None, status=None):
        """Request and insist on a 2xx (or the given status); returns the JSON.  For a GET, body is a
        dict of query parameters."""
        r = self.request(method, path, body if body is not None or method == "GET" else {})
        want = status or (200, 201)
        if (r.status not in want) if isinstance(want, tuple) else r.status != want:
            raise AssertionError("%s %s -> %r" % (method, path, r))
        _count_check()
        return r.json


class Server:
    """A real frontline server on a fresh database.  test_clock=True starts it on the manual clock
    at `start` (RFC 3339)."""

    def __init__(self, db=None, test_clock=True, start="2026-03-02T15:00:00Z", demo=False, threads=4,
                 extra_args=()):
        self.tmp = tempfile.mkdtemp(prefix="fl-e2e-")
        self.db = db or new_db_url(self.tmp)
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.test_clock = test_clock
        self.start_time = start
        self.threads = threads
        self.extra = list(extra_args)
        self.proc = None
        self._openapi = None
        run_cli("init", db=self.db, json_out=False)
        if demo:
            run_cli("demo", db=self.db, json_out=False)

    def start(self):
        args = [BIN, "serve", "--db", self.db, "--listen", "127.0.0.1:%d" % self.port,
                "--threads", str(self.threads)] + self.extra
        if self.test_clock:
            args += ["--test-clock", "--test-clock-start", self.start_time]
        self.log = open(os.path.join(self.tmp, "server.log"), "ab")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=self.log)
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        return self
            except Exception:
                if self.proc.poll() is not None:
                    raise AssertionError("server exited: see " + self.log.name)
                time.sleep(0.05)
        raise AssertionError("server did not start")

    def stop(self, sig=None):
        if self.proc and self.proc.poll() is None:
            if sig:
                self.proc.send_signal(sig)
            else:
                self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc and self.proc.returncode not in (0, None, -9) and not sig:
            # sanitizer reports end the process with a non-zero code
            with open(self.log.name, "rb") as f:
                tail = f.read()[-4000:].decode("utf-8", "replace")
            raise AssertionError("server exited with %s:\n%s" % (self.proc.returncode, tail))

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def anon(self):
        return Client(self)

    def login(self, email, org, password=PASSWORD, cookie=False):
        r = Client(self).post("/api/v1/auth/login", {"org": org, "email": email, "password": password})
        if r.status != 200:
            raise AssertionError("login %s/%s failed: %r" % (org, email, r))
        if cookie:
            return Client(self, cookie=r.json["token"], csrf=r.json["csrf_token"])
        return Client(self, token=r.json["token"])

    # --- the manual clock ---
    def set_clock(self, when):
        return Client(self).ok("POST", "/api/v1/test/clock", {"set": when})

    def advance(self, ms=0, minutes=0, hours=0):
        return Client(self).ok("POST", "/api/v1/test/clock",
                               {"advance_ms": int(ms + minutes * 60000 + hours * 3600000)})

    # --- the API contract: every response validates against the OpenAPI document ---
    def openapi(self):
        if self._openapi is None:
            with urllib.request.urlopen(self.url + "/api/v1/openapi.json") as r:
                self._openapi = to_json_schema(json.loads(r.read()))
        return self._openapi

    def check_contract(self, method, path, resp):
        if not path.startswith("/api/v1/") or path.startswith("/api/v1/openapi"):
            return
        doc = self.openapi()
        op = find_operation(doc, method, path.split("?")[0])
        if op is None:
            if resp.status not in (404, 405):
                fail("contract: %s %s answered %d but is not in the API document" % (method, path, resp.status))
            return
        spec = op["responses"].get(str(resp.status))
        if spec is None:
            fail("contract: %s %s answered %d, not documented" % (method, path, resp.status))
            return
        if "$ref" in spec:  # a shared response: #/components/responses/Name
            spec = doc["components"]["responses"][spec["$ref"].rsplit("/", 1)[1]]
        schema = spec.get("content", {}).get("application/json", {}).get("schema")
        if schema is None or resp.json is None:
            return
        full = {"$ref": "#/x"}
        root = dict(doc)
        root["x"] = schema
        try:
            jsonschema.validate(resp.json, dict(root, **full))
        except jsonschema.ValidationError as e:
            fail("contract: %s %s %d: %s at %s" % (method, path, resp.status, e.message, list(e.absolute_path)))


def to_json_schema(node):
    """OpenAPI 3.0 writes `nullable: true`; JSON Schema wants the type list to include null."""
    if isinstance(node, dict):
        out = {k: to_json_schema(v) for k, v in node.items()}
        if out.pop("nullable", False):
            if "type" in out:
                out["type"] = [out["type"], "null"] if isinstance(out["type"], str) else out["type"] + ["null"]
            elif "allOf" in out:  # a nullable reference: {"nullable": true, "allOf": [{"$ref": ...}]}
                out = {"anyOf": [{"allOf": out.pop("allOf")}, {"type": "null"}], **out}
        return out
    if isinstance(node, list):
        return [to_json_schema(x) for x in node]
    return node


def find_operation(doc, method, path):
    parts = path.strip("/").split("/")
    for pattern, item in doc["paths"].items():
        pp = pattern.strip("/").split("/")
        if len(pp) != len(parts):
            continue
        if all(a == b or (a.startswith("{") and a.endswith("}")) for a, b in zip(pp, parts)):
            op = item.get(method.lower())
            if op is not None:
                return op
    return None


# --- a tiny test runner: each test_* function in a module; summary line at the end ---

def fail(msg):
    _failures.append(msg)
    print("  FAIL: " + msg)


def _count_check():
    global _checks
    _checks += 1


def check(cond, msg):
    if cond:
        _count_check()
    else:
        fail(msg)
    return cond


def eq(actual, expected, msg):
    return check(actual == expected, "%s: expected %r, got %r" % (msg, expected, actual))


class Skip(Exception):
    """Raise (via skip()) when a test does not apply here; it counts as neither passed nor failed."""


def skip(reason):
    raise Skip(reason)


def needs_postgres():
    """Why a PostgreSQL-only test file cannot run here (None when FRONTLINE_PG is set): pass it to
    run_module as skip_all, so the file reports its tests as skipped instead of passing quietly."""
    return None if os.environ.get("FRONTLINE_PG") else "needs FRONTLINE_PG (a PostgreSQL URL)"


def run_module(globs, skip_all=None):
    """Run every test_* function of the calling module (all skipped, with the reason, when skip_all
    is given).  A test that made no check (check, eq, Client.ok) fails.  Prints one line per test, then 'N skipped' when any were, then 'N passed, N failed'
    last; exits 1 on a failure.  Without python3-jsonschema nothing runs and the file fails."""
    if jsonschema is None:
        print("  FAIL: python3-jsonschema is not installed, so responses cannot be checked against "
              "the API document (apt install python3-jsonschema)")
        print("0 passed, 1 failed")
        sys.exit(1)
    names = sorted(n for n in globs if n.startswith("test_") and callable(globs[n]))
    only = os.environ.get("TEST_ONLY")
    passed = failed = skipped = 0
    for n in names:
        if only and only not in n:
            continue
        before, checks = len(_failures), _checks
        t0 = time.time()
        try:
            if skip_all:
                skip(skip_all)
            globs[n]()
        except Skip as e:
            print("skip %s: %s" % (n, e))
            skipped += 1
            continue
        except Exception as e:  # an exception is a failure of that test
            import traceback
            traceback.print_exc()
            _failures.append("%s raised %r" % (n, e))
        if _checks == checks and len(_failures) == before:
            fail("%s checked nothing (a test must be able to fail)" % n)
        ok = len(_failures) == before
        print("%s %s (%.1fs)" % ("ok  " if ok else "FAIL", n, time.time() - t0))
        passed += ok
        failed += not ok
    if skipped:
        print("%d skipped" % skipped)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)
