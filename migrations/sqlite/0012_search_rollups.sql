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
