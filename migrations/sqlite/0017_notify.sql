-- 0017: reaching people where they are (issue 17).  Per-person notification preferences (how
-- each kind of alert reaches them: in the app, email at once, or a daily digest), quiet hours
-- in their time zone, the digest's waiting items, and per-organization webhooks.
--
-- A webhook's outbox is the event history itself: every event is written in the same
-- transaction as the change it records, and each subscription keeps a cursor (the last event
-- sequence number it has handled).  The delivery worker leases the subscription row (one attempt
-- at a time across servers), sends the next matching event, and moves the cursor on success.
CREATE TABLE notify_settings (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  person_id TEXT NOT NULL,
  tz TEXT NOT NULL DEFAULT '',          -- '' = the person's location's time zone, else the organization's
  quiet_from INTEGER,                   -- minutes after local midnight; NULL = no quiet hours
  quiet_to INTEGER,
  digest_hour INTEGER NOT NULL DEFAULT 8, -- local hour of the daily digest
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, person_id),
  FOREIGN KEY (org_id, person_id) REFERENCES people(org_id, id)
);

-- Only the kinds a person changed from their role's default.
CREATE TABLE notify_prefs (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  person_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('app','email','digest')),
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, person_id, kind),
  FOREIGN KEY (org_id, person_id) REFERENCES people(org_id, id)
);

-- Alerts waiting for a person's next digest (due_at: that digest's time).
CREATE TABLE notify_digest (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  person_id TEXT NOT NULL,
  alert_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  message TEXT NOT NULL,
  case_id TEXT,
  created_at BIGINT NOT NULL,
  due_at BIGINT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending','sent')),
  sent_at BIGINT,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, person_id) REFERENCES people(org_id, id)
);
CREATE INDEX notify_digest_due ON notify_digest(status, due_at);
CREATE INDEX notify_digest_person ON notify_digest(org_id, person_id, status, due_at);

CREATE TABLE webhooks (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  url TEXT NOT NULL,
  kinds TEXT NOT NULL,                  -- JSON array of event families ("case", "offer", ...)
  format TEXT NOT NULL CHECK (format IN ('standard','slack','teams')),
  secret TEXT NOT NULL,                 -- whsec_<base64>: the signing key
  description TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('active','disabled')),
  disabled_reason TEXT NOT NULL DEFAULT '',
  cursor_seq BIGINT NOT NULL,               -- the last event seq handled (delivered or not for it)
  attempts INTEGER NOT NULL DEFAULT 0,  -- failed attempts of the event after the cursor, in a row
  next_at BIGINT NOT NULL,              -- no attempt before this time (back-off)
  lease_owner TEXT,
  lease_until BIGINT,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, created_by) REFERENCES people(org_id, id)
);
CREATE INDEX webhooks_due ON webhooks(status, next_at);

CREATE TABLE webhook_deliveries (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  webhook_id TEXT NOT NULL,
  msg_id TEXT NOT NULL,                 -- the webhook-id header: the same for every attempt of one event
  event_seq BIGINT NOT NULL,
  event_kind TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('delivered','failed','refused')),
  http_status INTEGER NOT NULL DEFAULT 0,
  duration_ms BIGINT NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '',
  at BIGINT NOT NULL,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, webhook_id) REFERENCES webhooks(org_id, id)
);
CREATE INDEX webhook_deliveries_log ON webhook_deliveries(org_id, webhook_id, at);

-- Mail to staff (notifications at once, digests), written in the same transaction as the alert
-- and sent by the same delivery worker as customer mail (`frontline mail-deliver`), leased one
-- message at a time like mail_out.
CREATE TABLE notify_mail (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  id TEXT NOT NULL,
  person_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('notice','digest')),
  to_addr TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued','sent','deferred','bounced')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at BIGINT NOT NULL,
  lease_owner TEXT,
  lease_until BIGINT,
  last_error TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  sent_at BIGINT,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, person_id) REFERENCES people(org_id, id)
);
CREATE INDEX notify_mail_due ON notify_mail(status, next_at);
CREATE INDEX notify_mail_person ON notify_mail(org_id, person_id, created_at);
