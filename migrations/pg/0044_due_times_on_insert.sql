-- 0044: nothing to change here.  SQLite's 0044 lets a new promise or request lower its case's due
-- times by itself instead of recomputing them from all the case's promises and requests; on
-- PostgreSQL the statement triggers keep recomputing, once per statement, each case's times in one
-- scan of its promises and one of its requests (case_due_write, 0043).
SELECT 1;
