-- 0018: what can we honestly promise (issue 18).  A request has a kind ("hold", "resend") and the
-- team whose history it adds to (its holding team, or the holding person's team), with how many
-- requests that team had outstanding when it was made.  When a request is completed its business
-- duration (the time its team was open between creation and completion) is added to four rollups:
-- team + kind + time bucket (weekday x 6-hour part of the day, the team's local time), team + kind
-- (bucket -1), team (kind '*') and the organization (team '*').  hist is the histogram as JSON
-- (core/estimate.h: log-spaced bins with forward-decay weights, and the last completions), so an
-- estimate reads at most four rows and never the history.
ALTER TABLE requests ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE requests ADD COLUMN est_team_id TEXT;
ALTER TABLE requests ADD COLUMN open_at_create INTEGER;
CREATE INDEX requests_est_open ON requests(org_id, est_team_id, status);

CREATE TABLE estimate_rollups (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  team_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  bucket INTEGER NOT NULL,
  n BIGINT NOT NULL,
  load_sum BIGINT NOT NULL,
  hist TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, team_id, kind, bucket)
);

-- Declines and deferrals of a team's requests of a kind that cited a policy ("walk-ins first"):
-- the policy risks an estimate names.
CREATE TABLE estimate_policies (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  team_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  policy_id TEXT NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (org_id, team_id, kind, policy_id)
);

-- The estimate recorded when a promise or a request was made (subject_id is its id): what the form
-- showed, kept for the calibration report and the "promise standard exceeds capacity" root cause.
-- probability_pm is per mille (NULL: not enough history); warned = below the threshold then.
CREATE TABLE estimates (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  subject_id TEXT NOT NULL,
  case_id TEXT NOT NULL,
  team_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  bucket INTEGER NOT NULL,
  made_at BIGINT NOT NULL,
  due_at BIGINT NOT NULL,
  level TEXT NOT NULL,
  samples BIGINT NOT NULL,
  probability_pm INTEGER,
  by50 BIGINT,
  by80 BIGINT,
  by95 BIGINT,
  threshold_pct INTEGER NOT NULL,
  warned INTEGER NOT NULL DEFAULT 0,
  evidence TEXT NOT NULL,
  PRIMARY KEY (org_id, subject_id),
  FOREIGN KEY (org_id, case_id) REFERENCES cases(org_id, id)
);
CREATE INDEX estimates_made ON estimates(org_id, made_at);
