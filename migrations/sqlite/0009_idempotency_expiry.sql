-- 0009: Idempotency-Key answers expire: the server replays an answer for idempotency_hours
-- (default 24) and then deletes it, oldest first by this index.  A stored answer never keeps a
-- secret shown once (API tokens, portal links, calendar links): answers stored before this
-- version that hold one are deleted.
CREATE INDEX idempotency_created ON idempotency(created_at);
DELETE FROM idempotency WHERE body LIKE '%"token":%' OR body LIKE '%"csrf_token":%' OR body LIKE '%feed.ics?key=%';
