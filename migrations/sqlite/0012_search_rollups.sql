-- 0012: the one search box over cases (issue 14/15), as an index instead of a scan.
--
-- Every case has one search document: its subject, its customer's name, email and phone digits
-- and its owner's name (head), and its resolution, contact summaries, notes and requests (body).
-- SQLite keeps the documents in an FTS5 table with the trigram tokenizer, so any part of a word,
-- an email or a phone number of three characters or more is found through the index
-- (store/search.c asks it).
-- Triggers rebuild a case's document in the same transaction as every write that changes its
-- text, whoever writes (the services, the bench seeders, copy-db).  PostgreSQL: pg_trgm.
--
-- FTS5 rows are addressed by rowid, and a table without an INTEGER PRIMARY KEY may have its rowids
-- renumbered by VACUUM, so each case gets a stable search key here.
CREATE TABLE case_search_keys (
  rid INTEGER PRIMARY KEY,
  org_id TEXT NOT NULL,
  case_id TEXT NOT NULL,
  UNIQUE (org_id, case_id)
);
CREATE VIRTUAL TABLE cases_fts USING fts5(head, body, tokenize = 'trigram');

CREATE VIEW case_search_docs AS
SELECT ca.org_id, ca.id AS case_id, ca.customer_id, ca.owner_id, k.rid,
  ca.subject || ' ' || cu.name || ' ' || cu.email || ' ' || cu.phone_digits || ' ' || p.name AS head,
  ca.resolution
    || ' ' || COALESCE((SELECT group_concat(t.summary, ' ') FROM touchpoints t
                        WHERE t.org_id = ca.org_id AND t.case_id = ca.id), '')
    || ' ' || COALESCE((SELECT group_concat(n.body, ' ') FROM notes n
                        WHERE n.org_id = ca.org_id AND n.case_id = ca.id), '')
    || ' ' || COALESCE((SELECT group_concat(r.what, ' ') FROM requests r
                        WHERE r.org_id = ca.org_id AND r.case_id = ca.id), '') AS body
FROM cases ca
JOIN customers cu ON cu.org_id = ca.org_id AND cu.id = ca.customer_id
JOIN people p ON p.org_id = ca.org_id AND p.id = ca.owner_id
JOIN case_search_keys k ON k.org_id = ca.org_id AND k.case_id = ca.id;

INSERT INTO case_search_keys (org_id, case_id) SELECT org_id, id FROM cases ORDER BY org_id, number;
INSERT INTO cases_fts (rowid, head, body) SELECT rid, head, body FROM case_search_docs;

CREATE TRIGGER cases_search_insert AFTER INSERT ON cases BEGIN
  INSERT INTO case_search_keys (org_id, case_id) VALUES (NEW.org_id, NEW.id);
  INSERT INTO cases_fts (rowid, head, body)
    SELECT rid, head, body FROM case_search_docs WHERE org_id = NEW.org_id AND case_id = NEW.id;
END;
CREATE TRIGGER cases_search_update AFTER UPDATE OF subject, resolution, customer_id, owner_id ON cases BEGIN
  DELETE FROM cases_fts WHERE rowid = (SELECT rid FROM case_search_keys WHERE org_id = NEW.org_id AND case_id = NEW.id);
  INSERT INTO cases_fts (rowid, head, body)
    SELECT rid, head, body FROM case_search_docs WHERE org_id = NEW.org_id AND case_id = NEW.id;
END;
CREATE TRIGGER cases_search_delete AFTER DELETE ON cases BEGIN
  DELETE FROM cases_fts WHERE rowid = (SELECT rid FROM case_search_keys WHERE org_id = OLD.org_id AND case_id = OLD.id);
  DELETE FROM case_search_keys WHERE org_id = OLD.org_id AND case_id = OLD.id;
END;
CREATE TRIGGER people_search_update AFTER UPDATE OF name ON people BEGIN
  DELETE FROM cases_fts WHERE rowid IN (SELECT rid FROM case_search_docs WHERE org_id = NEW.org_id AND owner_id = NEW.id);
  INSERT INTO cases_fts (rowid, head, body)
    SELECT rid, head, body FROM case_search_docs WHERE org_id = NEW.org_id AND owner_id = NEW.id;
END;
CREATE TRIGGER customers_search_update AFTER UPDATE OF name, email, phone_digits ON customers BEGIN
  DELETE FROM cases_fts WHERE rowid IN (SELECT rid FROM case_search_docs WHERE org_id = NEW.org_id AND customer_id = NEW.id);
  INSERT INTO cases_fts (rowid, head, body)
    SELECT rid, head, body FROM case_search_docs WHERE org_id = NEW.org_id AND customer_id = NEW.id;
END;
CREATE TRIGGER touchpoints_search_insert AFTER INSERT ON touchpoints BEGIN
  DELETE FROM cases_fts WHERE rowid = (SELECT rid FROM case_search_keys WHERE org_id = NEW.org_id AND case_id = NEW.case_id);
  INSERT INTO cases_fts (rowid, head, body)
    SELECT rid, head, body FROM case_search_docs WHERE org_id = NEW.org_id AND case_id = NEW.case_id;
END;
CREATE TRIGGER touchpoints_search_update AFTER UPDATE OF summary ON touchpoints BEGIN
  DELETE FROM cases_fts WHERE rowid = (SELECT rid FROM case_search_keys WHERE org_id = NEW.org_id AND case_id = NEW.case_id);
  INSERT INTO cases_fts (rowid, head, body)
    SELECT rid, head, body FROM case_search_docs WHERE org_id = NEW.org_id AND case_id = NEW.case_id;
END;
CREATE TRIGGER notes_search_insert AFTER INSERT ON notes BEGIN
  DELETE FROM cases_fts WHERE rowid = (SELECT rid FROM case_search_keys WHERE org_id = NEW.org_id AND case_id = NEW.case_id);
  INSERT INTO cases_fts (rowid, head, body)
    SELECT rid, head, body FROM case_search_docs WHERE org_id = NEW.org_id AND case_id = NEW.case_id;
END;
CREATE TRIGGER notes_search_update AFTER UPDATE OF body ON notes BEGIN
  DELETE FROM cases_fts WHERE rowid = (SELECT rid FROM case_search_keys WHERE org_id = NEW.org_id AND case_id = NEW.case_id);
  INSERT INTO cases_fts (rowid, head, body)
    SELECT rid, head, body FROM case_search_docs WHERE org_id = NEW.org_id AND case_id = NEW.case_id;
END;
CREATE TRIGGER requests_search_insert AFTER INSERT ON requests BEGIN
  DELETE FROM cases_fts WHERE rowid = (SELECT rid FROM case_search_keys WHERE org_id = NEW.org_id AND case_id = NEW.case_id);
  INSERT INTO cases_fts (rowid, head, body)
    SELECT rid, head, body FROM case_search_docs WHERE org_id = NEW.org_id AND case_id = NEW.case_id;
END;
CREATE TRIGGER requests_search_update AFTER UPDATE OF what ON requests BEGIN
  DELETE FROM cases_fts WHERE rowid = (SELECT rid FROM case_search_keys WHERE org_id = NEW.org_id AND case_id = NEW.case_id);
  INSERT INTO cases_fts (rowid, head, body)
    SELECT rid, head, body FROM case_search_docs WHERE org_id = NEW.org_id AND case_id = NEW.case_id;
END;

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

CREATE TRIGGER breaches_daily AFTER INSERT ON breaches BEGIN
  INSERT INTO breach_daily (org_id, team_id, dim, day, key, causes, breaches)
    SELECT NEW.org_id, '*', 'total', (NEW.at / 86400000) * 86400000, k.key, 0, 1
    FROM (SELECT 'all' AS key UNION ALL SELECT 'owner_at_fault' WHERE NEW.owner_at_fault <> 0) k WHERE true
  ON CONFLICT (org_id, team_id, dim, day, key) DO UPDATE SET breaches = breach_daily.breaches + 1;
END;

-- a cause row counts one cause in each dimension, for every team and for its holding team; it
-- counts a breach where no earlier cause row of the same breach had the same key (and team)
CREATE TRIGGER breach_causes_daily AFTER INSERT ON breach_causes BEGIN
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
END;

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
