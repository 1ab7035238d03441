-- 0015: a person can dismiss an alert (one, or all at once): it leaves their list and the unread
-- count, and stays in the table (and the history records the dismissal).
ALTER TABLE alerts ADD COLUMN dismissed_at BIGINT;
