"""PostgreSQL restarted under load: while clients open cases, the PostgreSQL cluster is restarted
(fast shutdown: every connection is cut) several times.  Requests made while it is down fail
cleanly (a 500/503 JSON error, never a crash or a hang); Frontline recovers by itself, without a
restart of its own; every acknowledged write is present and the history chain verifies.
Runs in the PostgreSQL pass (FRONTLINE_PG set), on a cluster of its own (scripts/pg-cluster.sh), so
that restarting it disturbs no other suite."""
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from lib import Client, Server, check, eq, run_module, skip  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RESTARTS = int(os.environ.get("PG_RESTARTS", "3"))


def own_cluster():
    """Start a throwaway cluster; returns its environment (PG_URL, PG_DIR)."""
    out = subprocess.run([os.path.join(ROOT, "scripts/pg-cluster.sh"), "start"], capture_output=True, text=True,
                         check=True).stdout
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line and not line.startswith("export"))


def test_postgres_restart_under_load():
    if not os.environ.get("FRONTLINE_PG"):
        skip("the PostgreSQL pass only")
    env = own_cluster()
    saved = {k: os.environ.get(k) for k in ("FRONTLINE_PG", "PG_DIR")}
    os.environ.update(FRONTLINE_PG=env["PG_URL"], PG_DIR=env["PG_DIR"])
    try:
        restart_under_load()
    finally:
        subprocess.run([os.path.join(ROOT, "scripts/pg-cluster.sh"), "stop", env["PG_DIR"]], capture_output=True)
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def restart_under_load():
    s = Server(demo=True, test_clock=False, threads=4)
    s.start()
    token = s.login("chris@vendor-co.example", "vendor-co").token
    acked, statuses, lock, stop = {}, {}, threading.Lock(), threading.Event()

    def client(n):
        c = Client(s, token=token)
        i = 0
        while not stop.is_set():
            i += 1
            subject = "pg-restart-%d-%d" % (n, i)
            r = c.post("/api/v1/cases", {"subject": subject, "channel": "chat", "customer_name": "Restart"})
            with lock:
                statuses[r.status] = statuses.get(r.status, 0) + 1
                if r.status == 201:
                    acked[r.json["id"]] = subject
                else:
                    check(r.status in (500, 503) and r.json and r.json.get("error", {}).get("code"),
                          "a request during the restart fails cleanly: %r" % r)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(4)]
    for t in threads:
        t.start()
    try:
        for _ in range(RESTARTS):
            time.sleep(0.7)
            rc = subprocess.run([os.path.join(ROOT, "scripts/pg-cluster.sh"), "restart"], capture_output=True, text=True)
            eq(rc.returncode, 0, "the cluster restarted (%s)" % rc.stderr.strip())
        time.sleep(1.0)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    check(s.proc.poll() is None, "the server is still running")
    c = Client(s, token=token)
    r = c.post("/api/v1/cases", {"subject": "after-restarts", "channel": "chat", "customer_name": "Restart"})
    eq(r.status, 201, "writes succeed after the restarts without restarting Frontline")
    missing = [cid for cid, subject in acked.items()
               if (lambda g: g.status != 200 or g.json.get("subject") != subject)(c.get("/api/v1/cases/" + cid))]
    eq(missing, [], "every acknowledged write is present")
    admin = s.login("admin@vendor-co.example", "vendor-co")
    v = admin.get("/api/v1/audit/verify")
    check(v.status == 200 and v.json.get("ok") is True, "the history chain is intact: %r" % v.json)
    s.stop()
    print("  %d restarts; answers %r" % (RESTARTS, dict(sorted(statuses.items()))))


if __name__ == "__main__":
    run_module(globals())
