-- 0014: recognition of accountable acts (issue 19, docs/recognition.md).  Acts are recognised from
-- the record by the rules in core/recognition.c, in the transaction of the event that shows them;
-- thanks are given by colleagues for a case; scorecard_daily is the rollup every scorecard reads
-- (one row per organization, person, UTC day and measure), kept in the same transactions.
CREATE TABLE recognition_acts (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  person_id TEXT NOT NULL,
  team_id TEXT NOT NULL DEFAULT '',   -- the person's team when the act was recognised
  kind TEXT NOT NULL,                 -- core/recognition.h rec_kind_name
  case_id TEXT,
  subject_type TEXT NOT NULL,         -- what the act is about: offer, request, promise, case, system_issue, exception
  subject_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (org_id, id),
  UNIQUE (org_id, kind, subject_id, person_id),
  FOREIGN KEY (org_id, person_id) REFERENCES people(org_id, id)
);
CREATE INDEX recognition_acts_person ON recognition_acts(org_id, person_id, at);

CREATE TABLE thanks (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  from_id TEXT NOT NULL,
  to_id TEXT NOT NULL,
  case_id TEXT NOT NULL,
  text TEXT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, from_id) REFERENCES people(org_id, id),
  FOREIGN KEY (org_id, to_id) REFERENCES people(org_id, id),
  FOREIGN KEY (org_id, case_id) REFERENCES cases(org_id, id)
);
CREATE INDEX thanks_to ON thanks(org_id, to_id, at);
CREATE INDEX thanks_from ON thanks(org_id, from_id, at);

-- person_id '' holds a team's own counts (a breach held by the team, not by one of its people)
CREATE TABLE scorecard_daily (
  org_id TEXT NOT NULL,
  person_id TEXT NOT NULL,
  team_id TEXT NOT NULL,
  day BIGINT NOT NULL,                -- the UTC day's start, in ms
  measure TEXT NOT NULL,              -- core/recognition.h REC_MEASURES keys, 'team_breaches', 'act.KIND'
  n BIGINT NOT NULL,
  PRIMARY KEY (org_id, person_id, day, measure, team_id)
);
CREATE INDEX scorecard_daily_team ON scorecard_daily(org_id, team_id, day, measure);

-- follow-ups on requests (S5: "call them, check on progress"), and system issues that were fixed
ALTER TABLE requests ADD COLUMN followed_up_at BIGINT;
ALTER TABLE system_issues ADD COLUMN fixed INTEGER NOT NULL DEFAULT 0;
