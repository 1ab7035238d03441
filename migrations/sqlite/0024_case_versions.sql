-- 0024: a version per case and per organization, so a server can keep a case's page rendered and
-- know, with one indexed read, whether it is still what the database holds (issue 14).  Every
-- writer bumps them in its own transaction through these triggers, whoever writes (the services,
-- the scheduler, the mail worker, bench-seed, plain SQL): case_versions.v changes with any row of
-- the case's page (the case, its customer, every side table its view parts read, its events);
-- org_versions.v with what a page shows of the organization (people, teams; any event not about
-- one case: directory, policies, articles, templates).  A missing row reads as 0; rows are never
-- deleted, so a version never goes back.  svc/ledger/case_cache.c keeps the pages.
CREATE TABLE case_versions (
  org_id TEXT NOT NULL,
  case_id TEXT NOT NULL,
  v BIGINT NOT NULL,
  PRIMARY KEY (org_id, case_id)
);
CREATE TABLE org_versions (
  org_id TEXT NOT NULL PRIMARY KEY,
  v BIGINT NOT NULL
);

CREATE TRIGGER touchpoints_version_insert AFTER INSERT ON touchpoints BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER touchpoints_version_update AFTER UPDATE ON touchpoints BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER touchpoints_version_delete AFTER DELETE ON touchpoints BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (OLD.org_id, OLD.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER notes_version_insert AFTER INSERT ON notes BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER notes_version_update AFTER UPDATE ON notes BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER notes_version_delete AFTER DELETE ON notes BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (OLD.org_id, OLD.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER offers_version_insert AFTER INSERT ON offers BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER offers_version_update AFTER UPDATE ON offers BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER offers_version_delete AFTER DELETE ON offers BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (OLD.org_id, OLD.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER promises_version_insert AFTER INSERT ON promises BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER promises_version_update AFTER UPDATE ON promises BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER promises_version_delete AFTER DELETE ON promises BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (OLD.org_id, OLD.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER requests_version_insert AFTER INSERT ON requests BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER requests_version_update AFTER UPDATE ON requests BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER requests_version_delete AFTER DELETE ON requests BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (OLD.org_id, OLD.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER breaches_version_insert AFTER INSERT ON breaches BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER breaches_version_update AFTER UPDATE ON breaches BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER breaches_version_delete AFTER DELETE ON breaches BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (OLD.org_id, OLD.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER policy_conflicts_version_insert AFTER INSERT ON policy_conflicts BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER policy_conflicts_version_update AFTER UPDATE ON policy_conflicts BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER policy_conflicts_version_delete AFTER DELETE ON policy_conflicts BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (OLD.org_id, OLD.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER update_duties_version_insert AFTER INSERT ON update_duties BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER update_duties_version_update AFTER UPDATE ON update_duties BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER update_duties_version_delete AFTER DELETE ON update_duties BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (OLD.org_id, OLD.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER case_actions_version_insert AFTER INSERT ON case_actions BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER case_actions_version_update AFTER UPDATE ON case_actions BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER case_actions_version_delete AFTER DELETE ON case_actions BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (OLD.org_id, OLD.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER exceptions_version_insert AFTER INSERT ON exceptions BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER exceptions_version_update AFTER UPDATE ON exceptions BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER exceptions_version_delete AFTER DELETE ON exceptions BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (OLD.org_id, OLD.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER case_articles_version_insert AFTER INSERT ON case_articles BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER case_articles_version_update AFTER UPDATE ON case_articles BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER case_articles_version_delete AFTER DELETE ON case_articles BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (OLD.org_id, OLD.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER reviews_version_insert AFTER INSERT ON reviews BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER reviews_version_update AFTER UPDATE ON reviews BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER reviews_version_delete AFTER DELETE ON reviews BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (OLD.org_id, OLD.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER mail_in_version_insert AFTER INSERT ON mail_in BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER mail_in_version_update AFTER UPDATE ON mail_in BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER mail_in_version_delete AFTER DELETE ON mail_in BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (OLD.org_id, OLD.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER mail_out_version_insert AFTER INSERT ON mail_out BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER mail_out_version_update AFTER UPDATE ON mail_out BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER mail_out_version_delete AFTER DELETE ON mail_out BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (OLD.org_id, OLD.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER mail_proposals_version_insert AFTER INSERT ON mail_proposals BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER mail_proposals_version_update AFTER UPDATE ON mail_proposals BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER mail_proposals_version_delete AFTER DELETE ON mail_proposals BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (OLD.org_id, OLD.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER estimates_version_insert AFTER INSERT ON estimates BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER estimates_version_update AFTER UPDATE ON estimates BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER estimates_version_delete AFTER DELETE ON estimates BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (OLD.org_id, OLD.case_id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER cases_version_update AFTER UPDATE ON cases BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (NEW.org_id, NEW.id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER cases_version_delete AFTER DELETE ON cases BEGIN
  INSERT INTO case_versions (org_id, case_id, v) VALUES (OLD.org_id, OLD.id, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
-- events: about a case, or about the organization (append-only: inserts only)
CREATE TRIGGER events_version_insert AFTER INSERT ON events BEGIN
  INSERT INTO case_versions (org_id, case_id, v) SELECT NEW.org_id, NEW.case_id, 1 WHERE NEW.case_id IS NOT NULL ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
  INSERT INTO org_versions (org_id, v) SELECT NEW.org_id, 1 WHERE NEW.case_id IS NULL ON CONFLICT (org_id) DO UPDATE SET v = org_versions.v + 1;
END;
-- a request's promises (no case_id of its own): the promise's case
CREATE TRIGGER request_promises_version_insert AFTER INSERT ON request_promises BEGIN
  INSERT INTO case_versions (org_id, case_id, v) SELECT org_id, case_id, 1 FROM promises WHERE org_id = NEW.org_id AND id = NEW.promise_id ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER request_promises_version_delete AFTER DELETE ON request_promises BEGIN
  INSERT INTO case_versions (org_id, case_id, v) SELECT org_id, case_id, 1 FROM promises WHERE org_id = OLD.org_id AND id = OLD.promise_id ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
-- a customer shown on its cases' pages
CREATE TRIGGER customers_version_update AFTER UPDATE ON customers BEGIN
  INSERT INTO case_versions (org_id, case_id, v) SELECT org_id, id, 1 FROM cases WHERE org_id = NEW.org_id AND customer_id = NEW.id ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
END;
CREATE TRIGGER people_version_update AFTER UPDATE ON people BEGIN
  INSERT INTO org_versions (org_id, v) VALUES (NEW.org_id, 1) ON CONFLICT (org_id) DO UPDATE SET v = org_versions.v + 1;
END;
CREATE TRIGGER teams_version_update AFTER UPDATE ON teams BEGIN
  INSERT INTO org_versions (org_id, v) VALUES (NEW.org_id, 1) ON CONFLICT (org_id) DO UPDATE SET v = org_versions.v + 1;
END;
