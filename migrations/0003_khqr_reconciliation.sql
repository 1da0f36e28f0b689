-- When the reconciliation pass last asked AMK about an issued, still unpaid QR (a lost webhook
-- must not leave a paid premium unpaid).
ALTER TABLE khqr_issuances ADD COLUMN last_checked_at TEXT;
