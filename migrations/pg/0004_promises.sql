-- 0004: promises to customers, internal requests between colleagues, the scheduler's timers,
-- breaches with their attribution, policy conflicts, update duties, alerts and the organization's
-- suggested-words templates.  Timers are nullable columns with their own index: the scheduler
-- asks "which timers are due now" (an index range), so its cost grows with what is due.
CREATE TABLE promises (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  case_id TEXT NOT NULL,
  what TEXT NOT NULL,
  due_at BIGINT NOT NULL,
  made_by TEXT NOT NULL,
  channel TEXT NOT NULL,
  deliver_person_id TEXT,
  deliver_team_id TEXT,
  policy_id TEXT,
  status TEXT NOT NULL CHECK (status IN ('pending','kept','broken','renegotiated')),
  at_risk_at BIGINT,
  replaces_id TEXT,
  consent TEXT NOT NULL DEFAULT '',
  consent_channel TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  closed_at BIGINT,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, case_id) REFERENCES cases(org_id, id),
  FOREIGN KEY (org_id, made_by) REFERENCES people(org_id, id)
);
CREATE INDEX promises_due ON promises(status, due_at);
CREATE INDEX promises_case ON promises(org_id, case_id);
CREATE INDEX promises_closed ON promises(org_id, closed_at);

CREATE TABLE requests (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  case_id TEXT NOT NULL,
  what TEXT NOT NULL,
  due_at BIGINT NOT NULL,
  asked_by TEXT NOT NULL,
  holder_person_id TEXT,
  holder_team_id TEXT,
  holder_role TEXT NOT NULL DEFAULT '',
  holder_level INTEGER,
  status TEXT NOT NULL CHECK (status IN ('open','accepted','deferred','done','declined')),
  reason TEXT NOT NULL DEFAULT '',
  policy_id TEXT,
  decided_by TEXT,
  created_at BIGINT NOT NULL,
  accepted_at BIGINT,
  decided_at BIGINT,
  done_at BIGINT,
  overdue_at BIGINT,
  escalated_to TEXT,
  remind_at BIGINT,
  followup_at BIGINT,
  overdue_check_at BIGINT,
  escalate_at BIGINT,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, case_id) REFERENCES cases(org_id, id),
  FOREIGN KEY (org_id, asked_by) REFERENCES people(org_id, id)
);
CREATE INDEX requests_due ON requests(status, due_at);
CREATE INDEX requests_remind ON requests(remind_at);
CREATE INDEX requests_followup ON requests(followup_at);
CREATE INDEX requests_overdue ON requests(overdue_check_at);
CREATE INDEX requests_escalate ON requests(escalate_at);
CREATE INDEX requests_case ON requests(org_id, case_id);
CREATE INDEX requests_holder ON requests(org_id, holder_person_id, status, due_at);
CREATE INDEX requests_team ON requests(org_id, holder_team_id, status, due_at);
CREATE INDEX requests_overdue_at ON requests(org_id, overdue_at);

-- Which promises a request blocks.
CREATE TABLE request_promises (
  org_id TEXT NOT NULL,
  request_id TEXT NOT NULL,
  promise_id TEXT NOT NULL,
  PRIMARY KEY (org_id, request_id, promise_id),
  FOREIGN KEY (org_id, request_id) REFERENCES requests(org_id, id),
  FOREIGN KEY (org_id, promise_id) REFERENCES promises(org_id, id)
);
CREATE INDEX request_promises_promise ON request_promises(org_id, promise_id);

-- A broken promise.  attribution is the JSON the rule in core/attribution.c computed; the causes
-- are also rows of breach_causes so reports can group them.
CREATE TABLE breaches (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  case_id TEXT NOT NULL,
  promise_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  owner_id TEXT NOT NULL,
  owner_at_fault INTEGER NOT NULL DEFAULT 0,
  attribution TEXT NOT NULL,
  PRIMARY KEY (org_id, id),
  UNIQUE (org_id, promise_id),
  FOREIGN KEY (org_id, case_id) REFERENCES cases(org_id, id)
);
CREATE INDEX breaches_at ON breaches(org_id, at);
CREATE INDEX breaches_case ON breaches(org_id, case_id);

CREATE TABLE breach_causes (
  org_id TEXT NOT NULL,
  breach_id TEXT NOT NULL,
  n INTEGER NOT NULL,
  at BIGINT NOT NULL,
  cause TEXT NOT NULL,
  request_id TEXT,
  holder_person_id TEXT,
  holder_team_id TEXT,
  holder_level TEXT NOT NULL DEFAULT '',
  policy_id TEXT,
  PRIMARY KEY (org_id, breach_id, n),
  FOREIGN KEY (org_id, breach_id) REFERENCES breaches(org_id, id)
);
-- covering: the breach reports read only this index
CREATE INDEX breach_causes_at ON breach_causes(org_id, at, cause, holder_level, holder_team_id, breach_id);

CREATE TABLE policy_conflicts (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  case_id TEXT NOT NULL,
  promise_id TEXT NOT NULL,
  request_id TEXT NOT NULL,
  policy_id TEXT NOT NULL,
  promise_policy_id TEXT,
  by_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, case_id) REFERENCES cases(org_id, id)
);
CREATE INDEX policy_conflicts_at ON policy_conflicts(org_id, at);
CREATE INDEX policy_conflicts_case ON policy_conflicts(org_id, case_id);

-- The customer must hear from the case: kind cadence (every update.cadence_hours while open) or
-- at_risk (within update.at_risk_minutes after a promise became at risk).
CREATE TABLE update_duties (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  case_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('cadence','at_risk')),
  promise_id TEXT,
  due_at BIGINT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending','met','lapsed','void')),
  owner_id TEXT,
  created_at BIGINT NOT NULL,
  closed_at BIGINT,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, case_id) REFERENCES cases(org_id, id)
);
CREATE INDEX update_duties_due ON update_duties(status, due_at);
CREATE INDEX update_duties_case ON update_duties(org_id, case_id, status);
CREATE INDEX update_duties_closed ON update_duties(org_id, closed_at);

CREATE TABLE alerts (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  person_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  case_id TEXT,
  entity_type TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  message TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  read_at BIGINT,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, person_id) REFERENCES people(org_id, id)
);
CREATE INDEX alerts_person ON alerts(org_id, person_id, created_at);

CREATE TABLE word_templates (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  key TEXT NOT NULL,
  text TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, key)
);
