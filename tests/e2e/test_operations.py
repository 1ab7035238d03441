"""Operators (issue 17): GET /metrics in the Prometheus text format (promtool accepts it; a real
Prometheus server scrapes it), protected by a token or served on an address of its own; requests
by route and status with a latency histogram, the database pool and units of work, scheduler lag,
the outbox, promises and breaches per organization.  A request id on every log line, in
X-Request-Id and in the events the request caused; the log level as a setting.  SIGTERM drains the
requests in flight, SIGHUP reopens the log file, readiness and the watchdog through sd_notify; the
systemd unit passes systemd-analyze verify."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from lib import BIN, ROOT, Server, check, eq, free_port, run_module, skip  # noqa: E402

V = "vendor-co"
TOKEN = "metrics-token-0123456789abcdef"


def token_file():
    f = tempfile.NamedTemporaryFile("w", suffix=".token", delete=False)
    f.write(TOKEN + "\n")
    f.close()
    return f.name


def scrape(url, token=TOKEN):
    req = urllib.request.Request(url, headers={"Authorization": "Bearer " + token} if token else {})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')


def samples(text):
    """{(name, ((label, value), ...)): float} of an exposition."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        check(m, "a sample line: %r" % line)
        labels = tuple(sorted(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(3) or "")))
        out[(m.group(1), labels)] = float(m.group(4))
    return out


def promtool(text):
    r = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True)
    eq((r.returncode, r.stdout + r.stderr), (0, ""), "promtool check metrics accepts the exposition")


def test_metrics_with_token_pass_promtool_and_count():
    with Server(demo=True, extra_args=["--metrics-token-file", token_file()]) as s:
        eq(scrape(s.url + "/metrics", None)[0], 401, "no token: 401")
        eq(scrape(s.url + "/metrics", "x" * len(TOKEN))[0], 401, "a wrong token: 401")
        chris = s.login("chris@%s.example" % V, V)
        status, headers, before = scrape(s.url + "/metrics")
        eq(status, 200, "the token: 200")
        check(headers["Content-Type"].startswith("text/plain; version=0.0.4"), "the text format's type")
        promtool(before)
        key = ("frontline_http_requests_total", (("method", "GET"), ("route", "/api/v1/cases"), ("status", "200")))
        n0 = samples(before).get(key, 0)
        for _ in range(3):
            chris.ok("GET", "/api/v1/cases")
        chris.get("/api/v1/cases/cas_nope")
        case = chris.ok("POST", "/api/v1/cases", {"subject": "Metrics", "channel": "chat", "customer_name": "Mo Metric"})
        open0 = samples(before).get(("frontline_promises_open", (("org", V),)), 0)
        chris.ok("POST", "/api/v1/cases/%s/promises" % case["id"],
                 {"what": "a call back", "due_at": "2026-03-09T15:00:00Z", "channel": "phone"})
        after_text = scrape(s.url + "/metrics")[2]
        promtool(after_text)
        after = samples(after_text)
        eq(after[key], n0 + 3, "three GET /api/v1/cases answered 200 counted under the route pattern")
        eq(after.get(("frontline_http_requests_total", (("method", "GET"), ("route", "/api/v1/cases/{id}"),
                                                        ("status", "404")))), 1.0, "the 404 counted by pattern")
        hist = ("frontline_http_request_duration_seconds_count", (("method", "GET"), ("route", "/api/v1/cases")))
        check(after[hist] >= 3, "the latency histogram counts them")
        inf = ("frontline_http_request_duration_seconds_bucket", (("le", "+Inf"), ("method", "GET"), ("route", "/api/v1/cases")))
        eq(after[inf], after[hist], "+Inf bucket = count")
        eq(after[("frontline_promises_open", (("org", V),))], open0 + 1, "the new promise is open, per organization")
        check(("frontline_breaches_total", (("org", V),)) in after, "breaches per organization (the demo's)")
        eq(after[("frontline_db_up", ())], 1.0, "the database gauges were read")
        for name in ("frontline_db_connections", "frontline_db_transaction_retries_total", "frontline_db_pool_waits_total",
                     "frontline_scheduler_lag_seconds", "frontline_outbox_messages", "frontline_http_requests_in_flight",
                     "frontline_webhook_subscriptions", "frontline_webhook_backlog_events", "frontline_notify_mail_messages"):
            check(any(k[0] == name for k in after), "%s is exposed" % name)
        check(after[("frontline_db_transactions_total", ())] > 0, "units of work counted")


def port_open(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def test_metrics_address_of_its_own_and_off_by_default():
    with Server() as s:
        eq(scrape(s.url + "/metrics", None)[0], 404, "no token, no metrics address: no /metrics")
    port = free_port()
    with Server(extra_args=["--metrics-listen", "127.0.0.1:%d" % port]) as s:
        eq(scrape(s.url + "/metrics", None)[0], 404, "not on the main address")
        # the metrics address opens before the main one, which answered the start's /healthz
        check(port_open(port), "the metrics address listens once /healthz answers")
        status, _, text = scrape("http://127.0.0.1:%d/metrics" % port, None)
        eq(status, 200, "on the metrics address, without a token")
        promtool(text)
        eq(scrape("http://127.0.0.1:%d/api/v1/cases" % port, None)[0], 404, "nothing else there")


def test_scheduler_lag_shows_an_overdue_item():
    """On the real clock with a scheduler pass only every hour: a promise passes its due time and
    waits for the scheduler; the lag says so."""
    with Server(demo=True, test_clock=False, extra_args=["--scheduler-interval", "3600", "--metrics-token-file",
                                                         token_file()]) as s:
        chris = s.login("chris@%s.example" % V, V)
        case = chris.ok("POST", "/api/v1/cases", {"subject": "Lag", "channel": "chat", "customer_name": "Lou Lag"})
        due = time.time() + 2
        chris.ok("POST", "/api/v1/cases/%s/promises" % case["id"],
                 {"what": "soon", "due_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(due + 1)), "channel": "chat"})
        lag0 = samples(scrape(s.url + "/metrics")[2])[("frontline_scheduler_lag_seconds", ())]
        while time.time() < due + 3:
            time.sleep(0.2)
        lag = samples(scrape(s.url + "/metrics")[2])[("frontline_scheduler_lag_seconds", ())]
        check(lag >= 1, "the overdue promise shows as lag (%s s, %s before)" % (lag, lag0))


def test_prometheus_scrapes_it():
    if not shutil.which("prometheus"):
        skip("no prometheus server installed (Debian package prometheus)")
    port, prom_port = free_port(), free_port()
    with Server(extra_args=["--metrics-listen", "127.0.0.1:%d" % port]) as s:
        s.anon().get("/healthz")
        d = tempfile.mkdtemp(prefix="fl-prom-")
        with open(os.path.join(d, "prometheus.yml"), "w") as f:
            f.write("global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: frontline\n"
                    "    static_configs:\n      - targets: ['127.0.0.1:%d']\n" % port)
        log = open(os.path.join(d, "prometheus.log"), "w")
        prom = subprocess.Popen(["prometheus", "--config.file=" + os.path.join(d, "prometheus.yml"),
                                 "--storage.tsdb.path=" + os.path.join(d, "data"),
                                 "--web.listen-address=127.0.0.1:%d" % prom_port], stdout=log, stderr=log)
        try:
            result, deadline = None, time.time() + 120  # a hang detector, not a timing target
            q = urllib.parse.urlencode({"query": 'frontline_http_requests_total{job="frontline",route="/healthz"}'})
            while time.time() < deadline and not result:
                time.sleep(0.5)
                try:
                    with urllib.request.urlopen("http://127.0.0.1:%d/api/v1/query?%s" % (prom_port, q), timeout=5) as r:
                        result = json.loads(r.read())["data"]["result"]
                except (urllib.error.URLError, ConnectionError, KeyError):
                    pass
            check(result, "Prometheus scraped frontline_http_requests_total")
            q = urllib.parse.urlencode({"query": 'up{job="frontline"}'})
            with urllib.request.urlopen("http://127.0.0.1:%d/api/v1/query?%s" % (prom_port, q), timeout=5) as r:
                up = json.loads(r.read())["data"]["result"]
            eq(up[0]["value"][1], "1", "the target is up (the scrape parsed)")
        finally:
            prom.terminate()
            prom.wait(timeout=30)
            shutil.rmtree(d, ignore_errors=True)


def log_lines(s):
    with open(s.log.name) as f:
        return [json.loads(x) for x in f if x.startswith("{")]


def test_request_id_in_header_log_and_events():
    with Server(demo=True) as s:
        chris = s.login("chris@%s.example" % V, V)
        r = chris.post("/api/v1/cases", {"subject": "Which request?", "channel": "chat", "customer_name": "Rae Quest"})
        eq(r.status, 201, "opened")
        rid = r.headers["X-Request-Id"]
        check(re.fullmatch(r"[0-9a-f]{16}", rid), "an id in X-Request-Id: %r" % rid)
        note = chris.post("/api/v1/cases/%s/notes" % r.json["id"], {"body": "a note"})
        history = chris.ok("GET", "/api/v1/cases/%s/history" % r.json["id"])["items"]
        opened = [e for e in history if e["kind"] == "case.opened"]
        eq([e["request_id"] for e in opened], [rid], "the event names the request that caused it")
        noted = [e for e in history if e["kind"] == "note.added"]
        eq([e["request_id"] for e in noted], [note.headers["X-Request-Id"]], "each event its own request")
    lines = [x for x in log_lines(s) if x.get("req") == rid]
    eq([(x["level"], x["method"], x["path"], x["status"]) for x in lines], [("info", "POST", "/api/v1/cases", 201)],
       "the log line of that request carries the same id")
    for x in log_lines(s):
        check("level" in x, "every log line has a level: %r" % x)
        if "path" in x:
            check(x.get("req"), "every request line has its id: %r" % x)


def test_log_level_is_a_setting():
    with Server(extra_args=["--log-level", "warn"]) as s:
        s.anon().get("/healthz")
        s.anon().get("/api/v1/cases")
    eq([x for x in log_lines(s) if x["level"] == "info"], [], "warn: no info lines (requests, start, stop)")
    r = subprocess.run([BIN, "serve", "--db", s.db, "--log-level", "chatty", "--listen", "127.0.0.1:%d" % free_port()],
                       capture_output=True, text=True, timeout=60)
    eq(r.returncode, 2, "an unknown level is refused at start")
    check("log level must be error, warn, info or debug" in r.stderr, "with a clear message: %r" % r.stderr)


def test_config_file_flags_environment():
    """One table of settings for flags, FRONTLINE_* variables and the config file: flags win over
    the environment, which wins over the file; a key the file repeats from a flag is not an error;
    an unknown key, a line without '=' or a value that is not a number is refused with its line."""
    conf = os.path.join(tempfile.mkdtemp(prefix="fl-conf-"), "serve.conf")
    with open(conf, "w") as f:
        f.write("# the file repeats what the flags say\ndb = /nonexistent/never-used.db\nlisten = 127.0.0.1:1\n"
                "threads = 3\nlog_level = warn\nmax_per_address = 9\n")
    with Server(extra_args=["--config", conf]) as s:  # lib passes --db, --listen and --threads as flags
        s.anon().get("/healthz")
    eq([x for x in log_lines(s) if x["level"] == "info"], [], "the file's log level applies; its db and listen don't")
    port = free_port()
    env = dict(os.environ, FRONTLINE_LOG_LEVEL="error")

    def serve(extra, lines, environ=None):
        with open(conf, "w") as f:
            f.write(lines)
        return subprocess.run([BIN, "serve", "--db", s.db, "--listen", "127.0.0.1:%d" % port, "--config", conf] + extra,
                              capture_output=True, text=True, timeout=60, env=environ or os.environ)

    r = serve([], "threads = many\n")
    eq(r.returncode, 2, "a number that is not one is refused")
    check(":1: threads must be a whole number" in r.stderr, "naming the file's line: %r" % r.stderr)
    r = serve([], "\n# comment\nthreds = 4\n")
    eq(r.returncode, 2, "an unknown key is refused")
    check(":3: unknown key threds" in r.stderr, "naming the key and its line: %r" % r.stderr)
    r = serve([], "test_clock_start = 2026-01-01T00:00:00Z\n")
    eq(r.returncode, 2, "the test clock is never set up from the file")
    r = serve(["--threads", "-1"], "")
    eq(r.returncode, 2, "a negative flag value is refused")
    check("--threads: threads must be a whole number" in r.stderr, "naming the flag: %r" % r.stderr)
    r = serve([], "", dict(env, FRONTLINE_DRAIN="soon"))
    eq(r.returncode, 2, "a bad environment value is refused")
    check("FRONTLINE_DRAIN: drain must be a whole number" in r.stderr, "naming the variable: %r" % r.stderr)
    r = serve(["--log-level", "chatty"], "log_level = warn\n", env)
    eq(r.returncode, 2, "the flag wins over the variable and the file (and its bad value is refused)")


def test_sigterm_drains_a_request_in_flight():
    mport = free_port()
    s = Server(demo=True, extra_args=["--metrics-listen", "127.0.0.1:%d" % mport]).start()
    token = s.login("chris@%s.example" % V, V).token
    body = json.dumps({"subject": "Sent while stopping", "channel": "chat", "customer_name": "Dee Rain"}).encode()
    conn = socket.create_connection(("127.0.0.1", s.port))
    conn.sendall(("POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\n"
                  "Content-Length: %d\r\nConnection: close\r\n\r\n" % (token, len(body))).encode() + body[:10])
    deadline = time.time() + 60  # until the server has the headers: the request is in flight
    while time.time() < deadline:
        if samples(scrape("http://127.0.0.1:%d/metrics" % mport, None)[2])[("frontline_http_requests_in_flight", ())] >= 1:
            break
        time.sleep(0.05)
    s.proc.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    refused = False
    try:
        other = socket.create_connection(("127.0.0.1", s.port), timeout=2)
        other.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        refused = other.recv(100) == b""
        other.close()
    except OSError:
        refused = True
    check(refused, "no new connections while draining")
    conn.sendall(body[10:])
    answer = b""
    while True:
        chunk = conn.recv(65536)
        if not chunk:
            break
        answer += chunk
    conn.close()
    check(answer.startswith(b"HTTP/1.1 201"), "the request in flight was answered: %r" % answer[:60])
    eq(s.proc.wait(timeout=60), 0, "then the server exited 0")
    stops = [x for x in log_lines(s) if "stopping" in x]
    eq([x["stopping"] for x in stops], ["drained"], "it logged that it drained")
    s.proc = None
    c = json.loads(answer.split(b"\r\n\r\n", 1)[1])
    s2 = Server(db=s.db)
    with s2:
        eq(s2.login("chris@%s.example" % V, V).ok("GET", "/api/v1/cases/%s" % c["id"])["subject"], "Sent while stopping",
           "and it was committed")


def test_sighup_reopens_the_log_file():
    d = tempfile.mkdtemp(prefix="fl-log-")
    path = os.path.join(d, "frontline.log")
    with Server(extra_args=["--log-file", path]) as s:
        s.anon().get("/healthz?first")
        os.rename(path, path + ".1")  # logrotate
        s.proc.send_signal(signal.SIGHUP)
        deadline = time.time() + 30
        while not os.path.exists(path) and time.time() < deadline:
            time.sleep(0.1)
        s.anon().get("/api/v1/openapi.json")
    with open(path + ".1") as f:
        old = f.read()
    with open(path) as f:
        new = f.read()
    check('"/healthz"' in old and "openapi" not in old, "the first request went to the rotated file")
    check("log reopened" in new and '"/api/v1/openapi.json"' in new, "after SIGHUP the new file gets the lines")


def test_sd_notify_ready_watchdog_stopping():
    d = tempfile.mkdtemp(prefix="fl-sd-")
    sock_path = os.path.join(d, "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(sock_path)
    sock.settimeout(60)
    env = dict(os.environ, NOTIFY_SOCKET=sock_path, WATCHDOG_USEC="400000")
    saved = os.environ.copy()
    os.environ.clear()
    os.environ.update(env)
    try:
        s = Server().start()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    got = []

    def until(word):
        while not any(word in m for m in got):
            got.append(sock.recv(4096).decode())

    until("READY=1")
    check(any("STATUS=serving" in m for m in got), "readiness with a status")
    until("WATCHDOG=1")
    check(True, "the watchdog is pinged")
    s.stop()
    until("STOPPING=1")
    check(True, "and stopping is announced")
    sock.close()


def test_systemd_unit_verifies():
    if not shutil.which("systemd-analyze"):
        skip("no systemd-analyze")
    d = tempfile.mkdtemp(prefix="fl-unit-")
    unit = os.path.join(d, "frontline.service")
    with open(os.path.join(ROOT, "deploy", "frontline.service")) as f:
        text = f.read()
    for directive in ("ProtectSystem=strict", "NoNewPrivileges=yes", "PrivateTmp=yes", "Type=notify", "WatchdogSec=",
                      "ExecReload=/bin/kill -HUP $MAINPID", "CapabilityBoundingSet="):
        check(directive in text, "the unit has %s" % directive)
    with open(unit, "w") as f:  # the built binary in place of the installed one
        f.write(text.replace("/usr/local/bin/frontline", os.path.abspath(BIN)))
    r = subprocess.run(["systemd-analyze", "verify", unit], capture_output=True, text=True)
    mine = [x for x in (r.stdout + r.stderr).splitlines() if "frontline" in x]
    eq((r.returncode, mine), (0, []), "systemd-analyze verify: no error, no warning about the unit")
    r = subprocess.run(["systemd-analyze", "security", "--offline=yes", unit], capture_output=True, text=True)
    m = re.search(r"Overall exposure level for frontline.service: ([0-9.]+)", r.stdout)
    check(m and float(m.group(1)) <= 2.0, "systemd-analyze security: exposure at most 2.0 (%s)" % (m and m.group(1)))


if __name__ == "__main__":
    run_module(globals())
