"""The benchmark seeders write their bulk rows with plain INSERTs (see the header comments of
src/cli/cmd_bench_promises.c and cmd_bench_learning.c for why that is equivalent).  At small sizes,
on each backend: the history chains they leave verify (`frontline audit verify`), the services then
act on the seeded rows exactly as the benchmark measured (a scheduler pass breaks the same promises,
the root-cause report counts the same causes), and the chains still verify afterwards."""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from lib import check, eq, new_db_url, run_cli, run_module, scalar  # noqa: E402


def fresh_db(name):
    db = new_db_url(tempfile.mkdtemp(prefix="fl-seed-"), name)
    run_cli("init", db=db, json_out=False)
    return db


def verify(db, what):
    code, out, err = run_cli("audit", "verify", db=db, check=False)
    eq(code, 0, "audit verify passes %s: %s" % (what, err))
    return {o["org"]: o["events"] for o in (out or {}).get("orgs", [])}


def seeded_cases_as_kept(db):
    """The seeded open cases carry what the triggers keep: their due times are the view's
    (case_due_times) and, on PostgreSQL, their search documents the view's (case_search_docs)."""
    open_cases = int(scalar(db, "SELECT COUNT(*) FROM cases WHERE number > 1000000 AND number < 2000000"))
    check(open_cases > 1, "the seed made open cases (%d)" % open_cases)
    eq(scalar(db, "SELECT COUNT(*) FROM cases ca JOIN case_due_times d ON d.org_id = ca.org_id AND d.case_id = ca.id "
                  "WHERE ca.due_at <> d.due_at OR ca.risk_at <> d.risk_at"), "0", "every case's due times are the view's")
    check(int(scalar(db, "SELECT COUNT(*) FROM cases WHERE number > 1000000 AND number < 2000000 "
                         "AND due_at < 9007199254740991")) == open_cases,
          "every seeded case that holds promises has a due time")
    if db.startswith("postgres"):
        eq(scalar(db, "SELECT COUNT(*) FROM case_search s FULL JOIN case_search_docs d USING (org_id, case_id) "
                      "WHERE s.head IS DISTINCT FROM d.head OR s.body IS DISTINCT FROM d.body"), "0",
           "every case's search document is the view's")


def test_bench_promises_seed_verifies_and_services_act_on_it():
    db = fresh_db("promises")
    _, seeded, _ = run_cli("bench-promises", "--pending", "200", "--due", "6", "--closed", "8", "--runs", "1",
                           db=db, json_out=False)
    seeded = json.loads(seeded)
    eq((seeded["pending"], seeded["due"], seeded["closed"]), (200, 6, 8), "the seeder made what it was asked")
    before = verify(db, "on what bench-promises seeded")
    seeded_cases_as_kept(db)
    check(before.get("bench-promises", 0) > 0, "the organization made through the services has a history")
    # the benchmark's pass was rolled back; a real scheduler pass over the seeded rows does the same work
    _, tick, _ = run_cli("tick", db=db)
    # a pass reports what it did; parts with nothing due may not run, so a count of 0 may be absent.
    # Digests are left out: the real pass steps through the due times (the breaches an hour ago), so
    # when the people's digest hour (08:00) fell in that hour it also sends the digest of those
    # alerts, which the benchmark's one pass at now leaves for the next day.
    did = lambda counts: {k: v for k, v in counts.items() if v and k != "digests"}  # noqa: E731
    eq(did(tick), did(seeded["pass"]), "a scheduler pass on the seed breaks and flags what the benchmark measured")
    check(did(tick).get("breaches", 0) > 0, "and it broke something")
    after = verify(db, "after the scheduler acted on the seeded rows")
    seeded_cases_as_kept(db)
    check(after.get("bench-promises", 0) > before.get("bench-promises", 0),
          "the scheduler's breaches were appended to the chain (%r -> %r)" % (before, after))
    _, report, _ = run_cli("report", "breaches", "--by", "cause", db=db, as_="admin@bench-promises.example")
    eq(report["breaches"], seeded["closed"] + tick["breaches"], "the report counts the seeded and the new breaches")
    seeded_causes = {k: v for k, v in ((i["key"], i["causes"]) for i in report["items"]) if k != "owner_no_request"}
    eq(sum(seeded_causes.values()), seeded["closed"], "each seeded breach has its one seeded cause: %r" % report["items"])


def test_bench_learning_seed_verifies_and_the_report_counts_it():
    db = fresh_db("learning")
    _, seeded, _ = run_cli("bench-seed-learning", "--reviews", "60", "--cases", "12", "--days", "5", db=db,
                           json_out=False)
    seeded = json.loads(seeded)
    verify(db, "on what bench-seed-learning seeded")
    _, rep, _ = run_cli("report", "root-causes", db=db, as_=seeded["as"])
    eq(rep["total_reviews"], seeded["reviews"], "the report counts every seeded review")
    eq({p["category"]: p["count"] for p in rep["pareto"]}, {k: v for k, v in seeded["by_category"].items() if v},
       "the report's Pareto is the seeded causes, category by category")
    verify(db, "after the report")


def test_bench_estimates_seed_verifies_and_completions_add_to_its_rollups():
    db = fresh_db("estimates")
    _, seeded, _ = run_cli("bench-estimates", "--completed", "400", "--runs", "2", db=db, json_out=False)
    seeded = json.loads(seeded)
    eq(seeded["completed"], 400, "the seeder made what it was asked")
    verify(db, "on what bench-estimates seeded")
    dana = "dana@bench-estimates.example"
    _, est, _ = run_cli("estimate", "show", "--holder", "Store 12", "--kind", "none-such", db=db, as_=dana)
    eq((est["level"], est["samples"]), ("holder", 400), "the seeded rollups hold every completion")
    # the benchmark's completion was rolled back: completing it through the services adds to the same rollups
    _, mine, _ = run_cli("request", "list", db=db, as_=dana)
    eq(len(mine["items"]), 1, "one open request left by the seeder")
    run_cli("request", "complete", mine["items"][0]["id"], db=db, as_=dana)
    _, est, _ = run_cli("estimate", "show", "--holder", "Store 12", "--kind", "none-such", db=db, as_=dana)
    eq(est["samples"], 401, "the completion joined the seeded rollup")
    verify(db, "after the completion")


if __name__ == "__main__":
    run_module(globals())
