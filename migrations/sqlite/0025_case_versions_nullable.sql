-- 0025: the case versions (0024) and rows of no case.  mail_in holds messages not yet on a case
-- (held for review) and mail_out (from 0026) staff notices and digests: a row without a case
-- bumps no version.  mail_out keeps no version triggers at all (0026 rebuilds the table on
-- SQLite, which drops them; PostgreSQL drops them here to match): the case page's mail part is
-- rendered at every read when the case has mail (svc/registry.c), so the mail worker's status
-- changes are always shown.  A row moved onto another case bumps the case it joins (NEW) and the
-- one it leaves (OLD): mail_in here, every side table for the other writers below.
DROP TRIGGER mail_in_version_insert;
DROP TRIGGER mail_in_version_update;
DROP TRIGGER mail_in_version_delete;
CREATE TRIGGER mail_in_version_insert AFTER INSERT ON mail_in WHEN NEW.case_id IS NOT NULL BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER mail_in_version_update AFTER UPDATE ON mail_in BEGIN
  INSERT INTO case_versions (org_id, case_id, v) SELECT NEW.org_id, NEW.case_id, 1 WHERE NEW.case_id IS NOT NULL ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
  INSERT INTO case_versions (org_id, case_id, v) SELECT OLD.org_id, OLD.case_id, 1 WHERE OLD.case_id IS NOT NULL ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER mail_in_version_delete AFTER DELETE ON mail_in WHEN OLD.case_id IS NOT NULL BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (OLD.org_id, OLD.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
DROP TRIGGER mail_out_version_insert;
DROP TRIGGER mail_out_version_update;
DROP TRIGGER mail_out_version_delete;
-- A row moved to another case bumps both cases (PostgreSQL: case_version_on_part above).
DROP TRIGGER touchpoints_version_update;
CREATE TRIGGER touchpoints_version_update AFTER UPDATE ON touchpoints BEGIN
  INSERT INTO case_versions (org_id, case_id, v) SELECT NEW.org_id, NEW.case_id, 1 WHERE NEW.case_id IS NOT NULL ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
  INSERT INTO case_versions (org_id, case_id, v) SELECT OLD.org_id, OLD.case_id, 1 WHERE OLD.case_id IS NOT NULL ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
DROP TRIGGER notes_version_update;
CREATE TRIGGER notes_version_update AFTER UPDATE ON notes BEGIN
  INSERT INTO case_versions (org_id, case_id, v) SELECT NEW.org_id, NEW.case_id, 1 WHERE NEW.case_id IS NOT NULL ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
  INSERT INTO case_versions (org_id, case_id, v) SELECT OLD.org_id, OLD.case_id, 1 WHERE OLD.case_id IS NOT NULL ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
DROP TRIGGER offers_version_update;
CREATE TRIGGER offers_version_update AFTER UPDATE ON offers BEGIN
  INSERT INTO case_versions (org_id, case_id, v) SELECT NEW.org_id, NEW.case_id, 1 WHERE NEW.case_id IS NOT NULL ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
  INSERT INTO case_versions (org_id, case_id, v) SELECT OLD.org_id, OLD.case_id, 1 WHERE OLD.case_id IS NOT NULL ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
DROP TRIGGER promises_version_update;
CREATE TRIGGER promises_version_update AFTER UPDATE ON promises BEGIN
  INSERT INTO case_versions (org_id, case_id, v) SELECT NEW.org_id, NEW.case_id, 1 WHERE NEW.case_id IS NOT NULL ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
  INSERT INTO case_versions (org_id, case_id, v) SELECT OLD.org_id, OLD.case_id, 1 WHERE OLD.case_id IS NOT NULL ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
DROP TRIGGER requests_version_update;
CREATE TRIGGER requests_version_update AFTER UPDATE ON requests BEGIN
  INSERT INTO case_versions (org_id, case_id, v) SELECT NEW.org_id, NEW.case_id, 1 WHERE NEW.case_id IS NOT NULL ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
  INSERT INTO case_versions (org_id, case_id, v) SELECT OLD.org_id, OLD.case_id, 1 WHERE OLD.case_id IS NOT NULL ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
DROP TRIGGER breaches_version_update;
CREATE TRIGGER breaches_version_update AFTER UPDATE ON breaches BEGIN
  INSERT INTO case_versions (org_id, case_id, v) SELECT NEW.org_id, NEW.case_id, 1 WHERE NEW.case_id IS NOT NULL ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
  INSERT INTO case_versions (org_id, case_id, v) SELECT OLD.org_id, OLD.case_id, 1 WHERE OLD.case_id IS NOT NULL ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
DROP TRIGGER policy_conflicts_version_update;
CREATE TRIGGER policy_conflicts_version_update AFTER UPDATE ON policy_conflicts BEGIN
  INSERT INTO case_versions (org_id, case_id, v) SELECT NEW.org_id, NEW.case_id, 1 WHERE NEW.case_id IS NOT NULL ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
  INSERT INTO case_versions (org_id, case_id, v) SELECT OLD.org_id, OLD.case_id, 1 WHERE OLD.case_id IS NOT NULL ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
DROP TRIGGER update_duties_version_update;
CREATE TRIGGER update_duties_version_update AFTER UPDATE ON update_duties BEGIN
  INSERT INTO case_versions (org_id, case_id, v) SELECT NEW.org_id, NEW.case_id, 1 WHERE NEW.case_id IS NOT NULL ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
  INSERT INTO case_versions (org_id, case_id, v) SELECT OLD.org_id, OLD.case_id, 1 WHERE OLD.case_id IS NOT NULL ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
DROP TRIGGER case_actions_version_update;
CREATE TRIGGER case_actions_version_update AFTER UPDATE ON case_actions BEGIN
  INSERT INTO case_versions (org_id, case_id, v) SELECT NEW.org_id, NEW.case_id, 1 WHERE NEW.case_id IS NOT NULL ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
  INSERT INTO case_versions (org_id, case_id, v) SELECT OLD.org_id, OLD.case_id, 1 WHERE OLD.case_id IS NOT NULL ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
DROP TRIGGER exceptions_version_update;
CREATE TRIGGER exceptions_version_update AFTER UPDATE ON exceptions BEGIN
  INSERT INTO case_versions (org_id, case_id, v) SELECT NEW.org_id, NEW.case_id, 1 WHERE NEW.case_id IS NOT NULL ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
  INSERT INTO case_versions (org_id, case_id, v) SELECT OLD.org_id, OLD.case_id, 1 WHERE OLD.case_id IS NOT NULL ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
DROP TRIGGER case_articles_version_update;
CREATE TRIGGER case_articles_version_update AFTER UPDATE ON case_articles BEGIN
  INSERT INTO case_versions (org_id, case_id, v) SELECT NEW.org_id, NEW.case_id, 1 WHERE NEW.case_id IS NOT NULL ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
  INSERT INTO case_versions (org_id, case_id, v) SELECT OLD.org_id, OLD.case_id, 1 WHERE OLD.case_id IS NOT NULL ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
DROP TRIGGER reviews_version_update;
CREATE TRIGGER reviews_version_update AFTER UPDATE ON reviews BEGIN
  INSERT INTO case_versions (org_id, case_id, v) SELECT NEW.org_id, NEW.case_id, 1 WHERE NEW.case_id IS NOT NULL ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
  INSERT INTO case_versions (org_id, case_id, v) SELECT OLD.org_id, OLD.case_id, 1 WHERE OLD.case_id IS NOT NULL ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
DROP TRIGGER mail_proposals_version_update;
CREATE TRIGGER mail_proposals_version_update AFTER UPDATE ON mail_proposals BEGIN
  INSERT INTO case_versions (org_id, case_id, v) SELECT NEW.org_id, NEW.case_id, 1 WHERE NEW.case_id IS NOT NULL ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
  INSERT INTO case_versions (org_id, case_id, v) SELECT OLD.org_id, OLD.case_id, 1 WHERE OLD.case_id IS NOT NULL ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
DROP TRIGGER estimates_version_update;
CREATE TRIGGER estimates_version_update AFTER UPDATE ON estimates BEGIN
  INSERT INTO case_versions (org_id, case_id, v) SELECT NEW.org_id, NEW.case_id, 1 WHERE NEW.case_id IS NOT NULL ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
  INSERT INTO case_versions (org_id, case_id, v) SELECT OLD.org_id, OLD.case_id, 1 WHERE OLD.case_id IS NOT NULL ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
