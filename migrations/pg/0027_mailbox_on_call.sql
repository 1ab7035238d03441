-- 0027: a mailbox may name the skill whose on-call rota answers its new cases out of hours
-- (issue 16): a message that opens a case while the mailbox's intake location is closed is
-- offered, as POST /cases/{id}/route would, to whoever is on call for that skill (svc/mail/inbound.c).
-- NULL: no routing, the case waits for the mailbox's owner.
ALTER TABLE mailboxes ADD COLUMN skill_id TEXT;
