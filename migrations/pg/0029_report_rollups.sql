-- 0029: the other promise reports from daily rollups (issue 14: every report over 1,000,000 cases
-- in 500 ms), like breach_daily (0012).  Triggers keep them in the transaction of every write to the
-- rows they count, whoever writes (the services, the scheduler, the bench seeders): a row that
-- counts adds its contribution to its UTC day's rollup row; an update takes the old contribution
-- out and puts the new one in; a delete takes it out.  svc/reports/promises.c reads whole days here
-- and the partial days at a range's edges from the rows (their indexes on org_id and the time).
--   keeping_daily: promises kept and broken by the day they closed, delivering team ('' none) and
--     channel (GET /api/v1/reports/promise-keeping);
--   overdue_daily: requests by the day they went overdue, the holder's level ('team' for a team),
--     holding person and team ('' none), with how many are still open and escalated: a request
--     that closes or escalates later moves its counts (GET /api/v1/reports/overdue-requests; the
--     team filter joins the holder's current team as the report did);
--   duty_daily: update duties met and lapsed by the day they closed and their owner
--     (GET /api/v1/reports/update-duties).


CREATE TABLE keeping_daily (
  org_id TEXT NOT NULL,
  day BIGINT NOT NULL,
  team_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  kept BIGINT NOT NULL,
  broken BIGINT NOT NULL,
  PRIMARY KEY (org_id, day, team_id, channel)
);

CREATE FUNCTION promises_keeping_daily() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    UPDATE keeping_daily SET kept = kept - (CASE WHEN OLD.status = 'kept' THEN 1 ELSE 0 END), broken = broken - (CASE WHEN OLD.status = 'broken' THEN 1 ELSE 0 END)
      WHERE OLD.status IN ('kept', 'broken') AND OLD.closed_at IS NOT NULL AND org_id = OLD.org_id AND day = (OLD.closed_at / 86400000) * 86400000 AND team_id = COALESCE(OLD.deliver_team_id, '') AND channel = OLD.channel;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO keeping_daily (org_id, day, team_id, channel, kept, broken)
      SELECT NEW.org_id, (NEW.closed_at / 86400000) * 86400000, COALESCE(NEW.deliver_team_id, ''), NEW.channel, CASE WHEN NEW.status = 'kept' THEN 1 ELSE 0 END, CASE WHEN NEW.status = 'broken' THEN 1 ELSE 0 END WHERE NEW.status IN ('kept', 'broken') AND NEW.closed_at IS NOT NULL
      ON CONFLICT (org_id, day, team_id, channel) DO UPDATE SET kept = keeping_daily.kept + excluded.kept, broken = keeping_daily.broken + excluded.broken;
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER promises_keeping_daily_insert AFTER INSERT ON promises FOR EACH ROW EXECUTE FUNCTION promises_keeping_daily();

CREATE TRIGGER promises_keeping_daily_update AFTER UPDATE OF status, closed_at, deliver_team_id, channel ON promises FOR EACH ROW EXECUTE FUNCTION promises_keeping_daily();

CREATE TRIGGER promises_keeping_daily_delete AFTER DELETE ON promises FOR EACH ROW EXECUTE FUNCTION promises_keeping_daily();

CREATE TABLE overdue_daily (
  org_id TEXT NOT NULL,
  day BIGINT NOT NULL,
  level TEXT NOT NULL,
  person_id TEXT NOT NULL,
  team_id TEXT NOT NULL,
  overdue BIGINT NOT NULL,
  still_open BIGINT NOT NULL,
  escalated BIGINT NOT NULL,
  PRIMARY KEY (org_id, day, level, person_id, team_id)
);

CREATE FUNCTION requests_overdue_daily() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    UPDATE overdue_daily SET overdue = overdue - (1), still_open = still_open - (CASE WHEN OLD.status IN ('open', 'accepted', 'deferred') THEN 1 ELSE 0 END), escalated = escalated - (CASE WHEN OLD.escalated_to IS NOT NULL THEN 1 ELSE 0 END)
      WHERE OLD.overdue_at IS NOT NULL AND org_id = OLD.org_id AND day = (OLD.overdue_at / 86400000) * 86400000 AND level = CASE WHEN OLD.holder_person_id IS NULL THEN 'team' ELSE COALESCE(OLD.holder_role, '') END AND person_id = COALESCE(OLD.holder_person_id, '') AND team_id = COALESCE(OLD.holder_team_id, '');
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO overdue_daily (org_id, day, level, person_id, team_id, overdue, still_open, escalated)
      SELECT NEW.org_id, (NEW.overdue_at / 86400000) * 86400000, CASE WHEN NEW.holder_person_id IS NULL THEN 'team' ELSE COALESCE(NEW.holder_role, '') END, COALESCE(NEW.holder_person_id, ''), COALESCE(NEW.holder_team_id, ''), 1, CASE WHEN NEW.status IN ('open', 'accepted', 'deferred') THEN 1 ELSE 0 END, CASE WHEN NEW.escalated_to IS NOT NULL THEN 1 ELSE 0 END WHERE NEW.overdue_at IS NOT NULL
      ON CONFLICT (org_id, day, level, person_id, team_id) DO UPDATE SET overdue = overdue_daily.overdue + excluded.overdue, still_open = overdue_daily.still_open + excluded.still_open, escalated = overdue_daily.escalated + excluded.escalated;
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER requests_overdue_daily_insert AFTER INSERT ON requests FOR EACH ROW EXECUTE FUNCTION requests_overdue_daily();

CREATE TRIGGER requests_overdue_daily_update AFTER UPDATE OF overdue_at, status, escalated_to, holder_person_id, holder_team_id, holder_role ON requests FOR EACH ROW EXECUTE FUNCTION requests_overdue_daily();

CREATE TRIGGER requests_overdue_daily_delete AFTER DELETE ON requests FOR EACH ROW EXECUTE FUNCTION requests_overdue_daily();

CREATE TABLE duty_daily (
  org_id TEXT NOT NULL,
  day BIGINT NOT NULL,
  owner_id TEXT NOT NULL,
  met BIGINT NOT NULL,
  lapsed BIGINT NOT NULL,
  PRIMARY KEY (org_id, day, owner_id)
);

CREATE FUNCTION update_duties_duty_daily() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    UPDATE duty_daily SET met = met - (CASE WHEN OLD.status = 'met' THEN 1 ELSE 0 END), lapsed = lapsed - (CASE WHEN OLD.status = 'lapsed' THEN 1 ELSE 0 END)
      WHERE OLD.status IN ('met', 'lapsed') AND OLD.closed_at IS NOT NULL AND org_id = OLD.org_id AND day = (OLD.closed_at / 86400000) * 86400000 AND owner_id = COALESCE(OLD.owner_id, '');
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO duty_daily (org_id, day, owner_id, met, lapsed)
      SELECT NEW.org_id, (NEW.closed_at / 86400000) * 86400000, COALESCE(NEW.owner_id, ''), CASE WHEN NEW.status = 'met' THEN 1 ELSE 0 END, CASE WHEN NEW.status = 'lapsed' THEN 1 ELSE 0 END WHERE NEW.status IN ('met', 'lapsed') AND NEW.closed_at IS NOT NULL
      ON CONFLICT (org_id, day, owner_id) DO UPDATE SET met = duty_daily.met + excluded.met, lapsed = duty_daily.lapsed + excluded.lapsed;
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER update_duties_duty_daily_insert AFTER INSERT ON update_duties FOR EACH ROW EXECUTE FUNCTION update_duties_duty_daily();

CREATE TRIGGER update_duties_duty_daily_update AFTER UPDATE OF status, closed_at, owner_id ON update_duties FOR EACH ROW EXECUTE FUNCTION update_duties_duty_daily();

CREATE TRIGGER update_duties_duty_daily_delete AFTER DELETE ON update_duties FOR EACH ROW EXECUTE FUNCTION update_duties_duty_daily();

-- what was recorded before this migration

INSERT INTO keeping_daily (org_id, day, team_id, channel, kept, broken)
  SELECT t.org_id, (t.closed_at / 86400000) * 86400000, COALESCE(t.deliver_team_id, ''), t.channel, SUM(CASE WHEN t.status = 'kept' THEN 1 ELSE 0 END), SUM(CASE WHEN t.status = 'broken' THEN 1 ELSE 0 END) FROM promises t WHERE t.status IN ('kept', 'broken') AND t.closed_at IS NOT NULL
  GROUP BY t.org_id, (t.closed_at / 86400000) * 86400000, COALESCE(t.deliver_team_id, ''), t.channel;

INSERT INTO overdue_daily (org_id, day, level, person_id, team_id, overdue, still_open, escalated)
  SELECT t.org_id, (t.overdue_at / 86400000) * 86400000, CASE WHEN t.holder_person_id IS NULL THEN 'team' ELSE COALESCE(t.holder_role, '') END, COALESCE(t.holder_person_id, ''), COALESCE(t.holder_team_id, ''), SUM(1), SUM(CASE WHEN t.status IN ('open', 'accepted', 'deferred') THEN 1 ELSE 0 END), SUM(CASE WHEN t.escalated_to IS NOT NULL THEN 1 ELSE 0 END) FROM requests t WHERE t.overdue_at IS NOT NULL
  GROUP BY t.org_id, (t.overdue_at / 86400000) * 86400000, CASE WHEN t.holder_person_id IS NULL THEN 'team' ELSE COALESCE(t.holder_role, '') END, COALESCE(t.holder_person_id, ''), COALESCE(t.holder_team_id, '');

INSERT INTO duty_daily (org_id, day, owner_id, met, lapsed)
  SELECT t.org_id, (t.closed_at / 86400000) * 86400000, COALESCE(t.owner_id, ''), SUM(CASE WHEN t.status = 'met' THEN 1 ELSE 0 END), SUM(CASE WHEN t.status = 'lapsed' THEN 1 ELSE 0 END) FROM update_duties t WHERE t.status IN ('met', 'lapsed') AND t.closed_at IS NOT NULL
  GROUP BY t.org_id, (t.closed_at / 86400000) * 86400000, COALESCE(t.owner_id, '');
