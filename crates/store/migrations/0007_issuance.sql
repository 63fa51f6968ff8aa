-- Issuance for applications: the serial of the certificate an application ended in, and the
-- cloud keys the portal keeps for their owners. A cloud key is its PKCS#8 encrypted under the
-- owner's PIN (PBES2) and then sealed by the key vault, so neither the database nor the vault
-- key alone opens it; `failed_pins` counts wrong PINs since the last right one.
ALTER TABLE applications ADD COLUMN serial TEXT;
CREATE TABLE cloud_keys (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    centre_id TEXT NOT NULL REFERENCES centres(id),
    serial TEXT NOT NULL,
    sealed_key TEXT NOT NULL,
    failed_pins BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX cloud_keys_certificate ON cloud_keys (centre_id, serial);
CREATE INDEX cloud_keys_account ON cloud_keys (account_id)
