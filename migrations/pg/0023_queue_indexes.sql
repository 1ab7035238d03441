-- 0023: the Cases page's indexes (migration 0015) end with the case id, the tie-breaker of every
-- sort (svc/ledger/queue.c), so a page is read in index order and stops at its last row whatever
-- the organization's size (without it, every case tied on a sort value, such as the many with
-- nothing due, was sorted before the first row came out); "resolved recently" counts read
-- (org_id, status, resolved_at).  (SQLite's 0019 also rewrites the view case_due_times so its
-- planner looks promises up by case; PostgreSQL's planner does so already, by its statistics.)
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
