-- 0041: nothing to change here.  PostgreSQL's 0041 takes one advisory lock per transaction for the
-- history's seq numbers; SQLite has one writer, which draws them in commit order.
SELECT 1;
