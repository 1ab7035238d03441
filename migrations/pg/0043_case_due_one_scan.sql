-- 0043: the case due times of a statement's promises or requests (0036's statement triggers) in
-- one scan of each case's promises and one of its requests (issue 14: the scheduler pass at
-- 1,000,000 pending promises in 1 s).  0036 read them through the view case_due_times: for each
-- distinct case it joined `cases` a second time (the view's own FROM; a hash of every case when
-- the planner expects many) and ran the view's four subqueries twice, once in the WHERE that skips
-- unchanged cases and once in the SET: six to eight index scans of the case's promises and
-- requests per case.  The scheduler's one UPDATE breaking 500 promises spent most of its time there
-- (BENCHMARKS.md "the PostgreSQL pass, set-based writes": 99-106 ms of 152-159).  Here each case's
-- promises are aggregated once (MIN ... FILTER for the due time and the risk time), its open
-- requests once, and the case row is the one the UPDATE writes.  The values are the view's, which
-- stays (tests/e2e/test_bench_seeders.py compares the cases' columns with it); "+ 0" and "|| ''"
-- keep the MINs on the case's own rows (promises_case, requests_case) as 0034/0036 did.

-- The due times of the cases (orgs[i], case_ids[i]; each once), written where they changed.  Each
-- case is found by its key: with hash joins allowed, PostgreSQL hashed every case of the database
-- to join 500 of them (a sequential scan of 11,001 cases, 22-32 ms at 1,000,000 pending; 0036's
-- transition-table join was estimated at 6 rows, so it probed).  The function's own settings
-- apply to its statement only.
CREATE FUNCTION case_due_write(orgs text[], case_ids text[]) RETURNS void LANGUAGE plpgsql
SET enable_hashjoin = off SET enable_mergejoin = off AS $$
BEGIN
  UPDATE cases SET due_at = d.due_at, risk_at = d.risk_at
  FROM (SELECT k.org_id, k.case_id,
          LEAST(COALESCE(p.due, 9007199254740991), COALESCE(r.due, 9007199254740991)) AS due_at,
          LEAST(COALESCE(p.risk, 9007199254740991), COALESCE(r.due, 9007199254740991)) AS risk_at
        FROM unnest(orgs, case_ids) AS k(org_id, case_id)
        CROSS JOIN LATERAL (SELECT MIN(x.due_at + 0) FILTER (WHERE x.status = 'pending') AS due,
                              MIN(CASE WHEN x.status = 'pending' THEN COALESCE(x.at_risk_at, x.due_at) ELSE x.due_at END)
                                FILTER (WHERE x.status IN ('pending','broken')) AS risk
                            FROM promises x WHERE x.org_id = k.org_id AND x.case_id = k.case_id) p
        CROSS JOIN LATERAL (SELECT MIN(y.due_at + 0) AS due FROM requests y WHERE y.org_id = k.org_id AND y.case_id = k.case_id
                              AND y.status || '' IN ('open','accepted','deferred')) r) d
  WHERE cases.org_id = d.org_id AND cases.id = d.case_id AND (cases.due_at <> d.due_at OR cases.risk_at <> d.risk_at);
END;
$$;

-- The statement triggers of 0036, same names and the same cases: every case an INSERT's rows are
-- on; for an UPDATE, the cases of the rows whose due time, status (or a promise's at-risk time)
-- changed.
CREATE OR REPLACE FUNCTION case_due_of_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM case_due_write(array_agg(org_id), array_agg(case_id))
  FROM (SELECT DISTINCT org_id, case_id FROM new_rows ORDER BY 1, 2) k HAVING COUNT(*) > 0;
  RETURN NULL;
END;
$$;
CREATE OR REPLACE FUNCTION case_due_of_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'promises' THEN
    PERFORM case_due_write(array_agg(org_id), array_agg(case_id))
    FROM (SELECT DISTINCT n.org_id, n.case_id FROM new_rows n JOIN old_rows o ON o.org_id = n.org_id AND o.id = n.id
          WHERE o.status IS DISTINCT FROM n.status OR o.due_at IS DISTINCT FROM n.due_at
             OR o.at_risk_at IS DISTINCT FROM n.at_risk_at OR o.case_id IS DISTINCT FROM n.case_id ORDER BY 1, 2) k
    HAVING COUNT(*) > 0;
  ELSE
    PERFORM case_due_write(array_agg(org_id), array_agg(case_id))
    FROM (SELECT DISTINCT n.org_id, n.case_id FROM new_rows n JOIN old_rows o ON o.org_id = n.org_id AND o.id = n.id
          WHERE o.status IS DISTINCT FROM n.status OR o.due_at IS DISTINCT FROM n.due_at
             OR o.case_id IS DISTINCT FROM n.case_id ORDER BY 1, 2) k
    HAVING COUNT(*) > 0;
  END IF;
  RETURN NULL;
END;
$$;
