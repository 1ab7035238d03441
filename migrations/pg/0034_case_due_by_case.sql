-- 0034: the view the due-time triggers read (case_due_times, 0015) looks a case's promises and
-- requests up by the case (promises_case, requests_case).  Written plainly, PostgreSQL answered
-- MIN(due_at) by walking promises_due / requests_due (status, due_at) in due order across every
-- organization until it met a row of the case: every write of a promise or request, and the
-- scheduler's breaking of a promise, scanned all pending promises due before the case's own
-- (EXPLAIN; BENCHMARKS.md "the scheduler pass on PostgreSQL").  "+ 0" keeps those indexes out of
-- the MIN, as SQLite's 0023 did with "+status".  The view's columns and answers are the same.
CREATE OR REPLACE VIEW case_due_times AS
SELECT ca.org_id, ca.id AS case_id,
  LEAST(COALESCE((SELECT MIN(p.due_at + 0) FROM promises p WHERE p.org_id = ca.org_id AND p.case_id = ca.id AND p.status = 'pending'),
                 9007199254740991),
        COALESCE((SELECT MIN(r.due_at + 0) FROM requests r WHERE r.org_id = ca.org_id AND r.case_id = ca.id
                  AND r.status IN ('open','accepted','deferred')), 9007199254740991)) AS due_at,
  LEAST(COALESCE((SELECT MIN(CASE WHEN p.status = 'pending' THEN COALESCE(p.at_risk_at, p.due_at) ELSE p.due_at END)
                  FROM promises p WHERE p.org_id = ca.org_id AND p.case_id = ca.id AND p.status IN ('pending','broken')),
                 9007199254740991),
        COALESCE((SELECT MIN(r.due_at + 0) FROM requests r WHERE r.org_id = ca.org_id AND r.case_id = ca.id
                  AND r.status IN ('open','accepted','deferred')), 9007199254740991)) AS risk_at
FROM cases ca;
