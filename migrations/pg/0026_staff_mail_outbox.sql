-- 0026: mail to staff (notifications at once, daily digests; issue 17) goes through the same
-- outbox as customer mail and is leased and delivered by the same worker.  The rows of
-- notify_mail (0017) move into mail_out: kind 'notice' or 'digest', no case, the person it is
-- for in person_id, and no mailbox when the organization has none (then it is sent from
-- frontline@localhost, as before).  notify_mail goes away.

ALTER TABLE mail_out ALTER COLUMN mailbox_id DROP NOT NULL;
ALTER TABLE mail_out DROP CONSTRAINT mail_out_kind_check;
ALTER TABLE mail_out ADD CONSTRAINT mail_out_kind_check CHECK (kind IN ('reply','ack','promise','proposal','at_risk','portal_link','exception','notice','digest'));
ALTER TABLE mail_out ADD COLUMN person_id TEXT;
ALTER TABLE mail_out ADD FOREIGN KEY (org_id, person_id) REFERENCES people(org_id, id);

INSERT INTO mail_out (org_id, id, case_id, touchpoint_id, kind, mailbox_id, from_addr, reply_to, to_addr, subject,
  body, message_id, in_reply_to, refs, auto, status, attempts, next_at, lease_owner, lease_until, last_error, created_at,
  sent_at, person_id)
SELECT n.org_id, n.id, NULL, NULL, n.kind,
  (SELECT b.id FROM mailboxes b WHERE b.org_id = n.org_id AND b.active = 1 ORDER BY b.name LIMIT 1),
  COALESCE((SELECT b.address FROM mailboxes b WHERE b.org_id = n.org_id AND b.active = 1 ORDER BY b.name LIMIT 1), 'frontline@localhost'),
  COALESCE((SELECT b.address FROM mailboxes b WHERE b.org_id = n.org_id AND b.active = 1 ORDER BY b.name LIMIT 1), 'frontline@localhost'),
  n.to_addr, n.subject, n.body, lower(n.id) || '@frontline.invalid', '', '', 1, n.status, n.attempts, n.next_at,
  n.lease_owner, n.lease_until, n.last_error, n.created_at, n.sent_at, n.person_id
FROM notify_mail n;
DROP TABLE notify_mail;
-- (0025 already made the case-version triggers leave alone mail on no case.)
