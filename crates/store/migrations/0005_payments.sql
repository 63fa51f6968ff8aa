-- Payments for applications through a payment provider. No card data is ever stored: only the
-- provider's reference, the amount and the outcome. One application has at most one succeeded
-- payment, so a repeated or late webhook cannot charge it twice.
CREATE TABLE payments (
    id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications(id),
    provider TEXT NOT NULL,
    provider_ref TEXT NOT NULL,
    amount BIGINT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX payments_of ON payments (application_id, created_at);
CREATE UNIQUE INDEX payments_succeeded ON payments (application_id) WHERE status = 'succeeded'
