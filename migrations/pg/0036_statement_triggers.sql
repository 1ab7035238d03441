-- 0036: the case versions (0024) and the case due times (0015) kept once per statement, not once
-- per row (issue 14: the scheduler pass at 1,000,000 pending promises in 1 s).  A row trigger ran
-- its function for every row a statement wrote: the scheduler's one UPDATE breaking 500 promises
-- recomputed each promise's case due times and bumped its version 500 times, and every case
-- UPDATE it caused bumped the case's version again.  These are statement triggers with transition
-- tables (REFERENCING ... TABLE): one statement over the distinct cases of what the statement
-- wrote, whatever its size.  Same names as before and as SQLite's (tests/e2e/test_schema.py);
-- SQLite has no statement triggers and keeps its row triggers (its 0036 is empty).
--
-- What changes in the answers: a case's version grows by one per statement that touched it, not
-- by one per row (it still changes with every write of the case's page, which is all the case
-- cache asks: svc/ledger/case_cache.c); a case's due_at/risk_at are written only when they change
-- (a row trigger rewrote them, and so bumped the version, whatever they were), and an UPDATE of a
-- promise or request recomputes them when the columns they are made of changed (the row trigger
-- fired when a column was named in SET).  The values are the view's, as before.

-- the parts of a case's page: a version bump per distinct case written
CREATE FUNCTION case_versions_of_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO case_versions (org_id, case_id, v)
    SELECT DISTINCT org_id, case_id, 1 FROM new_rows WHERE case_id IS NOT NULL ORDER BY 1, 2
  ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
  RETURN NULL;
END;
$$;
CREATE FUNCTION case_versions_of_old() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO case_versions (org_id, case_id, v)
    SELECT DISTINCT org_id, case_id, 1 FROM old_rows WHERE case_id IS NOT NULL ORDER BY 1, 2
  ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
  RETURN NULL;
END;
$$;
-- an update: the case a row was on and the one it is on now (a message moved between cases)
CREATE FUNCTION case_versions_of_both() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO case_versions (org_id, case_id, v)
    SELECT org_id, case_id, 1 FROM (SELECT org_id, case_id FROM old_rows UNION SELECT org_id, case_id FROM new_rows) k
    WHERE case_id IS NOT NULL ORDER BY 1, 2
  ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
  RETURN NULL;
END;
$$;
-- the cases themselves (their key is id)
CREATE FUNCTION case_versions_of_cases() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    INSERT INTO case_versions (org_id, case_id, v) SELECT DISTINCT org_id, id, 1 FROM old_rows ORDER BY 1, 2
    ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
  ELSE
    INSERT INTO case_versions (org_id, case_id, v) SELECT DISTINCT org_id, id, 1 FROM new_rows ORDER BY 1, 2
    ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
  END IF;
  RETURN NULL;
END;
$$;
DROP TRIGGER touchpoints_version_insert ON touchpoints;
CREATE TRIGGER touchpoints_version_insert AFTER INSERT ON touchpoints REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_new();
DROP TRIGGER touchpoints_version_update ON touchpoints;
CREATE TRIGGER touchpoints_version_update AFTER UPDATE ON touchpoints REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_both();
DROP TRIGGER touchpoints_version_delete ON touchpoints;
CREATE TRIGGER touchpoints_version_delete AFTER DELETE ON touchpoints REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_old();
DROP TRIGGER notes_version_insert ON notes;
CREATE TRIGGER notes_version_insert AFTER INSERT ON notes REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_new();
DROP TRIGGER notes_version_update ON notes;
CREATE TRIGGER notes_version_update AFTER UPDATE ON notes REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_both();
DROP TRIGGER notes_version_delete ON notes;
CREATE TRIGGER notes_version_delete AFTER DELETE ON notes REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_old();
DROP TRIGGER offers_version_insert ON offers;
CREATE TRIGGER offers_version_insert AFTER INSERT ON offers REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_new();
DROP TRIGGER offers_version_update ON offers;
CREATE TRIGGER offers_version_update AFTER UPDATE ON offers REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_both();
DROP TRIGGER offers_version_delete ON offers;
CREATE TRIGGER offers_version_delete AFTER DELETE ON offers REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_old();
DROP TRIGGER promises_version_insert ON promises;
CREATE TRIGGER promises_version_insert AFTER INSERT ON promises REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_new();
DROP TRIGGER promises_version_update ON promises;
CREATE TRIGGER promises_version_update AFTER UPDATE ON promises REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_both();
DROP TRIGGER promises_version_delete ON promises;
CREATE TRIGGER promises_version_delete AFTER DELETE ON promises REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_old();
DROP TRIGGER requests_version_insert ON requests;
CREATE TRIGGER requests_version_insert AFTER INSERT ON requests REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_new();
DROP TRIGGER requests_version_update ON requests;
CREATE TRIGGER requests_version_update AFTER UPDATE ON requests REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_both();
DROP TRIGGER requests_version_delete ON requests;
CREATE TRIGGER requests_version_delete AFTER DELETE ON requests REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_old();
DROP TRIGGER breaches_version_insert ON breaches;
CREATE TRIGGER breaches_version_insert AFTER INSERT ON breaches REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_new();
DROP TRIGGER breaches_version_update ON breaches;
CREATE TRIGGER breaches_version_update AFTER UPDATE ON breaches REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_both();
DROP TRIGGER breaches_version_delete ON breaches;
CREATE TRIGGER breaches_version_delete AFTER DELETE ON breaches REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_old();
DROP TRIGGER policy_conflicts_version_insert ON policy_conflicts;
CREATE TRIGGER policy_conflicts_version_insert AFTER INSERT ON policy_conflicts REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_new();
DROP TRIGGER policy_conflicts_version_update ON policy_conflicts;
CREATE TRIGGER policy_conflicts_version_update AFTER UPDATE ON policy_conflicts REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_both();
DROP TRIGGER policy_conflicts_version_delete ON policy_conflicts;
CREATE TRIGGER policy_conflicts_version_delete AFTER DELETE ON policy_conflicts REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_old();
DROP TRIGGER update_duties_version_insert ON update_duties;
CREATE TRIGGER update_duties_version_insert AFTER INSERT ON update_duties REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_new();
DROP TRIGGER update_duties_version_update ON update_duties;
CREATE TRIGGER update_duties_version_update AFTER UPDATE ON update_duties REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_both();
DROP TRIGGER update_duties_version_delete ON update_duties;
CREATE TRIGGER update_duties_version_delete AFTER DELETE ON update_duties REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_old();
DROP TRIGGER case_actions_version_insert ON case_actions;
CREATE TRIGGER case_actions_version_insert AFTER INSERT ON case_actions REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_new();
DROP TRIGGER case_actions_version_update ON case_actions;
CREATE TRIGGER case_actions_version_update AFTER UPDATE ON case_actions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_both();
DROP TRIGGER case_actions_version_delete ON case_actions;
CREATE TRIGGER case_actions_version_delete AFTER DELETE ON case_actions REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_old();
DROP TRIGGER exceptions_version_insert ON exceptions;
CREATE TRIGGER exceptions_version_insert AFTER INSERT ON exceptions REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_new();
DROP TRIGGER exceptions_version_update ON exceptions;
CREATE TRIGGER exceptions_version_update AFTER UPDATE ON exceptions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_both();
DROP TRIGGER exceptions_version_delete ON exceptions;
CREATE TRIGGER exceptions_version_delete AFTER DELETE ON exceptions REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_old();
DROP TRIGGER case_articles_version_insert ON case_articles;
CREATE TRIGGER case_articles_version_insert AFTER INSERT ON case_articles REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_new();
DROP TRIGGER case_articles_version_update ON case_articles;
CREATE TRIGGER case_articles_version_update AFTER UPDATE ON case_articles REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_both();
DROP TRIGGER case_articles_version_delete ON case_articles;
CREATE TRIGGER case_articles_version_delete AFTER DELETE ON case_articles REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_old();
DROP TRIGGER reviews_version_insert ON reviews;
CREATE TRIGGER reviews_version_insert AFTER INSERT ON reviews REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_new();
DROP TRIGGER reviews_version_update ON reviews;
CREATE TRIGGER reviews_version_update AFTER UPDATE ON reviews REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_both();
DROP TRIGGER reviews_version_delete ON reviews;
CREATE TRIGGER reviews_version_delete AFTER DELETE ON reviews REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_old();
DROP TRIGGER mail_in_version_insert ON mail_in;
CREATE TRIGGER mail_in_version_insert AFTER INSERT ON mail_in REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_new();
DROP TRIGGER mail_in_version_update ON mail_in;
CREATE TRIGGER mail_in_version_update AFTER UPDATE ON mail_in REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_both();
DROP TRIGGER mail_in_version_delete ON mail_in;
CREATE TRIGGER mail_in_version_delete AFTER DELETE ON mail_in REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_old();
DROP TRIGGER mail_proposals_version_insert ON mail_proposals;
CREATE TRIGGER mail_proposals_version_insert AFTER INSERT ON mail_proposals REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_new();
DROP TRIGGER mail_proposals_version_update ON mail_proposals;
CREATE TRIGGER mail_proposals_version_update AFTER UPDATE ON mail_proposals REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_both();
DROP TRIGGER mail_proposals_version_delete ON mail_proposals;
CREATE TRIGGER mail_proposals_version_delete AFTER DELETE ON mail_proposals REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_old();
DROP TRIGGER estimates_version_insert ON estimates;
CREATE TRIGGER estimates_version_insert AFTER INSERT ON estimates REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_new();
DROP TRIGGER estimates_version_update ON estimates;
CREATE TRIGGER estimates_version_update AFTER UPDATE ON estimates REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_both();
DROP TRIGGER estimates_version_delete ON estimates;
CREATE TRIGGER estimates_version_delete AFTER DELETE ON estimates REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_old();
DROP TRIGGER cases_version_update ON cases;
CREATE TRIGGER cases_version_update AFTER UPDATE ON cases REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_cases();
DROP TRIGGER cases_version_delete ON cases;
CREATE TRIGGER cases_version_delete AFTER DELETE ON cases REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_versions_of_cases();

-- The view, by each case's own rows whatever the statistics say.  0034 kept the MINs off
-- promises_due; with status still indexable PostgreSQL may scan promises_open (status, org_id,
-- at_risk_at) for the organization's pending promises and filter them by case (EXPLAIN on a fresh
-- database: 5,450 rows read for a case's 50 at 10,000 pending; 500,000 at 1,000,000): "|| ''" keeps
-- the status columns out of every index, so the case's index (promises_case, requests_case) is the
-- only one that fits.  Same columns and answers.
CREATE OR REPLACE VIEW case_due_times AS
SELECT ca.org_id, ca.id AS case_id,
  LEAST(COALESCE((SELECT MIN(p.due_at + 0) FROM promises p WHERE p.org_id = ca.org_id AND p.case_id = ca.id
                  AND p.status || '' = 'pending'), 9007199254740991),
        COALESCE((SELECT MIN(r.due_at + 0) FROM requests r WHERE r.org_id = ca.org_id AND r.case_id = ca.id
                  AND r.status || '' IN ('open','accepted','deferred')), 9007199254740991)) AS due_at,
  LEAST(COALESCE((SELECT MIN(CASE WHEN p.status = 'pending' THEN COALESCE(p.at_risk_at, p.due_at) ELSE p.due_at END)
                  FROM promises p WHERE p.org_id = ca.org_id AND p.case_id = ca.id AND p.status || '' IN ('pending','broken')),
                 9007199254740991),
        COALESCE((SELECT MIN(r.due_at + 0) FROM requests r WHERE r.org_id = ca.org_id AND r.case_id = ca.id
                  AND r.status || '' IN ('open','accepted','deferred')), 9007199254740991)) AS risk_at
FROM cases ca;

-- The due times of the distinct cases a statement's promises or requests are on, computed by the
-- view (0034: by the case's own promises and requests) and written where they changed.  An
-- UPDATE counts the rows whose due time, status (or a promise's at-risk time) changed; the key
-- join is on the transition tables, small next to cases, so each case is one index probe.
CREATE FUNCTION case_due_of_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE cases SET due_at = d.due_at, risk_at = d.risk_at
  FROM (SELECT DISTINCT org_id, case_id FROM new_rows) k
  CROSS JOIN LATERAL (SELECT v.due_at, v.risk_at FROM case_due_times v WHERE v.org_id = k.org_id AND v.case_id = k.case_id) d
  WHERE cases.org_id = k.org_id AND cases.id = k.case_id AND (cases.due_at <> d.due_at OR cases.risk_at <> d.risk_at);
  RETURN NULL;
END;
$$;
CREATE FUNCTION case_due_of_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'promises' THEN
    UPDATE cases SET due_at = d.due_at, risk_at = d.risk_at
    FROM (SELECT DISTINCT n.org_id, n.case_id FROM new_rows n JOIN old_rows o ON o.org_id = n.org_id AND o.id = n.id
          WHERE o.status IS DISTINCT FROM n.status OR o.due_at IS DISTINCT FROM n.due_at
             OR o.at_risk_at IS DISTINCT FROM n.at_risk_at OR o.case_id IS DISTINCT FROM n.case_id) k
    CROSS JOIN LATERAL (SELECT v.due_at, v.risk_at FROM case_due_times v WHERE v.org_id = k.org_id AND v.case_id = k.case_id) d
    WHERE cases.org_id = k.org_id AND cases.id = k.case_id AND (cases.due_at <> d.due_at OR cases.risk_at <> d.risk_at);
  ELSE
    UPDATE cases SET due_at = d.due_at, risk_at = d.risk_at
    FROM (SELECT DISTINCT n.org_id, n.case_id FROM new_rows n JOIN old_rows o ON o.org_id = n.org_id AND o.id = n.id
          WHERE o.status IS DISTINCT FROM n.status OR o.due_at IS DISTINCT FROM n.due_at
             OR o.case_id IS DISTINCT FROM n.case_id) k
    CROSS JOIN LATERAL (SELECT v.due_at, v.risk_at FROM case_due_times v WHERE v.org_id = k.org_id AND v.case_id = k.case_id) d
    WHERE cases.org_id = k.org_id AND cases.id = k.case_id AND (cases.due_at <> d.due_at OR cases.risk_at <> d.risk_at);
  END IF;
  RETURN NULL;
END;
$$;
DROP TRIGGER promises_due_insert ON promises;
CREATE TRIGGER promises_due_insert AFTER INSERT ON promises REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_due_of_new();
DROP TRIGGER promises_due_update ON promises;
CREATE TRIGGER promises_due_update AFTER UPDATE ON promises REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_due_of_changed();
DROP TRIGGER requests_due_insert ON requests;
CREATE TRIGGER requests_due_insert AFTER INSERT ON requests REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_due_of_new();
DROP TRIGGER requests_due_update ON requests;
CREATE TRIGGER requests_due_update AFTER UPDATE ON requests REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION case_due_of_changed();
