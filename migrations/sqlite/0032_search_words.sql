-- 0032: a word index beside the trigram one (issue 14: the search box flat from 10k to 1M cases).
--
-- The trigram index of 0012 finds any part of a word, but a trigram's posting list grows with the
-- organization ("cus", "ust", ... of every "Customer 51234"; the digits of every number), so a
-- search reads more pages the more cases there are.  A word's posting list does not: "51234" or
-- "customer51234" is in a handful of documents at any size.  cases_words indexes the same
-- documents by words (FTS5's unicode61 tokenizer: runs of letters and digits, case folded, accents
-- kept as the trigram index keeps them), and in a third column every ending of three digits or more
-- of the customer's phone digits, so the end or the middle of a phone number ("867-0199", "0199",
-- "(415) 867") starts a word there.  store/search.c asks it first, for the one word of the query
-- likely to be rarest, as a word or a word's start, checks every word whole on what it finds, and
-- asks the trigram index only when no document of the organization has a word starting so (a part
-- inside a word: "ustomer").  detail=none: rowids only, the smallest posting lists (no positions:
-- the words are checked on the text itself); columnsize=0: no bm25 here.
--
-- Rebuilt with cases_fts by search_flush at every commit (the rows noted in case_search_dirty), and
-- deleted with the case.  Both indexes are written here in one statement each, then merged into one
-- b-tree each ('optimize'): a bulk-built FTS5 index is many segments, each looked up per word.
CREATE VIRTUAL TABLE cases_words USING fts5(head, body, phones, detail = none, columnsize = 0,
  tokenize = 'unicode61 remove_diacritics 0');

-- what search_flush writes for a case: its document as cases_fts holds it, and the phone's endings
-- (CROSS JOIN: from the key, never a scan of cases_fts)
CREATE VIEW case_words_docs AS
SELECT k.rid, f.head, f.body,
  COALESCE((WITH RECURSIVE e(i) AS (SELECT 2 WHERE length(cu.phone_digits) >= 4
                                    UNION ALL SELECT i + 1 FROM e WHERE i + 3 <= length(cu.phone_digits))
            SELECT group_concat(substr(cu.phone_digits, i), ' ') FROM e), '') AS phones
FROM case_search_keys k
CROSS JOIN cases_fts f ON f.rowid = k.rid
CROSS JOIN cases ca ON ca.org_id = k.org_id AND ca.id = k.case_id
CROSS JOIN customers cu ON cu.org_id = ca.org_id AND cu.id = ca.customer_id;

INSERT INTO cases_words (rowid, head, body, phones) SELECT rid, head, body, phones FROM case_words_docs;
INSERT INTO cases_words (cases_words) VALUES ('optimize');
INSERT INTO cases_fts (cases_fts) VALUES ('optimize');

DROP TRIGGER cases_search_delete;
CREATE TRIGGER cases_search_delete AFTER DELETE ON cases BEGIN
  DELETE FROM case_search_dirty WHERE rid = (SELECT rid FROM case_search_keys WHERE org_id = OLD.org_id AND case_id = OLD.id);
  DELETE FROM cases_fts WHERE rowid = (SELECT rid FROM case_search_keys WHERE org_id = OLD.org_id AND case_id = OLD.id);
  DELETE FROM cases_words WHERE rowid = (SELECT rid FROM case_search_keys WHERE org_id = OLD.org_id AND case_id = OLD.id);
  DELETE FROM case_search_keys WHERE org_id = OLD.org_id AND case_id = OLD.id;
END;
