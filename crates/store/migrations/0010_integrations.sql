-- Services as integrators. A service holds an API key (only its hash is kept) with which it
-- submits documents for a citizen's signature, reads them back and decides on them, and a
-- webhook URL it is told at (each call signed with HMAC-SHA256 under the service's webhook
-- secret, kept sealed by the key vault) when a document it submitted is signed or refused.
-- `submitted` marks the documents a service submitted.
ALTER TABLE services ADD COLUMN key_hash TEXT;
ALTER TABLE services ADD COLUMN webhook_url TEXT;
ALTER TABLE services ADD COLUMN webhook_secret TEXT;
ALTER TABLE documents ADD COLUMN submitted BIGINT NOT NULL DEFAULT 0
