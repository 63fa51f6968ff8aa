-- Portal services whose documents citizens sign, and those documents. A service names the file
-- types it takes (comma-separated extensions) and its size limit; the two below come with every
-- portal. A document is stored whole (base64) with its Streebog-256 hash; `status` goes
-- draft → sent (signed, sent for processing) → accepted | rejected, each move a compare-and-set
-- on (id, status). The detached CMS signature (base64 DER) and its signer's certificate
-- (`centre/serial`) are stored beside it.
CREATE TABLE services (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    file_types TEXT NOT NULL,
    max_bytes BIGINT NOT NULL
);
INSERT INTO services (id, title, file_types, max_bytes) VALUES
    ('social-fund', 'Заявление в Социальный фонд', 'pdf', 5242880),
    ('contract', 'Договор', 'pdf,xml,txt,docx', 10485760);
CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    service_id TEXT NOT NULL REFERENCES services(id),
    name TEXT NOT NULL,
    size BIGINT NOT NULL,
    hash TEXT NOT NULL,
    content TEXT NOT NULL,
    status TEXT NOT NULL,
    comment TEXT NOT NULL,
    signature TEXT,
    signer TEXT,
    signed_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX documents_account ON documents (account_id, created_at)
