-- 0028: a message held for review (or over the flood cap) has no case yet (mail_in.case_id NULL),
-- and 0024's triggers wrote it as a case version with a NULL case: the NOT NULL refused it and
-- the message could not be recorded (it read as "received already").  Only rows of a case bump
-- its version; releasing the message onto a case bumps that case's.
CREATE OR REPLACE FUNCTION case_version_touch(o TEXT, c TEXT) RETURNS void LANGUAGE sql AS $$
  INSERT INTO case_versions (org_id, case_id, v) SELECT o, c, 1 WHERE c IS NOT NULL
  ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
$$;
