"""Crashes at scale: the HTTP server is killed with SIGKILL at random moments, at least 100 times
(CRASH_SCALE_KILLS), while clients run a mixed write load: open a case, add a note, record a
contact with the customer, make a promise, offer the case to a colleague.  Every write the server
acknowledged (2xx) is recorded.  After the last kill every acknowledged write is present, the
history chain verifies, and on SQLite PRAGMA integrity_check is ok.  Runs on PostgreSQL too when
FRONTLINE_PG is set (the server is killed, never PostgreSQL)."""
import os
import random
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from lib import Client, Server, check, eq, run_module  # noqa: E402

CHRIS = "chris@vendor-co.example"
KILLS = int(os.environ.get("CRASH_SCALE_KILLS", "100"))
CLIENTS = 4


class Acked:
    """What the server acknowledged, by kind."""

    def __init__(self):
        self.lock = threading.Lock()
        self.cases = {}     # case id -> subject
        self.notes = {}     # case id -> [note body]
        self.contacts = {}  # case id -> [summary]
        self.promises = {}  # promise id -> (case id, what)
        self.offers = {}    # offer id -> case id

    def add(self, kind, key, value):
        with self.lock:
            d = getattr(self, kind)
            if kind in ("notes", "contacts"):
                d.setdefault(key, []).append(value)
            else:
                d[key] = value

    def total(self):
        return (len(self.cases) + sum(map(len, self.notes.values())) + sum(map(len, self.contacts.values()))
                + len(self.promises) + len(self.offers))


def mixed_load(s, token, n, acked, stop):
    """One client: the five writes of a case, in order; a refused connection (server down) moves on."""
    c = Client(s, token=token)
    i = 0
    while not stop.is_set():
        i += 1
        tag = "%d-%d" % (n, i)
        try:
            r = c.post("/api/v1/cases", {"subject": "scale-" + tag, "channel": "email", "customer_name": "Scale " + tag})
            if r.status != 201:
                continue
            cid = r.json["id"]
            acked.add("cases", cid, "scale-" + tag)
            r = c.post("/api/v1/cases/%s/notes" % cid, {"body": "note-" + tag})
            if r.status == 201:
                acked.add("notes", cid, "note-" + tag)
            r = c.post("/api/v1/cases/%s/touchpoints" % cid,
                       {"channel": "phone", "direction": "outbound", "summary": "called-" + tag})
            if r.status == 201:
                acked.add("contacts", cid, "called-" + tag)
            due = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 86400))
            r = c.post("/api/v1/cases/%s/promises" % cid, {"what": "promise-" + tag, "due_at": due, "channel": "phone"})
            if r.status == 201:
                acked.add("promises", r.json["id"], (cid, "promise-" + tag))
            r = c.post("/api/v1/cases/%s/offers" % cid, {"to": "pat@vendor-co.example", "note": "offer-" + tag})
            if r.status == 201:
                acked.add("offers", r.json["id"], cid)
        except Exception:  # connection refused or reset while the server is down
            time.sleep(0.01)


def present(c, acked):
    """Every acknowledged write, looked up over HTTP; returns the list of what is missing."""
    missing = []
    for cid, subject in acked.cases.items():
        r = c.get("/api/v1/cases/" + cid)
        if r.status != 200 or r.json.get("subject") != subject:
            missing.append(("case", cid))
            continue
        page = r.json
        notes = {n.get("body") for n in page.get("notes", [])}
        missing += [("note", cid, b) for b in acked.notes.get(cid, []) if b not in notes]
        contacts = {t.get("summary") for t in page.get("touchpoints", [])}
        missing += [("contact", cid, b) for b in acked.contacts.get(cid, []) if b not in contacts]
        offers = {o.get("id") for o in page.get("offers", [])}
        missing += [("offer", oid) for oid, ocid in acked.offers.items() if ocid == cid and oid not in offers]
    for pid, (cid, what) in acked.promises.items():
        r = c.get("/api/v1/promises/" + pid)
        if r.status != 200 or r.json.get("what") != what or r.json.get("case_id") != cid:
            missing.append(("promise", pid))
    return missing


def test_a_hundred_kills_under_mixed_writes():
    s = Server(demo=True, test_clock=False, threads=4)
    s.start()
    token = s.login(CHRIS, "vendor-co").token
    acked, stop = Acked(), threading.Event()
    threads = [threading.Thread(target=mixed_load, args=(s, token, n, acked, stop), daemon=True) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    rng = random.Random(int(os.environ.get("CRASH_SEED", str(int(time.time())))))
    try:
        for _ in range(KILLS):
            time.sleep(rng.uniform(0.05, 0.5))
            s.proc.send_signal(signal.SIGKILL)
            s.proc.wait()
            s.start()
    finally:
        time.sleep(0.3)
        stop.set()
        for t in threads:
            t.join(timeout=60)
    check(len(acked.cases) >= KILLS // 2, "clients got cases acknowledged between kills (%d)" % len(acked.cases))
    check(acked.promises and acked.offers and acked.notes and acked.contacts,
          "every kind of write was acknowledged at least once")
    missing = present(Client(s, token=token), acked)
    eq(missing[:10], [], "every acknowledged write is present after %d kills (%d missing)" % (KILLS, len(missing)))
    admin = s.login("admin@vendor-co.example", "vendor-co")
    v = admin.get("/api/v1/audit/verify")
    eq(v.status, 200, "audit verify over HTTP")
    check(v.json and v.json.get("ok") is True, "the history chain is intact: %r" % v.json)
    s.stop()
    if not os.environ.get("FRONTLINE_PG"):
        p = subprocess.run(["sqlite3", "-cmd", ".timeout 10000", s.db, "PRAGMA integrity_check"],
                           capture_output=True, text=True, timeout=120)
        eq(p.stdout.strip(), "ok", "integrity_check after the kills")
    print("  %d kills, %d acknowledged writes (%d cases), all present" % (KILLS, acked.total(), len(acked.cases)))


if __name__ == "__main__":
    run_module(globals())
