"""The server's write-ahead log is copied back into the database file while it runs, and stays
bounded under writes from eight clients at once: it starts again from its beginning, by itself
when the writer pauses and by a RESTART checkpoint when it never does (SQLite; store/db_sqlite.c's
background checkpointer; with the restart off the bound held in some runs of a loaded machine,
whose sanitized writer paused often enough, and not in others).  None of it is left once the
server has stopped.  Until this test the checkpointer's connection had never read the database, so
its checkpoints did nothing: every write of a server's life stayed in the log, which grew by 200 MB
a second under creates.
SQLITE_ONLY: PostgreSQL keeps its own write-ahead log."""
import os
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
from unittest import mock

sys.path.insert(0, os.path.dirname(__file__))
from lib import Server, check, eq, run_module  # noqa: E402

PAGE = 4096
CHECKPOINT, RESTART = 400, 1600  # pages: small, so that a few hundred creates cross both
WRITERS, EACH = 8, 90


def open_cases(s, n_writers, each, sizes):
    """n_writers clients open `each` cases one after another (the writer never waits for work);
    sizes gets the log file's size after every case.  Returns the acknowledged case numbers."""
    clients = [s.login("chris@vendor-co.example", "vendor-co") for _ in range(n_writers)]
    made, lock = [], threading.Lock()
    wal = s.db + "-wal"

    def writer(c, n):
        for i in range(each):
            r = c.post("/api/v1/cases", {"subject": "log %d-%d" % (n, i), "channel": "chat",
                                         "customer_name": "Log Writer %d" % n})
            size = os.path.getsize(wal) if os.path.exists(wal) else 0
            with lock:
                sizes.append(size)
                if r.status == 201:
                    made.append(r.json["number"])

    ts = [threading.Thread(target=writer, args=(c, n)) for n, c in enumerate(clients)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return made


def cases_in_file_alone(db):
    """The case numbers the database file holds by itself: a copy of it without its log."""
    tmp = tempfile.mkdtemp(prefix="fl-file-")
    try:
        shutil.copy(db, os.path.join(tmp, "copy.db"))
        con = sqlite3.connect(os.path.join(tmp, "copy.db"))
        try:
            return {n for (n,) in con.execute("SELECT number FROM cases WHERE subject LIKE 'log %'")}
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return None  # copied while a checkpoint wrote it: look again
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def log_settings(checkpoint, restart):
    """The server's checkpoint and restart thresholds (pages), for servers started inside."""
    return mock.patch.dict(os.environ, {"FRONTLINE_LOG_CHECKPOINT_FRAMES": str(checkpoint),
                                        "FRONTLINE_LOG_RESTART_FRAMES": str(restart)})


def test_writes_reach_the_database_file_while_the_server_runs():
    with log_settings(CHECKPOINT, 10 ** 9):
        with Server(demo=True, test_clock=False) as s:
            sizes = []
            made = open_cases(s, 2, 60, sizes)
            eq(len(made), 120, "every case acknowledged")
            check(max(sizes) > CHECKPOINT * PAGE, "the log grew past the checkpoint threshold (%d bytes)" % max(sizes))
            deadline, held = time.time() + 20, None
            while time.time() < deadline:
                held = cases_in_file_alone(s.db)
                if held is not None and len(held) >= len(made) // 2:
                    break
                time.sleep(0.2)
            check(held is not None and len(held) >= len(made) // 2,
                  "at least half the cases are in the database file itself, not only in its log: %d of %d"
                  % (len(held or ()), len(made)))
        # the checkpointer keeps no connection open, so the server's last one to close copies
        # the rest back and removes the log
        check(not os.path.exists(s.db + "-wal"), "no log left once the server has stopped")
        eq(cases_in_file_alone(s.db), set(made), "the database file alone holds every case")


def test_the_log_stays_bounded_under_writes_from_eight_clients():
    with log_settings(CHECKPOINT, RESTART):
        with Server(demo=True, test_clock=False, threads=WRITERS) as s:
            sizes = []
            made = open_cases(s, WRITERS, EACH, sizes)
            eq(len(made), WRITERS * EACH, "every case acknowledged")
            wal = os.path.getsize(s.db + "-wal")
            written = max(sizes)
        # A page of log is its 4096 bytes and a 24-byte header.  The restart comes at the first
        # checkpoint past RESTART pages; one that timed out waiting for a reader (a loaded machine)
        # is tried again CHECKPOINT pages later: room for three such, and a batch's few hundred.
        bound = (RESTART + 4 * CHECKPOINT + 600) * (PAGE + 24)
        check(written <= bound, "the log file stayed within %d bytes under unbroken writes: %d" % (bound, written))
        check(wal <= bound, "the log file's size at the end: %d (bound %d)" % (wal, bound))
    con = sqlite3.connect(s.db)
    try:
        eq(con.execute("PRAGMA integrity_check").fetchone()[0], "ok", "the database is intact")
        eq(con.execute("SELECT count(*) FROM cases WHERE subject LIKE 'log %'").fetchone()[0], WRITERS * EACH,
           "every acknowledged case is there")
    finally:
        con.close()


if __name__ == "__main__":
    run_module(globals(), skip_all="SQLite only" if os.environ.get("FRONTLINE_PG") else None)
