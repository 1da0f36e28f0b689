-- KHQR codes issued through the KHQR worker: the webhook is matched against these (an invoice
-- number is the premium's payment id). A new QR for the same premium replaces the old one.
CREATE TABLE khqr_issuances (
  invoice_number TEXT    PRIMARY KEY,
  payment_id     INTEGER NOT NULL,
  policy_number  TEXT    NOT NULL,
  amount_minor   INTEGER NOT NULL CHECK (amount_minor > 0),
  currency       TEXT    NOT NULL CHECK (currency IN ('USD', 'KHR')),
  bank_code      TEXT    NOT NULL,
  qr_string      TEXT    NOT NULL,
  issued_at      TEXT    NOT NULL,
  expires_at     TEXT
);

-- Audit trail: every KHQR webhook received and what became of it, including AMK's verification.
-- Nothing secret is kept here (no tokens, no hash).
CREATE TABLE webhook_receipts (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  invoice_number TEXT    NOT NULL,
  status         TEXT    NOT NULL,
  merchant_number TEXT   NOT NULL,
  paid_amount    TEXT    NOT NULL,
  currency       TEXT    NOT NULL,
  paid_datetime  TEXT    NOT NULL,
  received_at    TEXT    NOT NULL,
  outcome        TEXT    NOT NULL,
  request_id     TEXT    NOT NULL
);
CREATE INDEX webhook_receipts_invoice ON webhook_receipts (invoice_number);
