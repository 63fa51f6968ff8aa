-- The public verification service stores nothing unless the one who checks asks it to keep the
-- files: then the document (absent for an attached signature) and its signature stay under an
-- unguessable identifier — a link that shows the report again and offers both for download —
-- until `expires_at`, when housekeeping deletes them.
CREATE TABLE kept_verifications (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    document BYTEA,
    signature BYTEA NOT NULL,
    size BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX kept_verifications_expiry ON kept_verifications (expires_at)
