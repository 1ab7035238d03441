"""Crash tests.  (a) A writer process (the CLI in a loop) is killed with SIGKILL at random
moments; after each kill every change it reported done is present, PRAGMA integrity_check is ok
(Debian's sqlite3 program) and `audit verify` passes.  (b) Over HTTP: clients record every
acknowledged write while the server is killed with SIGKILL at random and restarted; afterwards
every acknowledged write is present.  (b) runs on PostgreSQL too when FRONTLINE_PG is set."""
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from lib import skip, BIN, Client, Server, check, eq, run_cli, run_module  # noqa: E402

CHRIS = "chris@vendor-co.example"
ROUNDS = int(os.environ.get("CRASH_ROUNDS", "6"))

WRITER = r'''
set -u
i=$START
while :; do
  out=$("$BIN" case open --db "$DB" --as chris@vendor-co.example --subject "crash-$i" --channel chat \
        --customer-name "Crash Customer $i" --json) || { sleep 0.01; continue; }
  id=$(printf '%s' "$out" | sed -n 's/^  "id": "\(case_[A-Z0-9]*\)".*/\1/p' | head -n 1)
  echo "open $i $id"
  if [ -n "$id" ]; then
    "$BIN" case note "$id" --db "$DB" --as chris@vendor-co.example --body "note-$i" >/dev/null && echo "note $i $id"
  fi
  i=$((i+1))
done
'''


def sqlite3_cli(db, sql):
    p = subprocess.run(["sqlite3", "-cmd", ".timeout 10000", db, sql], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout.strip(), p.stderr.strip()


def test_cli_writer_killed():
    if os.environ.get("FRONTLINE_PG"):
        skip("the CLI writer test is about the SQLite file")
    tmp = tempfile.mkdtemp(prefix="fl-crash-")
    db = os.path.join(tmp, "c.db")
    run_cli("init", db=db, json_out=False)
    run_cli("demo", db=db, json_out=False)
    rng = random.Random(int(os.environ.get("CRASH_SEED", str(int(time.time())))))
    acked_open, acked_note = {}, set()
    start = 0
    for rnd in range(ROUNDS):
        log = os.path.join(tmp, "writer-%d.log" % rnd)
        with open(log, "w") as out:
            p = subprocess.Popen(["bash", "-c", WRITER], stdout=out, stderr=subprocess.DEVNULL,
                                 env=dict(os.environ, BIN=BIN, DB=db, START=str(start)), start_new_session=True)
            time.sleep(rng.uniform(0.3, 2.0))
            os.killpg(p.pid, signal.SIGKILL)  # the shell and the frontline process in the middle of its work
            p.wait()
            gone_by = time.time() + 10  # the frontline child dies asynchronously: wait until the group is empty
            while time.time() < gone_by:
                try:
                    os.killpg(p.pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.01)
        lines = open(log).read().splitlines()
        for line in lines:
            parts = line.split()
            if len(parts) == 3 and parts[0] == "open":
                acked_open[int(parts[1])] = parts[2]
            elif len(parts) == 3 and parts[0] == "note":
                acked_note.add(parts[2])
        start += 100000
        rc, out, err = sqlite3_cli(db, "PRAGMA integrity_check")
        eq((rc, out), (0, "ok"), "round %d: integrity_check" % rnd)
        rc, subjects, _ = sqlite3_cli(db, "SELECT subject FROM cases WHERE subject LIKE 'crash-%'")
        present = set(subjects.split("\n")) if subjects else set()
        missing = [i for i in acked_open if "crash-%d" % i not in present]
        eq(missing, [], "round %d: every case the writer reported done is present" % rnd)
        rc, notes, _ = sqlite3_cli(db, "SELECT DISTINCT case_id FROM notes")
        have_notes = set(notes.split("\n")) if notes else set()
        eq(sorted(acked_note - have_notes), [], "round %d: every note reported done is present" % rnd)
        code, res, stderr = run_cli("audit", "verify", db=db, check=False)
        eq(code, 0, "round %d: audit verify passes (%s)" % (rnd, stderr.strip()))
    check(len(acked_open) >= ROUNDS, "the writer got work done between kills (%d cases)" % len(acked_open))
    print("  %d rounds, %d cases and %d notes acknowledged" % (ROUNDS, len(acked_open), len(acked_note)))
    shutil.rmtree(tmp)


def test_http_server_killed():
    s = Server(demo=True, test_clock=False, threads=4)
    s.start()
    token = s.login(CHRIS, "vendor-co").token
    acked = {}  # subject -> case id, only for 201 answers
    lock = threading.Lock()
    stop = threading.Event()
    counter = [0]

    def client(n):
        c = Client(s, token=token)
        while not stop.is_set():
            with lock:
                counter[0] += 1
                subject = "http-crash-%d-%d" % (n, counter[0])
            try:
                r = c.request("POST", "/api/v1/cases", {"subject": subject, "channel": "email",
                                                        "customer_name": "Crash %d" % n})
            except Exception:  # connection refused or reset while the server is down
                time.sleep(0.02)
                continue
            if r.status == 201:
                with lock:
                    acked[subject] = r.json["id"]

    rng = random.Random(int(os.environ.get("CRASH_SEED", str(int(time.time())))))
    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(4)]
    for t in threads:
        t.start()
    try:
        for rnd in range(ROUNDS):
            time.sleep(rng.uniform(0.3, 1.5))
            s.proc.send_signal(signal.SIGKILL)
            s.proc.wait()
            s.start()
    finally:
        time.sleep(0.3)
        stop.set()
        for t in threads:
            t.join(timeout=60)
    check(len(acked) >= ROUNDS, "clients got writes acknowledged between kills (%d)" % len(acked))
    c = Client(s, token=token)
    missing = []
    for subject, cid in acked.items():
        r = c.get("/api/v1/cases/" + cid)
        if r.status != 200 or r.json.get("subject") != subject:
            missing.append(subject)
    eq(missing, [], "every acknowledged write is present after %d kills" % ROUNDS)
    admin = s.login("admin@vendor-co.example", "vendor-co")
    v = admin.get("/api/v1/audit/verify")
    eq(v.status, 200, "audit verify over HTTP")
    check(v.json and v.json.get("ok") is True, "the history chain is intact: %r" % v.json)
    s.stop()
    if not os.environ.get("FRONTLINE_PG"):
        rc, out, _ = sqlite3_cli(s.db, "PRAGMA integrity_check")
        eq(out, "ok", "integrity_check after the HTTP crashes")
    print("  %d kills, %d acknowledged writes, all present" % (ROUNDS, len(acked)))


if __name__ == "__main__":
    run_module(globals())
