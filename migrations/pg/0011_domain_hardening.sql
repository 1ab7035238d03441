-- 0011: hardening of domain rules (issue 13).
-- A renegotiated promise keeps its maker; who moved it is recorded beside (item 5).
ALTER TABLE promises ADD COLUMN renegotiated_by TEXT;
-- A touchpoint's summary is staff wording unless written as customer-visible; only then does the
-- customer portal show it (item 23).  Existing summaries were never written for customers.
ALTER TABLE touchpoints ADD COLUMN customer_visible INTEGER NOT NULL DEFAULT 0;
-- The customer's own portal replies are theirs to read.
UPDATE touchpoints SET customer_visible = 1 WHERE channel = 'portal' AND person_id IS NULL;
-- A survey response's place in its team's answer order: reports publish only prefixes of it, in
-- steps, so no two reports differ by one person's answers (item 2).  Earlier responses get their
-- place from their time.
ALTER TABLE survey_answers ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
UPDATE survey_answers SET seq = (SELECT COUNT(DISTINCT a2.response_id) FROM survey_answers a2
  WHERE a2.org_id = survey_answers.org_id AND a2.survey_id = survey_answers.survey_id
    AND COALESCE(a2.team_id, '') = COALESCE(survey_answers.team_id, '')
    AND (a2.at < survey_answers.at OR (a2.at = survey_answers.at AND a2.response_id <= survey_answers.response_id)));
