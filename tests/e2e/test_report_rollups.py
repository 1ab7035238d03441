"""Reports from rollups (issue 14): GET /api/v1/reports/breaches reads whole days from breach_daily
(kept by triggers with every breach, migration 0012) and the partial days at a range's edges from
the rows.  Its answer must equal what counting the rows says, for every grouping, team filter and
range - whole days, one day cut at both ends, a range inside one day, and a range with no breach."""
import datetime
import os
import sqlite3
import subprocess
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from lib import Server, eq, run_module  # noqa: E402

DAY = 86400000
ORGS = {"vendor-co": "riley", "harbor-financial": "grace", "northwind": "admin", "lee-practice": "admin"}


def rows(db, sql):
    if db.startswith("postgres"):
        p = subprocess.run(["psql", "-qAtX", "-F", "\x1f", db, "-c", sql], capture_output=True, text=True, check=True)
        return [line.split("\x1f") for line in p.stdout.splitlines()]
    con = sqlite3.connect(db)
    try:
        return [["" if v is None else str(v) for v in r] for r in con.execute(sql).fetchall()]
    finally:
        con.close()


def iso(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def counted(db, org, by, lo, hi, team):
    """The report as counting the rows says (the query the report ran before rollups)."""
    key = {"team": "COALESCE(holder_team_id, '')", "level": "holder_level", "cause": "cause"}[by]
    where = "org_id = '%s' AND at >= %d AND at < %d%s" % (org, lo, hi, " AND holder_team_id = '%s'" % team if team else "")
    span = "org_id = '%s' AND at >= %d AND at < %d" % (org, lo, hi)
    got = rows(db, "SELECT 'item', %s, COUNT(*), COUNT(DISTINCT breach_id) FROM breach_causes WHERE %s GROUP BY %s "
                   "UNION ALL SELECT 'total', '', COUNT(*), COALESCE(SUM(owner_at_fault), 0) FROM breaches WHERE %s"
               % (key, where, key, span))
    items = sorted((r[1], int(r[2]), int(r[3])) for r in got if r[0] == "item")
    total = [(int(r[2]), int(r[3])) for r in got if r[0] == "total"][0]
    return items, total[0], total[1]


def ranges(times):
    """Ranges around the breach times: all of them, cut inside the first and last day, one day's
    middle, a range within one millisecond of a breach, and an empty stretch."""
    first, last = min(times), max(times)
    day0 = first // DAY * DAY
    out = [(first - 30 * DAY, last + 30 * DAY), (first, last + 1), (first + 1, last), (day0 + 1, day0 + DAY - 1),
           (first, first + 1), (day0 - 3 * DAY, day0 - DAY), (day0 + DAY // 2, last + DAY // 3)]
    return [(lo, hi) for lo, hi in out if hi > lo]


def test_breach_report_equals_counting_rows():
    with Server(demo=True) as s:
        checked = 0
        for slug, user in ORGS.items():
            org = rows(s.db, "SELECT id FROM orgs WHERE slug = '%s'" % slug)[0][0]
            times = [int(r[0]) for r in rows(s.db, "SELECT at FROM breaches WHERE org_id = '%s'" % org)]
            if not times:
                continue
            teams = ([""] + [r[0] for r in rows(s.db, "SELECT DISTINCT holder_team_id FROM breach_causes WHERE org_id = '%s' "
                                                     "AND holder_team_id IS NOT NULL ORDER BY 1" % org)])[:3]
            client = s.login("%s@%s.example" % (user, slug), slug)
            for lo, hi in ranges(times):
                for by in ("cause", "team", "level"):
                    for team in teams:
                        q = {"by": by, "from": iso(lo), "to": iso(hi)}
                        if team:
                            q["team"] = team
                        got = client.ok("GET", "/api/v1/reports/breaches?" + urllib.parse.urlencode(q))
                        items, total, fault = counted(s.db, org, by, lo, hi, team)
                        eq((sorted((i["key"], i["causes"], i["breaches"]) for i in got["items"]), got["breaches"],
                            got["owner_at_fault"]), (items, total, fault),
                           "%s by %s, %s..%s, team %r" % (slug, by, iso(lo), iso(hi), team))
                        checked += 1
        eq(checked > 50, True, "the demo has breaches to report on (%d reports checked)" % checked)


if __name__ == "__main__":
    run_module(globals())
