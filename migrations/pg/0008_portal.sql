-- 0008: the customer portal.  A staff member makes a single-use, expiring sign-in link for a
-- customer; redeeming it gives a customer session, kept apart from staff sessions (another
-- table, another cookie), so a customer session can never reach a staff route.
CREATE TABLE portal_links (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  customer_id TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  redeemed_at BIGINT,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, customer_id) REFERENCES customers(org_id, id),
  FOREIGN KEY (org_id, created_by) REFERENCES people(org_id, id)
);
CREATE INDEX portal_links_customer ON portal_links(org_id, customer_id, created_at);

CREATE TABLE portal_sessions (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  customer_id TEXT NOT NULL,
  link_id TEXT NOT NULL,
  csrf TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, customer_id) REFERENCES customers(org_id, id),
  FOREIGN KEY (org_id, link_id) REFERENCES portal_links(org_id, id)
);
