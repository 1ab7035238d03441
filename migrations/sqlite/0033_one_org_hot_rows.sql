-- 0033: one organization's hot rows (issue 14: its writes queued on rows every one of them
-- updates until its commit; scripts/bench-chain-probe.sh, BENCHMARKS.md "one organization's write
-- ceiling").
--
-- A new customer's event (customer.created, no case) no longer bumps the organization's version
-- (0024).  Nothing a kept page shows can name a customer that did not exist: the case opened with
-- it bumps its own case's version, and a customer's later changes reach its cases' pages through
-- customers_version_update.
DROP TRIGGER events_version_insert;
CREATE TRIGGER events_version_insert AFTER INSERT ON events BEGIN
  INSERT INTO case_versions (org_id, case_id, v) SELECT NEW.org_id, NEW.case_id, 1 WHERE NEW.case_id IS NOT NULL ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
  INSERT INTO org_versions (org_id, v) SELECT NEW.org_id, 1 WHERE NEW.case_id IS NULL AND NEW.kind <> 'customer.created' ON CONFLICT (org_id) DO UPDATE SET v = org_versions.v + 1;
END;

-- intake_daily (0030) in 8 stripes: a case counts in the stripe of its number modulo 8, so one
-- person's concurrent case creations of one day update 8 rows, not one that each holds to its
-- commit.  The intake report already sums the rows of each person (svc/reports/intake.c).
CREATE TABLE intake_daily_new (
  org_id TEXT NOT NULL,
  day BIGINT NOT NULL,
  intake_by TEXT NOT NULL,
  stripe BIGINT NOT NULL DEFAULT 0,
  cases BIGINT NOT NULL,
  handed_on BIGINT NOT NULL,
  PRIMARY KEY (org_id, day, intake_by, stripe)
);
DROP TRIGGER cases_intake_daily_insert;
DROP TRIGGER cases_intake_daily_update;
DROP TRIGGER cases_intake_daily_delete;
DROP TABLE intake_daily;
ALTER TABLE intake_daily_new RENAME TO intake_daily;

CREATE TRIGGER cases_intake_daily_insert AFTER INSERT ON cases BEGIN
  INSERT INTO intake_daily (org_id, day, intake_by, stripe, cases, handed_on)
    SELECT NEW.org_id, (NEW.created_at / 86400000) * 86400000, COALESCE(NEW.intake_by, ''), NEW.number % 8, 1, CASE WHEN NEW.owner_id <> NEW.intake_by THEN 1 ELSE 0 END WHERE true
    ON CONFLICT (org_id, day, intake_by, stripe) DO UPDATE SET cases = intake_daily.cases + excluded.cases, handed_on = intake_daily.handed_on + excluded.handed_on;
END;

CREATE TRIGGER cases_intake_daily_update AFTER UPDATE OF created_at, intake_by, owner_id ON cases BEGIN
  UPDATE intake_daily SET cases = cases - 1, handed_on = handed_on - (CASE WHEN OLD.owner_id <> OLD.intake_by THEN 1 ELSE 0 END)
    WHERE org_id = OLD.org_id AND day = (OLD.created_at / 86400000) * 86400000 AND intake_by = COALESCE(OLD.intake_by, '') AND stripe = OLD.number % 8;
  INSERT INTO intake_daily (org_id, day, intake_by, stripe, cases, handed_on)
    SELECT NEW.org_id, (NEW.created_at / 86400000) * 86400000, COALESCE(NEW.intake_by, ''), NEW.number % 8, 1, CASE WHEN NEW.owner_id <> NEW.intake_by THEN 1 ELSE 0 END WHERE true
    ON CONFLICT (org_id, day, intake_by, stripe) DO UPDATE SET cases = intake_daily.cases + excluded.cases, handed_on = intake_daily.handed_on + excluded.handed_on;
END;

CREATE TRIGGER cases_intake_daily_delete AFTER DELETE ON cases BEGIN
  UPDATE intake_daily SET cases = cases - 1, handed_on = handed_on - (CASE WHEN OLD.owner_id <> OLD.intake_by THEN 1 ELSE 0 END)
    WHERE org_id = OLD.org_id AND day = (OLD.created_at / 86400000) * 86400000 AND intake_by = COALESCE(OLD.intake_by, '') AND stripe = OLD.number % 8;
END;

-- the rows so far, recounted from the cases into their stripes (as 0030 counted them)
INSERT INTO intake_daily (org_id, day, intake_by, stripe, cases, handed_on)
  SELECT org_id, (created_at / 86400000) * 86400000, COALESCE(intake_by, ''), number % 8, COUNT(*), SUM(CASE WHEN owner_id <> intake_by THEN 1 ELSE 0 END) FROM cases
  GROUP BY org_id, (created_at / 86400000) * 86400000, COALESCE(intake_by, ''), number % 8;
