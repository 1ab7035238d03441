#!/bin/bash
# The "Learning" benchmark of BENCHMARKS.md: seed REVIEWS failure reviews (frontline
# bench-seed-learning, hidden) in one organization, then time the root-cause report over HTTP
# (release server, one signed-in leader): the whole year, the last 30 days, each CSV view, and the
# leadership report.  Checks that the report's Pareto equals what the seeder wrote.
# Environment: REVIEWS=1000000 CASES=20000 RUNS=5 BENCH_DB (reuse a seeded SQLite file)
set -eu
cd "$(dirname "$0")/.."
BIN=$PWD/frontline
REVIEWS=${REVIEWS:-1000000}
CASES=${CASES:-20000}
RUNS=${RUNS:-5}
WORK=$PWD/build/bench-learning
mkdir -p "$WORK"
[ -x "$BIN" ] || make -s frontline
DB=${BENCH_DB:-$WORK/learning-$REVIEWS.db}
if [ ! -f "$WORK/seed-$REVIEWS.json" ] || [ ! -f "$DB" ]; then
	rm -f "$DB" "$DB-wal" "$DB-shm"
	"$BIN" init --db "$DB" >/dev/null
	start=$(date +%s)
	"$BIN" bench-seed-learning --db "$DB" --reviews "$REVIEWS" --cases "$CASES" >"$WORK/seed-$REVIEWS.json"
	echo "seeded $REVIEWS reviews in $(( $(date +%s) - start )) s" >&2
fi
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" serve --db "$DB" --listen 127.0.0.1:$PORT --threads 2 >"$WORK/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
/usr/bin/python3 - "$PORT" "$WORK/seed-$REVIEWS.json" "$RUNS" "$DB" <<'PY'
import json, os, statistics, sys, time, urllib.request
port, seed_file, runs, db = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
base = "http://127.0.0.1:%s" % port
seed = json.load(open(seed_file))
for _ in range(200):
    try:
        urllib.request.urlopen(base + "/healthz", timeout=1); break
    except Exception:
        time.sleep(0.1)
def call(method, path, body=None, token=None):
    h = {"Content-Type": "application/json"}
    if token: h["Authorization"] = "Bearer " + token
    req = urllib.request.Request(base + path, data=json.dumps(body).encode() if body is not None else None, method=method, headers=h)
    with urllib.request.urlopen(req, timeout=600) as r:
        return r.read()
tok = json.loads(call("POST", "/api/v1/auth/login", {"org": seed["org"], "email": seed["as"], "password": seed["password"]}))["token"]
rep = json.loads(call("GET", "/api/v1/reports/root-causes", token=tok))
got = {p["category"]: p["count"] for p in rep["pareto"]}
assert got == seed["by_category"], (got, seed["by_category"])
assert rep["total_reviews"] == seed["reviews"], rep["total_reviews"]
now = time.time()
month = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - 30 * 86400))
cases = [
    ("root causes, all reviews (JSON, every section)", "/api/v1/reports/root-causes"),
    ("root causes, last 30 days (JSON)", "/api/v1/reports/root-causes?from=" + month),
    ("root causes, Pareto CSV", "/api/v1/reports/root-causes?format=csv&view=pareto"),
    ("root causes, by team CSV", "/api/v1/reports/root-causes?format=csv&view=team"),
    ("root causes, by boundary CSV", "/api/v1/reports/root-causes?format=csv&view=boundary"),
    ("root causes, by policy pair CSV", "/api/v1/reports/root-causes?format=csv&view=policy"),
    ("leadership report", "/api/v1/reports/leadership"),
]
size = os.path.getsize(db)
print("reviews %d, causes %d, facets %d, cases %d; database %.0f MB (SQLite)" % (
    seed["reviews"], seed["causes"], seed["facets"], seed["cases"], size / 1e6))
print("| report | median ms | min ms | max ms |")
print("|---|---|---|---|")
for name, path in cases:
    ts = []
    for _ in range(runs):
        t = time.perf_counter(); call("GET", path, token=tok); ts.append((time.perf_counter() - t) * 1000)
    print("| %s | %.0f | %.0f | %.0f |" % (name, statistics.median(ts), min(ts), max(ts)))
print("Pareto checked against the seeder's counts: equal")
PY
