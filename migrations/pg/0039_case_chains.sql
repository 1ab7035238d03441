-- 0039 (PostgreSQL): the same as migrations/sqlite/0039_case_chains.sql (per-case chains, seals),
-- plus the two numbers PostgreSQL now draws without a row lock held to COMMIT.
ALTER TABLE events ADD COLUMN link BIGINT;
ALTER TABLE events ADD COLUMN chain TEXT;
ALTER TABLE org_heads ADD COLUMN last_link BIGINT NOT NULL DEFAULT 0;
UPDATE org_heads SET last_link = last_seq;

CREATE TABLE case_heads (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  case_id TEXT NOT NULL,
  last_link BIGINT NOT NULL,
  last_hash TEXT NOT NULL,
  sealed_link BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (org_id, case_id)
);
CREATE INDEX case_heads_unsealed ON case_heads(org_id) WHERE last_link > sealed_link;

CREATE TABLE chain_seals (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  seal_seq BIGINT NOT NULL,
  case_id TEXT NOT NULL,
  link BIGINT NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (org_id, seal_seq, case_id)
);

-- a seal changes no page a server keeps (0024, 0033)
CREATE OR REPLACE FUNCTION case_version_on_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.case_id IS NULL THEN
    IF NEW.kind NOT IN ('customer.created', 'audit.sealed') THEN
      PERFORM org_version_touch(NEW.org_id);
    END IF;
  ELSE
    PERFORM case_version_touch(NEW.org_id, NEW.case_id);
  END IF;
  RETURN NULL;
END;
$$;

-- Each organization has two sequences, fl_events_<org id> for events.seq and fl_cases_<org id>
-- for case numbers, created with the organization (store/event.c event_chain_init), here for the
-- organizations there are, and set past the highest number by copy-db: fl_org_sequences(org)
-- creates what is missing and moves both past what the tables hold.
--
-- Case numbers (a product decision, docs/API.md "Case numbers"): on PostgreSQL they stay unique
-- per organization and increase in the order they are drawn, and MAY have gaps where a case's
-- creation rolled back; SQLite keeps them gapless (case_counters, one writer).  case_counters is no
-- longer written on PostgreSQL.
CREATE FUNCTION fl_org_sequences(o TEXT) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  ev BIGINT;
  cs BIGINT;
BEGIN
  EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I MINVALUE 0 START 0', 'fl_events_' || o);
  EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I MINVALUE 0 START 0', 'fl_cases_' || o);
  SELECT COALESCE(MAX(seq), 0) INTO ev FROM events WHERE org_id = o;
  SELECT GREATEST(COALESCE(MAX(number), 0), COALESCE((SELECT last_number FROM case_counters WHERE org_id = o), 0))
    INTO cs FROM cases WHERE org_id = o;
  PERFORM setval(format('%I', 'fl_events_' || o)::regclass,
                 GREATEST(ev, COALESCE(pg_sequence_last_value(format('%I', 'fl_events_' || o)::regclass), 0)), true);
  PERFORM setval(format('%I', 'fl_cases_' || o)::regclass,
                 GREATEST(cs, COALESCE(pg_sequence_last_value(format('%I', 'fl_cases_' || o)::regclass), 0)), true);
END;
$$;

CREATE FUNCTION fl_case_number(o TEXT) RETURNS BIGINT LANGUAGE sql AS $$
  SELECT nextval(format('%I', 'fl_cases_' || o)::regclass);
$$;

-- events.seq without a lock: the next value of the organization's sequence.  Values are drawn in
-- one order and committed in another, so a reader that follows seq (webhooks, live pages, the
-- history page) must not pass a number whose transaction is still running: before it draws, a
-- writer takes a shared advisory lock (until its transaction ends) on the number it expects,
-- the sequence's last value + 1, and keeps the number only if nextval gave exactly that;
-- otherwise the number it got is never used (a gap) and it tries again.  So every number an event
-- may carry was locked before it was drawn, and fl_events_ready (below) sees every running
-- writer's number.
CREATE FUNCTION fl_event_seq(o TEXT) RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
  sq REGCLASS := format('%I', 'fl_events_' || o)::regclass;
  k INT := hashtext('fl_events:' || o);
  s BIGINT;
BEGIN
  LOOP
    s := pg_sequence_last_value(sq) + 1;
    PERFORM pg_advisory_xact_lock_shared(k, (s % 2147483647)::int);
    IF nextval(sq) = s THEN
      RETURN s;
    END IF;
  END LOOP;
END;
$$;

-- n numbers at once (a scheduler pass's events): increasing, not always consecutive.
CREATE FUNCTION fl_event_seqs(o TEXT, n BIGINT) RETURNS SETOF BIGINT LANGUAGE plpgsql AS $$
BEGIN
  FOR i IN 1..n LOOP
    RETURN NEXT fl_event_seq(o);
  END LOOP;
END;
$$;

-- The highest seq up to which a reader that follows seq may go: every number up to it is committed
-- (and visible to the reader's next statement) or will never be (rolled back, unused).  That is
-- the organization's highest seq, but below the lowest number a running writer holds (the locks
-- fl_event_seq takes before drawing, in pg_locks), read after the highest: a number drawn after
-- that read is above it.  (The locks name numbers modulo 2^31 - 1: past 2,147,483,646 events of
-- one organization a reader may wait for an unrelated writer, never skip one.)
CREATE FUNCTION fl_events_ready(o TEXT) RETURNS BIGINT LANGUAGE sql STABLE AS $$
  SELECT LEAST(
    (SELECT COALESCE(MAX(seq), 0) FROM events WHERE org_id = o),
    (SELECT MIN(l.objid::text::bigint) - 1 FROM pg_locks l
      WHERE l.locktype = 'advisory' AND l.objsubid = 2
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND l.classid = ((hashtext('fl_events:' || o)::bigint + 4294967296) % 4294967296)::text::oid));
$$;

SELECT fl_org_sequences(id) FROM orgs;
