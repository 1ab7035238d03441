-- 0031: a new customer's event (customer.created, no case) no longer bumps the organization's
-- version (0024).  Nothing a kept page shows can name a customer that did not exist: the case
-- opened with it bumps its own case's version, and a customer's later changes reach its cases'
-- pages through customers_version_update.  Issue 14: every case opened for a new customer took
-- the organization's one org_versions row until its commit, so one organization's case creations
-- queued on it (scripts/bench-chain-probe.sh, BENCHMARKS.md "one organization's write ceiling").
DROP TRIGGER events_version_insert;
CREATE TRIGGER events_version_insert AFTER INSERT ON events BEGIN
  INSERT INTO case_versions (org_id, case_id, v) SELECT NEW.org_id, NEW.case_id, 1 WHERE NEW.case_id IS NOT NULL ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
  INSERT INTO org_versions (org_id, v) SELECT NEW.org_id, 1 WHERE NEW.case_id IS NULL AND NEW.kind <> 'customer.created' ON CONFLICT (org_id) DO UPDATE SET v = org_versions.v + 1;
END;
