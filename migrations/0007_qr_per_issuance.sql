-- Every QR issued keeps its own row (issue: KHQR money on the bank's word). A new QR for a premium
-- used to replace its invoice's row, so reconciliation stopped asking about the old QR while a
-- customer could still pay it. A QR's id is its invoice with the moment it was issued.
CREATE TABLE khqr_qrs (
  qr_id           TEXT    PRIMARY KEY,
  invoice_number  TEXT    NOT NULL,
  payment_id      INTEGER NOT NULL,
  policy_number   TEXT    NOT NULL,
  amount_minor    INTEGER NOT NULL CHECK (amount_minor > 0),
  currency        TEXT    NOT NULL CHECK (currency IN ('USD', 'KHR')),
  bank_code       TEXT    NOT NULL,
  qr_string       TEXT    NOT NULL,
  issued_at       TEXT    NOT NULL,
  expires_at      TEXT,
  last_checked_at TEXT,
  resolved_at     TEXT,
  -- The last check before the current claim: a claim given back (AMK unreachable) restores it, so
  -- an earlier check after the QR's expiry is not forgotten.
  previous_checked_at TEXT
);
INSERT INTO khqr_qrs (qr_id, invoice_number, payment_id, policy_number, amount_minor, currency, bank_code, qr_string,
                      issued_at, expires_at, last_checked_at, resolved_at)
  SELECT invoice_number || '@' || issued_at, invoice_number, payment_id, policy_number, amount_minor, currency, bank_code,
         qr_string, issued_at, expires_at, last_checked_at, resolved_at
  FROM khqr_issuances;
DROP TABLE khqr_issuances;
ALTER TABLE khqr_qrs RENAME TO khqr_issuances;
CREATE INDEX khqr_issuances_open ON khqr_issuances (issued_at) WHERE resolved_at IS NULL;
CREATE INDEX khqr_issuances_issued ON khqr_issuances (issued_at);
CREATE INDEX khqr_issuances_invoice ON khqr_issuances (invoice_number, issued_at);

-- AMK's paid second for a KHQR payment, as its payment-verify reported it: what tells one payment
-- of an invoice from another. NULL when AMK reported no time (and for bill payments).
ALTER TABLE payments ADD COLUMN paid_second TEXT;
