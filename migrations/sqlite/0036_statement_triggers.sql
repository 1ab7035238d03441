-- 0036: nothing to change here.  PostgreSQL's 0036 keeps the case versions and due times with
-- statement triggers over transition tables (once per statement, not once per row); SQLite has no
-- statement triggers, and its row triggers stay as they are.
SELECT 1;
