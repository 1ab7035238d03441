-- 0032: a word index beside the trigram one (issue 14: the search box flat from 10k to 1M cases).
--
-- pg_trgm's posting lists grow with the organization ("cus", "ust", ... of every "Customer 51234";
-- the digits of every number); a word's do not.  case_search.words is the document's words as a
-- tsvector ('simple' configuration: no stemming, no stop words; every run of letters and digits one
-- word, as SQLite's unicode61 tokenizer splits), with every ending of three digits or more of the
-- customer's phone digits (case_search.phones), so the end or the middle of a phone number starts a
-- word there.  store/search.c asks its GIN index first, for the one word of the query likely to be
-- rarest, as a word or a word's start (a prefix tsquery), checks every word whole with ILIKE on
-- what it finds, and asks the pg_trgm index only when no document of the organization has a word
-- starting so.  Kept by the same per-row refresh as head and body (case_search_refresh).
ALTER TABLE case_search ADD COLUMN phones TEXT NOT NULL DEFAULT '';

CREATE OR REPLACE VIEW case_search_docs AS
SELECT ca.org_id, ca.id AS case_id,
  ca.subject || ' ' || cu.name || ' ' || cu.email || ' ' || cu.phone_digits || ' ' || p.name AS head,
  ca.resolution
    || ' ' || COALESCE((SELECT string_agg(t.summary, ' ' ORDER BY t.at, t.id) FROM touchpoints t
                        WHERE t.org_id = ca.org_id AND t.case_id = ca.id), '')
    || ' ' || COALESCE((SELECT string_agg(n.body, ' ' ORDER BY n.at, n.id) FROM notes n
                        WHERE n.org_id = ca.org_id AND n.case_id = ca.id), '')
    || ' ' || COALESCE((SELECT string_agg(r.what, ' ' ORDER BY r.created_at, r.id) FROM requests r
                        WHERE r.org_id = ca.org_id AND r.case_id = ca.id), '') AS body,
  COALESCE((SELECT string_agg(substr(cu.phone_digits, i), ' ')
            FROM generate_series(2, length(cu.phone_digits) - 2) i), '') AS phones
FROM cases ca
JOIN customers cu ON cu.org_id = ca.org_id AND cu.id = ca.customer_id
JOIN people p ON p.org_id = ca.org_id AND p.id = ca.owner_id;

CREATE OR REPLACE FUNCTION case_search_refresh(o TEXT, c TEXT) RETURNS void LANGUAGE sql AS $$
  INSERT INTO case_search (org_id, case_id, head, body, phones)
    SELECT org_id, case_id, head, body, phones FROM case_search_docs WHERE org_id = o AND case_id = c
  ON CONFLICT (org_id, case_id) DO UPDATE SET head = EXCLUDED.head, body = EXCLUDED.body, phones = EXCLUDED.phones;
$$;

UPDATE case_search s SET phones = d.phones FROM case_search_docs d
  WHERE d.org_id = s.org_id AND d.case_id = s.case_id AND d.phones <> '';

ALTER TABLE case_search ADD COLUMN words tsvector GENERATED ALWAYS AS
  (to_tsvector('simple', regexp_replace(head || ' ' || body || ' ' || phones, '[^[:alnum:]]+', ' ', 'g'))) STORED;
CREATE INDEX case_search_words ON case_search USING GIN (words);
