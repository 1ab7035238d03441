#!/usr/bin/python3
"""Which statements read an index (issue 14: every index a write pays for must be read by a query).

Usage: scripts/index-usage.py SQL_LOG OLD.db NEW.db INDEX...

SQL_LOG holds the statements a run prepared (scripts/sql-log.c: LD_PRELOAD=build/sql-log.so
SQL_LOG=FILE, NUL-separated).  For each distinct statement, EXPLAIN QUERY PLAN on OLD.db (a schema
that has the indexes) and on NEW.db (one without them); prints every statement whose plan on OLD.db
reads one of the INDEXes, with both plans.  Without sqlite_stat1 the planner does not look at the
data, so empty databases made by `frontline init` plan as the seeded ones do.  Trigger bodies are not
statements of their own here: read them in the schema."""
import re
import sqlite3
import sys


def plan(con, sql):
    """The plan's lines, its parameters bound to NULL (the planner does not look at their values)."""
    args = []
    for _ in range(2):
        try:
            rows = con.execute("EXPLAIN QUERY PLAN " + sql, args).fetchall()
            return [r[3] for r in rows], None
        except sqlite3.ProgrammingError as e:  # "... The current statement uses N, and there are 0 supplied."
            m = re.search(r"uses (\d+)", str(e))
            if not m:
                return None, str(e)
            args = [None] * int(m.group(1))
        except sqlite3.Error as e:
            return None, str(e)
    return None, "could not bind"


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    log, old, new, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    stmts = sorted(set(s.strip() for s in open(log, "rb").read().decode("utf-8", "replace").split("\0") if s.strip()))
    dml = [s for s in stmts if re.match(r"(?is)^\s*(SELECT|INSERT|UPDATE|DELETE|WITH|REPLACE)\b", s)]
    a, b = sqlite3.connect(old), sqlite3.connect(new)
    pat = re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b")
    used, failed = 0, 0
    for s in dml:
        pa, err = plan(a, s)
        if pa is None:
            failed += 1
            continue
        if not any(pat.search(line) for line in pa):
            continue
        used += 1
        pb, errb = plan(b, s)
        print("-- statement:\n" + s)
        print("-- plan with the indexes:\n  " + "\n  ".join(pa))
        print("-- plan without them:\n  " + ("\n  ".join(pb) if pb is not None else "error: " + errb))
        print()
    print("%d distinct statements (%d DML), %d read %s, %d could not be planned on %s"
          % (len(stmts), len(dml), used, ", ".join(names), failed, old))


if __name__ == "__main__":
    main()
