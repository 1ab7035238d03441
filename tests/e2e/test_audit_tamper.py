"""What `audit verify` must catch in one case's history (issue 14: the chain may change shape — per
case, with checkpoints — but never get weaker).  Someone with write access to the database drops
the append-only triggers and edits one event of a case, deletes one in the middle of the case's
history or at its end, swaps two of the case's events, or removes the whole case's history (then
recomputing the chain and its head, which only a checkpoint signed before can catch).  Each attack
must make `frontline audit verify` exit 5 and name the organization; the other organizations stay
intact.  Real CLI, SQLite files, and a fresh PostgreSQL database per test when FRONTLINE_PG is set
(the attack then goes through psql)."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from lib import check, eq, run_cli, run_module  # noqa: E402
from test_audit_checkpoint import CHRIS, Raw, chain_hash, checkpoint, demo, keygen, q, verify  # noqa: E402

ORG = "vendor-co"
COLS = "seq, at, actor_id, kind, entity_type, entity_id, case_id, data, prev_hash, hash, request_id"


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
    eq(res["first_bad_seq"], mid, "the missing event is named")


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
    """The attack that plain verify cannot see: every event of `case` removed, the rest renumbered,
    the chain from the first removed event recomputed, and the head rewritten."""
    events = raw.rows("SELECT %s FROM events WHERE org_id = %s ORDER BY seq" % (COLS, q(org)))
    first = next(i for i, e in enumerate(events) if e[6] == case)
    keep = [e for e in events[first:] if e[6] != case]
    sql = "BEGIN;\n" + raw.drop_triggers()
    sql += "DELETE FROM events WHERE org_id = %s AND seq >= %s;\n" % (q(org), events[first][0])
    prev = events[first][8]
    seq = int(events[first][0])
    for e in keep:
        h = chain_hash(prev, seq, e[1], e[2], e[3], e[4], e[5], e[6], e[7])
        sql += ("INSERT INTO events (org_id, %s) VALUES (%s, %d, %s, %s, %s, %s, %s, NULLIF(%s, ''), %s, %s, %s, "
                "NULLIF(%s, ''));\n" % (COLS, q(org), seq, e[1], q(e[2]), q(e[3]), q(e[4]), q(e[5]), q(e[6]),
                                        q(e[7]), q(prev), q(h), q(e[10])))
        prev = h
        seq += 1
    sql += "UPDATE org_heads SET last_seq = %d, last_hash = %s WHERE org_id = %s;\nCOMMIT;\n" % (seq - 1, q(prev),
                                                                                                q(org))
    raw.script(sql)


def test_a_whole_case_removed_after_a_checkpoint_is_detected():
    tmp, db = demo()
    raw = Raw(db)
    org = org_id(raw)
    case, seqs = case_events(raw, org, 3)

    # without recomputing: plain verify sees it
    raw.script("BEGIN;\n" + raw.drop_triggers() + "DELETE FROM events WHERE org_id = %s AND case_id = %s;\n"
               "COMMIT;\n" % (q(org), q(case)))
    res = attacked(db, "a case's whole history deleted")
    eq(res["first_bad_seq"], seqs[0], "its first event is named missing")

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


if __name__ == "__main__":
    run_module(globals())
