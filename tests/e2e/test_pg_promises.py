"""Two servers on one PostgreSQL database break promises exactly once: many promises due at the same
moment, both servers' manual clocks advanced together, each promise gets one breach, one
promise.broken event and one alert.  Runs only with FRONTLINE_PG (scripts/run-tests.sh sets it on
its PostgreSQL pass); elsewhere it reports its test as skipped."""
import os
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(__file__))
from lib import Server, eq, needs_postgres, run_cli, run_module  # noqa: E402

V = "vendor-co"
START = "2026-03-02T15:00:00Z"


def psql(db, sql):
    p = subprocess.run(["psql", "-qAtX", db, "-c", sql], capture_output=True, text=True, check=True)
    return [line.split("|") for line in p.stdout.splitlines() if line]


def test_breaches_fire_once_with_two_servers():
    a = Server(demo=True, start=START).start()
    b = Server(db=a.db, start=START).start()
    n = int(os.environ.get("FL_DUE_PROMISES", "60"))
    try:
        jo = a.login("jo@vendor-co.example", V)
        cases = [jo.ok("POST", "/api/v1/cases", {"subject": "Two servers %d" % k, "channel": "phone",
                                                 "customer_name": "Erin Park %d" % k}) for k in range(6)]
        for i in range(n):
            jo.ok("POST", "/api/v1/cases/%s/promises" % cases[i % len(cases)]["id"],
                  {"what": "call back %d" % i, "due_at": "2026-03-02T16:00:00Z", "channel": "phone"})
        gate = threading.Barrier(2)

        def go(s):
            gate.wait()
            s.advance(minutes=61)

        ts = [threading.Thread(target=go, args=(s,)) for s in (a, b)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
    finally:
        a.stop()
        b.stop()
    mine = "(SELECT id FROM cases WHERE subject LIKE 'Two servers %')"
    eq(psql(a.db, "SELECT COUNT(*), COUNT(DISTINCT promise_id) FROM breaches WHERE case_id IN " + mine),
       [[str(n), str(n)]], "one breach per promise")
    eq(psql(a.db, "SELECT COUNT(*) FROM events WHERE kind = 'promise.broken' AND case_id IN " + mine), [[str(n)]],
       "one promise.broken event per promise")
    eq(psql(a.db, "SELECT COUNT(*) FROM alerts WHERE kind = 'promise_broken' AND case_id IN " + mine), [[str(n)]],
       "one alert per promise")
    code, _, _ = run_cli("audit", "verify", db=a.db)
    eq(code, 0, "hash chains verify")


if __name__ == "__main__":
    run_module(globals(), skip_all=needs_postgres())
