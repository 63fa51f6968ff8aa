-- A document's signature is stored as it is (BYTEA, a blob on SQLite) instead of base64 text:
-- a quarter less for SQLite to write into the row when a batch of drafts is signed, and
-- nothing to encode or decode. Right after this statement the binary copies the signatures
-- into the new column, decoded (SQLite has no base64 in SQL), drops the old one and gives the
-- new one its name (see `migrate.rs`).
ALTER TABLE documents ADD COLUMN signature_der BYTEA
