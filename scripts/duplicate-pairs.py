#!/usr/bin/env python3
"""Count the pairs of repeated blocks in src/ (the library's `duplicates` command), split into
pairs inside declarative tables and pairs in code.

usage: scripts/duplicate-pairs.py [--list] [DIR]   (default DIR: src)

`duplicates --repo DIR` counts every pair of places sharing six or more lines of the same shape.
The API's own tables (routes, input specs, page lists) are data, src/svc/**/NAME.api.json, which
`duplicates` does not read (tools/apigen.c makes their C at build time).  What stays declarative in
C is rows of one shape by design, so any two of similar length pair up: the field macros shared by
specs (`PAGE_FIELDS`, `ISSUE_FIELDS`: `{"name", IN_STR, ...}` rows), value lists (`static const
char *const X[] = {"a", NULL};`) and other tables of strings (a command table's rows and their
continuation lines, rows of strings only, terminator rows).  A pair counts as "table" when at
least 40% of its lines are field rows or value lists, or 30% are such string rows (on both sides
together); everything else is "code".  A code pair listed in ALLOW (by its two files, with the
reason the two places are parallel on purpose) is counted apart as "allowed"; keep that list
short.  --list prints the code pairs.  Needs `duplicates` on the PATH.  The library lists at most
200 pairs; when there are more, the rest are counted as "not listed" (unclassified).
"""
import re
import subprocess
import sys

ROW = re.compile(r'\t "|\s*\{("[^"]*", )+"[^"]*"\},?$|\s*\{NULL, NULL(, NULL)*\},?$|\s*("[^"]*",\s*)+\w+\},?$')
FIELD = re.compile(r'IN_(STR|INT|ENUM|BOOL|TIME|NUM|ARR|OBJ|MAP)\b|IN_\w+_FIELD|PAGE_FIELDS'
                   r'|static const char \*const \w+\[\] = \{')
PAIR = re.compile(r"D\d+ (\S+):(\d+)-(\d+) ~ (\S+):(\d+)-(\d+)")
MORE = re.compile(r"\(\+(\d+) more pairs\)")

# Code pairs that are parallel on purpose: (file, file, why).  Line numbers move, so a pair is
# matched by its two files (relative to DIR, in either order).
ALLOW = [
    ("store/db_pg.c", "store/db_sqlite.c",
     "the two storage backends implement one interface (store/db.h) function by function, as SQLite's VFSes do"),
    ("store/search.c", "store/search.c",
     "each search is written twice on purpose: its PostgreSQL form and its SQLite form, side by side"),
    ("http/metrics.c", "http/metrics.c",
     "Prometheus exposition text: one HELP/TYPE/value block per metric family"),
]


def lines(root, path, first, last):
    with open(f"{root}/{path}", encoding="utf-8", errors="replace") as f:
        return f.read().split("\n")[first - 1:last]


def main(argv):
    show = "--list" in argv
    args = [a for a in argv if a != "--list"]
    root = args[0] if args else "src"
    out = subprocess.run(["duplicates", "--repo", root, "--most", "200", "--seconds", "120"],
                         capture_output=True, text=True, check=False).stdout.split("\n")
    tables, code, allowed, unlisted = [], [], [], 0
    allow = {frozenset((a, b)) for a, b, _ in ALLOW}
    for row in out[1:]:
        more = MORE.match(row)
        if more:
            unlisted = int(more[1])
        m = PAIR.match(row)
        if not m:
            continue
        if frozenset((m[1], m[4])) in allow:
            allowed.append(row)
            continue
        both = lines(root, m[1], int(m[2]), int(m[3])) + lines(root, m[4], int(m[5]), int(m[6]))
        rows = sum(1 for x in both if ROW.match(x))
        fields = sum(1 for x in both if FIELD.search(x))
        (tables if rows >= 0.3 * len(both) or fields >= 0.4 * len(both) else code).append(row)
    print(out[0])
    if show:
        print("\n".join(code))
    total = len(tables) + len(code) + len(allowed) + unlisted
    print(f"pairs: {total} ({len(tables)} in tables, {len(code)} in code, "
          f"{len(allowed)} allowed, {unlisted} not listed)")


if __name__ == "__main__":
    main(sys.argv[1:])
