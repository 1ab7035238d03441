-- 0034: nothing to change here.  PostgreSQL's 0034 makes its view case_due_times look a case's
-- promises and requests up by the case, as SQLite's has since 0023 ("+status").
SELECT 1;
