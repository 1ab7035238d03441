-- 0021: the truth by email (issue 16).  The outbox takes more kinds of mail: a proposal of a new
-- time for a promise (the customer accepts by replying), the portal sign-in link, the customer's
-- copy of an exception's outcome, and notices to people of the organization (which belong to no
-- case).  A proposal is remembered until the customer answers it: "yes" in a reply to it is the
-- consent that renegotiates the promise, with that message as the evidence.

ALTER TABLE mail_out ALTER COLUMN case_id DROP NOT NULL;
ALTER TABLE mail_out DROP CONSTRAINT mail_out_kind_check;
ALTER TABLE mail_out ADD CONSTRAINT mail_out_kind_check CHECK (kind IN ('reply','ack','promise','proposal','at_risk','portal_link','exception','notice'));
ALTER TABLE mail_templates DROP CONSTRAINT mail_templates_kind_check;
ALTER TABLE mail_templates ADD CONSTRAINT mail_templates_kind_check CHECK (kind IN ('ack','promise','at_risk','proposal','portal_link','exception'));

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
