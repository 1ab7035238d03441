-- 0001 (PostgreSQL): the case ledger; the same schema as migrations/sqlite/0001_ledger.sql.
-- 0001: the case ledger.  Every table carries org_id and every key begins with it, so the
-- schema distributes by organization (see docs/OPERATIONS.md).  Times are UTC milliseconds.
CREATE TABLE orgs (
  id TEXT PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  settings TEXT NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL
);

-- Head of each organization's event hash chain.
CREATE TABLE org_heads (
  org_id TEXT PRIMARY KEY REFERENCES orgs(id),
  last_seq BIGINT NOT NULL,
  last_hash TEXT NOT NULL
);

CREATE TABLE teams (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, id),
  UNIQUE (org_id, name)
);

CREATE TABLE locations (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  tz TEXT NOT NULL DEFAULT 'UTC',
  address TEXT NOT NULL DEFAULT '',
  hours TEXT NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, id),
  UNIQUE (org_id, name)
);

CREATE TABLE people (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  phone TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL CHECK (role IN ('frontline','support','supervisor','leader','admin')),
  team_id TEXT,
  location_id TEXT,
  manager_id TEXT,
  title TEXT NOT NULL DEFAULT '',
  password_hash TEXT,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, id),
  UNIQUE (org_id, email),
  FOREIGN KEY (org_id, team_id) REFERENCES teams(org_id, id),
  FOREIGN KEY (org_id, location_id) REFERENCES locations(org_id, id),
  FOREIGN KEY (org_id, manager_id) REFERENCES people(org_id, id)
);
CREATE INDEX people_team ON people(org_id, team_id);

CREATE TABLE customers (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  name_lc TEXT NOT NULL,
  email TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  phone_digits TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, id)
);
CREATE INDEX customers_email ON customers(org_id, email);
CREATE INDEX customers_phone ON customers(org_id, phone_digits);
CREATE INDEX customers_name ON customers(org_id, name_lc);

CREATE TABLE cases (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  number BIGINT NOT NULL,
  customer_id TEXT NOT NULL,
  subject TEXT NOT NULL,
  channel TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open','resolved')),
  owner_id TEXT NOT NULL,
  team_id TEXT,
  intake_by TEXT NOT NULL,
  intake_location_id TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  resolved_at BIGINT,
  resolution TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (org_id, id),
  UNIQUE (org_id, number),
  FOREIGN KEY (org_id, customer_id) REFERENCES customers(org_id, id),
  FOREIGN KEY (org_id, owner_id) REFERENCES people(org_id, id),
  FOREIGN KEY (org_id, intake_by) REFERENCES people(org_id, id)
);
CREATE INDEX cases_owner ON cases(org_id, owner_id, status, updated_at);
CREATE INDEX cases_customer ON cases(org_id, customer_id);
CREATE INDEX cases_status ON cases(org_id, status, updated_at);
CREATE INDEX cases_team ON cases(org_id, team_id, status);

CREATE TABLE case_counters (
  org_id TEXT PRIMARY KEY REFERENCES orgs(id),
  last_number BIGINT NOT NULL
);

CREATE TABLE offers (
  org_id TEXT NOT NULL,
  id TEXT NOT NULL,
  case_id TEXT NOT NULL,
  from_id TEXT NOT NULL,
  to_id TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('pending','accepted','declined','withdrawn','expired')),
  reason TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  decided_at BIGINT,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, case_id) REFERENCES cases(org_id, id),
  FOREIGN KEY (org_id, from_id) REFERENCES people(org_id, id),
  FOREIGN KEY (org_id, to_id) REFERENCES people(org_id, id)
);
CREATE INDEX offers_case ON offers(org_id, case_id, status);
CREATE INDEX offers_to ON offers(org_id, to_id, status);

CREATE TABLE touchpoints (
  org_id TEXT NOT NULL,
  id TEXT NOT NULL,
  case_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('inbound','outbound')),
  person_id TEXT,
  summary TEXT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, case_id) REFERENCES cases(org_id, id)
);
CREATE INDEX touchpoints_case ON touchpoints(org_id, case_id, at);

CREATE TABLE notes (
  org_id TEXT NOT NULL,
  id TEXT NOT NULL,
  case_id TEXT NOT NULL,
  author_id TEXT NOT NULL,
  visibility TEXT NOT NULL CHECK (visibility IN ('internal','customer')),
  body TEXT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, case_id) REFERENCES cases(org_id, id),
  FOREIGN KEY (org_id, author_id) REFERENCES people(org_id, id)
);
CREATE INDEX notes_case ON notes(org_id, case_id, at);

-- The history.  Append-only: no interface updates or deletes it, and the triggers refuse it.
CREATE TABLE events (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  seq BIGINT NOT NULL,
  at BIGINT NOT NULL,
  actor_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  entity_type TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  case_id TEXT,
  data TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (org_id, seq)
);
CREATE INDEX events_case ON events(org_id, case_id, seq);
CREATE INDEX events_entity ON events(org_id, entity_id, seq);

CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'events are append-only' USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
  FOR EACH ROW EXECUTE FUNCTION events_append_only();
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION events_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();
