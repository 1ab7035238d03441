-- 0040 (PostgreSQL): the versions a history event bumps (0024, 0033, 0039) kept once per statement,
-- not once per row, as 0036 did for the case's other parts.  A scheduler pass writes its events in
-- multi-row INSERTs (store/event.h's batch: up to 128 rows a statement); the row trigger ran
-- case_version_touch for each of them (2,500 calls, 160-250 ms of a pass of 1,000 due at
-- 1,000,000 pending: BENCHMARKS.md "Issue 14: the PostgreSQL pass, set-based writes").  Same
-- trigger name as before and as SQLite's (tests/e2e/test_schema.py); SQLite's 0041 is empty.
-- A case's version grows by one per statement that appended to its history (it still changes with
-- every event, which is all the case cache asks); the organization's as before, for an event
-- without a case that is neither a new customer's nor a seal.
CREATE FUNCTION case_versions_of_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO case_versions (org_id, case_id, v)
    SELECT DISTINCT org_id, case_id, 1 FROM new_rows WHERE case_id IS NOT NULL ORDER BY 1, 2
  ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
  INSERT INTO org_versions (org_id, v)
    SELECT DISTINCT org_id, 1 FROM new_rows
    WHERE case_id IS NULL AND kind NOT IN ('customer.created', 'audit.sealed') ORDER BY 1
  ON CONFLICT (org_id) DO UPDATE SET v = org_versions.v + 1;
  RETURN NULL;
END;
$$;
DROP TRIGGER events_version_insert ON events;
CREATE TRIGGER events_version_insert AFTER INSERT ON events REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_events();
DROP FUNCTION case_version_on_event();
