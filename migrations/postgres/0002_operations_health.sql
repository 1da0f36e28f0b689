-- The twin of migrations/0006_operations_health.sql: exception resolutions with who and when, the
-- duration of AMK's payment-verify on each receipt, and the dashboard's time indexes.
CREATE TABLE payment_exception_resolutions (
  exception_id TEXT    NOT NULL,
  step         INTEGER NOT NULL CHECK (step > 0),
  resolution   TEXT    NOT NULL CHECK (resolution IN ('refund-requested', 'refunded', 'written-off')),
  note         TEXT    NOT NULL,
  resolved_by  TEXT    NOT NULL,
  resolved_at  TEXT    NOT NULL,
  PRIMARY KEY (exception_id, step)
);

ALTER TABLE webhook_receipts ADD COLUMN verify_ms INTEGER;

CREATE INDEX payments_confirmed ON payments (confirmed_at);
CREATE INDEX webhook_receipts_received ON webhook_receipts (received_at);
CREATE INDEX khqr_issuances_issued ON khqr_issuances (issued_at);
CREATE INDEX event_outbox_published ON event_outbox (published_at);
