-- Money the bank reported that could not become the premium's payment: a second payment of a paid
-- premium, or a KHQR payment AMK verified with another amount or currency than its QR asked for.
-- Recorded in the same batch as the bank's answer; one per bank transaction; listed for operators.
CREATE TABLE payment_exceptions (
  exception_id   TEXT    PRIMARY KEY,
  kind           TEXT    NOT NULL CHECK (kind IN ('DUPLICATE_PAYMENT', 'AMOUNT_MISMATCH')),
  payment_id     INTEGER NOT NULL,
  policy_number  TEXT    NOT NULL,
  channel        TEXT    NOT NULL CHECK (channel IN ('BILL', 'KHQR')),
  transaction_id TEXT    NOT NULL,
  amount_minor   INTEGER NOT NULL,
  currency       TEXT    NOT NULL,
  recorded_at    TEXT    NOT NULL,
  UNIQUE (channel, transaction_id)
);
CREATE INDEX payment_exceptions_recorded ON payment_exceptions (recorded_at);

-- Every reply of AMK's payment-verify, kept with the webhook (or reconciliation check) it answered.
ALTER TABLE webhook_receipts ADD COLUMN source TEXT NOT NULL DEFAULT 'WEBHOOK';
ALTER TABLE webhook_receipts ADD COLUMN verify_reply TEXT;

-- A QR whose fate is settled (paid through it, or flagged) is no longer asked about; the open ones
-- are what the reconciliation pass scans, by issue time.
ALTER TABLE khqr_issuances ADD COLUMN resolved_at TEXT;
CREATE INDEX khqr_issuances_open ON khqr_issuances (issued_at) WHERE resolved_at IS NULL;
