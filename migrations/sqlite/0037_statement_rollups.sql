-- 0037: nothing to change here.  PostgreSQL's 0037 keeps the report rollups the scheduler's
-- multi-row writes feed with statement triggers (once per statement, not once per row); SQLite has
-- no statement triggers, and its row triggers stay as they are.
SELECT 1;
