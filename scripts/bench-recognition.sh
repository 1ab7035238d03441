#!/bin/bash
# The "Recognition" benchmark of BENCHMARKS.md: one scorecard over a year at the volume of 1,000,000
# cases, read from the rollup scorecard_daily, against GET /api/v1/org in the same run.
#
# The scorecards read only the rollup, so their cost grows with people x days x measures, not with
# cases.  This seeds the rollup that a year of 1,000,000 cases leaves behind in one organization:
# PEOPLE people in TEAMS teams, every person with activity on every day of the year in every measure
# (the worst case: real people have idle days), and each team's own rows, exactly as
# scorecard_add() writes them (tests/e2e/test_recognition.py checks that the hooks write them).
# Environment: PEOPLE=300 TEAMS=30 RUNS=30 (requests per figure)
set -eu
cd "$(dirname "$0")/.."
BIN=$PWD/frontline
PEOPLE=${PEOPLE:-300}
TEAMS=${TEAMS:-30}
RUNS=${RUNS:-30}
WORK=$PWD/build/bench-recognition
mkdir -p "$WORK"
[ -x "$BIN" ] || make -s frontline
DB=$WORK/recognition-$PEOPLE.db
if [ ! -f "$DB" ]; then
	"$BIN" init --db "$DB" >/dev/null
	"$BIN" demo --db "$DB" >/dev/null
	/usr/bin/python3 - "$DB" "$PEOPLE" "$TEAMS" <<'PY'
import sqlite3, sys, time
db, people, teams = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
con = sqlite3.connect(db)
org, sup = con.execute("SELECT org_id, id FROM people WHERE email = 'sandy@vendor-co.example'").fetchone()
now = int(time.time() * 1000)
day0 = (now // 86400000 - 365) * 86400000
measures = ["acts", "thanks", "kept_as_made", "kept_renegotiated", "follow_ups", "breaches", "duties_kept",
            "duties_lapsed", "act.routed_outside", "act.follow_up", "act.rescue", "act.put_right"]
for t in range(teams):
    con.execute("INSERT INTO teams (org_id, id, name, created_at) VALUES (?,?,?,?)", (org, "team_b%03d" % t, "Bench team %03d" % t, now))
for p in range(people):
    con.execute("INSERT INTO people (org_id, id, name, email, role, team_id, manager_id, created_at) VALUES (?,?,?,?,?,?,?,?)",
                (org, "per_b%04d" % p, "Bench person %d" % p, "b%d@bench.example" % p, "frontline", "team_b%03d" % (p % teams), sup, now))
rows = []
for d in range(366):
    day = day0 + d * 86400000
    for p in range(people):
        for i, m in enumerate(measures):
            rows.append((org, "per_b%04d" % p, "team_b%03d" % (p % teams), day, m, 1 + (p + d + i) % 4))
    for t in range(teams):
        for i, m in enumerate(measures):
            rows.append((org, "", "team_b%03d" % t, day, "team_breaches" if m == "breaches" else m, 10 + (t + d + i) % 7))
con.executemany("INSERT INTO scorecard_daily (org_id, person_id, team_id, day, measure, n) VALUES (?,?,?,?,?,?)", rows)
con.commit()
print("seeded %d rollup rows" % len(rows), file=sys.stderr)
PY
fi
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" serve --db "$DB" --listen 127.0.0.1:$PORT --threads 2 >"$WORK/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
/usr/bin/python3 -u - "$PORT" "$RUNS" "$DB" <<'PY'
import json, statistics, sys, time, urllib.request
port, runs, db = sys.argv[1], int(sys.argv[2]), sys.argv[3]
base = "http://127.0.0.1:%s" % port
for _ in range(3000):
    try:
        urllib.request.urlopen(base + "/healthz", timeout=1); break
    except Exception:
        time.sleep(0.1)
def call(path, body=None, token=None):
    h = {"Content-Type": "application/json"}
    if token: h["Authorization"] = "Bearer " + token
    req = urllib.request.Request(base + path, data=json.dumps(body).encode() if body is not None else None, headers=h)
    with urllib.request.urlopen(req, timeout=600) as r:
        return r.read()
tok = json.loads(call("/api/v1/auth/login", {"org": "vendor-co", "email": "sandy@vendor-co.example", "password": "frontline-demo"}))["token"]
year = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 366 * 86400))
card = json.loads(call("/api/v1/scorecards/people/per_b0007?from=" + year, token=tok))
assert any(m["value"] > 300 for m in card["measures"]), card["measures"]
cases = [("GET /api/v1/org (the comparison)", "/api/v1/org"),
         ("one person's scorecard, a year", "/api/v1/scorecards/people/per_b0007?from=" + year),
         ("one team's scorecard, a year", "/api/v1/scorecards/teams/team_b007?from=" + year),
         ("every team side by side, a year", "/api/v1/scorecards/teams?from=" + year),
         ("every team side by side, a year, CSV", "/api/v1/scorecards/teams?format=csv&from=" + year)]
base_ms = None
print("| request | median ms | p95 ms | vs GET /api/v1/org |")
print("|---|---|---|---|")
for name, path in cases:
    t = []
    for _ in range(runs):
        t0 = time.perf_counter(); call(path, token=tok); t.append((time.perf_counter() - t0) * 1000)
    t.sort()
    med, p95 = statistics.median(t), t[int(len(t) * 0.95) - 1]
    base_ms = base_ms or med
    print("| %s | %.2f | %.2f | %.1f× |" % (name, med, p95, med / base_ms))
rows = __import__("sqlite3").connect(db).execute("SELECT COUNT(*) FROM scorecard_daily").fetchone()[0]
print("\n%d rollup rows; %s" % (rows, open("/proc/loadavg").read().strip()))
PY
