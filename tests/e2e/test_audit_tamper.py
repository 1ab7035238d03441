"""What `audit verify` must catch in one case's history (issue 14: the chain changed shape — one
chain per case, sealed into the organization's chain — and must never get weaker).  Someone with
write access to the database drops the append-only triggers and edits one event of a case, deletes
one in the middle of the case's history or at its end, swaps two of the case's events, or removes
the whole case's history (then recomputing every chain, seal and head, which only a checkpoint
signed before can catch).  After a seal (`audit checkpoint` writes one), plain verify also catches a
case's chain edited and recomputed with its head, cut at its end, removed with its head, and a
seal's lines edited.  Each attack must make `frontline audit verify` exit 5 and name the
organization; the other organizations stay intact.  Real CLI, SQLite files, and a fresh PostgreSQL
database per test when FRONTLINE_PG is set (the attack then goes through psql)."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from lib import check, eq, run_cli, run_module  # noqa: E402
from test_audit_checkpoint import (CHRIS, Raw, chain_hash, checkpoint, demo, gapless, keygen, q, recompute,  # noqa: E402
                                   verify)

ORG = "vendor-co"


def org_id(raw):
    return raw.rows("SELECT id FROM orgs WHERE slug = %s" % q(ORG))[0][0]


def case_events(raw, org, at_least):
    """The case of ORG with the most events (at least at_least): (case id, its events' seq in order)."""
    rows = raw.rows("SELECT case_id, COUNT(*) FROM events WHERE org_id = %s AND case_id IS NOT NULL "
                    "GROUP BY case_id ORDER BY COUNT(*) DESC, case_id LIMIT 1" % q(org))
    check(rows and int(rows[0][1]) >= at_least, "the demo has a case with %d events: %r" % (at_least, rows))
    case = rows[0][0]
    seqs = [int(r[0]) for r in raw.rows("SELECT seq FROM events WHERE org_id = %s AND case_id = %s ORDER BY seq"
                                        % (q(org), q(case)))]
    return case, seqs


def attacked(db, what):
    """After an attack: plain verify must fail for ORG only.  Returns ORG's result."""
    rc, orgs, err = verify(db)
    eq(rc, 5, "%s: audit verify exits 5 (%r)" % (what, orgs.get(ORG)))
    bad = sorted(s for s, o in orgs.items() if not o["ok"])
    eq(bad, [ORG], "%s: only the attacked organization fails" % what)
    return orgs[ORG]


def test_an_edited_case_event_is_detected():
    tmp, db = demo()
    raw = Raw(db)
    org = org_id(raw)
    case, seqs = case_events(raw, org, 3)
    mid = seqs[len(seqs) // 2]
    raw.script("BEGIN;\n" + raw.drop_triggers() + "UPDATE events SET data = '{\"forged\":true}' WHERE org_id = %s "
               "AND seq = %d;\nCOMMIT;\n" % (q(org), mid))
    res = attacked(db, "an edited event")
    eq(res["first_bad_seq"], mid, "the edited event is named")
    check("modified" in res["message"], "and called modified: %r" % res)


def test_an_event_deleted_in_the_middle_of_a_case_is_detected():
    tmp, db = demo()
    raw = Raw(db)
    org = org_id(raw)
    case, seqs = case_events(raw, org, 3)
    mid = seqs[1]
    raw.script("BEGIN;\n" + raw.drop_triggers() + "DELETE FROM events WHERE org_id = %s AND seq = %d;\nCOMMIT;\n"
               % (q(org), mid))
    res = attacked(db, "a deleted event in the middle of a case")
    if gapless(db):
        eq(res["first_bad_seq"], mid, "the missing event is named")
    else:
        check(seqs[0] < res["first_bad_seq"] <= mid, "a seq at or before the missing one is named: %r" % res)


def test_the_last_event_of_a_case_deleted_is_detected():
    tmp, db = demo()
    raw = Raw(db)
    org = org_id(raw)
    case, seqs = case_events(raw, org, 3)
    raw.script("BEGIN;\n" + raw.drop_triggers() + "DELETE FROM events WHERE org_id = %s AND seq = %d;\nCOMMIT;\n"
               % (q(org), seqs[-1]))
    attacked(db, "the case's last event deleted")

    # a case opened last: its last event is the newest of the organization
    tmp, db = demo()
    raw = Raw(db)
    org = org_id(raw)
    _, opened, _ = run_cli("case", "open", "--subject", "the newest case", "--channel", "email", "--customer-name",
                     "Newest", db=db, as_=CHRIS)
    last = raw.rows("SELECT MAX(seq) FROM events WHERE org_id = %s AND case_id = %s" % (q(org), q(opened["id"])))
    raw.script("BEGIN;\n" + raw.drop_triggers() + "DELETE FROM events WHERE org_id = %s AND seq = %s;\nCOMMIT;\n"
               % (q(org), last[0][0]))
    res = attacked(db, "the newest case's last event deleted")
    check("deleted" in res["message"], "called deleted: %r" % res)


def test_two_events_of_a_case_swapped_are_detected():
    tmp, db = demo()
    raw = Raw(db)
    org = org_id(raw)
    case, seqs = case_events(raw, org, 3)
    a, b = seqs[0], seqs[1]
    # each row keeps its own fields and hash: only their order changes
    raw.script("BEGIN;\n" + raw.drop_triggers() +
               "UPDATE events SET seq = -1 WHERE org_id = %s AND seq = %d;\n" % (q(org), a) +
               "UPDATE events SET seq = %d WHERE org_id = %s AND seq = %d;\n" % (a, q(org), b) +
               "UPDATE events SET seq = %d WHERE org_id = %s AND seq = -1;\nCOMMIT;\n" % (b, q(org)))
    res = attacked(db, "two events swapped")
    eq(res["first_bad_seq"], a, "the first misplaced event is named")


def remove_case_and_recompute(raw, org, case):
    """The attack that plain verify cannot see before a checkpoint: every event of `case` removed
    (its chain, its head and its seals' lines), every chain, seal and head recomputed."""
    recompute(raw, org, drop=lambda e: case in (e["case_id"], e["chain"]))


def test_a_whole_case_removed_after_a_checkpoint_is_detected():
    tmp, db = demo()
    raw = Raw(db)
    org = org_id(raw)
    case, seqs = case_events(raw, org, 3)

    # without recomputing: plain verify sees it
    raw.script("BEGIN;\n" + raw.drop_triggers() + "DELETE FROM events WHERE org_id = %s AND case_id = %s;\n"
               "COMMIT;\n" % (q(org), q(case)))
    res = attacked(db, "a case's whole history deleted")
    if gapless(db):
        eq(res["first_bad_seq"], seqs[0], "its first event is named missing")
    else:
        check(0 < res["first_bad_seq"] <= seqs[0], "a seq at or before its first event is named: %r" % res)

    # recomputed after a checkpoint: the checkpoint sees it
    tmp, db = demo()
    raw = Raw(db)
    org = org_id(raw)
    key = keygen(tmp)
    ck = os.path.join(tmp, "c")
    checkpoint(db, key, ck)
    case, seqs = case_events(raw, org, 3)
    remove_case_and_recompute(raw, org, case)
    rc, orgs, err = verify(db)
    eq(rc, 0, "the recomputed chain passes plain verify (why checkpoints exist): %r" % orgs.get(ORG))
    rc, orgs, err = verify(db, "--checkpoint", ck, "--public-key", key + ".pub")
    eq(rc, 5, "verify against the checkpoint refuses the history without the case")
    bad = sorted(s for s, o in orgs.items() if not o["ok"])
    eq(bad, [ORG], "only the attacked organization fails")
    check("checkpoint" in orgs[ORG]["message"], "the checkpoint is named: %r" % orgs[ORG])


def sealed_demo():
    """A demo whose every case head is sealed (audit checkpoint seals before it signs): (db, raw,
    org id, the case with the most events on its chain, its links and hashes in order)."""
    tmp, db = demo()
    checkpoint(db, keygen(tmp), os.path.join(tmp, "c"))
    raw = Raw(db)
    org = org_id(raw)
    rows = raw.rows("SELECT chain, COUNT(*) FROM events WHERE org_id = %s AND chain IS NOT NULL GROUP BY chain "
                    "ORDER BY COUNT(*) DESC, chain LIMIT 1" % q(org))
    check(rows and int(rows[0][1]) >= 3, "the demo has a case chain of 3 events: %r" % rows)
    case = rows[0][0]
    chain = raw.rows("SELECT link, hash, seq FROM events WHERE org_id = %s AND chain = %s ORDER BY link" % (q(org), q(case)))
    sealed = raw.rows("SELECT COUNT(*) FROM chain_seals WHERE org_id = %s AND case_id = %s AND link = %s"
                      % (q(org), q(case), chain[-1][0]))
    eq(sealed[0][0], "1", "the case's head is sealed")
    return db, raw, org, case, chain


def rewrite_case(raw, org, case, keep, forge=None):
    """One case's chain recomputed with its head (links after `keep` deleted, link `forge` edited):
    the case alone is consistent again, and so is the organization's chain, untouched."""
    rows = raw.rows("SELECT link, seq, at, actor_id, kind, entity_type, entity_id, case_id, data, prev_hash FROM events "
                    "WHERE org_id = %s AND chain = %s ORDER BY link" % (q(org), q(case)))
    sql = "BEGIN;\n" + raw.drop_triggers()
    sql += "DELETE FROM events WHERE org_id = %s AND chain = %s AND link > %d;\n" % (q(org), q(case), keep)
    prev = "0" * 64
    for link, seq, at, actor, kind, etype, eid, case_id, data, _ in rows[:keep]:
        if int(link) == forge:
            data = '{"forged":true}'
        h = chain_hash(prev, link, seq, at, actor, kind, etype, eid, case_id, data)
        sql += ("UPDATE events SET data = %s, prev_hash = %s, hash = %s WHERE org_id = %s AND seq = %s;\n"
                % (q(data), q(prev), q(h), q(org), seq))
        prev = h
    sql += ("UPDATE case_heads SET last_link = %d, last_hash = %s WHERE org_id = %s AND case_id = %s;\nCOMMIT;\n"
            % (keep, q(prev), q(org), q(case)))
    raw.script(sql)


def test_a_sealed_case_edited_and_recomputed_is_detected():
    db, raw, org, case, chain = sealed_demo()
    rewrite_case(raw, org, case, len(chain), forge=2)
    res = attacked(db, "a sealed case's chain edited and recomputed with its head")
    check(case in res["message"] and "sealed" in res["message"], "the case and its seal are named: %r" % res)


def test_a_sealed_case_cut_at_the_end_is_detected():
    db, raw, org, case, chain = sealed_demo()
    rewrite_case(raw, org, case, len(chain) - 1)
    res = attacked(db, "a sealed case's last event deleted and its head moved back")
    check(case in res["message"] and "gone" in res["message"], "the sealed event is missed: %r" % res)


def test_a_sealed_case_removed_with_its_head_is_detected():
    db, raw, org, case, chain = sealed_demo()
    raw.script("BEGIN;\n" + raw.drop_triggers() + "DELETE FROM events WHERE org_id = %s AND chain = %s;\n"
               "DELETE FROM case_heads WHERE org_id = %s AND case_id = %s;\nCOMMIT;\n" % (q(org), q(case), q(org), q(case)))
    res = attacked(db, "a sealed case removed with its head")
    check(case in res["message"] and "gone" in res["message"], "the sealed case is missed: %r" % res)


def test_a_seals_lines_edited_are_detected():
    db, raw, org, case, chain = sealed_demo()
    # the line made to name an earlier, genuine event of the case: each line alone still matches a chain
    raw.script("UPDATE chain_seals SET link = %s, hash = %s WHERE org_id = %s AND case_id = %s AND link = %s;\n"
               % (chain[0][0], q(chain[0][1]), q(org), q(case), chain[-1][0]))
    res = attacked(db, "a seal's line edited")
    check("does not match its lines" in res["message"], "the seal is named: %r" % res)
    # and a line removed
    db, raw, org, case, chain = sealed_demo()
    raw.script("DELETE FROM chain_seals WHERE org_id = %s AND case_id = %s;\n" % (q(org), q(case)))
    res = attacked(db, "a seal's line removed")
    check("seal" in res["message"], "the seal is named: %r" % res)


if __name__ == "__main__":
    run_module(globals())
