-- 0015: queues and finding things (issue 15).
--
-- A case's due time and the time it needs attention, kept on the case by triggers so the Cases
-- page's views ("at risk or overdue", sort by due time) are index range reads at any size:
--   due_at  = the earliest due time of its pending promises and open requests;
--   risk_at = the earliest of: a pending promise's at-risk time (else its due time), a broken
--             promise's due time, an open request's due time.
-- Both are 9007199254740991 (never) when nothing is due, so they sort the same on both dialects.
-- (the default is written quoted as PostgreSQL shows a bigint literal; INTEGER affinity stores it as a number)
ALTER TABLE cases ADD COLUMN due_at BIGINT NOT NULL DEFAULT '9007199254740991';
ALTER TABLE cases ADD COLUMN risk_at BIGINT NOT NULL DEFAULT '9007199254740991';

CREATE VIEW case_due_times AS
SELECT ca.org_id, ca.id AS case_id,
  MIN(COALESCE((SELECT MIN(p.due_at) FROM promises p WHERE p.org_id = ca.org_id AND p.case_id = ca.id AND p.status = 'pending'),
               9007199254740991),
      COALESCE((SELECT MIN(r.due_at) FROM requests r WHERE r.org_id = ca.org_id AND r.case_id = ca.id
                AND r.status IN ('open','accepted','deferred')), 9007199254740991)) AS due_at,
  MIN(COALESCE((SELECT MIN(CASE WHEN p.status = 'pending' THEN COALESCE(p.at_risk_at, p.due_at) ELSE p.due_at END)
                FROM promises p WHERE p.org_id = ca.org_id AND p.case_id = ca.id AND p.status IN ('pending','broken')),
               9007199254740991),
      COALESCE((SELECT MIN(r.due_at) FROM requests r WHERE r.org_id = ca.org_id AND r.case_id = ca.id
                AND r.status IN ('open','accepted','deferred')), 9007199254740991)) AS risk_at
FROM cases ca;

UPDATE cases SET
  due_at = (SELECT d.due_at FROM case_due_times d WHERE d.org_id = cases.org_id AND d.case_id = cases.id),
  risk_at = (SELECT d.risk_at FROM case_due_times d WHERE d.org_id = cases.org_id AND d.case_id = cases.id)
WHERE EXISTS (SELECT 1 FROM promises p WHERE p.org_id = cases.org_id AND p.case_id = cases.id)
   OR EXISTS (SELECT 1 FROM requests r WHERE r.org_id = cases.org_id AND r.case_id = cases.id);

CREATE TRIGGER promises_due_insert AFTER INSERT ON promises BEGIN
  UPDATE cases SET
    due_at = (SELECT d.due_at FROM case_due_times d WHERE d.org_id = NEW.org_id AND d.case_id = NEW.case_id),
    risk_at = (SELECT d.risk_at FROM case_due_times d WHERE d.org_id = NEW.org_id AND d.case_id = NEW.case_id)
  WHERE org_id = NEW.org_id AND id = NEW.case_id;
END;
CREATE TRIGGER promises_due_update AFTER UPDATE OF status, due_at, at_risk_at ON promises BEGIN
  UPDATE cases SET
    due_at = (SELECT d.due_at FROM case_due_times d WHERE d.org_id = NEW.org_id AND d.case_id = NEW.case_id),
    risk_at = (SELECT d.risk_at FROM case_due_times d WHERE d.org_id = NEW.org_id AND d.case_id = NEW.case_id)
  WHERE org_id = NEW.org_id AND id = NEW.case_id;
END;
CREATE TRIGGER requests_due_insert AFTER INSERT ON requests BEGIN
  UPDATE cases SET
    due_at = (SELECT d.due_at FROM case_due_times d WHERE d.org_id = NEW.org_id AND d.case_id = NEW.case_id),
    risk_at = (SELECT d.risk_at FROM case_due_times d WHERE d.org_id = NEW.org_id AND d.case_id = NEW.case_id)
  WHERE org_id = NEW.org_id AND id = NEW.case_id;
END;
CREATE TRIGGER requests_due_update AFTER UPDATE OF status, due_at ON requests BEGIN
  UPDATE cases SET
    due_at = (SELECT d.due_at FROM case_due_times d WHERE d.org_id = NEW.org_id AND d.case_id = NEW.case_id),
    risk_at = (SELECT d.risk_at FROM case_due_times d WHERE d.org_id = NEW.org_id AND d.case_id = NEW.case_id)
  WHERE org_id = NEW.org_id AND id = NEW.case_id;
END;

-- One index per view and sort of the Cases page (svc/ledger/queue.c), so each reads only the
-- page it shows; counts stop at 1,000 (a view shows "1,000+" beyond).
CREATE INDEX cases_owner_due ON cases(org_id, owner_id, status, due_at);
CREATE INDEX cases_team_updated ON cases(org_id, team_id, status, updated_at);
CREATE INDEX cases_team_due ON cases(org_id, team_id, status, due_at);
CREATE INDEX cases_status_due ON cases(org_id, status, due_at);
CREATE INDEX cases_status_created ON cases(org_id, status, created_at);
CREATE INDEX cases_risk ON cases(org_id, status, risk_at);
CREATE INDEX cases_resolved ON cases(org_id, resolved_at);

-- Saved views: a person's named view of the Cases page (a view, its filters and its sort).
CREATE TABLE saved_views (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  person_id TEXT NOT NULL,
  name TEXT NOT NULL,
  view TEXT NOT NULL,
  filters TEXT NOT NULL DEFAULT '{}',   -- JSON object: owner, team, channel, status, location, from, to, q
  sort TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, id),
  UNIQUE (org_id, person_id, name),
  FOREIGN KEY (org_id, person_id) REFERENCES people(org_id, id)
);

-- Customers: a customer merged into another keeps its row (history names it) and points at the
-- one that took its cases; lists and duplicate checks skip it.
ALTER TABLE customers ADD COLUMN merged_into TEXT;

-- A phone number's last seven digits, so the same number written with or without its country or
-- area code is found as a likely duplicate through an index ('' under seven digits).
ALTER TABLE customers ADD COLUMN phone_tail TEXT NOT NULL DEFAULT '';
UPDATE customers SET phone_tail = substr(phone_digits, -7) WHERE length(phone_digits) >= 7;
CREATE INDEX customers_phone_tail ON customers(org_id, phone_tail);
CREATE TRIGGER customers_phone_tail_insert AFTER INSERT ON customers BEGIN
  UPDATE customers SET phone_tail = CASE WHEN length(NEW.phone_digits) >= 7 THEN substr(NEW.phone_digits, -7) ELSE '' END
  WHERE org_id = NEW.org_id AND id = NEW.id;
END;
CREATE TRIGGER customers_phone_tail_update AFTER UPDATE OF phone_digits ON customers BEGIN
  UPDATE customers SET phone_tail = CASE WHEN length(NEW.phone_digits) >= 7 THEN substr(NEW.phone_digits, -7) ELSE '' END
  WHERE org_id = NEW.org_id AND id = NEW.id;
END;
