#!/bin/bash
# The cost of GET /metrics under load (BENCHMARKS.md, issue 17): a release server on the demo
# database plus BENCH_METRICS_CASES more cases (default 2000, each with a pending promise), an
# API load (wrk: signed-in GET /api/v1/cases) running the whole time, and beside it, in turns of
# BENCH_METRICS_SECONDS (default 10), one connection asking /healthz as fast as it can, then one
# asking /metrics; the two rates and latencies are from the same run, under the same load.
# FRONTLINE_BIN (default ./frontline).
set -eu
cd "$(dirname "$0")/.."
export FRONTLINE_BIN=${FRONTLINE_BIN:-$PWD/frontline}
export BENCH_METRICS_CASES=${BENCH_METRICS_CASES:-2000}
export BENCH_METRICS_SECONDS=${BENCH_METRICS_SECONDS:-10}
exec /usr/bin/python3 - <<'PY'
import json, os, re, socket, subprocess, tempfile, time, urllib.request

BIN, N, SECS = os.environ["FRONTLINE_BIN"], int(os.environ["BENCH_METRICS_CASES"]), os.environ["BENCH_METRICS_SECONDS"]
TOKEN = "bench-metrics-token-0123456789"
tmp = tempfile.mkdtemp(prefix="fl-bench-metrics-")
db = os.path.join(tmp, "b.db")
run = lambda *a: subprocess.run([BIN] + list(a), check=True, capture_output=True)
run("init", "--db", db)
run("demo", "--db", db)
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
url = "http://127.0.0.1:%d" % port
env = dict(os.environ, FRONTLINE_METRICS_TOKEN=TOKEN)
srv = subprocess.Popen([BIN, "serve", "--db", db, "--listen", "127.0.0.1:%d" % port, "--threads", "4", "--log-level", "warn"],
                       env=env, stderr=subprocess.DEVNULL)
try:
    for _ in range(200):
        try:
            urllib.request.urlopen(url + "/healthz"); break
        except OSError:
            time.sleep(0.05)
    def call(method, path, body=None, token=None):
        req = urllib.request.Request(url + path, method=method, data=json.dumps(body).encode() if body is not None else None,
                                     headers=dict({"Content-Type": "application/json"}, **({"Authorization": "Bearer " + token} if token else {})))
        return json.loads(urllib.request.urlopen(req).read())
    tok = call("POST", "/api/v1/auth/login", {"org": "vendor-co", "email": "chris@vendor-co.example", "password": "frontline-demo"})["token"]
    due = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 30 * 86400))
    for i in range(N):
        c = call("POST", "/api/v1/cases", {"subject": "Bench case %d" % i, "channel": "chat", "customer_name": "B %d" % i}, tok)
        call("POST", "/api/v1/cases/%s/promises" % c["id"], {"what": "a reply", "due_at": due, "channel": "chat"}, tok)
    def wrk(path, conns, secs, token):
        r = subprocess.run(["wrk", "-t1", "-c%d" % conns, "-d%ss" % secs, "--latency", "-H", "Authorization: Bearer " + token,
                            url + path], capture_output=True, text=True, check=True).stdout
        rate = float(re.search(r"Requests/sec:\s+([0-9.]+)", r).group(1))
        p50 = re.search(r"50%\s+([0-9.]+\w+)", r).group(1)
        p99 = re.search(r"99%\s+([0-9.]+\w+)", r).group(1)
        return rate, p50, p99
    load = subprocess.Popen(["wrk", "-t1", "-c4", "-d%ds" % (4 * int(SECS) + 10), "-H", "Authorization: Bearer " + tok,
                             url + "/api/v1/cases?limit=20"], stdout=subprocess.PIPE, text=True)
    time.sleep(2)
    h1 = wrk("/healthz", 1, SECS, TOKEN)
    m1 = wrk("/metrics", 1, SECS, TOKEN)
    h2 = wrk("/healthz", 1, SECS, TOKEN)
    m2 = wrk("/metrics", 1, SECS, TOKEN)
    out = load.communicate()[0]
    api = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))
    size = len(urllib.request.urlopen(urllib.request.Request(url + "/metrics", headers={"Authorization": "Bearer " + TOKEN})).read())
    with open("/proc/loadavg") as f:
        la = f.read().split()[0]
    print("cases: demo + %d (each with a pending promise); load average %s; API load: GET /api/v1/cases at %.0f req/s" % (N, la, api))
    for name, (h, m) in (("turn 1", (h1, m1)), ("turn 2", (h2, m2))):
        print("%s: /healthz %.0f req/s (p50 %s, p99 %s); /metrics %.0f req/s (p50 %s, p99 %s); /metrics costs %.1fx /healthz"
              % (name, h[0], h[1], h[2], m[0], m[1], m[2], h[0] / m[0]))
    print("/metrics body: %d bytes" % size)
finally:
    srv.terminate(); srv.wait()
PY
