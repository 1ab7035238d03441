-- 0044: nothing to change here.  SQLite's 0044 lets a new promise or request lower its case's due
-- times by itself instead of recomputing them from all the case's promises and requests; on
-- PostgreSQL the insert triggers keep recomputing through case_due_times (0034), whose MINs read
-- the case's rows through their indexes.
SELECT 1;
