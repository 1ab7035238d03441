-- 0011: hardening of domain rules (issue 13).
-- A renegotiated promise keeps its maker; who moved it is recorded beside (item 5).
ALTER TABLE promises ADD COLUMN renegotiated_by TEXT;
-- A touchpoint's summary is staff wording unless written as customer-visible; only then does the
-- customer portal show it (item 23).  Existing summaries were never written for customers.
ALTER TABLE touchpoints ADD COLUMN customer_visible INTEGER NOT NULL DEFAULT 0;
-- The customer's own portal replies are theirs to read.
UPDATE touchpoints SET customer_visible = 1 WHERE channel = 'portal' AND person_id IS NULL;
