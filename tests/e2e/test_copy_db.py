"""copy-db (issue 9): an installation moves between databases with its history and hash chains
intact.  On SQLite alone it copies SQLite -> SQLite; with FRONTLINE_PG it copies PostgreSQL ->
SQLite -> a fresh PostgreSQL database.  Each copy passes `audit verify`, serves the same cases and
holds the same rows as its source in every table both have - what triggers keep too: the report
rollups (rebuilt by a SQLite target's triggers, copied by a PostgreSQL target's COPY), the versions
(copied to PostgreSQL) and PostgreSQL's case search documents (rebuilt from a SQLite source).  A
copy that fails part way leaves the target as it was: empty, its triggers on, its foreign keys
not deferrable."""
import json
import os
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from lib import Server, check, eq, new_db_url, run_cli, run_module  # noqa: E402

CHRIS = "chris@vendor-co.example"
V = "vendor-co"


def build(s):
    chris = s.login("chris@vendor-co.example", V)
    pat = s.login("pat@vendor-co.example", V)
    ids = []
    for i in range(5):
        case = chris.ok("POST", "/api/v1/cases", {"subject": "Copy me %d — café ✓" % i, "channel": "phone",
                                                  "customer_name": "Sam O'Neil %d" % i, "summary": "it's \"quoted\" ?"})
        chris.ok("POST", "/api/v1/cases/%s/notes" % case["id"], {"body": "note with ? and $1 and 'quotes'",
                                                                 "visibility": "internal"})
        # what COPY's text format escapes: a tab, a newline, a carriage return, a backslash, \N
        chris.ok("POST", "/api/v1/cases/%s/notes" % case["id"], {"body": "a\ttab,\na line,\r\nCRLF, C:\\dir \\N \\\\",
                                                                 "visibility": "internal"})
        offer = chris.ok("POST", "/api/v1/cases/%s/offers" % case["id"], {"to": "pat@vendor-co.example"})
        if i % 2:
            pat.ok("POST", "/api/v1/offers/%s/accept" % offer["id"])
        s.advance(minutes=5)
        ids.append(case["id"])
    admin = s.login("admin@vendor-co.example", V)
    art = admin.ok("POST", "/api/v1/articles", {"title": "Warranty returns in store",
                                                "body": "Phones bought in store are returned to any store.",
                                                "tags": ["warranty", "returns"]})
    return ids, [pat.ok("GET", "/api/v1/cases/" + i) for i in ids], art["id"]


def views(db, ids):
    """The cases as served from db, and the article ids a search for "warranty" finds there."""
    s = Server(db=db)
    with s:
        pat = s.login("pat@vendor-co.example", V)
        hits = pat.ok("GET", "/api/v1/articles/search?q=warranty")["items"]
        return [pat.ok("GET", "/api/v1/cases/" + i) for i in ids], [h["id"] for h in hits]


def verify(db, what):
    code, out, err = run_cli("audit", "verify", db=db)
    eq(code, 0, "audit verify passes on %s: %s" % (what, err))
    return {o["org"]: o["events"] for o in out["orgs"]} if out else {}


# Not compared: the migrations' own table, and each engine's search machinery (FTS5 tables on SQLite,
# compared on PostgreSQL where both sides have case_search).
SKIP = ("schema_migrations", "articles_fts", "cases_fts", "cases_words", "case_search_keys", "case_search_dirty")
# Kept by a SQLite target's own triggers, so their numbers are the target's (a version only grows).
VERSIONS = ("case_versions", "org_versions")
# PostgreSQL draws case numbers from a sequence per organization (migration 0039) and never writes
# case_counters; a SQLite copy sets its counters past the copied cases (event_sync_counters), so
# the two differ by design.  What matters is checked below: a case opened on a copy takes a number
# after every copied one.
PG_SOURCE_SKIP = VERSIONS + ("case_counters",)


def psql(url, sql):
    p = subprocess.run(["psql", "-qAtX", url, "-c", sql], capture_output=True, text=True, check=True)
    return p.stdout.strip()


def dump(db):
    """{table: sorted rows as JSON objects} of every table of db."""
    out = {}
    if db.startswith("postgres"):
        names = psql(db, "SELECT string_agg(tablename, ' ') FROM pg_tables WHERE schemaname = current_schema()").split()
        for t in names:
            rows = json.loads(psql(db, "SELECT COALESCE(json_agg(t), '[]') FROM %s t" % t))
            out[t] = sorted(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in rows)
        return out
    con = sqlite3.connect(db.replace("sqlite:", "", 1))
    try:
        for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            if t.startswith(SKIP) or t.startswith("sqlite_"):
                continue
            cur = con.execute("SELECT * FROM %s" % t)
            cols = [c[0] for c in cur.description]
            out[t] = sorted(json.dumps(dict(zip(cols, r)), sort_keys=True, ensure_ascii=False) for r in cur.fetchall())
    finally:
        con.close()
    return out


# The report rollups' counts: a row whose counts all went back to 0 (a request closed after going
# overdue, an owner changed) stays in its source, while triggers that see only the final rows never
# make it, so such rows are left out of the comparison (the reports read them as nothing).
ROLLUP_COUNTS = {"breach_daily": ("causes", "breaches"), "keeping_daily": ("kept", "broken"),
                 "overdue_daily": ("overdue", "still_open", "escalated"), "duty_daily": ("met", "lapsed"),
                 "intake_daily": ("cases", "handed_on"),
                 "calibration_daily": ("settled", "kept", "sum_pm", "on_ten", "on_ten_kept")}


def counted(table, rows):
    counts = ROLLUP_COUNTS.get(table)
    if not counts:
        return rows
    return [r for r in rows if any(json.loads(r)[c] != 0 for c in counts)]


def common_columns(a, b):
    """Rows of a and b reduced to the columns both sides' rows have (PostgreSQL's generated ones
    exist only there)."""
    ka = set(json.loads(a[0])) if a else set()
    kb = set(json.loads(b[0])) if b else set()
    keep = ka & kb if a and b else ka | kb
    cut = lambda rows: sorted(json.dumps({k: v for k, v in json.loads(r).items() if k in keep}, sort_keys=True) for r in rows)  # noqa: E731
    return cut(a), cut(b)


def same_rows(src, dst, what, skip=()):
    a, b = dump(src), dump(dst)
    compared = 0
    for t in sorted(set(a) & set(b)):
        if t.startswith(SKIP) or t in skip:
            continue
        ra, rb = common_columns(counted(t, a[t]), counted(t, b[t]))
        eq(len(rb), len(ra), "%s: %s has as many rows as its source" % (what, t))
        eq(rb == ra, True, "%s: %s holds the same rows as its source" % (what, t))
        compared += len(ra)
    for t in ("breach_daily", "keeping_daily", "intake_daily", "cases", "events"):
        check(t in skip or len(a.get(t, [])) > 0, "%s: the source has rows in %s to compare" % (what, t))
    return compared


def test_copy_keeps_history_and_chains():
    src = Server(demo=True)
    with src:
        ids, before, article = build(src)
    counts = verify(src.db, "the source")
    pg = os.environ.get("FRONTLINE_PG")
    mid = "sqlite:" + os.path.join(src.tmp, "copy.db")
    code, _, err = run_cli("copy-db", "--from", src.db if pg else "sqlite:" + src.db, "--to", mid, json_out=False)
    eq(code, 0, "copy-db to SQLite works: " + err)
    eq(verify(mid, "the SQLite copy"), counts, "the SQLite copy has every event")
    check(same_rows(src.db, mid, "the SQLite copy", skip=PG_SOURCE_SKIP if pg else VERSIONS) > 500,
          "the SQLite copy was compared row by row")
    last = mid
    if pg:
        last = new_db_url(src.tmp)
        code, _, err = run_cli("copy-db", "--from", mid, "--to", last, json_out=False)
        eq(code, 0, "copy-db SQLite -> PostgreSQL works: " + err)
        eq(verify(last, "the PostgreSQL copy"), counts, "the PostgreSQL copy has every event")
        check(same_rows(mid, last, "the PostgreSQL copy") > 500, "the PostgreSQL copy was compared row by row")
        same_shape(last, src.tmp, "the PostgreSQL copy")
        # case_search rebuilt from the SQLite copy: as the source's triggers kept it, and as its view says
        same_rows(src.db, last, "PostgreSQL -> SQLite -> PostgreSQL", skip=PG_SOURCE_SKIP)
        eq(psql(last, "SELECT COUNT(*) FROM case_search s FULL JOIN case_search_docs d USING (org_id, case_id) "
                      "WHERE s.head IS DISTINCT FROM d.head OR s.body IS DISTINCT FROM d.body "
                      "OR s.phones IS DISTINCT FROM d.phones"), "0", "every case's search document is its view's")
    if pg:  # the SQLite copy of a PostgreSQL installation rebuilt its FTS5 search index
        eq(views(mid[len("sqlite:"):], ids)[1], [article], "search works on the SQLite copy")
    after, found = views(last.replace("sqlite:", "", 1) if last.startswith("sqlite:") else last, ids)
    eq(json.dumps(after, sort_keys=True), json.dumps(before, sort_keys=True), "the copy serves the same cases")
    eq(found, [article], "search finds the article on the copy")
    counts = verify(last, "the copy after use")  # signing in appends an event
    # the counters go on past the copied rows: a case opened on each copy takes the next number
    # (a number taken again would be refused: cases are unique by organization and number)
    for db in dict.fromkeys((mid, last)):
        code, opened, err = run_cli("case", "open", "--subject", "after the copy", "--channel", "email",
                                    "--customer-name", "Copied", db=db, as_=CHRIS, check=False)
        eq(code, 0, "a case opens on the copy %s: %s" % (db, err))
        check(opened["number"] > max(c["number"] for c in before), "numbered after the copied ones: %r" % opened["number"])
    counts = verify(last, "the copy after new cases")
    # copying into a database that already holds organizations is refused and changes nothing
    code, _, err = run_cli("copy-db", "--from", mid, "--to", last, json_out=False, check=False)
    check(code != 0 and "empty" in err, "copy-db refuses a non-empty target: %r" % err)
    eq(verify(last, "the refused target"), counts, "the refused target is unchanged")


SHAPE = ("SELECT string_agg(d, E'\\n' ORDER BY d) FROM ("
         "SELECT indexdef AS d FROM pg_indexes WHERE schemaname = current_schema() UNION ALL "
         "SELECT c.relname || ' ' || t.tgname || ' ' || t.tgenabled::text || ' ' || pg_get_triggerdef(t.oid) FROM pg_trigger t "
         "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal UNION ALL "
         "SELECT conname || ' ' || condeferrable::text || ' ' || condeferred::text FROM pg_constraint WHERE contype = 'f') x")


def same_shape(url, tmp, what):
    """A PostgreSQL copy ends with the indexes, triggers (all on) and foreign keys (not deferrable)
    `frontline init` makes: what the load turned off or dropped is back."""
    fresh = new_db_url(tmp, "fresh")
    run_cli("init", db=fresh, json_out=False)
    want, got = psql(fresh, SHAPE), psql(url, SHAPE)
    check(want.count("\n") > 100, "a fresh database has indexes, triggers and foreign keys to compare")
    eq(got, want, "%s has the schema's indexes, triggers and foreign keys as init makes them" % what)


def broken_copies(src):
    """Copies of the SQLite database src with one thing the target must refuse: a contact of a case
    that is not there (a foreign key, checked after the rows), and a contact whose time is not a
    number (an integer column; PostgreSQL refuses it while loading)."""
    out = []
    for name, sql in (("orphan", "UPDATE touchpoints SET case_id = 'case_nowhere' WHERE rowid = (SELECT MIN(rowid) FROM touchpoints)"),
                      ("not-a-number", "UPDATE touchpoints SET at = 'soon' WHERE rowid = (SELECT MAX(rowid) FROM touchpoints)")):
        path = src + "." + name
        con, orig = sqlite3.connect(path), sqlite3.connect(src)
        orig.backup(con)  # through the write-ahead log: the file alone may not hold the last commits
        orig.close()
        eq(con.execute(sql).rowcount, 1, "%s: one contact broken by hand" % name)
        con.commit()
        con.close()
        out.append((name, path))
    return out


def test_failed_copy_changes_nothing():
    src = Server(demo=True)
    with src:
        pass
    pg = os.environ.get("FRONTLINE_PG")
    base = src.db
    if pg:  # a SQLite source to break by hand
        base = os.path.join(src.tmp, "source.db")
        code, _, err = run_cli("copy-db", "--from", src.db, "--to", "sqlite:" + base, json_out=False)
        eq(code, 0, "copy-db to SQLite works: " + err)
    tried = 0
    for name, path in broken_copies(base):
        if name == "not-a-number" and not pg:
            continue  # SQLite keeps a text in an integer column: nothing to refuse
        target = new_db_url(src.tmp, name) if pg else os.path.join(src.tmp, name + "-copy.db")
        code, _, err = run_cli("copy-db", "--from", "sqlite:" + path, "--to", target if pg else "sqlite:" + target,
                               json_out=False, check=False)
        check(code != 0 and "copy-db" in err, "copy-db refuses a source with %s: %r" % (name, err))
        if pg:
            eq(psql(target, "SELECT (SELECT COUNT(*) FROM orgs) + (SELECT COUNT(*) FROM events) + "
                            "(SELECT COUNT(*) FROM cases) + (SELECT COUNT(*) FROM touchpoints) + (SELECT COUNT(*) FROM case_search)"),
               "0", "%s: the target holds no rows" % name)
            same_shape(target, src.tmp, "%s: the refused target" % name)
        else:
            con = sqlite3.connect(target)
            eq(con.execute("SELECT (SELECT COUNT(*) FROM orgs) + (SELECT COUNT(*) FROM cases)").fetchone()[0], 0,
               "%s: the target holds no rows" % name)
            con.close()
        tried += 1
    eq(tried, 2 if pg else 1, "every broken source was tried")


if __name__ == "__main__":
    run_module(globals())
