-- 0005: case actions judged by policy, out-of-policy exceptions with co-signatures, their review,
-- and policy change proposals that come out of reviews (story S3).

-- A resolution applied to a case (refund, credit ...), judged under one version of a policy.
-- amount_cents is NULL for resolutions without an amount.  exception_id is set when an approved
-- exception applied it; the unique index makes "one exception, one application" a storage fact.
CREATE TABLE case_actions (
  org_id TEXT NOT NULL,
  id TEXT NOT NULL,
  case_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('refund','credit','fee_waiver','replacement','other')),
  amount_cents BIGINT,
  value TEXT NOT NULL DEFAULT '',
  channel TEXT,
  description TEXT NOT NULL,
  policy_id TEXT NOT NULL,
  policy_version BIGINT NOT NULL,
  exception_id TEXT,
  by_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, case_id) REFERENCES cases(org_id, id),
  FOREIGN KEY (org_id, policy_id, policy_version) REFERENCES policy_versions(org_id, policy_id, version),
  FOREIGN KEY (org_id, by_id) REFERENCES people(org_id, id)
);
CREATE INDEX case_actions_case ON case_actions(org_id, case_id, at);
CREATE UNIQUE INDEX case_actions_exception ON case_actions(org_id, exception_id);

-- An out-of-policy resolution proposed on a case.  status: proposed -> approved (at the last
-- required co-signature, applied in the same transaction) | expired (window passed) | withdrawn.
-- review_status: none (not approved) -> pending (approved, waiting for a verdict) -> reviewed.
CREATE TABLE exceptions (
  org_id TEXT NOT NULL,
  id TEXT NOT NULL,
  case_id TEXT NOT NULL,
  policy_id TEXT NOT NULL,
  policy_version BIGINT NOT NULL,
  limit_key TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('refund','credit','fee_waiver','replacement','other')),
  amount_cents BIGINT,
  value TEXT NOT NULL DEFAULT '',
  channel TEXT,
  description TEXT NOT NULL,
  reasoning TEXT NOT NULL,
  proposer_id TEXT NOT NULL,
  team_id TEXT,
  status TEXT NOT NULL CHECK (status IN ('proposed','approved','expired','withdrawn')),
  needed INTEGER NOT NULL,
  signatures INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  approved_at BIGINT,
  closed_at BIGINT,
  close_reason TEXT NOT NULL DEFAULT '',
  action_id TEXT,
  review_status TEXT NOT NULL DEFAULT 'none' CHECK (review_status IN ('none','pending','reviewed')),
  verdict TEXT CHECK (verdict IN ('adopt','one_off','coach')),
  review_reasoning TEXT NOT NULL DEFAULT '',
  coach_note TEXT NOT NULL DEFAULT '',
  reviewed_by TEXT,
  reviewed_at BIGINT,
  proposal_id TEXT,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, case_id) REFERENCES cases(org_id, id),
  FOREIGN KEY (org_id, policy_id, policy_version) REFERENCES policy_versions(org_id, policy_id, version),
  FOREIGN KEY (org_id, proposer_id) REFERENCES people(org_id, id)
);
CREATE INDEX exceptions_case ON exceptions(org_id, case_id, created_at);
CREATE INDEX exceptions_status ON exceptions(org_id, status, created_at);
CREATE INDEX exceptions_review ON exceptions(org_id, review_status, approved_at);
CREATE INDEX exceptions_group ON exceptions(org_id, policy_id, kind, created_at);
-- the scheduler's range query over all organizations: what is proposed and past its window
CREATE INDEX exceptions_due ON exceptions(status, expires_at);

-- One row per co-signature; the key makes a second signature by the same person impossible.
CREATE TABLE exception_signatures (
  org_id TEXT NOT NULL,
  exception_id TEXT NOT NULL,
  person_id TEXT NOT NULL,
  role TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  at BIGINT NOT NULL,
  PRIMARY KEY (org_id, exception_id, person_id),
  FOREIGN KEY (org_id, exception_id) REFERENCES exceptions(org_id, id),
  FOREIGN KEY (org_id, person_id) REFERENCES people(org_id, id)
);
CREATE INDEX exception_signatures_person ON exception_signatures(org_id, person_id);

-- A proposed change to a policy, opened by an "adopt" verdict.  Accepting it makes a new policy
-- version through the catalogue (new_version).
CREATE TABLE policy_proposals (
  org_id TEXT NOT NULL,
  id TEXT NOT NULL,
  policy_id TEXT NOT NULL,
  change TEXT NOT NULL,
  new_text TEXT,
  new_limits TEXT,
  status TEXT NOT NULL CHECK (status IN ('open','accepted','rejected')),
  proposed_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  decided_by TEXT,
  decided_at BIGINT,
  decision_reason TEXT NOT NULL DEFAULT '',
  new_version BIGINT,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, policy_id) REFERENCES policies(org_id, id)
);
CREATE INDEX policy_proposals_status ON policy_proposals(org_id, status, created_at);

CREATE TABLE policy_proposal_exceptions (
  org_id TEXT NOT NULL,
  proposal_id TEXT NOT NULL,
  exception_id TEXT NOT NULL,
  PRIMARY KEY (org_id, proposal_id, exception_id),
  FOREIGN KEY (org_id, proposal_id) REFERENCES policy_proposals(org_id, id),
  FOREIGN KEY (org_id, exception_id) REFERENCES exceptions(org_id, id)
);
