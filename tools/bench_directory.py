#!/usr/bin/python3
"""Benchmark "who can help now" (GET /api/v1/oncall/who) over HTTP against the release binary.

Loads an organization with PEOPLE people in 20 locations (5 time zones), 10 skills (each person
has 1-2 at their location) and ROTAS on-call rotas (2 layers each: a 24/7 weekly primary and an
office-hours secondary with daily hand-overs; some overrides), written straight into SQLite
(the rows the API would write; no events), then asks who can help with a skill near a location
REQUESTS times, one request at a time, and prints the latency distribution.

usage: tools/bench_directory.py [PEOPLE ROTAS [REQUESTS]]   (default 10000 1000 300)
"""
import json
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("FRONTLINE_BIN", os.path.join(ROOT, "frontline"))
ZONES = ["America/Chicago", "America/New_York", "Europe/Berlin", "Europe/London", "Asia/Tokyo"]
SKILLS = ["billing", "returns", "technical", "shipping", "accounts", "warranty", "orders", "privacy", "b2b", "retail"]
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
HOURS = json.dumps({d: "09:00-17:00" for d in DAYS[:5]}, separators=(",", ":"))


def ident(prefix, i):
    return "%s_%026d" % (prefix, i)


def load(db, people, rotas):
    subprocess.run([BIN, "init", "--db", db], check=True, capture_output=True)
    subprocess.run([BIN, "org", "create", "--db", db, "--slug", "bench", "--name", "Bench", "--admin_email",
                    "admin@bench.example", "--admin_password", "benchmark-pass"], check=True, capture_output=True)
    con = sqlite3.connect(db)
    org = con.execute("SELECT id FROM orgs WHERE slug = 'bench'").fetchone()[0]
    rnd = random.Random(7)
    now = int(time.time() * 1000)
    locs = []
    for i in range(20):
        tz = ZONES[i % len(ZONES)]
        lid = ident("loc", i)
        locs.append((lid, tz))
        con.execute("INSERT INTO locations (org_id, id, name, tz, address, hours, created_at, region) VALUES (?,?,?,?,?,?,?,?)",
                    (org, lid, "Site %02d" % i, tz, "", HOURS, now, tz.split("/")[0].lower()))
    for i, s in enumerate(SKILLS):
        con.execute("INSERT INTO skills (org_id, id, name, description, created_at) VALUES (?,?,?,?,?)",
                    (org, ident("skl", i), s, "", now))
    by_loc = {l[0]: [] for l in locs}
    for i in range(people):
        pid = ident("per", i)
        lid = locs[i % len(locs)][0]
        by_loc[lid].append(pid)
        con.execute("INSERT INTO people (org_id, id, name, email, phone, role, location_id, created_at) VALUES (?,?,?,?,?,?,?,?)",
                    (org, pid, "Person %05d" % i, "p%05d@bench.example" % i, "+1 555 %04d" % (i % 10000),
                     "frontline", lid, now))
        for k in rnd.sample(range(len(SKILLS)), 1 + (i % 2)):
            con.execute("INSERT INTO person_skills (org_id, person_id, skill_id, location_id, created_at) VALUES (?,?,?,?,?)",
                        (org, pid, ident("skl", k), lid, now))
    for i in range(rotas):
        lid, tz = locs[i % len(locs)]
        members = rnd.sample(by_loc[lid], 6)
        layers = [
            {"layer": "primary", "members": members[:4], "handoff": "09:00", "period_days": 7, "start": "2026-01-05",
             "windows": []},
            {"layer": "secondary", "members": members[4:], "handoff": "08:00", "period_days": 1, "start": "2026-01-05",
             "windows": [{"days": DAYS[:5], "from": "08:00", "to": "18:00"}]},
        ]
        rid = ident("rota", i)
        con.execute("INSERT INTO rotas (org_id, id, name, skill_id, location_id, region, tz, layers, active, created_by, "
                    "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,1,?,?,?)",
                    (org, rid, "Rota %04d" % i, ident("skl", i % len(SKILLS)), lid, "", tz,
                     json.dumps(layers, separators=(",", ":")), "system", now, now))
        if i % 5 == 0:
            con.execute("INSERT INTO rota_overrides (org_id, id, rota_id, layer, person_id, starts_at, ends_at, reason, "
                        "cancelled, created_by, created_at) VALUES (?,?,?,?,?,?,?,?,0,?,?)",
                        (org, ident("ovr", i), rid, "primary", members[5], now - 3600000, now + 3600000, "", "system", now))
    con.commit()
    con.close()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def call(url, token=None, body=None):
    h = {"Content-Type": "application/json"}
    if token:
        h["Authorization"] = "Bearer " + token
    req = urllib.request.Request(url, data=json.dumps(body).encode() if body is not None else None, headers=h,
                                 method="POST" if body is not None else "GET")
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())


def cpu_ms(pid):
    """User + system CPU time of a process so far, in ms (stable when the machine is busy)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000.0 / os.sysconf("SC_CLK_TCK")


def measure(urls, tok, pid):
    lat = []
    found = 0
    c0 = cpu_ms(pid)
    for u in urls:
        t = time.perf_counter()
        r = call(u, tok)
        lat.append((time.perf_counter() - t) * 1000)
        found += len(r.get("items", []))
    cpu = (cpu_ms(pid) - c0) / len(urls)
    lat.sort()
    n = len(lat)
    return ("%d requests: wall mean %.2f ms, p50 %.2f, p95 %.2f, p99 %.2f, max %.2f; server CPU %.2f ms/request; "
            "%.1f items per answer" % (n, statistics.mean(lat), lat[n // 2], lat[int(n * 0.95)], lat[int(n * 0.99)],
                                       lat[-1], cpu, found / n))


def main():
    people = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    rotas = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 300
    tmp = tempfile.mkdtemp(prefix="fl-bench-")
    db = os.path.join(tmp, "bench.db")
    t0 = time.time()
    load(db, people, rotas)
    print("loaded %d people, %d rotas in %.1fs" % (people, rotas, time.time() - t0))
    port = free_port()
    url = "http://127.0.0.1:%d" % port
    log = open(os.path.join(tmp, "server.log"), "w")
    srv = subprocess.Popen([BIN, "serve", "--db", db, "--listen", "127.0.0.1:%d" % port, "--threads", "2"], stdout=log,
                           stderr=log)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/healthz", timeout=1)
                break
            except Exception:
                time.sleep(0.05)
        tok = call(url + "/api/v1/auth/login", body={"org": "bench", "email": "admin@bench.example",
                                                      "password": "benchmark-pass"})["token"]
        rnd = random.Random(11)
        qs = ["%s/api/v1/oncall/who?skill=%s&near=Site%%20%02d" % (url, rnd.choice(SKILLS), rnd.randrange(20))
              for _ in range(n)]
        for u in qs[:10]:
            call(u, tok)
        print("who can help:   " + measure(qs, tok, srv.pid))
        print("baseline (GET /api/v1/org):      " + measure([url + "/api/v1/org"] * n, tok, srv.pid))
        print("load average: %.2f %.2f %.2f on %d CPUs" % (os.getloadavg() + (os.cpu_count(),)))
    finally:
        srv.terminate()
        srv.wait()


if __name__ == "__main__":
    main()
