#!/usr/bin/python3
"""The promise, intake and calibration reports' SQL before and after their rollups (issue 14), on one database
seeded by `frontline bench-promises --closed N` (SQLite file or postgres:// URL): each query's
median wall time of RUNS runs, the old (counting rows) and the new (rollups for whole days, rows for
the edges) in the same minute, over the whole range [0, now + 1 day).  The new SQL is the server's
(svc/reports/promises.c, intake.c, calibration.c) with its arguments inlined; the calibration
report's old SQL read each settled estimated promise and counted in C: here it groups them in the
shape the rollup gives, so the answers compare.
Usage: scripts/bench-report-sql.py DB [RUNS]"""
import statistics
import subprocess
import sys
import time

DAY = 86400000
DB, RUNS = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3


def q(sql):
    if DB.startswith("postgres"):
        return subprocess.run(["psql", "-qAtX", DB, "-c", sql], capture_output=True, text=True, check=True).stdout
    import sqlite3
    con = sqlite3.connect(DB)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


org = str(q("SELECT id FROM orgs WHERE slug = 'bench-promises'")).split("'")[1] if not DB.startswith("postgres") else \
    q("SELECT id FROM orgs WHERE slug = 'bench-promises'").strip()
now = int(str(q("SELECT MAX(updated_at) FROM cases")).strip("[](),\n ")) + DAY
lo, hi = 0, now
df, dt = (lo + DAY - 1) // DAY * DAY, hi // DAY * DAY
A = dict(org=org, lo=lo, hi=hi, df=df, dt=dt)
EDGE = "((%(c)s >= {lo} AND %(c)s < {df}) OR (%(c)s >= {dt} AND %(c)s < {hi}))"
OLD = {
    "promise-keeping": "SELECT COALESCE(p.deliver_team_id, ''), COALESCE(t.name, '(no team)'), SUM(CASE WHEN p.status = 'kept' THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN p.status = 'broken' THEN 1 ELSE 0 END) FROM promises p LEFT JOIN teams t ON t.org_id = p.org_id AND t.id = p.deliver_team_id "
    "WHERE p.org_id = '{org}' AND p.closed_at >= {lo} AND p.closed_at < {hi} AND p.status IN ('kept','broken') GROUP BY 1, 2 ORDER BY 2",
    "overdue-requests": "SELECT CASE WHEN q.holder_person_id IS NULL THEN 'team' ELSE q.holder_role END, COUNT(*), "
    "SUM(CASE WHEN q.status IN ('open','accepted','deferred') THEN 1 ELSE 0 END), SUM(CASE WHEN q.escalated_to IS NOT NULL THEN 1 ELSE 0 END) "
    "FROM requests q LEFT JOIN people hp ON hp.org_id = q.org_id AND hp.id = q.holder_person_id "
    "WHERE q.org_id = '{org}' AND q.overdue_at >= {lo} AND q.overdue_at < {hi} GROUP BY 1 ORDER BY 2 DESC, 1",
    "update-duties": "SELECT COALESCE(d.owner_id, ''), COALESCE(pe.name, ''), SUM(CASE WHEN d.status = 'met' THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN d.status = 'lapsed' THEN 1 ELSE 0 END) FROM update_duties d LEFT JOIN people pe ON pe.org_id = d.org_id AND pe.id = d.owner_id "
    "WHERE d.org_id = '{org}' AND d.closed_at >= {lo} AND d.closed_at < {hi} AND d.status IN ('met','lapsed') GROUP BY 1, 2 ORDER BY 2",
    "intake": "SELECT p.id, p.name, p.role, COALESCE(t.name, ''), COUNT(*), SUM(CASE WHEN ca.owner_id <> ca.intake_by THEN 1 ELSE 0 END) "
    "FROM cases ca JOIN people p ON p.org_id = ca.org_id AND p.id = ca.intake_by LEFT JOIN teams t ON t.org_id = p.org_id AND t.id = p.team_id "
    "WHERE ca.org_id = '{org}' AND ca.created_at >= {lo} AND ca.created_at < {hi} GROUP BY p.id, p.name, p.role, t.name ORDER BY COUNT(*) DESC, p.name",
}
NEW = {
    "promise-keeping": "SELECT u.key, COALESCE(t.name, '(no team)'), SUM(u.kept), SUM(u.broken) FROM (SELECT team_id AS key, team_id, kept, broken "
    "FROM keeping_daily WHERE org_id = '{org}' AND day >= {df} AND day < {dt} UNION ALL SELECT COALESCE(p.deliver_team_id, ''), "
    "COALESCE(p.deliver_team_id, ''), CASE WHEN p.status = 'kept' THEN 1 ELSE 0 END, CASE WHEN p.status = 'broken' THEN 1 ELSE 0 END "
    "FROM promises p WHERE p.org_id = '{org}' AND " + EDGE % {"c": "p.closed_at"} + " AND p.status IN ('kept','broken')) u "
    "LEFT JOIN teams t ON t.org_id = '{org}' AND t.id = u.key GROUP BY u.key, COALESCE(t.name, '(no team)') "
    "HAVING SUM(u.kept) + SUM(u.broken) > 0 ORDER BY 2",
    "overdue-requests": "SELECT u.level, SUM(u.overdue), SUM(u.still_open), SUM(u.escalated) FROM (SELECT level, person_id, team_id, overdue, "
    "still_open, escalated FROM overdue_daily WHERE org_id = '{org}' AND day >= {df} AND day < {dt} UNION ALL SELECT CASE WHEN "
    "q.holder_person_id IS NULL THEN 'team' ELSE COALESCE(q.holder_role, '') END, COALESCE(q.holder_person_id, ''), "
    "COALESCE(q.holder_team_id, ''), 1, CASE WHEN q.status IN ('open','accepted','deferred') THEN 1 ELSE 0 END, CASE WHEN q.escalated_to "
    "IS NOT NULL THEN 1 ELSE 0 END FROM requests q WHERE q.org_id = '{org}' AND " + EDGE % {"c": "q.overdue_at"} + ") u "
    "LEFT JOIN people hp ON hp.org_id = '{org}' AND hp.id = u.person_id GROUP BY u.level HAVING SUM(u.overdue) > 0 ORDER BY 2 DESC, 1",
    "update-duties": "SELECT u.owner_id, COALESCE(pe.name, ''), SUM(u.met), SUM(u.lapsed) FROM (SELECT owner_id, met, lapsed FROM duty_daily "
    "WHERE org_id = '{org}' AND day >= {df} AND day < {dt} UNION ALL SELECT COALESCE(d.owner_id, ''), CASE WHEN d.status = 'met' THEN 1 "
    "ELSE 0 END, CASE WHEN d.status = 'lapsed' THEN 1 ELSE 0 END FROM update_duties d WHERE d.org_id = '{org}' AND "
    + EDGE % {"c": "d.closed_at"} + " AND d.status IN ('met','lapsed')) u LEFT JOIN people pe ON pe.org_id = '{org}' AND pe.id = u.owner_id "
    "GROUP BY u.owner_id, COALESCE(pe.name, '') HAVING SUM(u.met) + SUM(u.lapsed) > 0 ORDER BY 2",
    "intake": "SELECT p.id, p.name, p.role, COALESCE(t.name, ''), SUM(u.cases), SUM(u.handed_on) FROM (SELECT intake_by, cases, handed_on "
    "FROM intake_daily WHERE org_id = '{org}' AND day >= {df} AND day < {dt} UNION ALL SELECT ca.intake_by, 1, CASE WHEN ca.owner_id <> "
    "ca.intake_by THEN 1 ELSE 0 END FROM cases ca WHERE ca.org_id = '{org}' AND ca.status IN ('open','resolved') AND "
    "ca.created_at >= {lo} AND ca.created_at < {df} UNION ALL SELECT ca.intake_by, 1, CASE WHEN ca.owner_id <> ca.intake_by THEN 1 "
    "ELSE 0 END FROM cases ca WHERE ca.org_id = '{org}' AND ca.status IN ('open','resolved') AND ca.created_at >= {dt} AND "
    "ca.created_at < {hi}) u JOIN people p ON p.org_id = '{org}' AND p.id = u.intake_by LEFT JOIN teams t ON "
    "t.org_id = p.org_id AND t.id = p.team_id GROUP BY p.id, p.name, p.role, t.name HAVING SUM(u.cases) > 0 ORDER BY SUM(u.cases) DESC, p.name",
}
CAL_ROW = "SELECT e.team_id, e.probability_pm / 10 AS pct, e.warned, 1 AS n, CASE WHEN p.status = 'kept' THEN 1 ELSE 0 END AS kept, " \
    "e.probability_pm AS sum_pm, CASE WHEN e.probability_pm % 10 = 0 THEN 1 ELSE 0 END AS on_ten, " \
    "CASE WHEN e.probability_pm % 10 = 0 AND p.status = 'kept' THEN 1 ELSE 0 END AS on_ten_kept FROM estimates e JOIN promises p " \
    "ON p.org_id = e.org_id AND p.id = e.subject_id WHERE e.org_id = '{org}' AND e.probability_pm IS NOT NULL AND p.status <> 'pending' AND "
CAL_SUMS = "SELECT u.team_id, u.pct, u.warned, SUM(u.n), SUM(u.kept), SUM(u.sum_pm), SUM(u.on_ten), SUM(u.on_ten_kept) FROM ("
CAL_GROUP = ") u GROUP BY u.team_id, u.pct, u.warned ORDER BY u.team_id, u.pct, u.warned"
OLD["calibration"] = CAL_SUMS + CAL_ROW + "e.made_at >= {lo} AND e.made_at < {hi}" + CAL_GROUP
NEW["calibration"] = CAL_SUMS + "SELECT team_id, pct, warned, settled AS n, kept, sum_pm, on_ten, on_ten_kept FROM calibration_daily " \
    "WHERE org_id = '{org}' AND day >= {df} AND day < {dt} UNION ALL " + CAL_ROW + "e.made_at >= {lo} AND e.made_at < {df} UNION ALL " \
    + CAL_ROW + "e.made_at >= {dt} AND e.made_at < {hi}" + CAL_GROUP


def timed(sql):
    out, ms = None, []
    for _ in range(RUNS):
        t0 = time.monotonic()
        out = q(sql)
        ms.append((time.monotonic() - t0) * 1000)
    return statistics.median(ms), out


print("| report | counting rows (ms) | rollups (ms) | ratio | same answer |")
print("|---|---:|---:|---:|---|")
for name in OLD:
    old_ms, old = timed(OLD[name].format(**A))
    new_ms, new = timed(NEW[name].format(**A))
    print("| %s | %.1f | %.1f | %.0f× | %s |" % (name, old_ms, new_ms, old_ms / new_ms, "yes" if old == new else "NO: %r / %r" % (old, new)))
