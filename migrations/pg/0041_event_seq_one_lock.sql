-- 0041 (PostgreSQL): a transaction takes one advisory lock per organization for the history's seq
-- numbers it draws, not one per number.  0039's fl_event_seq locked every number before drawing
-- it, and held each lock to COMMIT: a scheduler pass appending thousands of events in one
-- transaction needed as many lock slots, past the lock table's size (max_locks_per_transaction
-- 64 x max_connections 100 by default), and failed with "out of shared memory" - every pass after
-- it too.  Locking the first number is enough: fl_events_ready stops readers below the lowest
-- number any running writer holds, and every later number a transaction draws from the same
-- sequence is higher than its first.  Whether the transaction holds its lock is a setting local to
-- the transaction (set_config(..., true)): it ends with it, and a rolled-back savepoint undoes it
-- together with the lock taken inside it.
CREATE OR REPLACE FUNCTION fl_event_seq(o TEXT) RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
  sq REGCLASS := format('%I', 'fl_events_' || o)::regclass;
  k INT := hashtext('fl_events:' || o);
  held TEXT := 'fl.seq_held_' || lower(o);
  s BIGINT;
BEGIN
  IF current_setting(held, true) = 'on' THEN
    RETURN nextval(sq);
  END IF;
  LOOP
    s := pg_sequence_last_value(sq) + 1;
    PERFORM pg_advisory_xact_lock_shared(k, (s % 2147483647)::int);
    IF nextval(sq) = s THEN
      PERFORM set_config(held, 'on', true);
      RETURN s;
    END IF;
  END LOOP;
END;
$$;
