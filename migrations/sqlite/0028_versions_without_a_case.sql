-- 0028: a message held for review (or over the flood cap) has no case yet (mail_in.case_id NULL),
-- and 0024's triggers wrote it as a case version with a NULL case: the NOT NULL refused it and
-- the message could not be recorded (it read as "received already").  Only rows of a case bump
-- its version; releasing the message onto a case bumps that case's.
DROP TRIGGER mail_in_version_insert;
DROP TRIGGER mail_in_version_update;
DROP TRIGGER mail_in_version_delete;
CREATE TRIGGER mail_in_version_insert AFTER INSERT ON mail_in WHEN NEW.case_id IS NOT NULL BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER mail_in_version_update AFTER UPDATE ON mail_in WHEN NEW.case_id IS NOT NULL BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER mail_in_version_delete AFTER DELETE ON mail_in WHEN OLD.case_id IS NOT NULL BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (OLD.org_id, OLD.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
-- 0026 rebuilt mail_out (staff mail has no case), which dropped its 0024 triggers on SQLite; they
-- come back here, for mail of a case only (PostgreSQL kept them: its touch function skips NULL).
CREATE TRIGGER mail_out_version_insert AFTER INSERT ON mail_out WHEN NEW.case_id IS NOT NULL BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER mail_out_version_update AFTER UPDATE ON mail_out WHEN NEW.case_id IS NOT NULL BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER mail_out_version_delete AFTER DELETE ON mail_out WHEN OLD.case_id IS NOT NULL BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (OLD.org_id, OLD.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
