-- 0016: the id of the HTTP request that caused an event (its X-Request-Id and the "req" of its log
-- lines), so an operator goes from a log line to the history and back.  NULL for the command line
-- and the scheduler.  Outside the hash chain (store/event.h): it ties the history to the logs.
ALTER TABLE events ADD COLUMN request_id TEXT;
