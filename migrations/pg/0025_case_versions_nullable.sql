-- 0025: the case versions (0024) and rows of no case.  mail_in holds messages not yet on a case
-- (held for review) and mail_out (from 0026) staff notices and digests: a row without a case
-- bumps no version.  mail_out keeps no version triggers at all (0026 rebuilds the table on
-- SQLite, which drops them; PostgreSQL drops them here to match): the case page's mail part is
-- rendered at every read when the case has mail (svc/registry.c), so the mail worker's status
-- changes are always shown.  A message moved onto a case bumps the case it joins (NEW) and the
-- one it leaves (OLD).
CREATE OR REPLACE FUNCTION case_version_touch(o TEXT, c TEXT) RETURNS void LANGUAGE sql AS $$
  INSERT INTO case_versions (org_id, case_id, v) SELECT o, c, 1 WHERE c IS NOT NULL
  ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
$$;
CREATE OR REPLACE FUNCTION case_version_on_part() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM case_version_touch(OLD.org_id, OLD.case_id);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    PERFORM case_version_touch(NEW.org_id, NEW.case_id);
  END IF;
  RETURN NULL;
END;
$$;
DROP TRIGGER mail_out_version_insert ON mail_out;
DROP TRIGGER mail_out_version_update ON mail_out;
DROP TRIGGER mail_out_version_delete ON mail_out;
