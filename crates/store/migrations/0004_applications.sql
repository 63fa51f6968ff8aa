-- Applications for a qualified certificate and their scans. The form itself (personal data,
-- subject type, organisation) is one JSON document the portal's core reads and checks; the
-- columns are what queues and rules select on. `status` follows the state machine of the core's
-- `applications` module; every change is a compare-and-set on (id, status), so two nodes never
-- move one application twice.
CREATE TABLE applications (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    centre_id TEXT NOT NULL REFERENCES centres(id),
    subject_type TEXT NOT NULL,
    medium TEXT NOT NULL,
    snils TEXT NOT NULL,
    form TEXT NOT NULL,
    status TEXT NOT NULL,
    comment TEXT NOT NULL,
    price BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX applications_account ON applications (account_id, created_at);
CREATE INDEX applications_queue ON applications (centre_id, status, updated_at);

-- Scans attached to an application: PDF only, each at most 5 MB, stored whole (base64) with
-- their Streebog-256 hash, so a file is either all there or not at all.
CREATE TABLE application_files (
    id TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications(id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    size BIGINT NOT NULL,
    hash TEXT NOT NULL,
    content TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX application_files_of ON application_files (application_id, created_at)
