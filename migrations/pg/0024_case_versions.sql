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

CREATE FUNCTION case_version_touch(o TEXT, c TEXT) RETURNS void LANGUAGE sql AS $$
  INSERT INTO case_versions (org_id, case_id, v) VALUES (o, c, 1) ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
$$;
CREATE FUNCTION org_version_touch(o TEXT) RETURNS void LANGUAGE sql AS $$
  INSERT INTO org_versions (org_id, v) VALUES (o, 1) ON CONFLICT (org_id) DO UPDATE SET v = org_versions.v + 1;
$$;
CREATE FUNCTION case_version_on_part() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM case_version_touch(OLD.org_id, OLD.case_id);
  ELSE
    PERFORM case_version_touch(NEW.org_id, NEW.case_id);
  END IF;
  RETURN NULL;
END;
$$;
CREATE FUNCTION case_version_on_case() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM case_version_touch(OLD.org_id, OLD.id);
  ELSE
    PERFORM case_version_touch(NEW.org_id, NEW.id);
  END IF;
  RETURN NULL;
END;
$$;
CREATE FUNCTION case_version_on_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.case_id IS NULL THEN
    PERFORM org_version_touch(NEW.org_id);
  ELSE
    PERFORM case_version_touch(NEW.org_id, NEW.case_id);
  END IF;
  RETURN NULL;
END;
$$;
CREATE FUNCTION case_version_on_request_promise() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r RECORD;
BEGIN
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  INSERT INTO case_versions (org_id, case_id, v) SELECT org_id, case_id, 1 FROM promises WHERE org_id = r.org_id AND id = r.promise_id ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
  RETURN NULL;
END;
$$;
CREATE FUNCTION case_version_on_customer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO case_versions (org_id, case_id, v) SELECT org_id, id, 1 FROM cases WHERE org_id = NEW.org_id AND customer_id = NEW.id ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
  RETURN NULL;
END;
$$;
CREATE FUNCTION org_version_on_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM org_version_touch(NEW.org_id);
  RETURN NULL;
END;
$$;
-- one trigger per event, named as SQLite's (tests/e2e/test_schema.py compares them)
CREATE TRIGGER touchpoints_version_insert AFTER INSERT ON touchpoints FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER touchpoints_version_update AFTER UPDATE ON touchpoints FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER touchpoints_version_delete AFTER DELETE ON touchpoints FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER notes_version_insert AFTER INSERT ON notes FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER notes_version_update AFTER UPDATE ON notes FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER notes_version_delete AFTER DELETE ON notes FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER offers_version_insert AFTER INSERT ON offers FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER offers_version_update AFTER UPDATE ON offers FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER offers_version_delete AFTER DELETE ON offers FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER promises_version_insert AFTER INSERT ON promises FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER promises_version_update AFTER UPDATE ON promises FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER promises_version_delete AFTER DELETE ON promises FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER requests_version_insert AFTER INSERT ON requests FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER requests_version_update AFTER UPDATE ON requests FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER requests_version_delete AFTER DELETE ON requests FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER breaches_version_insert AFTER INSERT ON breaches FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER breaches_version_update AFTER UPDATE ON breaches FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER breaches_version_delete AFTER DELETE ON breaches FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER policy_conflicts_version_insert AFTER INSERT ON policy_conflicts FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER policy_conflicts_version_update AFTER UPDATE ON policy_conflicts FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER policy_conflicts_version_delete AFTER DELETE ON policy_conflicts FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER update_duties_version_insert AFTER INSERT ON update_duties FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER update_duties_version_update AFTER UPDATE ON update_duties FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER update_duties_version_delete AFTER DELETE ON update_duties FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER case_actions_version_insert AFTER INSERT ON case_actions FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER case_actions_version_update AFTER UPDATE ON case_actions FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER case_actions_version_delete AFTER DELETE ON case_actions FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER exceptions_version_insert AFTER INSERT ON exceptions FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER exceptions_version_update AFTER UPDATE ON exceptions FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER exceptions_version_delete AFTER DELETE ON exceptions FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER case_articles_version_insert AFTER INSERT ON case_articles FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER case_articles_version_update AFTER UPDATE ON case_articles FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER case_articles_version_delete AFTER DELETE ON case_articles FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER reviews_version_insert AFTER INSERT ON reviews FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER reviews_version_update AFTER UPDATE ON reviews FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER reviews_version_delete AFTER DELETE ON reviews FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER mail_in_version_insert AFTER INSERT ON mail_in FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER mail_in_version_update AFTER UPDATE ON mail_in FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER mail_in_version_delete AFTER DELETE ON mail_in FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER mail_out_version_insert AFTER INSERT ON mail_out FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER mail_out_version_update AFTER UPDATE ON mail_out FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER mail_out_version_delete AFTER DELETE ON mail_out FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER mail_proposals_version_insert AFTER INSERT ON mail_proposals FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER mail_proposals_version_update AFTER UPDATE ON mail_proposals FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER mail_proposals_version_delete AFTER DELETE ON mail_proposals FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER estimates_version_insert AFTER INSERT ON estimates FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER estimates_version_update AFTER UPDATE ON estimates FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER estimates_version_delete AFTER DELETE ON estimates FOR EACH ROW EXECUTE FUNCTION case_version_on_part();
CREATE TRIGGER cases_version_update AFTER UPDATE ON cases FOR EACH ROW EXECUTE FUNCTION case_version_on_case();
CREATE TRIGGER cases_version_delete AFTER DELETE ON cases FOR EACH ROW EXECUTE FUNCTION case_version_on_case();
CREATE TRIGGER events_version_insert AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION case_version_on_event();
CREATE TRIGGER request_promises_version_insert AFTER INSERT ON request_promises FOR EACH ROW EXECUTE FUNCTION case_version_on_request_promise();
CREATE TRIGGER request_promises_version_delete AFTER DELETE ON request_promises FOR EACH ROW EXECUTE FUNCTION case_version_on_request_promise();
CREATE TRIGGER customers_version_update AFTER UPDATE ON customers FOR EACH ROW EXECUTE FUNCTION case_version_on_customer();
CREATE TRIGGER people_version_update AFTER UPDATE ON people FOR EACH ROW EXECUTE FUNCTION org_version_on_row();
CREATE TRIGGER teams_version_update AFTER UPDATE ON teams FOR EACH ROW EXECUTE FUNCTION org_version_on_row();
