-- Appointment slots a centre publishes for the identity-check visit. A slot is free while
-- `application_id` is NULL; booking takes it with a compare-and-set, so two applicants never
-- share one. `code_hash` is the server-keyed hash of the visit's short code (the operator types
-- the code, the portal finds the slot by its hash). `reminded_at` records the reminder of the
-- day before, so it goes out once across nodes.
CREATE TABLE visit_slots (
    id TEXT PRIMARY KEY,
    centre_id TEXT NOT NULL REFERENCES centres(id),
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    application_id TEXT UNIQUE REFERENCES applications(id),
    code_hash TEXT,
    reminded_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX visit_slots_time ON visit_slots (centre_id, starts_at);
CREATE UNIQUE INDEX visit_slots_code ON visit_slots (code_hash)
