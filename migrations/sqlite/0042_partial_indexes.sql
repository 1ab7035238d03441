-- 0042: the write path (issue 14): four indexes hold only the rows their queries read, so a case
-- opening writes none of their pages.  A case opening writes one leaf page of every index it adds
-- an entry to (each organization's entries sit apart, and a batch of openings spans
-- organizations); these four took an entry of every opening that no query ever reads.
--
-- cases_resolved: read only by the "resolved recently" view, whose condition names
-- status = 'resolved' (svc/ledger/queue.c); an open case is not in it.
DROP INDEX cases_resolved;
CREATE INDEX cases_resolved ON cases(org_id, resolved_at, id) WHERE status = 'resolved';
-- cases_risk: read only by the "at risk" view, whose condition names risk_at < 9007199254740991
-- (a case with nothing due has that risk_at: migration 0015); a case with nothing due is not in it.
DROP INDEX cases_risk;
CREATE INDEX cases_risk ON cases(org_id, status, risk_at, id) WHERE risk_at < 9007199254740991;
-- customers_phone_tail: likely duplicates match a phone's last seven digits only when there are
-- seven (phone_tail <> '', named in that query: svc/ledger/customer.c); a customer without a phone
-- is not in it.
DROP INDEX customers_phone_tail;
CREATE INDEX customers_phone_tail ON customers(org_id, phone_tail) WHERE phone_tail <> '';
-- events_case: read by a case's id (case_id = ?, which implies IS NOT NULL to both planners); the
-- history's events of no case (a customer created, a person's settings) are not in it.
DROP INDEX events_case;
CREATE INDEX events_case ON events(org_id, case_id, seq) WHERE case_id IS NOT NULL;
--
-- And one index a read lacked: a case's proposals of new times (its page, and its pending proposal:
-- svc/mail/proposal.c) were found by reading every proposal of the organization (mail_proposals
-- had no index by case).
CREATE INDEX mail_proposals_case ON mail_proposals(org_id, case_id, status);
