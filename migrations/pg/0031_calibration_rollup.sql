-- 0031: the calibration report from a daily rollup (issue 14: every report over 1,000,000 cases in
-- 500 ms), like the promise reports' (0029).  calibration_daily counts the settled promises that
-- were made with an estimate (estimates, 0018), by the UTC day the estimate was made, the
-- delivering team, the predicted percent (probability_pm / 10) and whether the person was warned:
-- how many settled, how many kept, the sum of their predictions in per mille, and of those how
-- many predicted a whole ten per mille (on_ten, on_ten_kept: the report's band "within 5 points of
-- the threshold" is whole percents from threshold - 5 to threshold + 4 plus exactly threshold + 5,
-- so it stays exact).  Triggers on promises and estimates add each change's difference in the
-- transaction of the write, whoever writes; svc/reports/calibration.c reads whole days here and
-- the partial days at a range's edges from the rows (estimates_made).

CREATE TABLE calibration_daily (
  org_id TEXT NOT NULL,
  day BIGINT NOT NULL,
  team_id TEXT NOT NULL,
  pct INTEGER NOT NULL,
  warned INTEGER NOT NULL,
  settled BIGINT NOT NULL,
  kept BIGINT NOT NULL,
  sum_pm BIGINT NOT NULL,
  on_ten BIGINT NOT NULL,
  on_ten_kept BIGINT NOT NULL,
  PRIMARY KEY (org_id, day, team_id, pct, warned)
);

-- Each trigger adds the difference a write makes to the row of the estimate it concerns: settled
-- +1 when its promise leaves pending (-1 back), kept +1 when kept (-1 no longer).

CREATE FUNCTION promises_calibration_daily() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    INSERT INTO calibration_daily (org_id, day, team_id, pct, warned, settled, kept, sum_pm, on_ten, on_ten_kept)
      SELECT e.org_id, (e.made_at / 86400000) * 86400000, e.team_id, e.probability_pm / 10, e.warned, (NEW.status <> 'pending')::int - (OLD.status <> 'pending')::int, (NEW.status = 'kept')::int - (OLD.status = 'kept')::int, ((NEW.status <> 'pending')::int - (OLD.status <> 'pending')::int) * e.probability_pm,
        CASE WHEN e.probability_pm % 10 = 0 THEN (NEW.status <> 'pending')::int - (OLD.status <> 'pending')::int ELSE 0 END, CASE WHEN e.probability_pm % 10 = 0 THEN (NEW.status = 'kept')::int - (OLD.status = 'kept')::int ELSE 0 END
      FROM estimates e WHERE e.org_id = NEW.org_id AND e.subject_id = NEW.id AND e.probability_pm IS NOT NULL AND ((NEW.status <> 'pending')::int - (OLD.status <> 'pending')::int <> 0 OR (NEW.status = 'kept')::int - (OLD.status = 'kept')::int <> 0)
      ON CONFLICT (org_id, day, team_id, pct, warned) DO UPDATE SET settled = calibration_daily.settled + excluded.settled,
        kept = calibration_daily.kept + excluded.kept, sum_pm = calibration_daily.sum_pm + excluded.sum_pm,
        on_ten = calibration_daily.on_ten + excluded.on_ten, on_ten_kept = calibration_daily.on_ten_kept + excluded.on_ten_kept;
  ELSE
    INSERT INTO calibration_daily (org_id, day, team_id, pct, warned, settled, kept, sum_pm, on_ten, on_ten_kept)
      SELECT e.org_id, (e.made_at / 86400000) * 86400000, e.team_id, e.probability_pm / 10, e.warned, -(OLD.status <> 'pending')::int, -(OLD.status = 'kept')::int, (-(OLD.status <> 'pending')::int) * e.probability_pm,
        CASE WHEN e.probability_pm % 10 = 0 THEN -(OLD.status <> 'pending')::int ELSE 0 END, CASE WHEN e.probability_pm % 10 = 0 THEN -(OLD.status = 'kept')::int ELSE 0 END
      FROM estimates e WHERE e.org_id = OLD.org_id AND e.subject_id = OLD.id AND e.probability_pm IS NOT NULL AND (-(OLD.status <> 'pending')::int <> 0 OR -(OLD.status = 'kept')::int <> 0)
      ON CONFLICT (org_id, day, team_id, pct, warned) DO UPDATE SET settled = calibration_daily.settled + excluded.settled,
        kept = calibration_daily.kept + excluded.kept, sum_pm = calibration_daily.sum_pm + excluded.sum_pm,
        on_ten = calibration_daily.on_ten + excluded.on_ten, on_ten_kept = calibration_daily.on_ten_kept + excluded.on_ten_kept;
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER promises_calibration_update AFTER UPDATE OF status ON promises FOR EACH ROW EXECUTE FUNCTION promises_calibration_daily();

CREATE TRIGGER promises_calibration_delete AFTER DELETE ON promises FOR EACH ROW EXECUTE FUNCTION promises_calibration_daily();

CREATE FUNCTION estimates_calibration_daily() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO calibration_daily (org_id, day, team_id, pct, warned, settled, kept, sum_pm, on_ten, on_ten_kept)
      SELECT OLD.org_id, (OLD.made_at / 86400000) * 86400000, OLD.team_id, OLD.probability_pm / 10, OLD.warned, -(p.status <> 'pending')::int, -(p.status = 'kept')::int, (-(p.status <> 'pending')::int) * OLD.probability_pm,
        CASE WHEN OLD.probability_pm % 10 = 0 THEN -(p.status <> 'pending')::int ELSE 0 END, CASE WHEN OLD.probability_pm % 10 = 0 THEN -(p.status = 'kept')::int ELSE 0 END
      FROM promises p WHERE p.org_id = OLD.org_id AND p.id = OLD.subject_id AND OLD.probability_pm IS NOT NULL AND (-(p.status <> 'pending')::int <> 0 OR -(p.status = 'kept')::int <> 0)
      ON CONFLICT (org_id, day, team_id, pct, warned) DO UPDATE SET settled = calibration_daily.settled + excluded.settled,
        kept = calibration_daily.kept + excluded.kept, sum_pm = calibration_daily.sum_pm + excluded.sum_pm,
        on_ten = calibration_daily.on_ten + excluded.on_ten, on_ten_kept = calibration_daily.on_ten_kept + excluded.on_ten_kept;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO calibration_daily (org_id, day, team_id, pct, warned, settled, kept, sum_pm, on_ten, on_ten_kept)
      SELECT NEW.org_id, (NEW.made_at / 86400000) * 86400000, NEW.team_id, NEW.probability_pm / 10, NEW.warned, (p.status <> 'pending')::int, (p.status = 'kept')::int, ((p.status <> 'pending')::int) * NEW.probability_pm,
        CASE WHEN NEW.probability_pm % 10 = 0 THEN (p.status <> 'pending')::int ELSE 0 END, CASE WHEN NEW.probability_pm % 10 = 0 THEN (p.status = 'kept')::int ELSE 0 END
      FROM promises p WHERE p.org_id = NEW.org_id AND p.id = NEW.subject_id AND NEW.probability_pm IS NOT NULL AND ((p.status <> 'pending')::int <> 0 OR (p.status = 'kept')::int <> 0)
      ON CONFLICT (org_id, day, team_id, pct, warned) DO UPDATE SET settled = calibration_daily.settled + excluded.settled,
        kept = calibration_daily.kept + excluded.kept, sum_pm = calibration_daily.sum_pm + excluded.sum_pm,
        on_ten = calibration_daily.on_ten + excluded.on_ten, on_ten_kept = calibration_daily.on_ten_kept + excluded.on_ten_kept;
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER estimates_calibration_insert AFTER INSERT ON estimates FOR EACH ROW EXECUTE FUNCTION estimates_calibration_daily();

CREATE TRIGGER estimates_calibration_update AFTER UPDATE ON estimates FOR EACH ROW EXECUTE FUNCTION estimates_calibration_daily();

CREATE TRIGGER estimates_calibration_delete AFTER DELETE ON estimates FOR EACH ROW EXECUTE FUNCTION estimates_calibration_daily();

-- what was recorded before this migration

INSERT INTO calibration_daily (org_id, day, team_id, pct, warned, settled, kept, sum_pm, on_ten, on_ten_kept)
  SELECT e.org_id, (e.made_at / 86400000) * 86400000, e.team_id, e.probability_pm / 10, e.warned, COUNT(*),
    SUM(CASE WHEN p.status = 'kept' THEN 1 ELSE 0 END), SUM(e.probability_pm), SUM(CASE WHEN e.probability_pm % 10 = 0 THEN 1 ELSE 0 END),
    SUM(CASE WHEN e.probability_pm % 10 = 0 AND p.status = 'kept' THEN 1 ELSE 0 END)
  FROM estimates e JOIN promises p ON p.org_id = e.org_id AND p.id = e.subject_id
  WHERE e.probability_pm IS NOT NULL AND p.status <> 'pending'
  GROUP BY e.org_id, (e.made_at / 86400000) * 86400000, e.team_id, e.probability_pm / 10, e.warned;
