-- 0029: the number reserved for issue 14's fourth pass (the case page read with its versions in the
-- authentication, its lists and people in one statement).  That pass needed no schema change: the
-- statements use the indexes 0001 and 0024 made (touchpoints_case, notes_case, offers_case,
-- events_case, case_versions' and org_versions' keys).  This file keeps the numbers without a gap
-- (tests/unit/test_migrate wants them contiguous).
SELECT 1;
