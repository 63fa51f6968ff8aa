//! The numbers that govern sign-in: code lifetimes, tries, locks, rate limits, session
//! lengths; and how long a delivered message is kept.

/// The portal's security policy. [`Policy::default`] is what `podpis serve` runs with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    /// How long a one-time code is valid, in seconds (5 minutes).
    pub code_ttl: i64,
    /// Wrong answers a code takes before a new one is needed (3).
    pub code_tries: i64,
    /// Codes of one purpose an account may be sent per [`Policy::code_send_window`] (5).
    pub code_sends: i64,
    /// The window for [`Policy::code_sends`], in seconds (10 minutes).
    pub code_send_window: i64,
    /// Failed sign-ins (password or code) after which the account locks (5).
    pub lock_after: i64,
    /// How long a lock lasts, in seconds (15 minutes).
    pub lock_for: i64,
    /// Attempts (sign-in, codes, registration) allowed from one address per window (60).
    pub per_address: i64,
    /// Password attempts allowed on one login per window (10).
    pub per_login: i64,
    /// The rate-limit window, in seconds (10 minutes).
    pub rate_window: i64,
    /// How long a page session lasts, in seconds (12 hours).
    pub cookie_session_ttl: i64,
    /// How long an API token lasts, in seconds (30 days).
    pub bearer_session_ttl: i64,
    /// PBKDF2 iterations that protect a new cloud key under its PIN
    /// ([`podpis_keys::file::DEFAULT_ITERATIONS`]); three wrong PINs lock the key whatever
    /// the figure, but the sealed key is only as strong as it against a stolen database and
    /// vault key. Fewer are for tests and measurements.
    pub pin_kdf_iterations: u32,
    /// How long a delivered e-mail or SMS stays in the outbox, and so in the administrator's
    /// mailbox, before housekeeping deletes it, in seconds (30 days). A message
    /// queued or given up is never deleted.
    pub messages_kept: i64,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            code_ttl: 300,
            code_tries: 3,
            code_sends: 5,
            code_send_window: 600,
            lock_after: 5,
            lock_for: 900,
            per_address: 60,
            per_login: 10,
            rate_window: 600,
            cookie_session_ttl: 12 * 3600,
            bearer_session_ttl: 30 * 24 * 3600,
            pin_kdf_iterations: podpis_keys::file::DEFAULT_ITERATIONS,
            messages_kept: 30 * 24 * 3600,
        }
    }
}
