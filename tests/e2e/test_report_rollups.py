"""Reports from rollups (issue 14): GET /api/v1/reports/breaches reads whole days from breach_daily
(kept by triggers with every breach, migration 0012) and the partial days at a range's edges from
the rows; promise-keeping, overdue-requests and update-duties likewise from keeping_daily,
overdue_daily and duty_daily (migration 0029), intake from intake_daily (0030), and calibration from
calibration_daily (0031), each kept by
triggers on every insert, update and delete of the rows it counts.  Each answer must equal what counting the rows says (the query the report
ran before its rollup), for every grouping, team filter and range - whole days, one day cut at both
ends, a range inside one day, and a range with nothing in it - also after the scheduler and the
people changed the rows (requests closed after going overdue, promises kept, duties lapsed)."""
import datetime
import math
import os
import sqlite3
import subprocess
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from lib import Server, eq, run_cli, run_module  # noqa: E402

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


def execute(db, sql):
    """Change rows by hand, as an operator's SQL would (the triggers keep the rollups)."""
    if db.startswith("postgres"):
        subprocess.run(["psql", "-qAtX", db, "-c", sql], capture_output=True, text=True, check=True)
        return
    con = sqlite3.connect(db)
    try:
        con.execute(sql)
        con.commit()
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


# What each rollup report counted before its rollup: the SQL over the rows (org, lo, hi, team, team).
COUNTED = {
    "promise-keeping": ("closed_at", "promises", lambda by: (
        "SELECT %s, SUM(CASE WHEN p.status = 'kept' THEN 1 ELSE 0 END), SUM(CASE WHEN p.status = 'broken' THEN 1 ELSE 0 END) "
        "FROM promises p WHERE p.org_id = '{org}' AND p.closed_at >= {lo} AND p.closed_at < {hi} "
        "AND p.status IN ('kept','broken') AND ('{team}' = '' OR p.deliver_team_id = '{team}') GROUP BY 1"
        % ("p.channel" if by == "channel" else "COALESCE(p.deliver_team_id, '')"))),
    "overdue-requests": ("overdue_at", "requests", lambda by: (
        "SELECT CASE WHEN q.holder_person_id IS NULL THEN 'team' ELSE q.holder_role END, COUNT(*), "
        "SUM(CASE WHEN q.status IN ('open','accepted','deferred') THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN q.escalated_to IS NOT NULL THEN 1 ELSE 0 END) FROM requests q "
        "LEFT JOIN people hp ON hp.org_id = q.org_id AND hp.id = q.holder_person_id "
        "WHERE q.org_id = '{org}' AND q.overdue_at >= {lo} AND q.overdue_at < {hi} "
        "AND ('{team}' = '' OR COALESCE(q.holder_team_id, hp.team_id) = '{team}') GROUP BY 1")),
    "update-duties": ("closed_at", "update_duties", lambda by: (
        "SELECT COALESCE(d.owner_id, ''), SUM(CASE WHEN d.status = 'met' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN d.status = 'lapsed' THEN 1 ELSE 0 END) FROM update_duties d "
        "LEFT JOIN people pe ON pe.org_id = d.org_id AND pe.id = d.owner_id "
        "WHERE d.org_id = '{org}' AND d.closed_at >= {lo} AND d.closed_at < {hi} AND d.status IN ('met','lapsed') "
        "AND ('{team}' = '' OR pe.team_id = '{team}') GROUP BY 1")),
    "intake": ("created_at", "cases", lambda by: (
        "SELECT p.id, COUNT(*), SUM(CASE WHEN ca.owner_id <> ca.intake_by THEN 1 ELSE 0 END) "
        "FROM cases ca JOIN people p ON p.org_id = ca.org_id AND p.id = ca.intake_by "
        "WHERE ca.org_id = '{org}' AND ca.created_at >= {lo} AND ca.created_at < {hi} GROUP BY p.id")),
}


def answered(report, got):
    """The report's items as (key, counts...) tuples, sorted."""
    if report == "promise-keeping":
        return sorted((i["key"], i["kept"], i["broken"]) for i in got["items"])
    if report == "overdue-requests":
        return sorted((i["level"], i["overdue"], i["still_open"], i["escalated"]) for i in got["items"])
    if report == "intake":
        return sorted((i["person_id"], i["cases"], i["handed_on"]) for i in got["items"])
    return sorted((i["owner_id"], i["kept"], i["lapsed"]) for i in got["items"])


def check_rollup_reports(s, label, nonempty):
    checked = 0
    for slug, user in ORGS.items():
        org = rows(s.db, "SELECT id FROM orgs WHERE slug = '%s'" % slug)[0][0]
        teams = [""] + [r[0] for r in rows(s.db, "SELECT id FROM teams WHERE org_id = '%s' ORDER BY id" % org)][:2]
        client = s.login("%s@%s.example" % (user, slug), slug)
        for report, (col, table, sql_of) in COUNTED.items():
            times = [int(r[0]) for r in rows(s.db, "SELECT %s FROM %s WHERE org_id = '%s' AND %s IS NOT NULL" % (col, table, org, col))]
            if not times:
                continue
            for lo, hi in ranges(times):
                for by in (("team", "channel") if report == "promise-keeping" else (None,)):
                    for team in (teams if report != "intake" else [""]):
                        q = {"from": iso(lo), "to": iso(hi)}
                        if by:
                            q["by"] = by
                        if team:
                            q["team"] = team
                        got = client.ok("GET", "/api/v1/reports/%s?%s" % (report, urllib.parse.urlencode(q)))
                        want = sorted(tuple([r[0]] + [int(x) for x in r[1:]])
                                      for r in rows(s.db, sql_of(by).format(org=org, lo=lo, hi=hi, team=team)))
                        eq(answered(report, got), want, "%s: %s %s by %s, %s..%s, team %r" % (label, slug, report, by, iso(lo),
                                                                                            iso(hi), team))
                        checked += 1
                        if want:
                            nonempty.add(report)
    return checked


def test_rollup_reports_equal_counting_rows():
    """The demo's quarter of history, then a week more of the scheduler (requests go overdue and some
    close, promises break, duties lapse) and people changing rows by hand."""
    with Server(demo=True) as s:
        nonempty = set()
        checked = check_rollup_reports(s, "demo", nonempty)
        org = rows(s.db, "SELECT id FROM orgs WHERE slug = 'vendor-co'")[0][0]
        open_rq = rows(s.db, "SELECT id FROM requests WHERE org_id = '%s' AND status IN ('open','accepted') "
                             "AND overdue_at IS NOT NULL ORDER BY id LIMIT 1" % org)
        s.advance(hours=24 * 7)
        for (rid,) in open_rq:
            # the holder completes it after it went overdue: its day's still-open count moves
            holder = rows(s.db, "SELECT p.email FROM requests q JOIN people p ON p.org_id = q.org_id "
                                "AND p.id = q.holder_person_id WHERE q.id = '%s'" % rid)
            if holder:
                s.login(holder[0][0], "vendor-co").post("/api/v1/requests/%s/complete" % rid, {"note": "done late"})
        checked += check_rollup_reports(s, "a week later", nonempty)
        eq(sorted(nonempty), sorted(COUNTED), "every report had something to count")
        eq(checked > 100, True, "the demo has promises, overdue requests and duties to report on (%d checked)" % checked)
        # intake_daily in stripes (migration 0033): one person's cases of one day are counted in
        # several rows, so their concurrent creations do not all queue on one
        spread = rows(s.db, "SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM intake_daily GROUP BY org_id, day, intake_by) x")
        eq(int(spread[0][0]) > 1, True, "a person's day of intake spreads over stripes (%r rows at most)" % spread)


def calibration_counted(db, org, lo, hi, team, threshold_pct):
    """The calibration report as counting the rows says (what it computed before its rollup)."""
    got = rows(db, "SELECT e.team_id, e.probability_pm, e.warned, CASE WHEN p.status = 'kept' THEN 1 ELSE 0 END "
                   "FROM estimates e JOIN promises p ON p.org_id = e.org_id AND p.id = e.subject_id WHERE e.org_id = '%s' "
                   "AND e.made_at >= %d AND e.made_at < %d AND e.probability_pm IS NOT NULL AND p.status <> 'pending'%s"
               % (org, lo, hi, " AND e.team_id = '%s'" % team if team else ""))
    mean = lambda s, n: math.floor(s / n + 0.5) / 1000 if n else None  # noqa: E731
    bins = [[0, 0, 0] for _ in range(10)]
    teams, n, kept, at_n, at_kept = {}, 0, 0, 0, 0
    for team_id, pm, warned, k in ((r[0], int(r[1]), int(r[2]), int(r[3])) for r in got):
        b = bins[min(max(pm // 100, 0), 9)]
        b[0], b[1], b[2] = b[0] + 1, b[1] + k, b[2] + pm
        t = teams.setdefault(team_id, [0] * 7)
        at = abs(pm - threshold_pct * 10) <= 50
        for i, v in enumerate((1, k, at, at and k, warned, k if warned else 0, pm)):
            t[i] += v
        n, kept, at_n, at_kept = n + 1, kept + k, at_n + at, at_kept + (at and k)
    return ((n, kept, at_n, at_kept), [(b[0], b[1], mean(b[2], b[0])) for b in bins],
            sorted((tid,) + tuple(t[:6]) + (mean(t[6], t[0]),) for tid, t in teams.items()))


def calibration_answered(got):
    return ((got["promises"], got["kept"], got["at_threshold"], got["at_threshold_kept"]),
            [(b["promises"], b["kept"], b["mean_predicted"]) for b in got["bins"]],
            sorted((t["team"]["id"], t["promises"], t["kept"], t["at_threshold"], t["at_threshold_kept"], t["warned"],
                    t["warned_kept"], t["mean_predicted"]) for t in got["by_team"]))


def check_calibration(s, label):
    checked = settled = 0
    for slug, user in ORGS.items():
        org = rows(s.db, "SELECT id FROM orgs WHERE slug = '%s'" % slug)[0][0]
        times = [int(r[0]) for r in rows(s.db, "SELECT made_at FROM estimates WHERE org_id = '%s'" % org)]
        if not times:
            continue
        teams = [""] + [r[0] for r in rows(s.db, "SELECT DISTINCT team_id FROM estimates WHERE org_id = '%s' ORDER BY 1" % org)][:2]
        client = s.login("%s@%s.example" % (user, slug), slug)
        for lo, hi in ranges(times):
            for team in teams:
                q = {"from": iso(lo), "to": iso(hi)}
                if team:
                    q["team"] = team
                got = client.ok("GET", "/api/v1/reports/calibration?" + urllib.parse.urlencode(q))
                want = calibration_counted(s.db, org, lo, hi, team, round(got["threshold"] * 100))
                eq(calibration_answered(got), want, "%s: %s calibration %s..%s, team %r" % (label, slug, iso(lo), iso(hi), team))
                checked += 1
                settled += want[0][0]
    return checked, settled


def test_calibration_equals_counting_rows():
    """The stories' estimated promises (made while pending, then kept, broken or renegotiated); then,
    by hand, predictions moved onto the edges of the band at the threshold and of the bins, made on
    other days, promises kept to broken, broken to kept, settled back to pending, and an estimate
    deleted: the report equals counting the rows each time."""
    with Server(demo=True) as s:
        checked, settled = check_calibration(s, "demo")
        eq(settled > 0, True, "the stories have estimated promises settled (%d reports checked)" % checked)
        est = rows(s.db, "SELECT e.subject_id, p.status FROM estimates e JOIN promises p ON p.org_id = e.org_id "
                         "AND p.id = e.subject_id ORDER BY e.subject_id")
        if len(est) < 6:
            raise AssertionError("the stories have six estimated promises: %r" % est)
        # the default threshold is 80%: 750 and 850 per mille are in its band, 749 and 851 not
        for i, ((sid, _), pm) in enumerate(zip(est, (750, 850, 851, 845, 749, 1000))):
            execute(s.db, "UPDATE estimates SET probability_pm = %d, warned = %d, made_at = made_at - %d WHERE subject_id = '%s'"
                    % (pm, i % 2, i * DAY, sid))
        checked, settled = check_calibration(s, "predictions moved")
        eq(settled >= 5, True, "the moved predictions are counted (%d)" % settled)
        kept = [sid for sid, st in est if st == "kept"]
        broken = [sid for sid, st in est if st == "broken"]
        if len(kept) < 2 or len(broken) < 2:
            raise AssertionError("two kept and two broken estimated promises: %r" % est)
        execute(s.db, "UPDATE promises SET status = 'broken' WHERE id = '%s'" % kept[0])
        execute(s.db, "UPDATE promises SET status = 'kept' WHERE id = '%s'" % broken[0])
        execute(s.db, "UPDATE promises SET status = 'pending' WHERE id = '%s'" % kept[1])
        execute(s.db, "UPDATE promises SET status = 'renegotiated' WHERE id = '%s'" % broken[1])
        execute(s.db, "DELETE FROM estimates WHERE subject_id = '%s'" % broken[1])
        check_calibration(s, "changed by hand")


if __name__ == "__main__":
    run_module(globals())
