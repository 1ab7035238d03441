-- 0023: the Cases page's indexes (migration 0015) end with the case id, the tie-breaker of every
-- sort (svc/ledger/queue.c), so a page is read in index order and stops at its last row whatever
-- the organization's size (without it, every case tied on a sort value, such as the many with
-- nothing due, was sorted before the first row came out); "resolved recently" counts read
-- (org_id, status, resolved_at).
--
-- And the view the due-time triggers read looks a case's promises and requests up by the case
-- (promises_case, requests_case): written plainly, SQLite read promises_due (status, due_at) for
-- MIN(due_at) and walked every pending promise of the installation for each write, so seeding a
-- million cases slowed quadratically.  A "+" before status keeps that index out.
DROP VIEW case_due_times;
CREATE VIEW case_due_times AS
SELECT ca.org_id, ca.id AS case_id,
  MIN(COALESCE((SELECT MIN(p.due_at) FROM promises p WHERE p.org_id = ca.org_id AND p.case_id = ca.id AND +p.status = 'pending'),
               9007199254740991),
      COALESCE((SELECT MIN(r.due_at) FROM requests r WHERE r.org_id = ca.org_id AND r.case_id = ca.id
                AND +r.status IN ('open','accepted','deferred')), 9007199254740991)) AS due_at,
  MIN(COALESCE((SELECT MIN(CASE WHEN p.status = 'pending' THEN COALESCE(p.at_risk_at, p.due_at) ELSE p.due_at END)
                FROM promises p WHERE p.org_id = ca.org_id AND p.case_id = ca.id AND +p.status IN ('pending','broken')),
               9007199254740991),
      COALESCE((SELECT MIN(r.due_at) FROM requests r WHERE r.org_id = ca.org_id AND r.case_id = ca.id
                AND +r.status IN ('open','accepted','deferred')), 9007199254740991)) AS risk_at
FROM cases ca;
DROP INDEX cases_owner_due;
DROP INDEX cases_team_updated;
DROP INDEX cases_team_due;
DROP INDEX cases_status_due;
DROP INDEX cases_status_created;
DROP INDEX cases_risk;
DROP INDEX cases_resolved;
CREATE INDEX cases_owner_due ON cases(org_id, owner_id, status, due_at, id);
CREATE INDEX cases_team_updated ON cases(org_id, team_id, status, updated_at, id);
CREATE INDEX cases_team_due ON cases(org_id, team_id, status, due_at, id);
CREATE INDEX cases_status_due ON cases(org_id, status, due_at, id);
CREATE INDEX cases_status_created ON cases(org_id, status, created_at, id);
CREATE INDEX cases_risk ON cases(org_id, status, risk_at, id);
CREATE INDEX cases_resolved ON cases(org_id, status, resolved_at, id);
