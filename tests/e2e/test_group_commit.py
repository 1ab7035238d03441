"""serve --group-commit on|off|auto (issue 14): on hands every write to one group-commit writer, on
PostgreSQL too (one transaction per batch takes each organization's chain head once); off gives every
write its own transaction, on SQLite too.  On either backend and either setting: concurrent writes
into two organizations are all acknowledged and present, a write that fails in a batch leaves the
others of its batch committed, the history chains verify, and a bad value is a usage error.  A write waiting for its commit holds no server thread."""
import os
import sqlite3
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from lib import BIN, Server, check, eq, run_cli, run_module, skip  # noqa: E402

ORGS = {"vendor-co": "chris", "harbor-financial": "sofia"}
WRITERS, EACH = 6, 8


def writes_under(setting):
    with Server(demo=True, test_clock=False, extra_args=["--group-commit", setting]) as s:
        clients = [s.login("%s@%s.example" % (user, slug), slug) for slug, user in ORGS.items()]
        made, statuses, lock = [], [], threading.Lock()

        def writer(n):
            c = clients[n % len(clients)]
            for i in range(EACH):
                r = c.post("/api/v1/cases", {"subject": "gc-%s-%d-%d" % (setting, n, i), "channel": "chat",
                                             "customer_name": "Group Commit"})
                bad = c.post("/api/v1/cases", {"subject": "", "channel": "chat", "customer_name": "Refused"})
                with lock:
                    statuses.append((r.status, bad.status))
                    if r.status == 201:
                        made.append((c, r.json["id"]))

        ts = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        eq(sorted(set(statuses)), [(201, 400)], "every write acknowledged, every bad one refused (%s)" % setting)
        eq(len(made), WRITERS * EACH, "all acknowledged")
        for c, case_id in made[:: max(1, len(made) // 12)]:
            eq(c.ok("GET", "/api/v1/cases/" + case_id)["id"], case_id, "an acknowledged case is there")
    rc, out, _ = run_cli("audit", "verify", db=s.db)
    eq(rc, 0, "the history chains verify after group commit %s" % setting)
    check(out["ok"] and len(out["orgs"]) >= len(ORGS) and all(o["ok"] for o in out["orgs"]),
          "every chain intact: %r" % out)


def test_group_commit_on():
    writes_under("on")


def test_group_commit_off():
    writes_under("off")


def test_a_write_waiting_for_its_commit_holds_no_server_thread():
    """One server thread, and another process holds the database's write lock: a case opening waits
    for the writer, which waits for the lock; meanwhile the server answers /healthz on another
    connection (the write waits on a waiting thread, http/offload.h, its connection suspended, not
    on the server's one thread).  Once the lock is released the write commits and is answered."""
    if os.environ.get("FRONTLINE_PG"):
        skip("the write lock held here is SQLite's; PostgreSQL's writes have no writer thread by default")
    with Server(demo=True, threads=1) as s:
        chris = s.login("chris@vendor-co.example", "vendor-co")
        lock = sqlite3.connect(s.db, isolation_level=None, timeout=30)
        lock.execute("BEGIN IMMEDIATE")
        out = {}
        t = threading.Thread(target=lambda: out.update(r=chris.post("/api/v1/cases", {
            "subject": "Waits for the lock", "channel": "chat", "customer_name": "Patient Customer"})))
        t.start()
        time.sleep(0.3)  # lets the write reach the writer; the check below is about order, not time
        health = chris.get("/healthz")
        waiting = t.is_alive()
        lock.execute("ROLLBACK")
        lock.close()
        t.join()
        eq(health.status, 200, "/healthz answered")
        check(waiting, "/healthz was answered while the write still waited for the database")
        eq(out["r"].status, 201, "the write committed once the lock was released: %r" % out["r"])
        if out["r"].status == 201:
            eq(chris.ok("GET", "/api/v1/cases/" + out["r"].json["id"])["subject"], "Waits for the lock", "and it is there")


def test_a_bad_setting_is_a_usage_error():
    p = subprocess.run([BIN, "serve", "--db", "/tmp/nowhere.db", "--group-commit", "sometimes"], capture_output=True,
                       text=True, timeout=60)
    eq(p.returncode, 2, "a bad --group-commit is a usage error")
    check("--group-commit: group_commit must be on, off or auto" in p.stderr, "the message names the flag and its values: %r"
          % p.stderr)


if __name__ == "__main__":
    run_module(globals())
