-- 0002: sign-in sessions, API tokens and idempotency keys.
CREATE TABLE sessions (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  person_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('session','api')),
  name TEXT NOT NULL DEFAULT '',
  csrf TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  expires_at BIGINT,
  revoked_at BIGINT,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, person_id) REFERENCES people(org_id, id)
);
CREATE INDEX sessions_person ON sessions(org_id, person_id, kind);

CREATE TABLE idempotency (
  org_id TEXT NOT NULL,
  person_id TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status INTEGER NOT NULL,
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, person_id, key)
);
