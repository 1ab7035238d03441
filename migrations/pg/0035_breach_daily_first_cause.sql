-- 0035 (PostgreSQL): the same as migrations/sqlite/0035_breach_daily_first_cause.sql.  A breach cause
-- counts its breach in breach_daily (0012) when no cause of the same breach with a lower number has
-- the same key.  0012 asked for any other cause ("<>"): PostgreSQL fires row triggers after the
-- whole statement, so when the scheduler writes a pass's causes in one multi-row INSERT every row
-- saw the others and no cause counted its breach.
CREATE OR REPLACE FUNCTION breach_causes_daily() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO breach_daily (org_id, team_id, dim, day, key, causes, breaches)
    SELECT NEW.org_id, s.team, d.dim, (NEW.at / 86400000) * 86400000, d.key, 1,
      CASE WHEN EXISTS (SELECT 1 FROM breach_causes o WHERE o.org_id = NEW.org_id AND o.breach_id = NEW.breach_id
                        AND o.n < NEW.n AND (s.team = '*' OR o.holder_team_id = NEW.holder_team_id)
                        AND CASE d.dim WHEN 'cause' THEN o.cause = NEW.cause
                                       WHEN 'team' THEN COALESCE(o.holder_team_id, '') = d.key
                                       ELSE o.holder_level = NEW.holder_level END) THEN 0 ELSE 1 END
    FROM (SELECT 'cause' AS dim, NEW.cause AS key UNION ALL SELECT 'team', COALESCE(NEW.holder_team_id, '')
          UNION ALL SELECT 'level', NEW.holder_level) d
    CROSS JOIN (SELECT '*' AS team UNION ALL SELECT NEW.holder_team_id WHERE NEW.holder_team_id IS NOT NULL) s
    WHERE true
  ON CONFLICT (org_id, team_id, dim, day, key) DO UPDATE
    SET causes = breach_daily.causes + 1, breaches = breach_daily.breaches + excluded.breaches;
  RETURN NULL;
END;
$$;
