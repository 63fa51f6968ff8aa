-- Certificates bound ("activated") to accounts. A binding is `pending` from the checks of the
-- certificate until the proof of key possession and the one-time code, then `connected`, and
-- `ended` when the owner unbinds it or the certificate is revoked. One certificate is connected
-- to at most one account.
CREATE TABLE bindings (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    centre_id TEXT NOT NULL REFERENCES centres(id),
    serial TEXT NOT NULL,
    der TEXT NOT NULL,
    challenge TEXT NOT NULL,
    code_id TEXT NOT NULL,
    status TEXT NOT NULL,
    not_after BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    bound_at BIGINT,
    ended_at BIGINT
);
CREATE INDEX bindings_account ON bindings (account_id, status);
CREATE UNIQUE INDEX bindings_connected ON bindings (centre_id, serial) WHERE status = 'connected'
;

-- Expiry warnings sent for a connected certificate: one row per threshold (30, 7, 1 days), so
-- a warning goes out once however many nodes run the job and however often they restart.
CREATE TABLE expiry_warnings (
    binding_id TEXT NOT NULL REFERENCES bindings(id),
    days BIGINT NOT NULL,
    sent_at BIGINT NOT NULL,
    PRIMARY KEY (binding_id, days)
)
