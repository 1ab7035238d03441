-- 0039: per-case hash chains (issue 14: one organization's writes no longer wait on one row,
-- org_heads, from their first event to their commit; BENCHMARKS.md "per-case chains").
--
-- An event of a case goes on its case's chain: events.chain names the case (NULL: the
-- organization's chain), events.link is its place in that chain (1, 2, ...), and its hash covers
-- prev_hash, link, seq, at and the fields as before (store/event.h).  A case's head is its row of
-- case_heads, locked only by the writers of that case.  Rows written before this migration keep
-- link NULL and verify on the organization's chain exactly as they did; the organization's chain
-- goes on from them (org_heads.last_link counts its events, so it starts at last_seq).
--
-- Seals: an audit.sealed event on the organization's chain carries the count and digest of the case
-- heads that changed since the previous seal; its lines are kept in chain_seals, so the
-- organization's head (which a signed checkpoint signs) commits to every case head up to the last
-- seal.  case_heads.sealed_link is the link the last seal holds (the partial index finds the heads
-- a seal must take).
--
-- seq stays the organization-wide position (timeline order, the webhooks' and live pages' cursor).
-- On SQLite it is the next after the organization's highest (one writer); case numbers stay the
-- gapless case_counters.  PostgreSQL draws both from sequences (migrations/pg/0039_case_chains.sql).
ALTER TABLE events ADD COLUMN link BIGINT;
ALTER TABLE events ADD COLUMN chain TEXT;
ALTER TABLE org_heads ADD COLUMN last_link BIGINT NOT NULL DEFAULT 0;
UPDATE org_heads SET last_link = last_seq;

CREATE TABLE case_heads (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  case_id TEXT NOT NULL,
  last_link BIGINT NOT NULL,
  last_hash TEXT NOT NULL,
  sealed_link BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (org_id, case_id)
);
CREATE INDEX case_heads_unsealed ON case_heads(org_id) WHERE last_link > sealed_link;

CREATE TABLE chain_seals (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  seal_seq BIGINT NOT NULL,
  case_id TEXT NOT NULL,
  link BIGINT NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (org_id, seal_seq, case_id)
);

-- a seal changes no page a server keeps (0024, 0033)
DROP TRIGGER events_version_insert;
CREATE TRIGGER events_version_insert AFTER INSERT ON events BEGIN
  INSERT INTO case_versions (org_id, case_id, v) SELECT NEW.org_id, NEW.case_id, 1 WHERE NEW.case_id IS NOT NULL ON CONFLICT (org_id, case_id) DO UPDATE SET v = case_versions.v + 1;
  INSERT INTO org_versions (org_id, v) SELECT NEW.org_id, 1 WHERE NEW.case_id IS NULL AND NEW.kind NOT IN ('customer.created', 'audit.sealed') ON CONFLICT (org_id) DO UPDATE SET v = org_versions.v + 1;
END;
