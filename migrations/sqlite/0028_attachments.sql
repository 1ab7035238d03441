-- 0028: files that did not come with received mail (issue 16): uploaded by a person of the
-- organization (attached to their reply to the customer, then sent with it) or by a customer in the
-- portal (attached to their message).  The bytes are content-addressed in mail_blobs (BLAKE2b), as a
-- received message's attachments are.  A row is uploaded first (case_id NULL: only its uploader
-- sees it), then attached once, to a case and its contact (and for a reply, to the outbound mail
-- that carries it).  customer_visible: listed in the customer's portal.
CREATE TABLE attachments (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  hash TEXT NOT NULL,
  uploader_kind TEXT NOT NULL CHECK (uploader_kind IN ('person','customer')),
  uploader_id TEXT NOT NULL,
  case_id TEXT,
  touchpoint_id TEXT,
  mail_out_id TEXT,
  customer_visible INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  attached_at BIGINT,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, hash) REFERENCES mail_blobs(org_id, hash)
);
CREATE INDEX attachments_case ON attachments(org_id, case_id);
CREATE INDEX attachments_mail_out ON attachments(org_id, mail_out_id);
CREATE INDEX attachments_uploader ON attachments(org_id, uploader_id, case_id);
