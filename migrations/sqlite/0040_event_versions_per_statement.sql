-- 0040: nothing to change here.  PostgreSQL's 0040 keeps the versions a history event bumps with a
-- statement trigger (once per INSERT, not once per row); SQLite has no statement triggers, and its
-- row trigger stays as it is.
SELECT 1;
