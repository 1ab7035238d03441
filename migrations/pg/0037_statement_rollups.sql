-- 0037: the report rollups the scheduler's multi-row writes feed, kept once per statement (issue
-- 14, as 0036 did for the case versions and due times).  The row triggers of 0012, 0029, 0031 and
-- 0035 ran an INSERT ... ON CONFLICT per row (two for an update: the old row's part out, the new
-- row's in), so the pass's UPDATE of 500 promises ran 2,000 of them on keeping_daily and
-- calibration_daily and its multi-row INSERTs of breaches and causes one per row.  These statement
-- triggers sum what a statement changed per rollup key (new rows' contributions minus old rows')
-- and add it with one INSERT ... ON CONFLICT in key order.  Same names as before and as SQLite's
-- (tests/e2e/test_schema.py); SQLite keeps its row triggers (its 0037 is empty).  The rollups hold
-- the same numbers: tests/e2e/test_report_rollups.py counts the rows against every report after the
-- scheduler and hand-written SQL changed them.  The inserts and deletes of promises and requests,
-- and the estimates, keep their row triggers (one row per statement in the services).

-- promise-keeping: kept and broken by the day a promise closed, its team and channel
CREATE FUNCTION promises_keeping_daily_of_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO keeping_daily (org_id, day, team_id, channel, kept, broken)
    SELECT org_id, day, team_id, channel, SUM(kept), SUM(broken) FROM (
      SELECT org_id, (closed_at / 86400000) * 86400000 AS day, COALESCE(deliver_team_id, '') AS team_id, channel,
        CASE WHEN status = 'kept' THEN 1 ELSE 0 END AS kept, CASE WHEN status = 'broken' THEN 1 ELSE 0 END AS broken
      FROM new_rows WHERE status IN ('kept', 'broken') AND closed_at IS NOT NULL
      UNION ALL
      SELECT org_id, (closed_at / 86400000) * 86400000, COALESCE(deliver_team_id, ''), channel,
        -(CASE WHEN status = 'kept' THEN 1 ELSE 0 END), -(CASE WHEN status = 'broken' THEN 1 ELSE 0 END)
      FROM old_rows WHERE status IN ('kept', 'broken') AND closed_at IS NOT NULL) u
    GROUP BY org_id, day, team_id, channel HAVING SUM(kept) <> 0 OR SUM(broken) <> 0
    ORDER BY 1, 2, 3, 4
  ON CONFLICT (org_id, day, team_id, channel) DO UPDATE
    SET kept = keeping_daily.kept + excluded.kept, broken = keeping_daily.broken + excluded.broken;
  RETURN NULL;
END;
$$;
DROP TRIGGER promises_keeping_daily_update ON promises;
CREATE TRIGGER promises_keeping_daily_update AFTER UPDATE ON promises REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION promises_keeping_daily_of_update();

-- overdue requests: by the day a request went overdue and its holder, still open, escalated
CREATE FUNCTION requests_overdue_daily_of_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO overdue_daily (org_id, day, level, person_id, team_id, overdue, still_open, escalated)
    SELECT org_id, day, level, person_id, team_id, SUM(overdue), SUM(still_open), SUM(escalated) FROM (
      SELECT org_id, (overdue_at / 86400000) * 86400000 AS day,
        CASE WHEN holder_person_id IS NULL THEN 'team' ELSE COALESCE(holder_role, '') END AS level,
        COALESCE(holder_person_id, '') AS person_id, COALESCE(holder_team_id, '') AS team_id, 1 AS overdue,
        CASE WHEN status IN ('open', 'accepted', 'deferred') THEN 1 ELSE 0 END AS still_open,
        CASE WHEN escalated_to IS NOT NULL THEN 1 ELSE 0 END AS escalated
      FROM new_rows WHERE overdue_at IS NOT NULL
      UNION ALL
      SELECT org_id, (overdue_at / 86400000) * 86400000,
        CASE WHEN holder_person_id IS NULL THEN 'team' ELSE COALESCE(holder_role, '') END,
        COALESCE(holder_person_id, ''), COALESCE(holder_team_id, ''), -1,
        -(CASE WHEN status IN ('open', 'accepted', 'deferred') THEN 1 ELSE 0 END),
        -(CASE WHEN escalated_to IS NOT NULL THEN 1 ELSE 0 END)
      FROM old_rows WHERE overdue_at IS NOT NULL) u
    GROUP BY org_id, day, level, person_id, team_id HAVING SUM(overdue) <> 0 OR SUM(still_open) <> 0 OR SUM(escalated) <> 0
    ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (org_id, day, level, person_id, team_id) DO UPDATE
    SET overdue = overdue_daily.overdue + excluded.overdue, still_open = overdue_daily.still_open + excluded.still_open,
        escalated = overdue_daily.escalated + excluded.escalated;
  RETURN NULL;
END;
$$;
DROP TRIGGER requests_overdue_daily_update ON requests;
CREATE TRIGGER requests_overdue_daily_update AFTER UPDATE ON requests REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION requests_overdue_daily_of_update();

-- calibration: settled and kept estimated promises by the day of the estimate, team, percent, warning
CREATE FUNCTION promises_calibration_of_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO calibration_daily (org_id, day, team_id, pct, warned, settled, kept, sum_pm, on_ten, on_ten_kept)
    SELECT e.org_id, (e.made_at / 86400000) * 86400000, e.team_id, e.probability_pm / 10, e.warned, SUM(c.ds), SUM(c.dk),
      SUM(c.ds * e.probability_pm), SUM(CASE WHEN e.probability_pm % 10 = 0 THEN c.ds ELSE 0 END),
      SUM(CASE WHEN e.probability_pm % 10 = 0 THEN c.dk ELSE 0 END)
    FROM (SELECT n.org_id, n.id, (n.status <> 'pending')::int - (o.status <> 'pending')::int AS ds,
                 (n.status = 'kept')::int - (o.status = 'kept')::int AS dk
          FROM new_rows n JOIN old_rows o ON o.org_id = n.org_id AND o.id = n.id) c
    JOIN estimates e ON e.org_id = c.org_id AND e.subject_id = c.id AND e.probability_pm IS NOT NULL
    WHERE c.ds <> 0 OR c.dk <> 0
    GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (org_id, day, team_id, pct, warned) DO UPDATE SET settled = calibration_daily.settled + excluded.settled,
    kept = calibration_daily.kept + excluded.kept, sum_pm = calibration_daily.sum_pm + excluded.sum_pm,
    on_ten = calibration_daily.on_ten + excluded.on_ten, on_ten_kept = calibration_daily.on_ten_kept + excluded.on_ten_kept;
  RETURN NULL;
END;
$$;
DROP TRIGGER promises_calibration_update ON promises;
CREATE TRIGGER promises_calibration_update AFTER UPDATE ON promises REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION promises_calibration_of_update();

-- breaches: every breach, and those the owner was at fault for, by day
CREATE FUNCTION breaches_daily_of_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO breach_daily (org_id, team_id, dim, day, key, causes, breaches)
    SELECT n.org_id, '*', 'total', (n.at / 86400000) * 86400000, k.key, 0, COUNT(*)
    FROM new_rows n CROSS JOIN LATERAL (SELECT 'all' AS key UNION ALL SELECT 'owner_at_fault' WHERE n.owner_at_fault <> 0) k
    GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (org_id, team_id, dim, day, key) DO UPDATE SET breaches = breach_daily.breaches + excluded.breaches;
  RETURN NULL;
END;
$$;
DROP TRIGGER breaches_daily ON breaches;
CREATE TRIGGER breaches_daily AFTER INSERT ON breaches REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION breaches_daily_of_insert();

-- causes: one cause in each dimension, for every team and for its holding team; a breach where no
-- cause of the same breach with a lower number has the same key (0035)
CREATE FUNCTION breach_causes_daily_of_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO breach_daily (org_id, team_id, dim, day, key, causes, breaches)
    SELECT org_id, team, dim, day, key, COUNT(*), SUM(first) FROM (
      SELECT n.org_id, s.team, d.dim, (n.at / 86400000) * 86400000 AS day, d.key,
        CASE WHEN EXISTS (SELECT 1 FROM breach_causes o WHERE o.org_id = n.org_id AND o.breach_id = n.breach_id
                          AND o.n < n.n AND (s.team = '*' OR o.holder_team_id = n.holder_team_id)
                          AND CASE d.dim WHEN 'cause' THEN o.cause = n.cause
                                         WHEN 'team' THEN COALESCE(o.holder_team_id, '') = d.key
                                         ELSE o.holder_level = n.holder_level END) THEN 0 ELSE 1 END AS first
      FROM new_rows n
      CROSS JOIN LATERAL (SELECT 'cause' AS dim, n.cause AS key UNION ALL SELECT 'team', COALESCE(n.holder_team_id, '')
                          UNION ALL SELECT 'level', n.holder_level) d
      CROSS JOIN LATERAL (SELECT '*' AS team UNION ALL SELECT n.holder_team_id WHERE n.holder_team_id IS NOT NULL) s) u
    GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (org_id, team_id, dim, day, key) DO UPDATE
    SET causes = breach_daily.causes + excluded.causes, breaches = breach_daily.breaches + excluded.breaches;
  RETURN NULL;
END;
$$;
DROP TRIGGER breach_causes_daily ON breach_causes;
CREATE TRIGGER breach_causes_daily AFTER INSERT ON breach_causes REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION breach_causes_daily_of_insert();
