-- 0026: mail to staff (notifications at once, daily digests; issue 17) goes through the same
-- outbox as customer mail and is leased and delivered by the same worker.  The rows of
-- notify_mail (0017) move into mail_out: kind 'notice' or 'digest', no case, the person it is
-- for in person_id, and no mailbox when the organization has none (then it is sent from
-- frontline@localhost, as before).  notify_mail goes away.

-- SQLite changes a NOT NULL or a CHECK only by rebuilding the table.  mail_proposals refers to
-- mail_out: its rows are set aside while mail_out is rebuilt (dropping a parent with children
-- would fail the foreign key at commit), then put back.
CREATE TEMP TABLE mail_proposals_0026 AS SELECT * FROM mail_proposals;
DELETE FROM mail_proposals;

CREATE TABLE mail_out_0026 (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  case_id TEXT,                     -- NULL for mail to a person of the organization
  touchpoint_id TEXT,
  kind TEXT NOT NULL CHECK (kind IN ('reply','ack','promise','proposal','at_risk','portal_link','exception','notice','digest')),
  mailbox_id TEXT,                  -- NULL: staff mail of an organization without a mailbox
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
  person_id TEXT,                   -- the person of the organization it is for (notice, digest)
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, case_id) REFERENCES cases(org_id, id),
  FOREIGN KEY (org_id, mailbox_id) REFERENCES mailboxes(org_id, id),
  FOREIGN KEY (org_id, person_id) REFERENCES people(org_id, id)
);
INSERT INTO mail_out_0026 SELECT *, NULL FROM mail_out;
INSERT INTO mail_out_0026 (org_id, id, case_id, touchpoint_id, kind, mailbox_id, from_addr, reply_to, to_addr, subject,
  body, message_id, in_reply_to, refs, auto, status, attempts, next_at, lease_owner, lease_until, last_error, created_at,
  sent_at, person_id)
SELECT n.org_id, n.id, NULL, NULL, n.kind,
  (SELECT b.id FROM mailboxes b WHERE b.org_id = n.org_id AND b.active = 1 ORDER BY b.name LIMIT 1),
  COALESCE((SELECT b.address FROM mailboxes b WHERE b.org_id = n.org_id AND b.active = 1 ORDER BY b.name LIMIT 1), 'frontline@localhost'),
  COALESCE((SELECT b.address FROM mailboxes b WHERE b.org_id = n.org_id AND b.active = 1 ORDER BY b.name LIMIT 1), 'frontline@localhost'),
  n.to_addr, n.subject, n.body, lower(n.id) || '@frontline.invalid', '', '', 1, n.status, n.attempts, n.next_at,
  n.lease_owner, n.lease_until, n.last_error, n.created_at, n.sent_at, n.person_id
FROM notify_mail n;
DROP TABLE mail_out;
ALTER TABLE mail_out_0026 RENAME TO mail_out;
CREATE INDEX mail_out_due ON mail_out(status, next_at);
CREATE INDEX mail_out_case ON mail_out(org_id, case_id, created_at);
CREATE UNIQUE INDEX mail_out_message ON mail_out(org_id, message_id);

-- 0024's triggers on mail_out went with the old table, as 0025 wants (it drops them on PostgreSQL):
-- a case page's mail part is rendered at every read.  mail_in keeps 0025's, which leave alone mail
-- on no case.

INSERT INTO mail_proposals SELECT * FROM mail_proposals_0026;
DROP TABLE mail_proposals_0026;
DROP TABLE notify_mail;
