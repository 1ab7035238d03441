-- 0010: sign-in throttling counters (issue 13 item 3), and the index that finds expired sessions.
-- One row per counter: an account (organization + email) from anywhere, an account from one
-- client address, or one client address across accounts.  org_id is the organization's id for
-- account counters of an existing organization, else '' (address counters span organizations).
-- key is a hash of what is counted, so made-up emails and addresses are never stored in clear.
CREATE TABLE signin_throttle (
  org_id TEXT NOT NULL,
  key TEXT NOT NULL,
  failures BIGINT NOT NULL,
  last_at BIGINT NOT NULL,
  next_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, key)
);
CREATE INDEX signin_throttle_last ON signin_throttle(last_at);

CREATE INDEX sessions_expiry ON sessions(expires_at);
