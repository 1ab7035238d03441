-- 0003: the policy catalogue.  A policy is a named rule with an owner, text and optional
-- machine-checkable limits (JSON, e.g. {"max_refund": 50, "channels": ["store"]}).  Changing a policy
-- makes a new version; old versions stay readable.
CREATE TABLE policies (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('rule','guarantee','limit')),
  owner_id TEXT NOT NULL,
  version BIGINT NOT NULL,
  text TEXT NOT NULL,
  limits TEXT NOT NULL DEFAULT '{}',
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, id),
  UNIQUE (org_id, name),
  FOREIGN KEY (org_id, owner_id) REFERENCES people(org_id, id)
);

CREATE TABLE policy_versions (
  org_id TEXT NOT NULL,
  policy_id TEXT NOT NULL,
  version BIGINT NOT NULL,
  text TEXT NOT NULL,
  limits TEXT NOT NULL,
  changed_by TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, policy_id, version),
  FOREIGN KEY (org_id, policy_id) REFERENCES policies(org_id, id)
);
