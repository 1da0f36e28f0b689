-- Every QR issued keeps its own row (see migrations/0007_qr_per_issuance.sql): a QR's id is its
-- invoice with the moment it was issued, and an invoice may have several QRs over time.
ALTER TABLE khqr_issuances ADD COLUMN qr_id TEXT;
UPDATE khqr_issuances SET qr_id = invoice_number || '@' || issued_at;
ALTER TABLE khqr_issuances ALTER COLUMN qr_id SET NOT NULL;
ALTER TABLE khqr_issuances DROP CONSTRAINT khqr_issuances_pkey;
ALTER TABLE khqr_issuances ADD PRIMARY KEY (qr_id);
CREATE INDEX khqr_issuances_invoice ON khqr_issuances (invoice_number, issued_at);
-- The last check before the current claim, restored when the claim is given back.
ALTER TABLE khqr_issuances ADD COLUMN previous_checked_at TEXT;

-- AMK's paid second for a KHQR payment (see the D1 migration); NULL when AMK reported none.
ALTER TABLE payments ADD COLUMN paid_second TEXT;
