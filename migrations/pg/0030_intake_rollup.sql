-- 0030: the intake report from a daily rollup (issue 14: every report over 1,000,000 cases in
-- 500 ms), like 0012 and 0029.  intake_daily counts cases by the UTC day they were opened and who
-- took them in ('' none), with how many of them someone else owns now ("handed on": a handoff moves
-- the count, so the triggers follow owner_id as well).  svc/reports/intake.c reads whole days here
-- and the partial days at the range's edges from the rows (cases_status_created).


CREATE TABLE intake_daily (
  org_id TEXT NOT NULL,
  day BIGINT NOT NULL,
  intake_by TEXT NOT NULL,
  cases BIGINT NOT NULL,
  handed_on BIGINT NOT NULL,
  PRIMARY KEY (org_id, day, intake_by)
);

CREATE FUNCTION cases_intake_daily() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    UPDATE intake_daily SET cases = cases - 1, handed_on = handed_on - (CASE WHEN OLD.owner_id <> OLD.intake_by THEN 1 ELSE 0 END)
      WHERE org_id = OLD.org_id AND day = (OLD.created_at / 86400000) * 86400000 AND intake_by = COALESCE(OLD.intake_by, '');
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO intake_daily (org_id, day, intake_by, cases, handed_on)
      SELECT NEW.org_id, (NEW.created_at / 86400000) * 86400000, COALESCE(NEW.intake_by, ''), 1, CASE WHEN NEW.owner_id <> NEW.intake_by THEN 1 ELSE 0 END WHERE true
      ON CONFLICT (org_id, day, intake_by) DO UPDATE SET cases = intake_daily.cases + excluded.cases, handed_on = intake_daily.handed_on + excluded.handed_on;
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER cases_intake_daily_insert AFTER INSERT ON cases FOR EACH ROW EXECUTE FUNCTION cases_intake_daily();

CREATE TRIGGER cases_intake_daily_update AFTER UPDATE OF created_at, intake_by, owner_id ON cases FOR EACH ROW EXECUTE FUNCTION cases_intake_daily();

CREATE TRIGGER cases_intake_daily_delete AFTER DELETE ON cases FOR EACH ROW EXECUTE FUNCTION cases_intake_daily();

-- what was recorded before this migration

INSERT INTO intake_daily (org_id, day, intake_by, cases, handed_on)
  SELECT org_id, (created_at / 86400000) * 86400000, COALESCE(intake_by, ''), COUNT(*), SUM(CASE WHEN owner_id <> intake_by THEN 1 ELSE 0 END) FROM cases
  GROUP BY org_id, (created_at / 86400000) * 86400000, COALESCE(intake_by, '');
