-- The certificates a signature carries (its signer's and the centre's: about three quarters of a
-- `.sig`, and the same in every signature of one certificate) are kept once, under the
-- Streebog-256 of their bytes, and a document's signature without them: the row a signing
-- writes stays small. `certificates_id` names them; NULL means `signature` is whole (signatures
-- stored before this migration, and any that does not split).
CREATE TABLE signature_certificates (
    id TEXT PRIMARY KEY,
    der BYTEA NOT NULL
);
ALTER TABLE documents ADD COLUMN certificates_id TEXT REFERENCES signature_certificates(id)
