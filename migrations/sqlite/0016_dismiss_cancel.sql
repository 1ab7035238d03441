-- 0016: a person can dismiss an alert (one, or all at once): it leaves their list and the unread
-- count, and stays in the table (and the history records the dismissal).
ALTER TABLE alerts ADD COLUMN dismissed_at BIGINT;

-- A case resolved with its requests cancelled: the request is closed (status 'done', no timers) and
-- cancelled_at says it was called off, not delivered; the API shows it as "cancelled".
ALTER TABLE requests ADD COLUMN cancelled_at BIGINT;
