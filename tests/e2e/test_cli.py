"""The command line end to end on a temporary database: the ownership part of S1 (chat -> phone
handoff), finding cases, exit codes as documented in `frontline help`, audit verify and backup.
SQLITE_ONLY: the CLI's storage is covered on PostgreSQL by the HTTP tests."""
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from lib import BIN, check, eq, run_cli, run_module  # noqa: E402

CHRIS = "chris@vendor-co.example"
PAT = "pat@vendor-co.example"
DANA = "dana@vendor-co.example"
TAYLOR = "taylor@vendor-co.example"


def fl(db, *args, as_=None, check_rc=True):
    rc, out, err = run_cli(*args, db=db, as_=as_, check=check_rc)
    return rc, out, err


def demo_db():
    tmp = tempfile.mkdtemp(prefix="fl-cli-")
    db = os.path.join(tmp, "t.db")
    fl(db, "init")
    fl(db, "demo")
    return tmp, db


def test_help_documents_exit_codes():
    p = subprocess.run([BIN, "help"], capture_output=True, text=True)
    eq(p.returncode, 0, "help exits 0")
    for code in ("2 usage or invalid input", "3 not found", "4 not allowed", "5 refused by a rule"):
        check(code in p.stdout, "help documents exit code %r" % code)
    p = subprocess.run([BIN, "no-such-command"], capture_output=True, text=True)
    eq(p.returncode, 2, "an unknown command is a usage error")


def test_init_is_idempotent_and_refuses_newer():
    tmp = tempfile.mkdtemp(prefix="fl-cli-")
    db = os.path.join(tmp, "n.db")
    p1 = subprocess.run([BIN, "init", "--db", db], capture_output=True, text=True)
    eq(p1.returncode, 0, "init creates")
    p2 = subprocess.run([BIN, "init", "--db", db], capture_output=True, text=True)
    eq(p2.returncode, 0, "second init is fine")
    check("already current" in p2.stdout,
          "second init applies nothing: %r" % p2.stdout)
    con = sqlite3.connect(db)
    eq(con.execute("PRAGMA journal_mode").fetchone()[0], "wal", "WAL mode")
    con.execute("INSERT INTO schema_migrations (version, applied_at) VALUES (9999, 0)")
    con.commit()
    con.close()
    p3 = subprocess.run([BIN, "init", "--db", db], capture_output=True, text=True)
    check(p3.returncode != 0, "a database from a newer frontline is refused")
    check("newer" in p3.stderr, "the refusal says why: %r" % p3.stderr)
    shutil.rmtree(tmp)


def test_s1_ownership_by_cli():
    tmp, db = demo_db()
    _, case, _ = fl(db, "case", "open", "--subject", "Two phones, buy one get one half price", "--channel", "chat",
                    "--customer-name", "Sam Carter", "--customer-email", "sam.carter@example.com",
                    "--customer-phone", "+1 217 555 0142", "--summary", "Sam wants two phones", as_=CHRIS)
    cid = case["id"]
    eq(case["owner"]["email"], CHRIS, "the opener owns the case")
    eq(case["status"], "open", "new case is open")

    # frontline Dana may not offer Chris's case (4 not allowed)
    rc, _, err = fl(db, "case", "offer", cid, "--to", PAT, as_=DANA, check_rc=False)
    eq(rc, 4, "a non-owner can't offer (exit 4)")

    # offer to Dana, who declines with a reason
    _, off1, _ = fl(db, "case", "offer", cid, "--to", DANA, "--note", "can you take this?", as_=CHRIS)
    eq(off1["status"], "pending", "offer pending")
    _, shown, _ = fl(db, "case", "show", cid, as_=CHRIS)
    eq(shown["owner"]["email"], CHRIS, "an offer does not move ownership")
    rc, _, _ = fl(db, "case", "offer", cid, "--to", PAT, as_=CHRIS, check_rc=False)
    eq(rc, 5, "a second offer while one is pending conflicts (exit 5)")
    rc, _, _ = fl(db, "offer", "accept", off1["id"], as_=PAT, check_rc=False)
    eq(rc, 4, "only the recipient may answer (exit 4)")
    rc, _, _ = fl(db, "offer", "decline", off1["id"], as_=DANA, check_rc=False)
    eq(rc, 2, "declining without a reason is invalid (exit 2)")
    _, dec, _ = fl(db, "offer", "decline", off1["id"], "--reason", "I don't sell phones", as_=DANA)
    eq(dec["status"], "declined", "declined")
    rc, _, _ = fl(db, "offer", "accept", off1["id"], as_=DANA, check_rc=False)
    eq(rc, 5, "accepting a declined offer conflicts (exit 5)")

    # offer again, to Pat, who accepts
    _, off2, _ = fl(db, "case", "offer", cid, "--to", PAT, "--note", "phones can't be ordered online", as_=CHRIS)
    _, waiting, _ = fl(db, "offer", "list", as_=PAT)
    check(any(o["id"] == off2["id"] for o in waiting["items"]), "Pat sees the offer waiting")
    _, acc, _ = fl(db, "offer", "accept", off2["id"], as_=PAT)
    eq(acc["status"], "accepted", "accepted")
    _, shown, _ = fl(db, "case", "show", cid, as_=PAT)
    eq(shown["owner"]["email"], PAT, "acceptance moves ownership")

    _, hist, _ = fl(db, "case", "history", cid, as_=PAT)
    kinds = [e["kind"] for e in hist["items"]]
    for k in ("case.opened", "case.offered", "case.declined", "case.accepted"):
        check(k in kinds, "history has %s: %r" % (k, kinds))
    check(kinds.index("case.offered") < kinds.index("case.declined") < kinds.index("case.accepted"),
          "history is in order: %r" % kinds)
    declined = [e for e in hist["items"] if e["kind"] == "case.declined"][0]
    check("I don't sell phones" in str(declined["data"]), "the decline keeps its reason")

    # touchpoint and note
    fl(db, "case", "touch", cid, "--channel", "phone", "--direction", "inbound", "--summary", "Sam called", as_=PAT)
    fl(db, "case", "note", cid, "--body", "ordered two phones", as_=PAT)

    # find by customer name, email, phone; by owner; by status
    for q in ("Sam Carter", "sam.carter@example.com", "+1 217 555 0142"):
        _, found, _ = fl(db, "case", "list", "--q", q, as_=CHRIS)
        check(any(c["id"] == cid for c in found["items"]), "found by %r" % q)
    _, found, _ = fl(db, "case", "list", "--q", "nobody-like-this", as_=CHRIS)
    check(all(c["id"] != cid for c in found["items"]), "an unrelated search does not find it")
    _, found, _ = fl(db, "case", "list", "--owner", PAT, as_=CHRIS)
    check(any(c["id"] == cid for c in found["items"]), "found by owner")
    check(all(c["owner"]["email"] == PAT for c in found["items"]), "owner filter holds")
    _, found, _ = fl(db, "case", "list", "--owner", CHRIS, as_=CHRIS)
    check(all(c["id"] != cid for c in found["items"]), "no longer Chris's")

    # resolve, find by status, reopen
    rc, _, _ = fl(db, "case", "resolve", cid, "--resolution", "done", as_=DANA, check_rc=False)
    eq(rc, 4, "a non-owner frontline can't resolve (exit 4)")
    _, res, _ = fl(db, "case", "resolve", cid, "--resolution", "two phones ordered", as_=PAT)
    eq(res["status"], "resolved", "resolved")
    rc, _, _ = fl(db, "case", "resolve", cid, "--resolution", "again", as_=PAT, check_rc=False)
    eq(rc, 5, "resolving twice conflicts (exit 5)")
    _, found, _ = fl(db, "case", "list", "--status", "resolved", as_=CHRIS)
    check(any(c["id"] == cid for c in found["items"]), "found by status resolved")
    _, found, _ = fl(db, "case", "list", "--status", "open", as_=CHRIS)
    check(all(c["id"] != cid for c in found["items"]), "not among open cases")
    rc, _, _ = fl(db, "case", "offer", cid, "--to", CHRIS, as_=PAT, check_rc=False)
    eq(rc, 5, "a resolved case can't be offered (exit 5)")
    _, reo, _ = fl(db, "case", "reopen", cid, "--reason", "second phone broken", as_=CHRIS)
    eq(reo["status"], "open", "reopened")
    eq(reo["owner"]["email"], PAT, "the owner stays accountable after reopening")

    # supervisor assigns directly; frontline can't
    rc, _, _ = fl(db, "case", "assign", cid, "--to", DANA, as_=PAT, check_rc=False)
    eq(rc, 4, "frontline/support can't assign (exit 4)")
    _, asg, _ = fl(db, "case", "assign", cid, "--to", DANA, "--reason", "Pat is away", as_=TAYLOR)
    eq(asg["owner"]["email"], DANA, "assignment moves ownership")

    # exit codes for bad input and unknown ids
    rc, _, _ = fl(db, "case", "show", "case_00000000000000000000000000", as_=CHRIS, check_rc=False)
    eq(rc, 3, "unknown case (exit 3)")
    rc, _, _ = fl(db, "case", "open", "--subject", "x", "--channel", "carrier-pigeon", as_=CHRIS, check_rc=False)
    eq(rc, 2, "bad enum (exit 2)")
    rc, _, _ = fl(db, "case", "open", "--subject", "x" * 301, "--channel", "chat", "--customer-name", "A",
                  as_=CHRIS, check_rc=False)
    eq(rc, 2, "subject over the limit (exit 2)")
    rc, _, _ = fl(db, "case", "offer", cid, "--to", "nobody@vendor-co.example", as_=TAYLOR, check_rc=False)
    check(rc in (2, 3), "offer to an unknown person refused (exit %d)" % rc)

    # other organization's case is not found
    rc, _, _ = fl(db, "case", "show", cid, "--org", "lee-practice", as_="admin@lee-practice.example", check_rc=False)
    check(rc in (1, 2, 3), "another organization can't see the case (exit %d)" % rc)

    # audit verify
    rc, out, _ = fl(db, "audit", "verify")
    eq(rc, 0, "audit verify passes")
    check(out and out.get("ok") is True, "audit ok: %r" % out)
    shutil.rmtree(tmp)


def test_org_and_person_create():
    tmp = tempfile.mkdtemp(prefix="fl-cli-")
    db = os.path.join(tmp, "o.db")
    fl(db, "init")
    _, org, _ = fl(db, "org", "create", "--slug", "acme", "--name", "Acme Ltd", "--admin-name", "Ann Admin",
                   "--admin-email", "ann@acme.example", "--admin-password", "a-long-password")
    eq(org["slug"], "acme", "org created")
    _, team, _ = fl(db, "team", "add", "--name", "Phones", as_="ann@acme.example")
    _, p, _ = fl(db, "person", "add", "--name", "Bo Agent", "--email", "bo@acme.example", "--role", "frontline",
                 as_="ann@acme.example")
    eq(p["role"], "frontline", "person created with role")
    rc, _, _ = fl(db, "person", "add", "--name", "Bo Two", "--email", "bo@acme.example", "--role", "frontline",
                  as_="ann@acme.example", check_rc=False)
    eq(rc, 5, "a duplicate email is refused (exit 5)")
    rc, _, _ = fl(db, "person", "add", "--name", "Cy", "--email", "cy@acme.example", "--role", "frontline",
                  as_="bo@acme.example", check_rc=False)
    eq(rc, 4, "frontline can't add people (exit 4)")
    rc, _, _ = fl(db, "person", "add", "--name", "Cy", "--email", "cy@acme.example", "--role", "king",
                  as_="ann@acme.example", check_rc=False)
    eq(rc, 2, "unknown role (exit 2)")
    _, people, _ = fl(db, "person", "list", as_="ann@acme.example")
    eq(sorted(x["email"] for x in people["items"]), ["ann@acme.example", "bo@acme.example"],
       "refused additions changed nothing")
    _, case, _ = fl(db, "case", "open", "--subject", "Hello", "--channel", "phone", "--customer-name", "Zed",
                    as_="bo@acme.example")
    eq(case["owner"]["email"], "bo@acme.example", "Bo owns his case")
    rc, out, _ = fl(db, "audit", "verify")
    eq(rc, 0, "audit verify ok")
    shutil.rmtree(tmp)


def test_backup_is_consistent_copy():
    tmp, db = demo_db()
    for i in range(5):
        fl(db, "case", "open", "--subject", "backup %d" % i, "--channel", "email", "--customer-name", "C%d" % i,
           as_=CHRIS)
    dest = os.path.join(tmp, "copy.db")
    p = subprocess.run([BIN, "backup", "--db", db, dest], capture_output=True, text=True)
    eq(p.returncode, 0, "backup succeeds: " + p.stderr)
    con = sqlite3.connect(dest)
    eq(con.execute("PRAGMA integrity_check").fetchone()[0], "ok", "copy passes integrity_check")
    n_copy = con.execute("SELECT COUNT(*) FROM cases").fetchone()[0]
    ev_copy = con.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    con.close()
    con = sqlite3.connect(db)
    eq(n_copy, con.execute("SELECT COUNT(*) FROM cases").fetchone()[0], "copy has every case")
    eq(ev_copy, con.execute("SELECT COUNT(*) FROM events").fetchone()[0], "copy has every event")
    con.close()
    rc, out, _ = fl(dest, "audit", "verify")
    eq(rc, 0, "the copy verifies")
    _, found, _ = fl(dest, "case", "list", "--q", "backup 3", as_=CHRIS)
    check(len(found["items"]) >= 1, "the copy is usable")
    shutil.rmtree(tmp)


def test_audit_verify_detects_tampering():
    tmp, db = demo_db()
    con = sqlite3.connect(db)
    con.execute("DROP TRIGGER events_no_update")
    org = con.execute("SELECT id FROM orgs WHERE slug = 'vendor-co'").fetchone()[0]
    con.execute("UPDATE events SET data = '{\"forged\":true}' WHERE org_id = ? AND seq = 3", (org,))
    con.commit()
    con.close()
    rc, out, _ = fl(db, "audit", "verify", check_rc=False)
    check(rc != 0, "tampering makes audit verify fail (exit %d)" % rc)
    bad = [o for o in (out or {}).get("orgs", []) if not o["ok"]]
    eq([o["org"] for o in bad], ["vendor-co"], "only the tampered organization is reported")
    check(bad and "3" in bad[0]["message"], "the first tampered event is named: %r" % bad)
    shutil.rmtree(tmp)


def run(*args):
    return subprocess.run([BIN] + list(args), capture_output=True, text=True, timeout=120)


def test_usage_errors_exit_2_and_say_what_to_do():
    tmp, db = demo_db()
    env_db = os.environ.pop("FRONTLINE_DB", None)
    try:
        p = run("case", "list", "--as", CHRIS)
        eq(p.returncode, 2, "a missing --db is a usage error")
        check("--db" in p.stderr, "it says to give --db: %r" % p.stderr)
        p = run("case", "list", "--db", db)
        eq(p.returncode, 2, "a missing --as is a usage error")
        check("--as EMAIL" in p.stderr, "it says to give --as: %r" % p.stderr)
        p = run("case", "list", "--db", db, "--as", CHRIS, "--no-such-flag", "x")
        eq(p.returncode, 2, "an unknown flag is a usage error")
        check("usage: frontline case list" in p.stderr, "it shows the usage: %r" % p.stderr)
    finally:
        if env_db is not None:
            os.environ["FRONTLINE_DB"] = env_db
    shutil.rmtree(tmp)


def test_a_mistyped_db_path_makes_no_database():
    tmp = tempfile.mkdtemp(prefix="fl-cli-")
    wrong = os.path.join(tmp, "typo.db")
    for args in (["case", "list", "--as", CHRIS], ["tick"], ["demo"], ["serve", "--listen", "127.0.0.1:1"],
                 ["backup", os.path.join(tmp, "copy.db")], ["audit", "verify"], ["webhook-deliver"],
                 ["mail-deliver", "--smtp", "smtp://127.0.0.1:1"]):
        p = run(*(args + ["--db", wrong]))
        eq(p.returncode, 2, "%s on a missing database is a usage error" % args[0])
        check("frontline init --db" in p.stderr, "it says how to make one: %r" % p.stderr)
        eq(sorted(os.listdir(tmp)), [], "%s left no file behind" % args[0])
    p = run("init", "--db", wrong, "--no-such-flag")
    eq(p.returncode, 2, "init with an unknown flag is a usage error")
    check("--no-such-flag" in p.stderr and "usage: frontline init" in p.stderr, "it names the flag: %r" % p.stderr)
    eq(sorted(os.listdir(tmp)), [], "and makes nothing")
    eq(run("init", "--db", wrong).returncode, 0, "init makes it")
    check(os.path.exists(wrong), "only init created the database")
    shutil.rmtree(tmp)


def test_help_for_a_noun_lists_its_commands():
    p = run("help", "case")
    eq(p.returncode, 0, "help case exits 0")
    for cmd in ("case open", "case list", "case offer", "case resolve"):
        check("frontline " + cmd in p.stdout, "help case lists %r" % cmd)
    p = run("case")
    eq(p.returncode, 2, "a noun without a verb is a usage error")
    check("frontline case open" in p.stderr, "and lists the case commands: %r" % p.stderr)
    p = run("case", "frobnicate")
    eq(p.returncode, 2, "an unknown verb is a usage error")
    check("not a case command" in p.stderr and "frontline case list" in p.stderr, "it says so and lists them")
    eq(run("help", "no-such-noun").returncode, 2, "help for an unknown noun is a usage error")


def test_lists_print_readable_columns():
    tmp, db = demo_db()
    rc, out, _ = run_cli("case", "list", db=db, as_=CHRIS, json_out=False)
    lines = out.splitlines()
    check(lines[0].split()[:3] == ["number", "status", "subject"], "a header line of columns: %r" % lines[0])
    check(any("Cracked screen" in line for line in lines[1:]), "each case on one line with its subject")
    p = run("alert", "list", "--db", db, "--as", "riley@vendor-co.example")
    eq(p.returncode, 0, "alert list")
    check("message" in p.stdout.splitlines()[0], "alerts show their message column: %r" % p.stdout)
    check("Your policy" in p.stdout, "and the message itself")
    p = run("exception", "list", "--db", db, "--as", "mia@harbor-financial.example")
    eq(p.returncode, 0, "exception list")
    check("overdraft" in p.stdout.lower() or "fees" in p.stdout, "exceptions show the case subject: %r" % p.stdout)
    check("next:" not in p.stdout, "a list that ends on this page says nothing of a next one: %r" % p.stdout)
    rc, out, _ = run_cli("case", "list", "--limit", "1", db=db, as_=CHRIS, json_out=False)
    check(out.splitlines()[-1].startswith("next: "), "a list with more pages gives the next page's cursor: %r" % out)
    shutil.rmtree(tmp)


if __name__ == "__main__":
    run_module(globals())
