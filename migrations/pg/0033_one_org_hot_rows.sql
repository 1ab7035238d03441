-- 0033 (PostgreSQL): the same as migrations/sqlite/0033_one_org_hot_rows.sql.
-- One organization's hot rows (issue 14: its writes queued on rows every one of them updates until
-- its commit; scripts/bench-chain-probe.sh, BENCHMARKS.md "one organization's write ceiling").
--
-- A new customer's event (customer.created, no case) no longer bumps the organization's version
-- (0024).  Nothing a kept page shows can name a customer that did not exist: the case opened with
-- it bumps its own case's version, and a customer's later changes reach its cases' pages through
-- customers_version_update.
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

-- intake_daily (0030) in 8 stripes: a case counts in the stripe of its number modulo 8, so one
-- person's concurrent case creations of one day update 8 rows, not one that each holds to its
-- commit.  The intake report already sums the rows of each person (svc/reports/intake.c).
ALTER TABLE intake_daily ADD COLUMN stripe BIGINT NOT NULL DEFAULT 0;
ALTER TABLE intake_daily DROP CONSTRAINT intake_daily_pkey, ADD PRIMARY KEY (org_id, day, intake_by, stripe);
DELETE FROM intake_daily;

CREATE OR REPLACE FUNCTION cases_intake_daily() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    UPDATE intake_daily SET cases = cases - 1, handed_on = handed_on - (CASE WHEN OLD.owner_id <> OLD.intake_by THEN 1 ELSE 0 END)
      WHERE org_id = OLD.org_id AND day = (OLD.created_at / 86400000) * 86400000 AND intake_by = COALESCE(OLD.intake_by, '') AND stripe = OLD.number % 8;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO intake_daily (org_id, day, intake_by, stripe, cases, handed_on)
      SELECT NEW.org_id, (NEW.created_at / 86400000) * 86400000, COALESCE(NEW.intake_by, ''), NEW.number % 8, 1, CASE WHEN NEW.owner_id <> NEW.intake_by THEN 1 ELSE 0 END WHERE true
      ON CONFLICT (org_id, day, intake_by, stripe) DO UPDATE SET cases = intake_daily.cases + excluded.cases, handed_on = intake_daily.handed_on + excluded.handed_on;
  END IF;
  RETURN NULL;
END;
$$;

-- the rows so far, recounted from the cases into their stripes (as 0030 counted them)
INSERT INTO intake_daily (org_id, day, intake_by, stripe, cases, handed_on)
  SELECT org_id, (created_at / 86400000) * 86400000, COALESCE(intake_by, ''), number % 8, COUNT(*), SUM(CASE WHEN owner_id <> intake_by THEN 1 ELSE 0 END) FROM cases
  GROUP BY org_id, (created_at / 86400000) * 86400000, COALESCE(intake_by, ''), number % 8;
