-- 0022: on SQLite a case's search document is now rebuilt once per transaction (FTS5 writes a
-- segment at every savepoint; see migrations/sqlite/0019).  PostgreSQL refreshes its case_search
-- row per changed row as before (no FTS5, no flush per savepoint): nothing changes here.
SELECT 1;
