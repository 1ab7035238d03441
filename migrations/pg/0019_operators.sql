-- 0019: for operators (issue 17, docs/OPERATIONS.md).
-- The id of the HTTP request that caused an event (its X-Request-Id and the "req" of its log
-- lines), so an operator goes from a log line to the history and back.  NULL for the command line
-- and the scheduler.  Outside the hash chain (store/event.h): it ties the history to the logs.
ALTER TABLE events ADD COLUMN request_id TEXT;
-- GET /metrics counts the open and at-risk promises of each organization from this index alone
-- (svc/metrics.c), reading no promise row.
CREATE INDEX promises_open ON promises(status, org_id, at_risk_at);
