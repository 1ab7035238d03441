-- "my open cases" with 13 rows (issue 14's second size): mine.lua with limit=13 (bench-ab.sh runs wrk
-- from the repository's root).
MINE_LIMIT = 13
dofile("scripts/bench/mine.lua")
