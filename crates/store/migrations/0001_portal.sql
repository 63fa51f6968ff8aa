-- The portal's first schema: accounts, one-time codes, sessions, rate limits, the journal, the
-- outbox, passkeys. Portable SQL: it runs unchanged on SQLite and PostgreSQL (TEXT and BIGINT
-- only; times are Unix seconds; identifiers are random hex made by the application).

CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    phone TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL UNIQUE,
    snils TEXT UNIQUE,
    inn TEXT,
    surname TEXT NOT NULL,
    given_name TEXT NOT NULL,
    patronymic TEXT NOT NULL,
    birth_date TEXT,
    passport TEXT,
    password_hash TEXT NOT NULL,
    phone_confirmed BIGINT NOT NULL DEFAULT 0,
    email_confirmed BIGINT NOT NULL DEFAULT 0,
    role TEXT NOT NULL DEFAULT 'citizen',
    operator_ca TEXT,
    totp_secret TEXT,
    totp_last_step BIGINT NOT NULL DEFAULT 0,
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT NOT NULL DEFAULT 0,
    language TEXT NOT NULL DEFAULT 'ru',
    created_at BIGINT NOT NULL
);

CREATE TABLE codes (
    id TEXT PRIMARY KEY,
    account_id TEXT REFERENCES accounts(id),
    purpose TEXT NOT NULL,
    destination TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    tries_left BIGINT NOT NULL,
    used_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX codes_account ON codes (account_id, purpose);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    kind TEXT NOT NULL,
    csrf TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    ip TEXT,
    user_agent TEXT,
    ended_at BIGINT
);
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE rate_limits (
    bucket TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    hits BIGINT NOT NULL
);

CREATE TABLE journal (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    account_id TEXT,
    actor TEXT,
    action TEXT NOT NULL,
    object TEXT,
    status TEXT NOT NULL,
    ip TEXT,
    user_agent TEXT,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX journal_account ON journal (account_id, seq);

CREATE TABLE journal_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO journal_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    sensitive BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    claimed_until BIGINT NOT NULL DEFAULT 0,
    delivered_at BIGINT,
    failed_at BIGINT,
    delivered_by TEXT,
    last_error TEXT
);
CREATE INDEX outbox_due ON outbox (delivered_at, failed_at, next_attempt_at);

CREATE TABLE passkeys (
    credential_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    public_key TEXT NOT NULL,
    sign_count BIGINT NOT NULL,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX passkeys_account ON passkeys (account_id);

CREATE TABLE ceremonies (
    id TEXT PRIMARY KEY,
    account_id TEXT REFERENCES accounts(id),
    kind TEXT NOT NULL,
    challenge TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
