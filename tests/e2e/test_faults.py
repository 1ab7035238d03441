"""Fault injection (SQLite): storage errors never half-write and never stop the server.

(a) The server runs on the fault-injecting VFS (src/store/faultvfs.c, FRONTLINE_FAULT_FILE): for
every kind of fault (the Nth read, write or fsync fails with SQLITE_IOERR or SQLITE_FULL, for N
from 1 on) one write request is made.  It either succeeds (201) and its data is there once the
fault is gone, or it fails with a clear 500/503 JSON error and nothing of it is stored.  The
server keeps serving after each one, and at the end the history chain verifies and PRAGMA
integrity_check is ok.
(b) A full disk: the database lives on a small tmpfs that is then filled up; writes fail cleanly
(500/503), reads keep working, and once space is freed writes succeed again, with no restart.
SQLITE_ONLY: PostgreSQL's own faults are covered by test_pg_restart.py."""
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from lib import Server, check, eq, run_module, skip  # noqa: E402

CHRIS = "chris@vendor-co.example"
MAX_N = int(os.environ.get("FAULT_MAX_N", "14"))


def err_code(r):
    return (r.json or {}).get("error", {}).get("code")


def control(path, line):
    with open(path, "w") as f:
        f.write(line)
    # the VFS notices the change by size or modification time: make sure the time moves
    time.sleep(0.002)


def open_case(c, subject):
    return c.post("/api/v1/cases", {"subject": subject, "channel": "email", "customer_name": "Fault " + subject})


def stored(c, subject):
    r = c.get("/api/v1/cases?q=" + urllib.parse.quote(subject))
    eq(r.status, 200, "listing cases works once the fault is gone")
    return [x for x in r.json.get("items", []) if x.get("subject") == subject]


def integrity(db):
    p = subprocess.run(["sqlite3", "-cmd", ".timeout 10000", db, "PRAGMA integrity_check"], capture_output=True, text=True)
    return p.stdout.strip()


def test_injected_faults_fail_cleanly():
    if os.environ.get("FRONTLINE_PG"):
        skip("the fault-injecting VFS is SQLite's")
    ctl = tempfile.mktemp(prefix="fl-faults-")
    control(ctl, "")
    os.environ["FRONTLINE_FAULT_FILE"] = ctl
    try:
        s = Server(demo=True, test_clock=False)
        s.start()
        c = s.login(CHRIS, "vendor-co")
        outcomes = {"ok": 0, "failed": 0}
        for op in ("write", "sync", "read"):
            for code in ("ioerr", "full"):
                for n in range(1, MAX_N + 1):
                    subject = "fault-%s-%s-%d" % (op, code, n)
                    control(ctl, "%s %d %s" % (op, n, code))
                    r = open_case(c, subject)
                    control(ctl, "")
                    if r.status == 201:
                        outcomes["ok"] += 1
                        got = c.get("/api/v1/cases/" + r.json["id"])
                        eq((got.status, got.json.get("subject")), (200, subject),
                           "%s: acknowledged, so stored" % subject)
                    else:
                        outcomes["failed"] += 1
                        check(r.status in (500, 503), "%s: a clear 500/503, not %d" % (subject, r.status))
                        check(err_code(r) in ("storage_error", "commit_failed", "busy", "unavailable"),
                              "%s: a stable error code (%s)" % (subject, err_code(r)))
                        eq(stored(c, subject), [], "%s: refused, so nothing of it is stored" % subject)
                    eq(s.anon().get("/healthz").status, 200, "%s: the server still serves" % subject)
                    after = open_case(c, subject + "-after")
                    eq(after.status, 201, "%s: the next write succeeds" % subject)
        check(outcomes["failed"] > 0, "some injected faults made a request fail (%r)" % outcomes)
        admin = s.login("admin@vendor-co.example", "vendor-co")
        v = admin.get("/api/v1/audit/verify")
        check(v.status == 200 and v.json.get("ok") is True, "the history chain is intact: %r" % v.json)
        s.stop()
        eq(integrity(s.db), "ok", "integrity_check after the faults")
        print("  %d requests succeeded, %d failed cleanly" % (outcomes["ok"], outcomes["failed"]))
    finally:
        os.environ.pop("FRONTLINE_FAULT_FILE", None)
        os.unlink(ctl)


def test_full_disk_fails_cleanly_and_recovers():
    if os.environ.get("FRONTLINE_PG"):
        skip("the full disk test is about the SQLite file")
    if os.geteuid() != 0:
        skip("mounting a tmpfs needs root")
    mnt = tempfile.mkdtemp(prefix="fl-full-")
    rc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", mnt], capture_output=True, text=True)
    if rc.returncode != 0:
        skip("cannot mount a tmpfs here: " + rc.stderr.strip())
    try:
        s = Server(db=os.path.join(mnt, "full.db"), demo=True, test_clock=False)
        s.start()
        c = s.login(CHRIS, "vendor-co")
        eq(open_case(c, "before-full").status, 201, "writes work while there is room")
        filler = os.path.join(mnt, "filler")
        subprocess.run(["dd", "if=/dev/zero", "of=" + filler, "bs=1M", "count=64"], capture_output=True)
        failed = 0
        for i in range(40):  # the WAL may still have room for a few: write until the disk is felt
            r = open_case(c, "while-full-%d" % i)
            if r.status != 201:
                check(r.status in (500, 503), "a full disk answers 500/503, not %d" % r.status)
                failed += 1
                eq(stored(c, "while-full-%d" % i), [], "the refused case is not stored")
        check(failed > 0, "a full disk made writes fail (%d of 40)" % failed)
        eq(c.get("/api/v1/cases?q=before-full").status, 200, "reads keep working on a full disk")
        os.unlink(filler)
        ok = open_case(c, "after-full")
        eq(ok.status, 201, "once there is room again, writes succeed without a restart")
        eq(len(stored(c, "after-full")), 1, "and are stored")
        s.stop()
        eq(integrity(s.db), "ok", "integrity_check after the full disk")
    finally:
        subprocess.run(["umount", "-l", mnt], capture_output=True)
        os.rmdir(mnt)


if __name__ == "__main__":
    run_module(globals())
