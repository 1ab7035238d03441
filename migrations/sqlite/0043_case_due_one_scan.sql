-- 0043: nothing to change here.  PostgreSQL's 0043 computes a statement's case due times with one
-- scan of each case's promises and one of its requests; SQLite keeps its row triggers (0015, 0023).
SELECT 1;
