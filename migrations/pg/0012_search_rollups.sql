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
CREATE TRIGGER cases_search AFTER INSERT OR UPDATE OF subject, resolution, customer_id, owner_id OR DELETE ON cases
  FOR EACH ROW EXECUTE FUNCTION case_search_on_case();

CREATE FUNCTION case_search_on_part() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM case_search_refresh(NEW.org_id, NEW.case_id);
  RETURN NULL;
END;
$$;
CREATE TRIGGER touchpoints_search AFTER INSERT OR UPDATE OF summary ON touchpoints
  FOR EACH ROW EXECUTE FUNCTION case_search_on_part();
CREATE TRIGGER notes_search AFTER INSERT OR UPDATE OF body ON notes
  FOR EACH ROW EXECUTE FUNCTION case_search_on_part();
CREATE TRIGGER requests_search AFTER INSERT OR UPDATE OF what ON requests
  FOR EACH ROW EXECUTE FUNCTION case_search_on_part();

CREATE FUNCTION case_search_on_customer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM case_search_refresh(NEW.org_id, ca.id) FROM cases ca WHERE ca.org_id = NEW.org_id AND ca.customer_id = NEW.id;
  RETURN NULL;
END;
$$;
CREATE TRIGGER customers_search AFTER UPDATE OF name, email, phone_digits ON customers
  FOR EACH ROW EXECUTE FUNCTION case_search_on_customer();

CREATE FUNCTION case_search_on_person() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM case_search_refresh(NEW.org_id, ca.id) FROM cases ca WHERE ca.org_id = NEW.org_id AND ca.owner_id = NEW.id;
  RETURN NULL;
END;
$$;
CREATE TRIGGER people_search AFTER UPDATE OF name ON people
  FOR EACH ROW EXECUTE FUNCTION case_search_on_person();
