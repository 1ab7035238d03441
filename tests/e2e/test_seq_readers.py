"""Readers that follow seq never pass an event still being written (issue 14, PostgreSQL).

On PostgreSQL an event's seq is drawn from its organization's sequence without a lock held to
COMMIT (migration 0039), so a transaction can commit seq N+1 while N is still being written.  A
reader that returned N+1 and moved its cursor past N would never see N.  Here a second connection
(psql) draws seq N and writes its event, and keeps its transaction open; the server then commits a
note (N+1 and on).  While N is open: /api/v1/changes, /api/v1/events, a new webhook's starting
cursor and the webhook worker all stop below N.  After N commits, each returns N, in order.
SQLite has one writer and commits in seq order: nothing to test there."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from lib import Server, check, eq, needs_postgres, run_module, wait_for  # noqa: E402
from test_webhooks import Receiver, deliver, now  # noqa: E402

V = "vendor-co"


class OpenWriter:
    """psql holding a transaction that drew seq N (fl_event_seq) and inserted a note event with it."""

    def __init__(self, db, org, case):
        tmp = tempfile.mkdtemp(prefix="fl-seq-")
        self.flag, out = os.path.join(tmp, "drawn"), os.path.join(tmp, "seq")
        self.proc = subprocess.Popen(["psql", "-qAtX", "-v", "ON_ERROR_STOP=1", db], stdin=subprocess.PIPE,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.send("BEGIN;\n"
                  "INSERT INTO events (org_id, seq, at, actor_id, kind, entity_type, entity_id, case_id, data, prev_hash, "
                  "hash, link) SELECT '%s', fl_event_seq('%s'), 1772463600000, 'system', 'note.added', 'note', 'note_open', '%s', "
                  "'{}', '', '', 1 RETURNING seq \\gset\n\\o %s\nSELECT :seq;\n\\o\n\\! touch %s\n"
                  % (org, org, case, out, self.flag))
        wait_for(lambda: os.path.exists(self.flag) or self.proc.poll() is not None, what="psql drew its seq")
        check(self.proc.poll() is None, "psql holds its transaction open")
        with open(out) as f:
            self.seq = int(f.read().strip())

    def send(self, text):
        self.proc.stdin.write(text)
        self.proc.stdin.flush()

    def commit(self):
        self.send("COMMIT;\n")
        self.proc.stdin.close()
        eq(self.proc.wait(timeout=60), 0, "psql committed")


def psql(db, sql):
    return subprocess.run(["psql", "-qAtX", db, "-c", sql], capture_output=True, text=True, check=True).stdout.strip()


def test_readers_wait_for_a_lower_seq_still_being_written():
    with Server(demo=True) as s, Receiver([200]) as rx:
        admin = s.login("admin@" + V + ".example", V)
        pat = s.login("pat@" + V + ".example", V)
        org = psql(s.db, "SELECT id FROM orgs WHERE slug = '%s'" % V)
        case = pat.ok("POST", "/api/v1/cases", {"subject": "Seq readers", "channel": "phone",
                                                "customer_name": "Quinn Seq"})
        # psql writes on another case: its event bumps that case's version row until it commits
        other = pat.ok("POST", "/api/v1/cases", {"subject": "Seq readers, the open one", "channel": "phone",
                                                 "customer_name": "Robin Seq"})
        hook = admin.ok("POST", "/api/v1/webhooks", {"url": rx.url, "kinds": ["case"]}, status=201)
        deliver(s, now(s))  # the webhook starts after the case: nothing yet
        rx.requests.clear()
        start = admin.ok("GET", "/api/v1/changes")["last"]  # no cursor: the head, now

        w = OpenWriter(s.db, org, other["id"])
        n = w.seq
        check(n > start, "psql drew seq %d after the changes' head %d" % (n, start))
        pat.ok("POST", "/api/v1/cases/%s/notes" % case["id"], {"body": "committed after the open one"}, status=201)
        later = int(psql(s.db, "SELECT MAX(seq) FROM events WHERE org_id = '%s'" % org))
        check(later > n, "the note committed with a higher seq (%d > %d)" % (later, n))

        ch = admin.ok("GET", "/api/v1/changes?after=%d" % start)
        check(ch["last"] < n, "changes stop below the open seq %d: last %d" % (n, ch["last"]))
        check(all(i["seq"] < n for i in ch["items"]), "and send nothing after it: %r" % ch["items"])
        ev = admin.ok("GET", "/api/v1/events?after=%d&limit=200" % (n - 1))
        eq(ev["items"], [], "the history page stops below the open seq")
        hook2 = admin.ok("POST", "/api/v1/webhooks", {"url": rx.url, "kinds": ["case"]}, status=201)
        cursor = int(psql(s.db, "SELECT cursor_seq FROM webhooks WHERE id = '%s'" % hook2["id"]))
        check(cursor < n, "a new webhook starts below the open seq: %d" % cursor)
        deliver(s, now(s))
        sent = [json.loads(b)["data"]["seq"] for _, b in rx.requests]
        check(all(q < n for q in sent), "the worker sends nothing past the open seq: %r" % sent)
        hooks = {h["id"]: h for h in admin.ok("GET", "/api/v1/webhooks")["items"]}
        check(hooks[hook["id"]]["events_behind"] >= 1, "the note waits in the backlog")

        w.commit()
        ch = admin.ok("GET", "/api/v1/changes?after=%d" % start)
        seqs = [i["seq"] for i in ch["items"]]
        check(n in seqs and later in seqs, "after the commit the changes hold %d and %d: %r" % (n, later, seqs))
        eq(seqs, sorted(seqs), "in order")
        ev = admin.ok("GET", "/api/v1/events?after=%d&limit=200" % (n - 1))
        eq(ev["items"][0]["seq"], n, "the history page starts with the event that was open")
        rx.requests.clear()
        while deliver(s, now(s)):
            pass
        sent = [(h["webhook-id"].split(".")[0], json.loads(b)["data"]["seq"]) for h, b in rx.requests]
        mine = [q for k, q in sent if k == hook["id"]]
        check(n in mine and later in mine, "the worker sends the open event and the note: %r" % sent)
        eq(mine, sorted(mine), "in order")
        check(n in [q for k, q in sent if k == hook2["id"]], "and the webhook made meanwhile gets the open one too")


def test_a_transaction_holds_one_lock_however_many_numbers_it_draws():
    """0041: a transaction draws its organization's seq numbers under one advisory lock, its first
    (0039 took one per number and held each to COMMIT: a pass of thousands of events ran out of
    the lock table's slots, "out of shared memory").  20,000 numbers in one transaction hold one
    lock, and they increase."""
    with Server(demo=True) as s:
        org = psql(s.db, "SELECT id FROM orgs WHERE slug = '%s'" % V)
        sql = ("BEGIN;\n"
               "CREATE TEMP TABLE drawn AS SELECT n, row_number() OVER () AS i FROM fl_event_seqs('%s', 20000) n;\n"
               "SELECT count(*), count(DISTINCT n), bool_and(n > before)"
               " FROM (SELECT n, lag(n, 1, 0::bigint) OVER (ORDER BY i) AS before FROM drawn) x;\n"
               "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND objsubid = 2;\n"
               "COMMIT;\n" % org)
        p = subprocess.run(["psql", "-qAtX", "-v", "ON_ERROR_STOP=1", s.db], input=sql, capture_output=True, text=True)
        eq(p.returncode, 0, "the transaction drew its numbers and committed: " + p.stderr.strip())
        eq(p.stdout.split(), ["20000|20000|t", "1"], "20,000 distinct increasing numbers under one lock")


if __name__ == "__main__":
    run_module(globals(), skip_all=needs_postgres())
