-- The payment records on PostgreSQL (through Hyperdrive): the schema the five D1 migrations in
-- migrations/ reach, in one step. The D1 migrations stay the source of truth for the records'
-- shape; a change there gets its twin here (a new numbered file), and test/records/ checks that
-- both stores have the same tables, columns and indexes. Times are ISO-8601 text, as on D1.
-- Applied by `npm run migrate:postgres` (scripts/migrate-postgres.ts), which records each file in
-- schema_migrations.

-- Premiums the gateway has offered (inquiry) or issued a KHQR for: what later confirmations and
-- webhooks are checked against. Keyed by the payment id the Integration Service assigns.
CREATE TABLE premiums (
  payment_id      BIGINT PRIMARY KEY,
  policy_number   TEXT   NOT NULL,
  payer           TEXT   NOT NULL,
  amount_minor    BIGINT NOT NULL CHECK (amount_minor > 0),
  currency        TEXT   NOT NULL CHECK (currency IN ('USD', 'KHR')),
  due_date        TEXT   NOT NULL,
  first_served_at TEXT   NOT NULL,
  last_served_at  TEXT   NOT NULL
);

-- One confirmed payment per premium, whichever channel it came through: the primary key is what
-- finally refuses a double payment, even if two channels race.
CREATE TABLE payments (
  payment_id     BIGINT PRIMARY KEY,
  channel        TEXT   NOT NULL CHECK (channel IN ('BILL', 'KHQR')),
  transaction_id TEXT   NOT NULL,
  policy_number  TEXT   NOT NULL,
  amount_minor   BIGINT NOT NULL CHECK (amount_minor > 0),
  currency       TEXT   NOT NULL CHECK (currency IN ('USD', 'KHR')),
  payer          TEXT,
  paid_at        TEXT   NOT NULL,
  confirmed_at   TEXT   NOT NULL,
  UNIQUE (channel, transaction_id)
);

-- Transactional outbox: written in the same transaction as the payment, published to Kafka after.
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
  last_error      TEXT,
  payment_id      BIGINT
);
CREATE INDEX event_outbox_due ON event_outbox (next_attempt_at) WHERE published_at IS NULL AND dead_at IS NULL;
CREATE INDEX event_outbox_payment ON event_outbox (payment_id);
CREATE INDEX event_outbox_dead ON event_outbox (dead_at) WHERE dead_at IS NOT NULL AND published_at IS NULL;

-- KHQR codes issued through the KHQR worker: the webhook is matched against these (an invoice
-- number is the premium's payment id). A new QR for the same premium replaces the old one.
CREATE TABLE khqr_issuances (
  invoice_number  TEXT   PRIMARY KEY,
  payment_id      BIGINT NOT NULL,
  policy_number   TEXT   NOT NULL,
  amount_minor    BIGINT NOT NULL CHECK (amount_minor > 0),
  currency        TEXT   NOT NULL CHECK (currency IN ('USD', 'KHR')),
  bank_code       TEXT   NOT NULL,
  qr_string       TEXT   NOT NULL,
  issued_at       TEXT   NOT NULL,
  expires_at      TEXT,
  last_checked_at TEXT,
  resolved_at     TEXT
);
CREATE INDEX khqr_issuances_open ON khqr_issuances (issued_at) WHERE resolved_at IS NULL;

-- Audit trail: every KHQR webhook (or reconciliation check) received and what became of it,
-- including AMK's verification. Nothing secret is kept here (no tokens, no hash).
CREATE TABLE webhook_receipts (
  id              BIGSERIAL PRIMARY KEY,
  invoice_number  TEXT NOT NULL,
  status          TEXT NOT NULL,
  merchant_number TEXT NOT NULL,
  paid_amount     TEXT NOT NULL,
  currency        TEXT NOT NULL,
  paid_datetime   TEXT NOT NULL,
  received_at     TEXT NOT NULL,
  outcome         TEXT NOT NULL,
  request_id      TEXT NOT NULL,
  source          TEXT NOT NULL DEFAULT 'WEBHOOK',
  verify_reply    TEXT
);
CREATE INDEX webhook_receipts_invoice ON webhook_receipts (invoice_number);

-- Money the bank reported that could not become the premium's payment: one per bank transaction.
CREATE TABLE payment_exceptions (
  exception_id   TEXT   PRIMARY KEY,
  kind           TEXT   NOT NULL CHECK (kind IN ('DUPLICATE_PAYMENT', 'AMOUNT_MISMATCH')),
  payment_id     BIGINT NOT NULL,
  policy_number  TEXT   NOT NULL,
  channel        TEXT   NOT NULL CHECK (channel IN ('BILL', 'KHQR')),
  transaction_id TEXT   NOT NULL,
  amount_minor   BIGINT NOT NULL,
  currency       TEXT   NOT NULL,
  recorded_at    TEXT   NOT NULL,
  UNIQUE (channel, transaction_id)
);
CREATE INDEX payment_exceptions_recorded ON payment_exceptions (recorded_at);
CREATE INDEX payment_exceptions_payment ON payment_exceptions (payment_id);
