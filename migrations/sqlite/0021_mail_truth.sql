-- 0021: the truth by email (issue 16).  The outbox takes more kinds of mail: a proposal of a new
-- time for a promise (the customer accepts by replying), the portal sign-in link, the customer's
-- copy of an exception's outcome, and notices to people of the organization (which belong to no
-- case).  A proposal is remembered until the customer answers it: "yes" in a reply to it is the
-- consent that renegotiates the promise, with that message as the evidence.

-- SQLite changes a CHECK or NOT NULL only by rebuilding the table (same columns, same order).
CREATE TABLE mail_out_0019 (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  case_id TEXT,                     -- NULL for a notice to a person of the organization
  touchpoint_id TEXT,
  kind TEXT NOT NULL CHECK (kind IN ('reply','ack','promise','proposal','at_risk','portal_link','exception','notice')),
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
INSERT INTO mail_out_0019 SELECT * FROM mail_out;
DROP TABLE mail_out;
ALTER TABLE mail_out_0019 RENAME TO mail_out;
CREATE INDEX mail_out_due ON mail_out(status, next_at);
CREATE INDEX mail_out_case ON mail_out(org_id, case_id, created_at);
CREATE UNIQUE INDEX mail_out_message ON mail_out(org_id, message_id);

CREATE TABLE mail_templates_0019 (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  kind TEXT NOT NULL CHECK (kind IN ('ack','promise','at_risk','proposal','portal_link','exception')),
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, kind)
);
INSERT INTO mail_templates_0019 SELECT * FROM mail_templates;
DROP TABLE mail_templates;
ALTER TABLE mail_templates_0019 RENAME TO mail_templates;

CREATE TABLE mail_proposals (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  case_id TEXT NOT NULL,
  promise_id TEXT NOT NULL,         -- the promise it would move
  due_at BIGINT NOT NULL,           -- the new time proposed
  mail_id TEXT NOT NULL,            -- the mail_out row that asked
  proposed_by TEXT NOT NULL,        -- the person who proposed it
  status TEXT NOT NULL CHECK (status IN ('pending','accepted','declined','superseded','lapsed')),
  answer_mail_id TEXT,              -- the customer's reply (mail_in) that decided it
  new_promise_id TEXT,              -- the promise an acceptance made
  created_at BIGINT NOT NULL,
  decided_at BIGINT,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, case_id) REFERENCES cases(org_id, id),
  FOREIGN KEY (org_id, promise_id) REFERENCES promises(org_id, id),
  FOREIGN KEY (org_id, mail_id) REFERENCES mail_out(org_id, id)
);
CREATE INDEX mail_proposals_promise ON mail_proposals(org_id, promise_id, status);
CREATE INDEX mail_proposals_mail ON mail_proposals(org_id, mail_id);
