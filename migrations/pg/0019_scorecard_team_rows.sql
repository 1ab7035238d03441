-- 0019: a team's scorecard reads only the team's own rows (person_id '', migration 0014) of its
-- period: index them by team first, covering the sum, so a year is a few thousand index entries
-- whatever the team's size.  It replaces the index by team and day, which read every member's rows.
DROP INDEX scorecard_daily_team;
CREATE INDEX scorecard_daily_team_rows ON scorecard_daily(org_id, team_id, person_id, day, measure, n);
