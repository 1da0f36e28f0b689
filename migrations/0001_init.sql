-- Premiums the gateway has offered (inquiry) or issued a KHQR for: what later confirmations and
-- webhooks are checked against. Keyed by the payment id the Integration Service assigns.
CREATE TABLE premiums (
  payment_id     INTEGER PRIMARY KEY,
  policy_number  TEXT    NOT NULL,
  payer          TEXT    NOT NULL,
  amount_minor   INTEGER NOT NULL CHECK (amount_minor > 0),
  currency       TEXT    NOT NULL CHECK (currency IN ('USD', 'KHR')),
  due_date       TEXT    NOT NULL,
  first_served_at TEXT   NOT NULL,
  last_served_at TEXT    NOT NULL
);

-- One confirmed payment per premium, whichever channel it came through: the primary key is what
-- finally refuses a double payment, even if two channels race.
CREATE TABLE payments (
  payment_id     INTEGER PRIMARY KEY,
  channel        TEXT    NOT NULL CHECK (channel IN ('BILL', 'KHQR')),
  transaction_id TEXT    NOT NULL,
  policy_number  TEXT    NOT NULL,
  amount_minor   INTEGER NOT NULL CHECK (amount_minor > 0),
  currency       TEXT    NOT NULL CHECK (currency IN ('USD', 'KHR')),
  payer          TEXT,
  paid_at        TEXT    NOT NULL,
  confirmed_at   TEXT    NOT NULL,
  UNIQUE (channel, transaction_id)
);

-- Transactional outbox: written in the same D1 batch as the payment, published to Kafka after.
CREATE TABLE event_outbox (
  event_id        TEXT    PRIMARY KEY,
  type            TEXT    NOT NULL,
  message_key     TEXT    NOT NULL,
  payload         TEXT    NOT NULL,
  created_at      TEXT    NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT    NOT NULL,
  lease_until     TEXT,
  published_at    TEXT,
  dead_at         TEXT,
  last_error      TEXT
);
CREATE INDEX event_outbox_due ON event_outbox (next_attempt_at) WHERE published_at IS NULL AND dead_at IS NULL;
