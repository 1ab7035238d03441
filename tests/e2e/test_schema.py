"""The two migration dialects make the same schema.  `frontline init` applies migrations/sqlite/ to a
SQLite file and migrations/pg/ to a fresh PostgreSQL database; the test reads both catalogs and
compares tables, columns (type, NOT NULL, default), primary keys, indexes (columns, uniqueness,
partial or not), foreign keys and triggers, so the dialects cannot drift apart silently.

Types are compared by family: INTEGER and BIGINT are one integer family (SQLite stores both as
64-bit integers), TEXT and JSON are text (SQLite keeps JSON as text).  The only differences
allowed are the full-text search machinery of each engine (docs/OPERATIONS.md, "Full-text
search") and PostgreSQL's TRUNCATE guard on the history, listed in KNOWN below.

Needs FRONTLINE_PG (scripts/run-tests.sh sets it on its PostgreSQL pass); elsewhere its tests are
reported as skipped."""
import os
import re
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from lib import check, eq, needs_postgres, new_db_url, run_cli, run_module  # noqa: E402

# What each engine has that the other must not: full-text search (FTS5 virtual table and its shadow
# tables on SQLite; a generated tsvector column and its GIN index on PostgreSQL), and the TRUNCATE
# trigger (SQLite has no TRUNCATE).
KNOWN = {
    "sqlite_tables": re.compile(r"^(articles_fts|cases_fts|cases_words)(_data|_idx|_content|_docsize|_config)?$|^case_search_(keys|dirty)$"),
    "pg_tables": {"case_search"},
    "pg_columns": {("articles", "search")},
    "pg_indexes": {"articles_search", "case_search_text", "case_search_words"},
    "pg_triggers": {("events", "events_no_truncate")},
}

TYPE_FAMILY = {"integer": "int", "bigint": "int", "int": "int", "smallint": "int",
               "text": "text", "json": "text", "character varying": "text", "varchar": "text",
               "real": "real", "double precision": "real", "blob": "blob", "bytea": "blob"}


def family(t):
    t = t.strip().lower()
    if t not in TYPE_FAMILY:
        raise AssertionError("no type family for %r: add it to TYPE_FAMILY" % t)
    return TYPE_FAMILY[t]


def norm_default(d):
    """'open'::text -> 'open'; (0) -> 0; NULL -> None."""
    if d is None:
        return None
    d = re.sub(r"::[a-z ]+$", "", d.strip())
    while d.startswith("(") and d.endswith(")"):
        d = d[1:-1]
    return None if d.upper() == "NULL" else d


# ---------------------------------------------------------------- SQLite's catalog

def sqlite_schema(path):
    con = sqlite3.connect(path)
    q = lambda sql, *a: con.execute(sql, a).fetchall()  # noqa: E731
    out = {"tables": set(), "columns": {}, "pk": {}, "indexes": {}, "fks": set(), "triggers": set()}
    for (t,) in q("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"):
        if KNOWN["sqlite_tables"].match(t):
            continue
        out["tables"].add(t)
        info = q("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?)", t)
        for name, typ, notnull, dflt, pk in info:
            out["columns"][(t, name)] = (family(typ), bool(notnull or pk), norm_default(dflt))
        out["pk"][t] = tuple(n for n, _, _, _, pk in sorted(info, key=lambda r: r[4]) if pk)
        for _, idx, unique, origin, partial in q("SELECT * FROM pragma_index_list(?)", t):
            if origin == "pk":
                continue
            cols = tuple(r[0] for r in q("SELECT name FROM pragma_index_info(?) ORDER BY seqno", idx))
            # constraint indexes have engine-made names: compare them by shape only
            key = idx if origin == "c" else ("unique", t, cols)
            out["indexes"][key] = (t, cols, bool(unique), bool(partial))
        fks = {}
        for fid, seq, ref, frm, to, *_ in q("SELECT * FROM pragma_foreign_key_list(?)", t):
            fks.setdefault(fid, []).append((seq, frm, to, ref))
        for parts in fks.values():
            parts.sort()
            out["fks"].add((t, tuple(p[1] for p in parts), parts[0][3], tuple(p[2] for p in parts)))
    for t, name in q("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'"):
        out["triggers"].add((t, name))
    con.close()
    return out


# ---------------------------------------------------------------- PostgreSQL's catalog

def psql(url, sql):
    p = subprocess.run(["psql", "-qAtX", "-F", "\t", url, "-c", sql], capture_output=True, text=True, check=True)
    return [line.split("\t") for line in p.stdout.splitlines() if line]


PG_INDEXES = """
SELECT t.relname, i.relname, ix.indisunique, ix.indisprimary, ix.indpred IS NOT NULL,
       EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid),
       (SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, n)
          JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum)
FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
JOIN pg_namespace s ON s.oid = t.relnamespace WHERE s.nspname = 'public'"""

PG_FKS = """
SELECT t.relname, r.relname,
       (SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(c.conkey) WITH ORDINALITY k(attnum, n)
          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum),
       (SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(c.confkey) WITH ORDINALITY k(attnum, n)
          JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum)
FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
JOIN pg_namespace s ON s.oid = t.relnamespace WHERE s.nspname = 'public' AND c.contype = 'f'"""


def pg_schema(url):
    out = {"tables": set(), "columns": {}, "pk": {}, "indexes": {}, "fks": set(), "triggers": set()}
    for (t,) in psql(url, "SELECT table_name FROM information_schema.tables "
                          "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"):
        if t not in KNOWN["pg_tables"]:
            out["tables"].add(t)
    for t, name, typ, nullable, dflt in psql(url, "SELECT table_name, column_name, data_type, is_nullable, "
                                                  "COALESCE(column_default, 'NULL') FROM information_schema.columns "
                                                  "WHERE table_schema = 'public'"):
        if (t, name) in KNOWN["pg_columns"] or t not in out["tables"]:
            continue
        out["columns"][(t, name)] = (family(typ), nullable == "NO", norm_default(dflt))
    for t, idx, unique, primary, partial, constraint, cols in psql(url, PG_INDEXES):
        cols = tuple(cols.split(","))
        if t not in out["tables"]:
            continue
        if primary == "t":
            out["pk"][t] = cols
        elif idx not in KNOWN["pg_indexes"]:
            key = ("unique", t, cols) if constraint == "t" else idx
            out["indexes"][key] = (t, cols, unique == "t", partial == "t")
    for t in out["tables"]:
        out["pk"].setdefault(t, ())
    for t, ref, cols, refcols in psql(url, PG_FKS):
        out["fks"].add((t, tuple(cols.split(",")), ref, tuple(refcols.split(","))))
    for t, name in psql(url, "SELECT event_object_table, trigger_name FROM information_schema.triggers "
                             "WHERE trigger_schema = 'public' GROUP BY 1, 2"):
        if (t, name) not in KNOWN["pg_triggers"]:
            out["triggers"].add((t, name))
    return out


# ---------------------------------------------------------------- the comparison

def differences(a, b):
    """Keys only in a, only in b, and keys whose values differ (with both values)."""
    if isinstance(a, set):
        return sorted(a - b, key=repr), sorted(b - a, key=repr), []
    return (sorted(set(a) - set(b), key=repr), sorted(set(b) - set(a), key=repr),
            sorted(((k, a[k], b[k]) for k in set(a) & set(b) if a[k] != b[k]), key=repr))


SCHEMAS = {}


def schemas():
    """Both schemas, made once by the real `frontline init` on each backend."""
    if not SCHEMAS:
        tmp = tempfile.mkdtemp(prefix="fl-schema-")
        lite = os.path.join(tmp, "schema.db")
        pg = new_db_url(tmp, "schema")
        for db in (lite, pg):
            code, _, err = run_cli("init", db=db, json_out=False, check=False)
            eq(code, 0, "frontline init on %s: %s" % (db, err))
        SCHEMAS["sqlite"], SCHEMAS["pg"] = sqlite_schema(lite), pg_schema(pg)
    return SCHEMAS["sqlite"], SCHEMAS["pg"]


def compare(part):
    lite, pg = schemas()
    only_sqlite, only_pg, changed = differences(lite[part], pg[part])
    check(len(lite[part]) > 0, "the SQLite schema has %s at all" % part)
    eq(only_sqlite, [], "%s only on SQLite" % part)
    eq(only_pg, [], "%s only on PostgreSQL" % part)
    eq(changed, [], "%s that differ (SQLite, PostgreSQL)" % part)


def test_same_tables():
    compare("tables")


def test_same_columns_types_and_defaults():
    compare("columns")


def test_same_primary_keys():
    compare("pk")


def test_same_indexes():
    compare("indexes")


def test_same_foreign_keys():
    compare("fks")


def test_same_triggers():
    compare("triggers")


def test_type_families():
    eq([family(t) for t in ("INTEGER", "BIGINT", "bigint", "TEXT", "JSON", "character varying")],
       ["int", "int", "int", "text", "text", "text"], "INTEGER/BIGINT and TEXT/JSON are one family each")
    eq([norm_default(d) for d in ("'open'::text", "(0)", "NULL", None, "0")], ["'open'", "0", None, None, "0"],
       "defaults are compared without casts and parentheses")


if __name__ == "__main__":
    run_module(globals(), skip_all=needs_postgres())
