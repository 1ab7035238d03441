"""Reports and searches read from a PostgreSQL hot standby (serve --read-replica URL, issue 14), with
a bounded staleness: a real streaming standby on loopback (pg_basebackup -R, scripts/pg-cluster.sh
standby).  While the standby is within --replica-max-lag-ms, reports and searches are answered
from it (shown by pausing its replay: a new case is not found yet); past the bound, or when the
standby is down, they are answered by the primary.  /readyz shows the lag.  Writes, sign-ins and
plain reads always use the primary.  Runs in the PostgreSQL pass, on a cluster of its own."""
import os
import subprocess
import sys
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from lib import BIN, Client, Server, check, eq, free_port, run_module, skip, wait_for  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLUSTER = os.path.join(ROOT, "scripts/pg-cluster.sh")
MAX_LAG_MS = 8000
V = "vendor-co"


def cluster(*args):
    out = subprocess.run([CLUSTER] + list(args), capture_output=True, text=True, check=True).stdout
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line and not line.startswith("export"))


def psql(url, sql):
    return subprocess.run(["psql", url, "-Atqc", sql], capture_output=True, text=True, check=True).stdout.strip()


class Pair:
    """A primary cluster and its streaming standby, with a Frontline server reading from both."""

    def __enter__(self):
        self.primary = cluster("start")
        self.saved = os.environ.get("FRONTLINE_PG")
        os.environ["FRONTLINE_PG"] = self.primary["PG_URL"]
        try:
            self.standby = cluster("standby", self.primary["PG_URL"])
            self.server = Server(demo=True, test_clock=False)
            self.dbname = self.server.db.rsplit("/", 1)[1]
            self.standby_db = self.standby["STANDBY_URL"] + "/" + self.dbname
            has_db = "SELECT count(*) FROM pg_database WHERE datname = '%s'" % self.dbname
            wait_for(what="the standby to hold the new database",
                     pred=lambda: psql(self.standby["STANDBY_URL"] + "/postgres", has_db) == "1")
            self.metrics = "127.0.0.1:%d" % free_port()
            self.server.extra = ["--read-replica", self.standby_db, "--replica-max-lag-ms", str(MAX_LAG_MS),
                                 "--metrics-listen", self.metrics]
            self.server.start()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        if getattr(self, "server", None):
            self.server.stop()
        for env, key in ((getattr(self, "standby", None), "STANDBY_DIR"), (self.primary, "PG_DIR")):
            if env:
                subprocess.run([CLUSTER, "stop", env[key]], capture_output=True)
        if self.saved is None:
            os.environ.pop("FRONTLINE_PG", None)
        else:
            os.environ["FRONTLINE_PG"] = self.saved

    def replica(self):
        return Client(self.server).ok("GET", "/readyz")["replica"]


def found(client, subject):
    q = urllib.parse.urlencode({"q": subject})
    return [c["id"] for c in client.ok("GET", "/api/v1/cases?" + q)["items"]]


def needs_pg():
    if not os.environ.get("FRONTLINE_PG"):
        skip("the PostgreSQL pass only (a PostgreSQL standby)")


def test_reports_and_searches_read_the_standby_within_the_bound():
    needs_pg()
    with Pair() as p:
        r = wait_for(what="the standby to be read", pred=lambda: p.replica()["reading"] and p.replica())
        eq(r["max_lag_ms"], MAX_LAG_MS, "/readyz gives the bound")
        with urllib.request.urlopen("http://%s/metrics" % p.metrics, timeout=30) as m:
            text = m.read().decode()
        check("frontline_replica_reading 1" in text and "frontline_replica_lag_seconds " in text,
              "/metrics gives the replica's lag and whether it is read")
        check(0 <= r["lag_ms"] <= MAX_LAG_MS, "/readyz gives the standby's lag: %r" % r)
        riley = p.server.login("riley@%s.example" % V, V)
        for path in ("/api/v1/reports/breaches?by=cause", "/api/v1/reports/leadership", "/api/v1/reports/root-causes",
                     "/api/v1/reports/promise-keeping", "/api/v1/reports/exceptions", "/api/v1/reports/intake",
                     "/api/v1/reports/calibration", "/api/v1/reports/overdue-requests"):
            riley.ok("GET", path)  # a report that wrote on read would fail on the read-only standby

        # a case the standby has replayed is found; then replay stops, and a newer case is not found
        # (the search is answered by the standby) though the primary has it
        chris = p.server.login("chris@%s.example" % V, V)
        first = chris.ok("POST", "/api/v1/cases", {"subject": "Replica probe alpha", "channel": "chat",
                                                   "customer_name": "Ada Probe"})["id"]
        wait_for(what="the standby to replay the first case", pred=lambda: first in found(chris, "Replica probe alpha"))
        psql(p.standby_db, "SELECT pg_wal_replay_pause()")
        second = chris.ok("POST", "/api/v1/cases", {"subject": "Replica probe beta", "channel": "chat",
                                                    "customer_name": "Bo Probe"})["id"]
        eq(chris.ok("GET", "/api/v1/cases/" + second)["id"], second, "reading one case uses the primary")
        eq(found(chris, "Replica probe beta"), [], "the search was answered by the standby, which has not replayed it")

        # past the bound the primary answers, and /readyz says the standby is not read
        ids = wait_for(what="reads to leave the stale standby", pred=lambda: found(chris, "Replica probe beta"),
                       seconds=MAX_LAG_MS / 1000 + 20)
        eq(ids, [second], "past the bound the search is answered by the primary")
        r = p.replica()
        check(not r["reading"] and r["lag_ms"] > MAX_LAG_MS, "/readyz: the standby is too stale to read: %r" % r)

        psql(p.standby_db, "SELECT pg_wal_replay_resume()")
        wait_for(what="the standby to be read again", pred=lambda: p.replica()["reading"])


def test_a_standby_that_is_down_leaves_reads_on_the_primary():
    needs_pg()
    with Pair() as p:
        wait_for(what="the standby to be read", pred=lambda: p.replica()["reading"])
        chris = p.server.login("chris@%s.example" % V, V)
        subprocess.run([CLUSTER, "stop", p.standby["STANDBY_DIR"]], capture_output=True, check=True)
        p.standby = None
        made = chris.ok("POST", "/api/v1/cases", {"subject": "Standby down probe", "channel": "chat",
                                                  "customer_name": "Cy Probe"})["id"]
        eq(found(chris, "Standby down probe"), [made], "a search with the standby down is answered by the primary")
        chris.ok("GET", "/api/v1/reports/intake")
        r = wait_for(what="/readyz to see the standby gone", pred=lambda: p.replica()["lag_ms"] == -1 and p.replica())
        check(not r["reading"], "the standby is not read: %r" % r)
        eq(Client(p.server).get("/readyz").status, 200, "the server stays ready on its primary")


def test_a_replica_that_is_not_a_standby_is_refused():
    needs_pg()
    primary = cluster("start")
    try:
        url = primary["PG_URL"] + "/postgres"
        for bad, words in ((url, "not a standby"), ("/tmp/frontline-replica.db", "PostgreSQL hot standby")):
            p = subprocess.run([BIN, "serve", "--db", url, "--listen", "127.0.0.1:%d" % free_port(), "--read-replica", bad],
                               capture_output=True, text=True, timeout=60)
            eq(p.returncode, 1, "serve refuses --read-replica %s" % bad)
            check(words in p.stderr, "and says why: %r" % p.stderr)
    finally:
        subprocess.run([CLUSTER, "stop", primary["PG_DIR"]], capture_output=True)


if __name__ == "__main__":
    run_module(globals())
