-- 0012: the one search box over cases (issue 14/15), as an index instead of a scan.
--
-- Every case has one search document: its subject, its customer's name, email and phone digits
-- and its owner's name (head), and its resolution, contact summaries, notes and requests (body).
-- PostgreSQL keeps the documents in case_search with a pg_trgm GIN index, so any part of a word,
-- an email or a phone number of three characters or more is found through the index
-- (store/search.c asks it).
-- Triggers rebuild a case's document in the same transaction as every write that changes its
-- text, whoever writes (the services, the bench seeders, copy-db).  SQLite: FTS5 trigram.
-- pg_trgm ships with Debian's postgresql-15 (contrib is part of the server package) and is a
-- trusted extension: the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE case_search (
  org_id TEXT NOT NULL,
  case_id TEXT NOT NULL,
  head TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (org_id, case_id)
);
CREATE INDEX case_search_text ON case_search USING GIN ((head || ' ' || body) gin_trgm_ops);

CREATE VIEW case_search_docs AS
SELECT ca.org_id, ca.id AS case_id,
  ca.subject || ' ' || cu.name || ' ' || cu.email || ' ' || cu.phone_digits || ' ' || p.name AS head,
  ca.resolution
    || ' ' || COALESCE((SELECT string_agg(t.summary, ' ' ORDER BY t.at, t.id) FROM touchpoints t
                        WHERE t.org_id = ca.org_id AND t.case_id = ca.id), '')
    || ' ' || COALESCE((SELECT string_agg(n.body, ' ' ORDER BY n.at, n.id) FROM notes n
                        WHERE n.org_id = ca.org_id AND n.case_id = ca.id), '')
    || ' ' || COALESCE((SELECT string_agg(r.what, ' ' ORDER BY r.created_at, r.id) FROM requests r
                        WHERE r.org_id = ca.org_id AND r.case_id = ca.id), '') AS body
FROM cases ca
JOIN customers cu ON cu.org_id = ca.org_id AND cu.id = ca.customer_id
JOIN people p ON p.org_id = ca.org_id AND p.id = ca.owner_id;

INSERT INTO case_search (org_id, case_id, head, body) SELECT org_id, case_id, head, body FROM case_search_docs;

-- Rebuild the document of one case.
CREATE FUNCTION case_search_refresh(o TEXT, c TEXT) RETURNS void LANGUAGE sql AS $$
  INSERT INTO case_search (org_id, case_id, head, body)
    SELECT org_id, case_id, head, body FROM case_search_docs WHERE org_id = o AND case_id = c
  ON CONFLICT (org_id, case_id) DO UPDATE SET head = EXCLUDED.head, body = EXCLUDED.body;
$$;

CREATE FUNCTION case_search_on_case() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM case_search WHERE org_id = OLD.org_id AND case_id = OLD.id;
  ELSE
    PERFORM case_search_refresh(NEW.org_id, NEW.id);
  END IF;
  RETURN NULL;
END;
$$;
-- one trigger per event, named as SQLite's (tests/e2e/test_schema.py compares them)
CREATE TRIGGER cases_search_insert AFTER INSERT ON cases FOR EACH ROW EXECUTE FUNCTION case_search_on_case();
CREATE TRIGGER cases_search_update AFTER UPDATE OF subject, resolution, customer_id, owner_id ON cases
  FOR EACH ROW EXECUTE FUNCTION case_search_on_case();
CREATE TRIGGER cases_search_delete AFTER DELETE ON cases FOR EACH ROW EXECUTE FUNCTION case_search_on_case();

CREATE FUNCTION case_search_on_part() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM case_search_refresh(NEW.org_id, NEW.case_id);
  RETURN NULL;
END;
$$;
CREATE TRIGGER touchpoints_search_insert AFTER INSERT ON touchpoints FOR EACH ROW EXECUTE FUNCTION case_search_on_part();
CREATE TRIGGER touchpoints_search_update AFTER UPDATE OF summary ON touchpoints FOR EACH ROW EXECUTE FUNCTION case_search_on_part();
CREATE TRIGGER notes_search_insert AFTER INSERT ON notes FOR EACH ROW EXECUTE FUNCTION case_search_on_part();
CREATE TRIGGER notes_search_update AFTER UPDATE OF body ON notes FOR EACH ROW EXECUTE FUNCTION case_search_on_part();
CREATE TRIGGER requests_search_insert AFTER INSERT ON requests FOR EACH ROW EXECUTE FUNCTION case_search_on_part();
CREATE TRIGGER requests_search_update AFTER UPDATE OF what ON requests FOR EACH ROW EXECUTE FUNCTION case_search_on_part();

CREATE FUNCTION case_search_on_customer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM case_search_refresh(NEW.org_id, ca.id) FROM cases ca WHERE ca.org_id = NEW.org_id AND ca.customer_id = NEW.id;
  RETURN NULL;
END;
$$;
CREATE TRIGGER customers_search_update AFTER UPDATE OF name, email, phone_digits ON customers
  FOR EACH ROW EXECUTE FUNCTION case_search_on_customer();

CREATE FUNCTION case_search_on_person() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM case_search_refresh(NEW.org_id, ca.id) FROM cases ca WHERE ca.org_id = NEW.org_id AND ca.owner_id = NEW.id;
  RETURN NULL;
END;
$$;
CREATE TRIGGER people_search_update AFTER UPDATE OF name ON people
  FOR EACH ROW EXECUTE FUNCTION case_search_on_person();

-- The breach report from daily rollups (issue 14: every report over 1,000,000 cases in 500 ms),
-- kept by triggers in the transaction that records a breach, whoever records it (the scheduler,
-- the bench seeders).  One row per organization, UTC day (its start, in ms), dimension and key:
--   dim 'cause' / 'team' / 'level', key the cause / holding team id ('' none) / holder level:
--     causes = cause rows, breaches = distinct breaches among them;
--   dim 'total', key 'all' / 'owner_at_fault': breaches = breaches (that the owner was at fault for);
-- team_id narrows the counts to causes held by that team, or is '*' for every team.
-- svc/reports/promises.c reads whole days here and the partial days at a range's edges from the rows.
CREATE TABLE breach_daily (
  org_id TEXT NOT NULL,
  team_id TEXT NOT NULL,
  dim TEXT NOT NULL,
  day BIGINT NOT NULL,
  key TEXT NOT NULL,
  causes BIGINT NOT NULL,
  breaches BIGINT NOT NULL,
  PRIMARY KEY (org_id, team_id, dim, day, key)
);

CREATE FUNCTION breaches_daily() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO breach_daily (org_id, team_id, dim, day, key, causes, breaches)
    SELECT NEW.org_id, '*', 'total', (NEW.at / 86400000) * 86400000, k.key, 0, 1
    FROM (SELECT 'all' AS key UNION ALL SELECT 'owner_at_fault' WHERE NEW.owner_at_fault <> 0) k WHERE true
  ON CONFLICT (org_id, team_id, dim, day, key) DO UPDATE SET breaches = breach_daily.breaches + 1;
  RETURN NULL;
END;
$$;
CREATE TRIGGER breaches_daily AFTER INSERT ON breaches FOR EACH ROW EXECUTE FUNCTION breaches_daily();

-- a cause row counts one cause in each dimension, for every team and for its holding team; it
-- counts a breach where no earlier cause row of the same breach had the same key (and team)
CREATE FUNCTION breach_causes_daily() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO breach_daily (org_id, team_id, dim, day, key, causes, breaches)
    SELECT NEW.org_id, s.team, d.dim, (NEW.at / 86400000) * 86400000, d.key, 1,
      CASE WHEN EXISTS (SELECT 1 FROM breach_causes o WHERE o.org_id = NEW.org_id AND o.breach_id = NEW.breach_id
                        AND o.n <> NEW.n AND (s.team = '*' OR o.holder_team_id = NEW.holder_team_id)
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
CREATE TRIGGER breach_causes_daily AFTER INSERT ON breach_causes FOR EACH ROW EXECUTE FUNCTION breach_causes_daily();

-- what was recorded before this migration
INSERT INTO breach_daily (org_id, team_id, dim, day, key, causes, breaches)
  SELECT org_id, '*', 'total', (at / 86400000) * 86400000, 'all', 0, COUNT(*) FROM breaches
  GROUP BY org_id, (at / 86400000) * 86400000;
INSERT INTO breach_daily (org_id, team_id, dim, day, key, causes, breaches)
  SELECT org_id, '*', 'total', (at / 86400000) * 86400000, 'owner_at_fault', 0, COUNT(*) FROM breaches
  WHERE owner_at_fault <> 0 GROUP BY org_id, (at / 86400000) * 86400000;
INSERT INTO breach_daily (org_id, team_id, dim, day, key, causes, breaches)
  SELECT org_id, team, dim, day, key, COUNT(*), COUNT(DISTINCT breach_id) FROM (
    SELECT org_id, '*' AS team, 'cause' AS dim, (at / 86400000) * 86400000 AS day, cause AS key, breach_id FROM breach_causes
    UNION ALL SELECT org_id, '*', 'team', (at / 86400000) * 86400000, COALESCE(holder_team_id, ''), breach_id FROM breach_causes
    UNION ALL SELECT org_id, '*', 'level', (at / 86400000) * 86400000, holder_level, breach_id FROM breach_causes
    UNION ALL SELECT org_id, holder_team_id, 'cause', (at / 86400000) * 86400000, cause, breach_id FROM breach_causes
      WHERE holder_team_id IS NOT NULL
    UNION ALL SELECT org_id, holder_team_id, 'team', (at / 86400000) * 86400000, holder_team_id, breach_id FROM breach_causes
      WHERE holder_team_id IS NOT NULL
    UNION ALL SELECT org_id, holder_team_id, 'level', (at / 86400000) * 86400000, holder_level, breach_id FROM breach_causes
      WHERE holder_team_id IS NOT NULL
  ) u GROUP BY org_id, team, dim, day, key;
