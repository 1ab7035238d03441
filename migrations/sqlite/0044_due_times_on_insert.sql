-- 0044: a new promise or request moves its case's due times by itself (issue 14, POST promise).
-- The insert triggers of 0015 recomputed the case's due_at and risk_at from case_due_times, which
-- reads every promise and request of the case: each new promise walked all the case's earlier
-- ones (789 virtual machine steps a promise in the write benchmark, 86 µs, its costliest
-- statement).  The triggers keep cases.due_at and cases.risk_at equal to case_due_times on every
-- insert and every change of a status or a time, so a new row can only lower them to its own times:
-- the minimum of the old times and the new row's is what the view would give.  Changes of status and
-- times still recompute (a time can move later only then).
DROP TRIGGER promises_due_insert;
CREATE TRIGGER promises_due_insert AFTER INSERT ON promises WHEN NEW.status IN ('pending', 'broken') BEGIN
  UPDATE cases SET
    due_at = CASE WHEN NEW.status = 'pending' AND NEW.due_at < due_at THEN NEW.due_at ELSE due_at END,
    risk_at = MIN(risk_at, CASE WHEN NEW.status = 'pending' THEN COALESCE(NEW.at_risk_at, NEW.due_at) ELSE NEW.due_at END)
  WHERE org_id = NEW.org_id AND id = NEW.case_id
    AND (NEW.status = 'pending' AND NEW.due_at < due_at
         OR (CASE WHEN NEW.status = 'pending' THEN COALESCE(NEW.at_risk_at, NEW.due_at) ELSE NEW.due_at END) < risk_at);
END;
DROP TRIGGER requests_due_insert;
CREATE TRIGGER requests_due_insert AFTER INSERT ON requests WHEN NEW.status IN ('open', 'accepted', 'deferred') BEGIN
  UPDATE cases SET due_at = MIN(due_at, NEW.due_at), risk_at = MIN(risk_at, NEW.due_at)
  WHERE org_id = NEW.org_id AND id = NEW.case_id AND (NEW.due_at < due_at OR NEW.due_at < risk_at);
END;
