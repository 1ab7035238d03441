"""Audit checkpoints (issue 13 item 12): someone who can write the database drops the append-only
triggers, rewrites an event, recomputes the hash chain with the same hash function and deletes
the tail.  Plain `audit verify` then says "intact"; `audit verify --checkpoint FILE --public-key
KEY.pub` against a checkpoint signed before the rewrite refuses (exit 5).  Tampered checkpoint
files and other keys are refused too.  Real CLI, real SQLite files, and a fresh PostgreSQL database
per test when FRONTLINE_PG is set (the attack then goes through psql)."""
import hashlib
import json
import os
import sqlite3
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from lib import BIN, check, eq, new_db_url, run_cli, run_module  # noqa: E402

CHRIS = "chris@vendor-co.example"


def fl(*args):
    """Run frontline; returns (exit code, stdout parsed as JSON when --json was given, stderr)."""
    p = subprocess.run([BIN] + list(args), capture_output=True, text=True, timeout=120)
    out = p.stdout
    if "--json" in args and out.strip():
        out = json.loads(out)
    return p.returncode, out, p.stderr


def demo():
    """A fresh demo installation: (temporary directory, database URL or path)."""
    tmp = tempfile.mkdtemp(prefix="fl-ckpt-")
    db = new_db_url(tmp)
    run_cli("init", db=db, json_out=False)
    run_cli("demo", db=db, json_out=False)
    return tmp, db


def keygen(tmp, name="audit.key"):
    key = os.path.join(tmp, name)
    rc, _, err = fl("audit", "keygen", "--key", key)
    eq(rc, 0, "keygen works: " + err)
    return key


def checkpoint(db, key, out):
    rc, res, err = fl("audit", "checkpoint", "--db", db, "--key", key, "--out", out, "--json")
    eq(rc, 0, "checkpoint works: " + err)
    return res


def verify(db, *extra):
    """audit verify --json [extra]: (exit code, {slug: result}, stderr)."""
    rc, res, err = fl("audit", "verify", "--db", db, "--json", *extra)
    return rc, {o["org"]: o for o in (res or {}).get("orgs", [])}, err


class Raw:
    """The database as an attacker with write access sees it: Python's sqlite3, or psql."""

    def __init__(self, db):
        self.db = db
        self.pg = db.startswith("postgres")

    def rows(self, sql):
        if self.pg:
            p = subprocess.run(["psql", "-qAtX", "-F", "\x1f", self.db, "-c", sql], capture_output=True, text=True,
                               check=True)
            return [line.split("\x1f") for line in p.stdout.splitlines()]
        con = sqlite3.connect(self.db)
        try:
            return [["" if v is None else str(v) for v in r] for r in con.execute(sql).fetchall()]
        finally:
            con.close()

    def script(self, sql):
        if self.pg:
            subprocess.run(["psql", "-qX", "-v", "ON_ERROR_STOP=1", self.db], input=sql, text=True, check=True,
                           capture_output=True)
            return
        con = sqlite3.connect(self.db)
        try:
            con.executescript(sql)
        finally:
            con.close()

    def drop_triggers(self):
        on = " ON events" if self.pg else ""
        return "DROP TRIGGER events_no_update%s; DROP TRIGGER events_no_delete%s;\n" % (on, on)


def q(s):
    return "'" + s.replace("'", "''") + "'"


def chain_hash(prev, link, seq, at, actor, kind, etype, eid, case_id, data):
    """The chains' hash function (store/event.h): BLAKE2b-256 over the fields joined by newlines."""
    h = hashlib.blake2b(digest_size=32)
    for part in (prev, str(link), str(seq), str(at), actor, kind, etype, eid, case_id):
        h.update(part.encode() + b"\n")
    h.update(data.encode())
    return h.hexdigest()


def seal_data(lines):
    """An audit.sealed event's data from its lines [(case id, link, hash)] (store/event.h)."""
    h = hashlib.blake2b(digest_size=32)
    for case, link, hsh in sorted(lines, key=lambda t: t[0].encode()):
        h.update(("%s %d %s\n" % (case, link, hsh)).encode())
    return json.dumps({"cases": len(lines), "digest": h.hexdigest()}, separators=(",", ":"), sort_keys=True)


EVENT_COLS = ["seq", "at", "actor_id", "kind", "entity_type", "entity_id", "case_id", "data", "prev_hash", "hash",
              "request_id", "link", "chain"]


def org_events(raw, org):
    """Every event of org in seq order, as dicts (NULL is "")."""
    return [dict(zip(EVENT_COLS, r)) for r in raw.rows("SELECT %s FROM events WHERE org_id = %s ORDER BY seq"
                                                       % (", ".join(EVENT_COLS), q(org)))]


def nul(v):
    return "NULLIF(%s, '')" % q(v)


def recompute(raw, org, drop=lambda e: False, forge=None):
    """The attacker who can write the database and knows the chains' format: the triggers dropped,
    the events for which drop(e) holds deleted, event `forge`'s data replaced, then every chain of
    the organization relinked and rehashed, and its case heads, its seals' lines and digests and its
    head rewritten to match.  Only a checkpoint signed before can tell."""
    events = org_events(raw, org)
    check(all(e["link"] for e in events), "a history written since migration 0039")
    kept = [e for e in events if not drop(e)]
    for e in kept:
        if int(e["seq"]) == forge:
            e["data"] = '{"forged":true}'
    sealed = {}
    for seal_seq, case, link in raw.rows("SELECT seal_seq, case_id, link FROM chain_seals WHERE org_id = %s" % q(org)):
        sealed.setdefault(int(seal_seq), []).append((case, int(link)))
    heads, moved, lines = {}, {}, {}

    def link_up(e, chain):
        link, prev = heads.get(chain, (0, "0" * 64))
        e["old_link"], e["link"], e["prev_hash"] = int(e["link"]), link + 1, prev
        e["hash"] = chain_hash(prev, link + 1, e["seq"], e["at"], e["actor_id"], e["kind"], e["entity_type"],
                               e["entity_id"], e["case_id"], e["data"])
        heads[chain] = (link + 1, e["hash"])

    for e in kept:  # the case chains first: the seals hold their heads
        if e["chain"]:
            link_up(e, e["chain"])
            moved[(e["chain"], e["old_link"])] = (e["link"], e["hash"])
    for e in kept:
        if not e["chain"]:
            if e["kind"] == "audit.sealed":
                lines[e["seq"]] = [(c, *moved[(c, l)]) for c, l in sealed.get(int(e["seq"]), []) if (c, l) in moved]
                e["data"] = seal_data(lines[e["seq"]])
            link_up(e, "")
            last_seq = e["seq"]
    sql = "BEGIN;\n" + raw.drop_triggers() + "DELETE FROM events WHERE org_id = %s;\n" % q(org)
    for e in kept:
        sql += ("INSERT INTO events (org_id, %s) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %d, %s);\n"
                % (", ".join(EVENT_COLS), q(org), e["seq"], e["at"], q(e["actor_id"]), q(e["kind"]), q(e["entity_type"]),
                   q(e["entity_id"]), nul(e["case_id"]), q(e["data"]), q(e["prev_hash"]), q(e["hash"]),
                   nul(e["request_id"]), e["link"], nul(e["chain"])))
    sql += "DELETE FROM case_heads WHERE org_id = %s;\nDELETE FROM chain_seals WHERE org_id = %s;\n" % (q(org), q(org))
    for chain, (link, hsh) in heads.items():
        if chain:
            sql += ("INSERT INTO case_heads (org_id, case_id, last_link, last_hash, sealed_link) VALUES (%s, %s, %d, %s, %d);\n"
                    % (q(org), q(chain), link, q(hsh), link))
    for seal_seq, ls in lines.items():
        for case, link, hsh in ls:
            sql += ("INSERT INTO chain_seals (org_id, seal_seq, case_id, link, hash) VALUES (%s, %s, %s, %d, %s);\n"
                    % (q(org), seal_seq, q(case), link, q(hsh)))
    link, hsh = heads[""]
    sql += ("UPDATE org_heads SET last_link = %d, last_seq = %s, last_hash = %s WHERE org_id = %s;\nCOMMIT;\n"
            % (link, last_seq, q(hsh), q(org)))
    raw.script(sql)


def rewrite_history(db, slug, seq, keep):
    """The attack: rewrite event `seq`'s data, delete every event after `keep`, recompute every
    chain, seal and head.  Returns the organization id."""
    raw = Raw(db)
    org = raw.rows("SELECT id FROM orgs WHERE slug = %s" % q(slug))[0][0]
    recompute(raw, org, drop=lambda e: int(e["seq"]) > keep, forge=seq)
    return org


def head_seq(db, slug):
    """The seq of the organization's chain head (org_heads.last_seq)."""
    raw = Raw(db)
    return int(raw.rows("SELECT h.last_seq FROM org_heads h JOIN orgs o ON o.id = h.org_id WHERE o.slug = %s"
                        % q(slug))[0][0])


def gapless(db):
    """seq has no gaps on SQLite; on PostgreSQL a scheduler pass's unused numbers and rolled-back
    writes leave some, so a deleted event is named by a seq at or before its own."""
    return not db.startswith("postgres")


def test_rewrite_recompute_and_delete_tail_is_detected():
    tmp, db = demo()
    key = keygen(tmp)
    ck = os.path.join(tmp, "1.checkpoint")
    res = checkpoint(db, key, ck)
    eq(res["organizations"], 4, "the checkpoint holds every organization's head")
    counted = verify(db)[1]["vendor-co"]["events"]
    # the history goes on after the checkpoint: that is no rewrite
    for i in range(3):
        run_cli("case", "open", "--subject", "after the checkpoint %d" % i, "--channel", "email",
                "--customer-name", "Late %d" % i, db=db, as_=CHRIS)
    rc, orgs, err = verify(db, "--checkpoint", ck, "--public-key", key + ".pub")
    eq(rc, 0, "a history that grew since the checkpoint verifies: " + err)
    anchored = orgs["vendor-co"]["checkpoint_seq"]
    check(orgs["vendor-co"]["events"] >= counted + 3, "events after the checkpoint are checked too: %r" % orgs["vendor-co"])
    ck2 = os.path.join(tmp, "2.checkpoint")
    rc, _, err = fl("audit", "checkpoint", "--db", db, "--key", key, "--previous", ck, "--out", ck2)
    eq(rc, 0, "the next checkpoint, made only if the history still holds the previous one: " + err)

    rewrite_history(db, "vendor-co", 3, anchored - 5)  # seqs after anchored - 5 deleted
    rc, orgs, err = verify(db)
    eq(rc, 0, "the rewritten, recomputed and cut chain passes plain verify (why checkpoints exist): %r" % orgs)
    check(all(o["ok"] for o in orgs.values()), "plain verify calls every chain intact")

    rc, orgs, err = verify(db, "--checkpoint", ck, "--public-key", key + ".pub")
    eq(rc, 5, "verify against the checkpoint refuses the rewritten history (exit 5)")
    bad = sorted(s for s, o in orgs.items() if not o["ok"])
    eq(bad, ["vendor-co"], "only the rewritten organization fails")
    msg = orgs["vendor-co"]["message"]
    check("checkpoint" in msg and "deleted" in msg, "the message says the checkpointed events are gone: %r" % msg)
    bad = orgs["vendor-co"]["first_bad_seq"]
    if gapless(db):
        eq(bad, anchored - 4, "it names the first event missing")
    else:
        check(0 < bad <= anchored - 4, "it names an event at or before the first missing: %r" % bad)

    # the hourly job (checkpoint --previous) refuses to vouch for the rewritten history
    ck3 = os.path.join(tmp, "3.checkpoint")
    rc, _, err = fl("audit", "checkpoint", "--db", db, "--key", key, "--previous", ck2, "--out", ck3)
    eq(rc, 5, "no new checkpoint over a history that lost the previous one (exit 5)")
    check("chain_broken" in err and "vendor-co" in err, "the refusal names the organization: %r" % err)
    check(not os.path.exists(ck3), "and writes no file")
    rc, _, err = verify(db, "--checkpoint", ck2, "--public-key", key + ".pub")
    eq(rc, 5, "the later checkpoint catches it too")

    # the attacker signs a checkpoint of the forged history with a key of their own
    forged = os.path.join(tmp, "forged.checkpoint")
    checkpoint(db, keygen(tmp, "mallory.key"), forged)
    rc, _, err = verify(db, "--checkpoint", forged, "--public-key", key + ".pub")
    eq(rc, 5, "a checkpoint signed by another key is refused")
    check("checkpoint_wrong_key" in err, "and the refusal says why: %r" % err)
    rc, _, err = fl("audit", "checkpoint", "--db", db, "--key", key, "--previous", forged, "--out", ck3)
    eq(rc, 5, "and is no previous checkpoint for our key")
    check("checkpoint_wrong_key" in err, "named: %r" % err)


def test_rewrite_without_cutting_the_tail_is_detected():
    tmp, db = demo()
    key = keygen(tmp)
    ck = os.path.join(tmp, "c")
    checkpoint(db, key, ck)
    last = head_seq(db, "lee-practice")  # the seal the checkpoint made, its newest event
    rewrite_history(db, "lee-practice", 2, last)
    rc, orgs, _ = verify(db)
    eq(rc, 0, "plain verify passes the recomputed chain")
    rc, orgs, _ = verify(db, "--checkpoint", ck, "--public-key", key + ".pub")
    eq(rc, 5, "the checkpoint catches it")
    eq(orgs["lee-practice"]["first_bad_seq"], last, "at the checkpointed head")
    check("rewritten" in orgs["lee-practice"]["message"], "named a rewrite: %r" % orgs["lee-practice"])
    check(orgs["vendor-co"]["ok"], "other organizations still match")


def test_tampered_checkpoint_and_wrong_key_are_refused():
    tmp, db = demo()
    key = keygen(tmp)
    ck = os.path.join(tmp, "c")
    checkpoint(db, key, ck)
    rc, orgs, err = verify(db, "--checkpoint", ck, "--public-key", key + ".pub")
    eq(rc, 0, "the genuine checkpoint verifies: " + err)
    with open(ck) as f:
        text = f.read()
    lines = text.splitlines(keepends=True)

    def variant(name, new_lines):
        path = os.path.join(tmp, name)
        with open(path, "w") as f:
            f.write("".join(new_lines))
        return path

    # a head moved back to an earlier event: well formed, but not what was signed
    i = next(n for n, line in enumerate(lines) if line.startswith("head "))
    parts = lines[i].split()
    moved = variant("moved", lines[:i] + ["head %s %d %s\n" % (parts[1], int(parts[2]) - 1, parts[3])] + lines[i + 1:])
    rc, _, err = verify(db, "--checkpoint", moved, "--public-key", key + ".pub")
    eq(rc, 5, "a changed head is refused (exit 5)")
    check("checkpoint_signature" in err, "because the signature no longer matches: %r" % err)
    dropped = variant("dropped", lines[:i] + lines[i + 1:])
    rc, _, err = verify(db, "--checkpoint", dropped, "--public-key", key + ".pub")
    eq(rc, 5, "a removed head is refused")
    rc, _, err = verify(db, "--checkpoint", variant("cut", lines[:-1]), "--public-key", key + ".pub")
    eq(rc, 2, "a checkpoint without its signature is malformed (exit 2)")
    check("checkpoint_malformed" in err, "named malformed: %r" % err)
    rc, _, err = verify(db, "--checkpoint", os.path.join(tmp, "nowhere"))
    eq(rc, 2, "a missing checkpoint file is a usage error")

    other = keygen(tmp, "other.key")
    rc, _, err = verify(db, "--checkpoint", ck, "--public-key", other + ".pub")
    eq(rc, 5, "the genuine checkpoint checked against another key is refused")
    check("checkpoint_wrong_key" in err, "named the wrong key: %r" % err)
    rc, _, err = verify(db, "--checkpoint", ck)
    eq(rc, 0, "without --public-key the checkpoint's own key is used")
    check("--public-key" in err, "with a note saying so: %r" % err)

    rc, orgs, _ = verify(db, "--checkpoint", ck, "--public-key", key + ".pub", "--org", "northwind")
    eq((rc, list(orgs)), (0, ["northwind"]), "--org checks one organization against the checkpoint")


def test_checkpoint_of_another_installation_fails():
    tmp, db = demo()
    key = keygen(tmp)
    ck = os.path.join(tmp, "c")
    checkpoint(db, key, ck)
    tmp2, db2 = demo()  # the same demo, new organization ids
    rc, orgs, _ = verify(db2, "--checkpoint", ck, "--public-key", key + ".pub")
    eq(rc, 5, "the checkpoint does not vouch for another database")
    missing = [o for o in orgs.values() if "missing from the database" in o["message"]]
    eq(len(missing), 4, "each checkpointed organization is reported missing: %r" % orgs)
    check(orgs["vendor-co"]["ok"] and "checkpoint_seq" not in orgs["vendor-co"],
          "organizations newer than the checkpoint are checked alone")


def test_checkpoint_refuses_a_broken_chain():
    tmp, db = demo()
    key = keygen(tmp)
    raw = Raw(db)
    raw.script("BEGIN;\n" + raw.drop_triggers() + "UPDATE events SET data = '{\"forged\":true}' WHERE seq = 4 AND "
               "org_id = (SELECT id FROM orgs WHERE slug = 'northwind');\nCOMMIT;\n")
    out = os.path.join(tmp, "c")
    rc, _, err = fl("audit", "checkpoint", "--db", db, "--key", key, "--out", out)
    eq(rc, 5, "a chain that does not verify is not checkpointed (exit 5)")
    check("chain_broken" in err and "event 4" in err, "the refusal names what is wrong: %r" % err)
    check(not os.path.exists(out), "no checkpoint file is written")


def test_keys_and_files():
    tmp, db = demo()
    key = keygen(tmp)
    eq(stat.S_IMODE(os.stat(key).st_mode), 0o600, "the secret key is mode 0600")
    with open(key) as f:
        secret = f.read()
    with open(key + ".pub") as f:
        public = f.read()
    check(secret.startswith("frontline-audit-secret-key ed25519 "), "secret key format: %r" % secret[:40])
    check(public.startswith("frontline-audit-public-key ed25519 "), "public key format: %r" % public)
    rc, _, err = fl("audit", "keygen", "--key", key)
    eq(rc, 5, "keygen refuses to overwrite a key (exit 5)")
    check("file_exists" in err, "and says why: %r" % err)
    with open(key) as f:
        eq(f.read(), secret, "the key is unchanged")
    os.remove(key + ".pub")
    rc, _, _ = fl("audit", "keygen", "--key", key)
    eq(rc, 5, "nor the secret key when only the public one is gone")
    with open(key) as f:
        eq(f.read(), secret, "the key is still unchanged")

    # a checkpoint to stdout, and never over an existing file
    p = subprocess.run([BIN, "audit", "checkpoint", "--db", db, "--key", key], capture_output=True, text=True)
    eq(p.returncode, 0, "checkpoint to stdout: " + p.stderr)
    check(p.stdout.startswith("frontline-audit-checkpoint 1\n") and "\nsignature ed25519 " in p.stdout,
          "stdout is the checkpoint: %r" % p.stdout[:60])
    out = os.path.join(tmp, "c")
    with open(out, "w") as f:
        f.write("an earlier checkpoint\n")
    rc, _, err = fl("audit", "checkpoint", "--db", db, "--key", key, "--out", out)
    eq(rc, 5, "an existing checkpoint file is never replaced")
    with open(out) as f:
        eq(f.read(), "an earlier checkpoint\n", "and is left as it was")

    os.chmod(key, 0o644)
    rc, _, err = fl("audit", "checkpoint", "--db", db, "--key", key, "--out", os.path.join(tmp, "d"))
    eq(rc, 5, "a secret key others may read is refused")
    check("key_permissions" in err, "with the reason: %r" % err)
    rc, _, _ = fl("audit", "checkpoint", "--db", db, "--key", key + ".pub")
    check(rc != 0, "a public key cannot sign")
    rc, _, _ = fl("audit", "verify", "--db", db, "--public-key", key + ".pub")
    eq(rc, 2, "--public-key without --checkpoint is a usage error")


if __name__ == "__main__":
    run_module(globals())
