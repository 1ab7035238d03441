"""Several servers on one PostgreSQL database (issue 9).  Runs only with FRONTLINE_PG set
(scripts/run-tests.sh sets it on its PostgreSQL pass); elsewhere it reports its tests as skipped.

- concurrent writes on the same case from two servers: the person offered the case accepts on one
  server while the offerer withdraws on the other (and the recipient accepts on both at once):
  exactly one wins, the loser gets 409, the history records one decision;
- the scheduler on both servers: many items due at the same moment, both servers' manual clocks
  advanced at once; every due event fires exactly once (pg_advisory_xact_lock in tick_run)."""
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(__file__))
from lib import Server, eq, needs_postgres, run_cli, run_module  # noqa: E402

V = "vendor-co"
START = "2026-03-02T15:00:00Z"


def pair(**kw):
    a = Server(demo=True, start=START, **kw)
    b = Server(db=a.db, start=START, **kw)  # `init` on the shared database is a no-op
    return a.start(), b.start()


def at_once(*calls):
    """Run the calls in threads released together; returns their results in order."""
    gate = threading.Barrier(len(calls))
    out = [None] * len(calls)

    def go(i, fn):
        gate.wait()
        out[i] = fn()

    ts = [threading.Thread(target=go, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return out


def test_concurrent_decisions_on_one_case():
    a, b = pair()
    try:
        chris_a = a.login("chris@vendor-co.example", V)
        pat_a = a.login("pat@vendor-co.example", V)
        chris_b = b.login("chris@vendor-co.example", V)
        pat_b = b.login("pat@vendor-co.example", V)
        rounds = 15
        for i in range(rounds):
            case = chris_a.ok("POST", "/api/v1/cases", {"subject": "Race %d" % i, "channel": "phone",
                                                        "customer_name": "Sam Carter %d" % i,
                                                        "summary": "two servers"})
            offer = chris_a.ok("POST", "/api/v1/cases/%s/offers" % case["id"], {"to": "pat@vendor-co.example"})
            if i % 2 == 0:  # the same person accepts through both servers at once
                r1, r2 = at_once(lambda: pat_a.post("/api/v1/offers/%s/accept" % offer["id"]),
                                 lambda: pat_b.post("/api/v1/offers/%s/accept" % offer["id"]))
                want_owner = "Pat Morgan"
            else:  # two people: Pat accepts on A while Chris withdraws on B
                r1, r2 = at_once(lambda: pat_a.post("/api/v1/offers/%s/accept" % offer["id"]),
                                 lambda: chris_b.post("/api/v1/offers/%s/withdraw" % offer["id"]))
                want_owner = None
            codes = sorted([r1.status, r2.status])
            eq(codes, [200, 409], "round %d: exactly one wins, the other gets 409" % i)
            view = chris_b.ok("GET", "/api/v1/cases/" + case["id"])
            kinds = [e["kind"] for e in view["history"]]
            decided = [k for k in kinds if k in ("case.accepted", "case.offer_withdrawn")]
            eq(len(decided), 1, "round %d: one decision in the history %r" % (i, kinds))
            if want_owner:
                eq(view["owner"]["name"], want_owner, "round %d: Pat owns the case" % i)
            else:
                winner_accept = r1.status == 200
                eq(view["owner"]["name"], "Pat Morgan" if winner_accept else "Chris Young",
                   "round %d: the owner matches the winner" % i)
    finally:
        a.stop()
        b.stop()
    code, out, _ = run_cli("audit", "verify", db=a.db)
    eq(code, 0, "the shared history's hash chains verify")


def psql(db, sql):
    import subprocess
    p = subprocess.run(["psql", "-qAtX", db, "-c", sql], capture_output=True, text=True, check=True)
    return [line.split("|") for line in p.stdout.splitlines() if line]


def test_due_events_fire_once_with_two_servers():
    a, b = pair()
    n = int(os.environ.get("FL_DUE_ITEMS", "1000"))
    try:
        chris = a.login("chris@vendor-co.example", V)
        cases = [chris.ok("POST", "/api/v1/cases", {"subject": "Many due items %d" % k, "channel": "phone",
                                                    "customer_name": "Sam Carter %d" % k, "summary": "scheduler"})
                 for k in range(10)]
        due = "2026-03-02T16:00:00Z"  # all at the same moment
        for i in range(n):
            chris.ok("POST", "/api/v1/cases/%s/requests" % cases[i % len(cases)]["id"],
                     {"to_person": "pat@vendor-co.example", "what": "item %d" % i, "due_at": due})
        # both servers' clocks move together past the due time, reminders, overdue checks and
        # escalations: every pass on each server runs at the same moment as the other's
        for step in range(8):
            at_once(lambda: a.advance(minutes=30), lambda: b.advance(minutes=30))
    finally:
        a.stop()
        b.stop()
    # only this test's requests (the demo data has requests and scheduler events of its own)
    kinds = ("('request.reminded','request.follow_up_due','request.overdue','request.escalated') AND case_id IN "
             "(SELECT id FROM cases WHERE subject LIKE 'Many due items %%')")
    twice = psql(a.db, "SELECT kind, entity_id, COUNT(*) FROM events WHERE kind IN %s "
                       "GROUP BY kind, entity_id HAVING COUNT(*) > 1" % kinds)
    eq(twice, [], "no due event fired twice")
    mine = ",".join("'%s'" % c["id"] for c in cases)  # ids from the server: [a-z0-9_] only
    per_kind = dict((k, int(c)) for k, c in psql(a.db, "SELECT kind, COUNT(DISTINCT entity_id) FROM events "
                                                       "WHERE kind IN %s AND case_id IN (%s) GROUP BY kind"
                                                       % (kinds, mine)))
    eq(per_kind.get("request.overdue"), n, "every item became overdue exactly once (by kind: %r)" % per_kind)
    code, out, _ = run_cli("audit", "verify", db=a.db)
    eq(code, 0, "hash chains verify after concurrent scheduler passes")


if __name__ == "__main__":
    run_module(globals(), skip_all=needs_postgres())
