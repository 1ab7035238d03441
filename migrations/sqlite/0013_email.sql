-- 0013: email as a channel (issue 16).  Mailboxes receive mail for a team; every inbound message
-- is kept (raw, content-addressed) with how it was parsed and where it went; the outbox holds
-- every message to send, written in the same transaction as the event that caused it, and is
-- delivered by a worker that leases one message at a time (docs/email.md).
CREATE TABLE mailboxes (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  address TEXT NOT NULL,            -- lower case; unique over the installation (the mail server delivers by it)
  display_name TEXT NOT NULL DEFAULT '',
  team_id TEXT NOT NULL,            -- the queue: new cases belong to this team
  owner_id TEXT NOT NULL,           -- who owns a case the mail opens until someone takes it
  location_id TEXT,                 -- the intake location (its time zone is the customer's clock)
  authserv_id TEXT NOT NULL DEFAULT '', -- the mail server whose Authentication-Results are trusted ('' = none)
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, id),
  UNIQUE (org_id, name),
  FOREIGN KEY (org_id, team_id) REFERENCES teams(org_id, id),
  FOREIGN KEY (org_id, owner_id) REFERENCES people(org_id, id),
  FOREIGN KEY (org_id, location_id) REFERENCES locations(org_id, id)
);
CREATE UNIQUE INDEX mailboxes_address ON mailboxes(address);

-- Content-addressed bytes (raw messages, attachments): hash = BLAKE2b-256 hex, data = base64.
CREATE TABLE mail_blobs (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  hash TEXT NOT NULL,
  size BIGINT NOT NULL,
  data TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, hash)
);

-- The secret in a case's reply address (support+c123-SECRET@...): without it, a case number
-- alone threads nothing.
CREATE TABLE mail_case_keys (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  case_id TEXT NOT NULL,
  secret TEXT NOT NULL,
  PRIMARY KEY (org_id, case_id),
  FOREIGN KEY (org_id, case_id) REFERENCES cases(org_id, id)
);

CREATE TABLE mail_in (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  mailbox_id TEXT NOT NULL,
  message_id TEXT NOT NULL,         -- normalized (no <>, lower case); made from the bytes' hash when missing
  from_addr TEXT NOT NULL DEFAULT '',
  subject TEXT NOT NULL DEFAULT '',
  raw_hash TEXT NOT NULL,
  size BIGINT NOT NULL,
  parse_status TEXT NOT NULL CHECK (parse_status IN ('ok','stub')),
  parse_error TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('threaded','opened','auto','rate_limited','held')),
  reason TEXT NOT NULL DEFAULT '',  -- why auto / held / how it was threaded
  case_id TEXT,
  touchpoint_id TEXT,
  received_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, id),
  UNIQUE (org_id, message_id),
  FOREIGN KEY (org_id, mailbox_id) REFERENCES mailboxes(org_id, id)
);
CREATE INDEX mail_in_sender ON mail_in(org_id, from_addr, received_at);
CREATE INDEX mail_in_case ON mail_in(org_id, case_id, received_at);
CREATE INDEX mail_in_touchpoint ON mail_in(org_id, touchpoint_id);

CREATE TABLE mail_attachments (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  mail_id TEXT NOT NULL,
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, mail_id) REFERENCES mail_in(org_id, id),
  FOREIGN KEY (org_id, hash) REFERENCES mail_blobs(org_id, hash)
);
CREATE INDEX mail_attachments_mail ON mail_attachments(org_id, mail_id);

-- The outbox.  A worker claims one due row by setting lease_owner/lease_until (one attempt at a
-- time across servers), sends it, and records sent / deferred (next_at grows) / bounced.
CREATE TABLE mail_out (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  case_id TEXT NOT NULL,
  touchpoint_id TEXT,
  kind TEXT NOT NULL CHECK (kind IN ('reply','ack','promise')),
  mailbox_id TEXT NOT NULL,
  from_addr TEXT NOT NULL,
  reply_to TEXT NOT NULL,
  to_addr TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  message_id TEXT NOT NULL,
  in_reply_to TEXT NOT NULL DEFAULT '',
  refs TEXT NOT NULL DEFAULT '',
  auto INTEGER NOT NULL DEFAULT 0,  -- 1: carries Auto-Submitted: auto-replied
  status TEXT NOT NULL CHECK (status IN ('queued','sent','deferred','bounced')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at BIGINT NOT NULL,
  lease_owner TEXT,
  lease_until BIGINT,
  last_error TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  sent_at BIGINT,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, case_id) REFERENCES cases(org_id, id),
  FOREIGN KEY (org_id, mailbox_id) REFERENCES mailboxes(org_id, id)
);
CREATE INDEX mail_out_due ON mail_out(status, next_at);
CREATE INDEX mail_out_case ON mail_out(org_id, case_id, created_at);
CREATE UNIQUE INDEX mail_out_message ON mail_out(org_id, message_id);

-- Per-organization wording of automatic mail; the built-in text applies where none is set.
CREATE TABLE mail_templates (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  kind TEXT NOT NULL CHECK (kind IN ('ack','promise')),
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, kind)
);
