-- 0031 (PostgreSQL): the same as migrations/sqlite/0031_new_customer_version.sql.
-- A new customer's event (customer.created, no case) no longer bumps the organization's version
-- (0024).  Nothing a kept page shows can name a customer that did not exist: the case opened with
-- it bumps its own case's version, and a customer's later changes reach its cases' pages through
-- customers_version_update.  Issue 14: every case opened for a new customer took the
-- organization's one org_versions row until its commit, so one organization's case creations
-- queued on it (scripts/bench-chain-probe.sh, BENCHMARKS.md "one organization's write ceiling").
CREATE OR REPLACE FUNCTION case_version_on_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.case_id IS NULL THEN
    IF NEW.kind <> 'customer.created' THEN
      PERFORM org_version_touch(NEW.org_id);
    END IF;
  ELSE
    PERFORM case_version_touch(NEW.org_id, NEW.case_id);
  END IF;
  RETURN NULL;
END;
$$;
