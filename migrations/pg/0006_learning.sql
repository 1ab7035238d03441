-- 0006: learning from failure — failure reviews with systemic causes and tracked actions, the
-- root-cause report's facets, pulse surveys (confidential answers), system issues with leader
-- owners, coaching notes and legal holds.  Portable SQL (SQLite 3.40 and PostgreSQL 15).

CREATE TABLE reviews (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  case_id TEXT NOT NULL,
  trigger_kind TEXT NOT NULL CHECK (trigger_kind IN ('breach','complaint','manual')),
  breach_id TEXT,
  promise_id TEXT,
  owner_id TEXT NOT NULL,
  case_owner_id TEXT NOT NULL,
  team_id TEXT,
  status TEXT NOT NULL CHECK (status IN ('open','closed')),
  facts TEXT NOT NULL DEFAULT '{}',
  summary TEXT NOT NULL DEFAULT '',
  opened_by TEXT NOT NULL,
  opened_at BIGINT NOT NULL,
  due_at BIGINT NOT NULL,
  closed_at BIGINT,
  closed_by TEXT,
  PRIMARY KEY (org_id, id),
  UNIQUE (org_id, breach_id),
  FOREIGN KEY (org_id, case_id) REFERENCES cases(org_id, id),
  FOREIGN KEY (org_id, owner_id) REFERENCES people(org_id, id)
);
CREATE INDEX reviews_case ON reviews(org_id, case_id);
CREATE INDEX reviews_owner ON reviews(org_id, owner_id, status, due_at);
CREATE INDEX reviews_opened ON reviews(org_id, opened_at);
CREATE INDEX reviews_status ON reviews(org_id, status, due_at);

-- One row per (review, category); opened_at, team_id and case_id are copied from the review so
-- the root-cause report reads one index range.
CREATE TABLE review_causes (
  org_id TEXT NOT NULL,
  review_id TEXT NOT NULL,
  category TEXT NOT NULL,
  evidence TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  case_id TEXT NOT NULL,
  team_id TEXT,
  opened_at BIGINT NOT NULL,
  added_by TEXT NOT NULL,
  added_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, review_id, category),
  FOREIGN KEY (org_id, review_id) REFERENCES reviews(org_id, id)
);
CREATE INDEX review_causes_at ON review_causes(org_id, opened_at, category);
CREATE INDEX review_causes_cat ON review_causes(org_id, category, opened_at);

-- Facets of a review for the report: each channel boundary crossed (chat->phone) and each policy
-- (or policy pair in conflict) involved.  kind: 'boundary' or 'policy'; label is the group key.
CREATE TABLE review_facets (
  org_id TEXT NOT NULL,
  review_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('boundary','policy')),
  label TEXT NOT NULL,
  case_id TEXT NOT NULL,
  opened_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, review_id, kind, label),
  FOREIGN KEY (org_id, review_id) REFERENCES reviews(org_id, id)
);
CREATE INDEX review_facets_at ON review_facets(org_id, kind, opened_at);

-- Actions of a review: tracked like requests (reminder, overdue, escalation), each exactly once.
CREATE TABLE review_actions (
  org_id TEXT NOT NULL,
  id TEXT NOT NULL,
  review_id TEXT NOT NULL,
  case_id TEXT NOT NULL,
  title TEXT NOT NULL,
  owner_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open','done')),
  due_at BIGINT NOT NULL,
  remind_at BIGINT NOT NULL,
  escalate_at BIGINT NOT NULL,
  reminded_at BIGINT,
  overdue_at BIGINT,
  escalated_at BIGINT,
  escalated_to TEXT,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  done_at BIGINT,
  note TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, review_id) REFERENCES reviews(org_id, id),
  FOREIGN KEY (org_id, owner_id) REFERENCES people(org_id, id)
);
CREATE INDEX review_actions_review ON review_actions(org_id, review_id);
CREATE INDEX review_actions_owner ON review_actions(org_id, owner_id, status);
CREATE INDEX review_actions_remind ON review_actions(remind_at) WHERE status = 'open' AND reminded_at IS NULL;
CREATE INDEX review_actions_due ON review_actions(due_at) WHERE status = 'open' AND overdue_at IS NULL;
CREATE INDEX review_actions_esc ON review_actions(escalate_at) WHERE status = 'open' AND escalated_at IS NULL;

-- Pulse surveys.  kind: 'pulse' (scheduled by the organization) or 'breach' (offered to the people
-- involved in a breach).  questions is a JSON array of texts.
CREATE TABLE surveys (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('pulse','breach')),
  title TEXT NOT NULL,
  questions TEXT NOT NULL,
  team_id TEXT,
  case_id TEXT,
  breach_id TEXT,
  opens_at BIGINT NOT NULL,
  closes_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, id),
  UNIQUE (org_id, breach_id)
);
CREATE INDEX surveys_opens ON surveys(org_id, opens_at);

-- Who is asked, and whether they answered (never which answers are theirs).
CREATE TABLE survey_invites (
  org_id TEXT NOT NULL,
  survey_id TEXT NOT NULL,
  person_id TEXT NOT NULL,
  invited_at BIGINT NOT NULL,
  answered_at BIGINT,
  answered_team_id TEXT,
  PRIMARY KEY (org_id, survey_id, person_id),
  FOREIGN KEY (org_id, survey_id) REFERENCES surveys(org_id, id)
);
CREATE INDEX survey_invites_person ON survey_invites(org_id, person_id, answered_at);

-- Answers carry the respondent's team, never the respondent.
CREATE TABLE survey_answers (
  org_id TEXT NOT NULL,
  id TEXT NOT NULL,
  survey_id TEXT NOT NULL,
  response_id TEXT NOT NULL,
  team_id TEXT,
  question INTEGER NOT NULL,
  rating INTEGER,
  text TEXT NOT NULL DEFAULT '',
  at BIGINT NOT NULL,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, survey_id) REFERENCES surveys(org_id, id)
);
CREATE INDEX survey_answers_survey ON survey_answers(org_id, survey_id, team_id);

CREATE TABLE system_issues (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  raised_by TEXT NOT NULL,
  owner_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open','responded','closed')),
  response TEXT NOT NULL DEFAULT '',
  response_due_at BIGINT NOT NULL,
  responded_at BIGINT,
  overdue_at BIGINT,
  survey_id TEXT,
  question INTEGER,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, owner_id) REFERENCES people(org_id, id),
  FOREIGN KEY (org_id, raised_by) REFERENCES people(org_id, id)
);
CREATE INDEX system_issues_owner ON system_issues(org_id, owner_id, status);
CREATE INDEX system_issues_due ON system_issues(org_id, status, response_due_at);
CREATE INDEX system_issues_overdue ON system_issues(response_due_at) WHERE status = 'open' AND overdue_at IS NULL;

CREATE TABLE system_issue_cases (
  org_id TEXT NOT NULL,
  issue_id TEXT NOT NULL,
  case_id TEXT NOT NULL,
  added_by TEXT NOT NULL,
  added_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, issue_id, case_id),
  FOREIGN KEY (org_id, issue_id) REFERENCES system_issues(org_id, id),
  FOREIGN KEY (org_id, case_id) REFERENCES cases(org_id, id)
);
CREATE INDEX system_issue_cases_case ON system_issue_cases(org_id, case_id);

-- Coaching notes: private to the supervisor and the employee.
CREATE TABLE coaching_notes (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  supervisor_id TEXT NOT NULL,
  employee_id TEXT NOT NULL,
  answers TEXT NOT NULL,
  summary TEXT NOT NULL DEFAULT '',
  cases TEXT NOT NULL DEFAULT '[]',
  created_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, supervisor_id) REFERENCES people(org_id, id),
  FOREIGN KEY (org_id, employee_id) REFERENCES people(org_id, id)
);
CREATE INDEX coaching_supervisor ON coaching_notes(org_id, supervisor_id, created_at);
CREATE INDEX coaching_employee ON coaching_notes(org_id, employee_id, created_at);

-- Legal holds: while a hold on a person is active, admins may open that person's coaching notes
-- (each opening is an event).
CREATE TABLE legal_holds (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  person_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  placed_by TEXT NOT NULL,
  placed_at BIGINT NOT NULL,
  released_at BIGINT,
  released_by TEXT,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, person_id) REFERENCES people(org_id, id)
);
CREATE INDEX legal_holds_person ON legal_holds(org_id, person_id, released_at);

-- Daily counts for the root-cause report, kept with every write (reviews, causes, facets), so a
-- report over a year reads a few thousand rows instead of millions.  kind: 'review' (label ''),
-- 'cause' (label = category), 'boundary', 'policy'; team_id '' when none; day = UTC day start (ms).
CREATE TABLE learning_daily (
  org_id TEXT NOT NULL,
  day BIGINT NOT NULL,
  kind TEXT NOT NULL,
  label TEXT NOT NULL,
  team_id TEXT NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (org_id, kind, day, label, team_id)
);
