-- Operators look events up by premium (GET /ops/payments/{paymentId}) and by state
-- (GET /ops/events?state=dead|pending): every event names the premium it is about.
ALTER TABLE event_outbox ADD COLUMN payment_id INTEGER;
CREATE INDEX event_outbox_payment ON event_outbox (payment_id);
CREATE INDEX event_outbox_dead ON event_outbox (dead_at) WHERE dead_at IS NOT NULL AND published_at IS NULL;
CREATE INDEX payment_exceptions_payment ON payment_exceptions (payment_id);
