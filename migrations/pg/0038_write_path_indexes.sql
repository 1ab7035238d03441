-- 0038: the write path (issue 14): indexes no query reads (see migrations/sqlite/0038).  On
-- PostgreSQL too each one is written at every case opening.
--
-- customers_phone (org_id, phone_digits): the one lookup by phone digits is a LIKE '%digits'
-- (customer_match_sql), which a btree does not serve; likely duplicates read customers_phone_tail.
DROP INDEX customers_phone;
-- cases_team (org_id, team_id, status) is the head of cases_team_updated.
DROP INDEX cases_team;
-- events_entity: its one query (svc/mail/notify.c) now names the promise's case (events_case).
DROP INDEX events_entity;
