-- 0038: the write path (issue 14): fewer B-trees written per case opening.  Each index dropped
-- here is read by no query (EXPLAIN QUERY PLAN of every query on its table, BENCHMARKS.md "Issue 14:
-- the durable write path"), and each one was a page of its own in the log at every case opening.
--
-- customers_phone (org_id, phone_digits): the one lookup by phone digits is a LIKE '%digits'
-- (customer_match_sql), which no index serves; the search box reads cases_words, likely duplicates
-- read customers_phone_tail.
DROP INDEX customers_phone;
-- cases_team (org_id, team_id, status) is the head of cases_team_updated (org_id, team_id, status,
-- updated_at, id), which serves every query it served.
DROP INDEX cases_team;
-- events_entity (org_id, entity_id, seq): its one query, the why of a promise's latest at-risk mark
-- (svc/mail/notify.c), now names the promise's case and reads events_case.  A case opening wrote
-- three of its pages (a customer's, a case's and a touchpoint's ids sort apart).
DROP INDEX events_entity;
-- The phone tail (0015) is written with the row by the services; the trigger now only repairs a
-- row written without it (plain SQL), instead of writing every new customer twice.
DROP TRIGGER customers_phone_tail_insert;
CREATE TRIGGER customers_phone_tail_insert AFTER INSERT ON customers
WHEN NEW.phone_tail <> CASE WHEN length(NEW.phone_digits) >= 7 THEN substr(NEW.phone_digits, -7) ELSE '' END BEGIN
  UPDATE customers SET phone_tail = CASE WHEN length(NEW.phone_digits) >= 7 THEN substr(NEW.phone_digits, -7) ELSE '' END
  WHERE org_id = NEW.org_id AND id = NEW.id;
END;
