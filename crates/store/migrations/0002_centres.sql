-- Accredited certification centres, the certificates the hosted ones issue, and their CRLs.
-- Portable SQL as in 0001: TEXT and BIGINT only, Unix-second times; DER is stored as base64.

-- The registry: every centre the portal trusts while its accreditation is in force
-- (accredited_from <= t < accredited_until). `hosted` centres run on this portal, with keys in
-- `centre_keys`; imported ones are only trusted.
CREATE TABLE centres (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    inn TEXT NOT NULL,
    ogrn TEXT NOT NULL,
    address TEXT NOT NULL,
    price BIGINT NOT NULL,
    accredited_from BIGINT NOT NULL,
    accredited_until BIGINT NOT NULL,
    hosted BIGINT NOT NULL,
    chain TEXT NOT NULL,
    crl_url TEXT,
    ocsp_url TEXT,
    created_at BIGINT NOT NULL
);

-- A hosted centre's keys: `ca` signs certificates and CRLs, `ocsp` (a delegated responder)
-- signs OCSP responses. Keys are sealed by the key vault; the certificate is base64 DER.
CREATE TABLE centre_keys (
    centre_id TEXT NOT NULL REFERENCES centres(id),
    purpose TEXT NOT NULL,
    sealed_key TEXT NOT NULL,
    certificate TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (centre_id, purpose)
);

-- Certificates the hosted centres issued. `serial` is upper-case hex as encoded.
CREATE TABLE certificates (
    centre_id TEXT NOT NULL REFERENCES centres(id),
    serial TEXT NOT NULL,
    der TEXT NOT NULL,
    subject TEXT NOT NULL,
    snils TEXT,
    inn TEXT,
    not_before BIGINT NOT NULL,
    not_after BIGINT NOT NULL,
    account_id TEXT REFERENCES accounts(id),
    revoked_at BIGINT,
    reason TEXT,
    issued_at BIGINT NOT NULL,
    PRIMARY KEY (centre_id, serial)
);
CREATE INDEX certificates_revoked ON certificates (centre_id, revoked_at);
CREATE INDEX certificates_account ON certificates (account_id);

-- The newest CRL of each hosted centre (base64 DER); `number` grows by one with each.
CREATE TABLE crls (
    centre_id TEXT PRIMARY KEY REFERENCES centres(id),
    number BIGINT NOT NULL,
    der TEXT NOT NULL,
    this_update BIGINT NOT NULL,
    next_update BIGINT NOT NULL
);
