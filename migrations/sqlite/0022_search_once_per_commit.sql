-- 0022: a case's search document is rebuilt once per transaction, not once per row (issue 14).
--
-- 0012's triggers rebuilt the document in FTS5 at every row that changes its text: opening a case
-- with its first contact built it twice.  And FTS5 writes what it holds to disk at every SAVEPOINT
-- (its xSavepoint flushes), so under the group commit, where each request runs in its own
-- savepoint, every request wrote its own FTS5 segment.  Now the triggers only note the case in
-- case_search_dirty; the documents noted are rebuilt by one statement just before the COMMIT
-- (search_flush in store/search.c, run by db_commit for every SQLite write transaction, whoever
-- writes), after the last savepoint: one segment per commit.  A search runs in its own transaction,
-- so it never sees a document that is out of date.  PostgreSQL keeps its per-row refresh (no
-- FTS5 there); this table exists on SQLite only (tests/e2e/test_schema.py, KNOWN).
CREATE TABLE case_search_dirty (rid INTEGER PRIMARY KEY);

DROP TRIGGER cases_search_insert;
CREATE TRIGGER cases_search_insert AFTER INSERT ON cases BEGIN
  INSERT INTO case_search_keys (org_id, case_id) VALUES (NEW.org_id, NEW.id);
  INSERT OR IGNORE INTO case_search_dirty (rid)
    SELECT rid FROM case_search_keys WHERE org_id = NEW.org_id AND case_id = NEW.id;
END;
DROP TRIGGER cases_search_update;
CREATE TRIGGER cases_search_update AFTER UPDATE OF subject, resolution, customer_id, owner_id ON cases BEGIN
  INSERT OR IGNORE INTO case_search_dirty (rid)
    SELECT rid FROM case_search_keys WHERE org_id = NEW.org_id AND case_id = NEW.id;
END;
DROP TRIGGER cases_search_delete;
CREATE TRIGGER cases_search_delete AFTER DELETE ON cases BEGIN
  DELETE FROM case_search_dirty WHERE rid = (SELECT rid FROM case_search_keys WHERE org_id = OLD.org_id AND case_id = OLD.id);
  DELETE FROM cases_fts WHERE rowid = (SELECT rid FROM case_search_keys WHERE org_id = OLD.org_id AND case_id = OLD.id);
  DELETE FROM case_search_keys WHERE org_id = OLD.org_id AND case_id = OLD.id;
END;
DROP TRIGGER people_search_update;
CREATE TRIGGER people_search_update AFTER UPDATE OF name ON people BEGIN
  INSERT OR IGNORE INTO case_search_dirty (rid)
    SELECT k.rid FROM cases ca JOIN case_search_keys k ON k.org_id = ca.org_id AND k.case_id = ca.id
    WHERE ca.org_id = NEW.org_id AND ca.owner_id = NEW.id;
END;
DROP TRIGGER customers_search_update;
CREATE TRIGGER customers_search_update AFTER UPDATE OF name, email, phone_digits ON customers BEGIN
  INSERT OR IGNORE INTO case_search_dirty (rid)
    SELECT k.rid FROM cases ca JOIN case_search_keys k ON k.org_id = ca.org_id AND k.case_id = ca.id
    WHERE ca.org_id = NEW.org_id AND ca.customer_id = NEW.id;
END;
DROP TRIGGER touchpoints_search_insert;
CREATE TRIGGER touchpoints_search_insert AFTER INSERT ON touchpoints BEGIN
  INSERT OR IGNORE INTO case_search_dirty (rid)
    SELECT rid FROM case_search_keys WHERE org_id = NEW.org_id AND case_id = NEW.case_id;
END;
DROP TRIGGER touchpoints_search_update;
CREATE TRIGGER touchpoints_search_update AFTER UPDATE OF summary ON touchpoints BEGIN
  INSERT OR IGNORE INTO case_search_dirty (rid)
    SELECT rid FROM case_search_keys WHERE org_id = NEW.org_id AND case_id = NEW.case_id;
END;
DROP TRIGGER notes_search_insert;
CREATE TRIGGER notes_search_insert AFTER INSERT ON notes BEGIN
  INSERT OR IGNORE INTO case_search_dirty (rid)
    SELECT rid FROM case_search_keys WHERE org_id = NEW.org_id AND case_id = NEW.case_id;
END;
DROP TRIGGER notes_search_update;
CREATE TRIGGER notes_search_update AFTER UPDATE OF body ON notes BEGIN
  INSERT OR IGNORE INTO case_search_dirty (rid)
    SELECT rid FROM case_search_keys WHERE org_id = NEW.org_id AND case_id = NEW.case_id;
END;
DROP TRIGGER requests_search_insert;
CREATE TRIGGER requests_search_insert AFTER INSERT ON requests BEGIN
  INSERT OR IGNORE INTO case_search_dirty (rid)
    SELECT rid FROM case_search_keys WHERE org_id = NEW.org_id AND case_id = NEW.case_id;
END;
DROP TRIGGER requests_search_update;
CREATE TRIGGER requests_search_update AFTER UPDATE OF what ON requests BEGIN
  INSERT OR IGNORE INTO case_search_dirty (rid)
    SELECT rid FROM case_search_keys WHERE org_id = NEW.org_id AND case_id = NEW.case_id;
END;
