-- Operators resolve payment exceptions (POST /ops/exceptions/{exceptionId}/resolution): each step
-- is kept with who and when. (exception_id, step) is the primary key: two operators taking the same
-- step at once cannot both write it, and the step numbers keep the order (refund-requested, then refunded).
CREATE TABLE payment_exception_resolutions (
  exception_id TEXT    NOT NULL,
  step         INTEGER NOT NULL CHECK (step > 0),
  resolution   TEXT    NOT NULL CHECK (resolution IN ('refund-requested', 'refunded', 'written-off')),
  note         TEXT    NOT NULL,
  resolved_by  TEXT    NOT NULL,
  resolved_at  TEXT    NOT NULL,
  PRIMARY KEY (exception_id, step)
);

-- How long AMK's payment-verify took for a report (null when none was made): the dashboard's AMK
-- latency and error rate come from the receipts.
ALTER TABLE webhook_receipts ADD COLUMN verify_ms INTEGER;

-- The operator dashboard (GET /ops/dashboard) reads the last 24 hours by time.
CREATE INDEX payments_confirmed ON payments (confirmed_at);
CREATE INDEX webhook_receipts_received ON webhook_receipts (received_at);
CREATE INDEX khqr_issuances_issued ON khqr_issuances (issued_at);
CREATE INDEX event_outbox_published ON event_outbox (published_at);
