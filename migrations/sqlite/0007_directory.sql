-- 0007: the directory (locations' regions and holidays, skills, who has which skill where),
-- on-call rotas with layers and overrides, routing offers to whoever is on call, and knowledge
-- articles with revisions and links from cases.
ALTER TABLE locations ADD COLUMN region TEXT NOT NULL DEFAULT '';

CREATE TABLE location_holidays (
  org_id TEXT NOT NULL,
  location_id TEXT NOT NULL,
  day TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, location_id, day),
  FOREIGN KEY (org_id, location_id) REFERENCES locations(org_id, id)
);

CREATE TABLE skills (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, id),
  UNIQUE (org_id, name)
);

CREATE TABLE person_skills (
  org_id TEXT NOT NULL,
  person_id TEXT NOT NULL,
  skill_id TEXT NOT NULL,
  location_id TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, person_id, skill_id, location_id),
  FOREIGN KEY (org_id, person_id) REFERENCES people(org_id, id),
  FOREIGN KEY (org_id, skill_id) REFERENCES skills(org_id, id),
  FOREIGN KEY (org_id, location_id) REFERENCES locations(org_id, id)
);
CREATE INDEX person_skills_skill ON person_skills(org_id, skill_id, location_id, person_id);

-- A rota covers one skill in one area: a location, or a region (location_id NULL).  Its layers
-- (primary, secondary) are JSON: [{"layer","members":[person ids],"handoff":"sat 09:00" or "09:00",
-- "period_days","start":"YYYY-MM-DD","windows":[{"days":[..],"from","to"}]}] in the rota's time zone.
CREATE TABLE rotas (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  skill_id TEXT NOT NULL,
  location_id TEXT,
  region TEXT NOT NULL DEFAULT '',
  tz TEXT NOT NULL,
  layers TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, id),
  UNIQUE (org_id, name),
  FOREIGN KEY (org_id, skill_id) REFERENCES skills(org_id, id),
  FOREIGN KEY (org_id, location_id) REFERENCES locations(org_id, id)
);
CREATE INDEX rotas_skill ON rotas(org_id, skill_id, active);

CREATE TABLE rota_overrides (
  org_id TEXT NOT NULL,
  id TEXT NOT NULL,
  rota_id TEXT NOT NULL,
  layer TEXT NOT NULL,
  person_id TEXT NOT NULL,
  starts_at BIGINT NOT NULL,
  ends_at BIGINT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  cancelled INTEGER NOT NULL DEFAULT 0,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, rota_id) REFERENCES rotas(org_id, id),
  FOREIGN KEY (org_id, person_id) REFERENCES people(org_id, id)
);
CREATE INDEX rota_overrides_rota ON rota_overrides(org_id, rota_id, layer, ends_at);

-- Routed offers ("whoever is on call for SKILL at LOCATION") expire and move on.
ALTER TABLE offers ADD COLUMN expires_at BIGINT;
ALTER TABLE offers ADD COLUMN route_skill_id TEXT;
ALTER TABLE offers ADD COLUMN route_location_id TEXT;
ALTER TABLE offers ADD COLUMN route_tried TEXT NOT NULL DEFAULT '[]';
ALTER TABLE offers ADD COLUMN route_step INTEGER NOT NULL DEFAULT 0;
CREATE INDEX offers_expiry ON offers(status, expires_at);

-- The person who made a routed offer is told through alerts (0004).

-- Secret links to the on-call calendar for calendar applications that subscribe by URL (they
-- cannot send a sign-in header).  Only the token's hash is kept.
CREATE TABLE calendar_feeds (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  person_id TEXT NOT NULL,
  skill_id TEXT,
  area TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  revoked_at BIGINT,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, person_id) REFERENCES people(org_id, id)
);

CREATE TABLE articles (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '[]',
  version BIGINT NOT NULL,
  author_id TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, id)
);

CREATE TABLE article_revisions (
  org_id TEXT NOT NULL,
  article_id TEXT NOT NULL,
  version BIGINT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  tags TEXT NOT NULL,
  changed_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, article_id, version),
  FOREIGN KEY (org_id, article_id) REFERENCES articles(org_id, id)
);

CREATE TABLE case_articles (
  org_id TEXT NOT NULL,
  case_id TEXT NOT NULL,
  article_id TEXT NOT NULL,
  linked_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, case_id, article_id),
  FOREIGN KEY (org_id, case_id) REFERENCES cases(org_id, id),
  FOREIGN KEY (org_id, article_id) REFERENCES articles(org_id, id)
);

-- Full-text search (SQLite FTS5; kept in step by svc/knowledge.c).  PostgreSQL uses its own
-- full-text search in migrations/pg.
CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, tags, org_id UNINDEXED, article_id UNINDEXED,
  tokenize = 'porter unicode61');
