//! Housekeeping: deletes the rows nothing looks up again — past rate-limit windows, spent
//! one-time codes, ended sessions, unanswered passkey challenges, expired kept verifications
//! and messages delivered long ago.

use crate::{Result, Tx};

/// The moments (Unix seconds) that decide which rows are spent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cutoffs {
    /// Now: sessions, challenges and kept verifications that expired by then go, and codes
    /// that expired before it.
    pub now: i64,
    /// Rate-limit windows that started before this have ended.
    pub windows_before: i64,
    /// Expired codes made before this go (the send limit and a resend look back no further).
    pub codes_before: i64,
    /// Messages delivered before this go (the outbox's queued and given-up ones stay).
    pub delivered_before: i64,
}

/// How many rows of each kind one round of housekeeping deleted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pruned {
    /// Rate-limit windows.
    pub rate_limits: u64,
    /// One-time codes.
    pub codes: u64,
    /// Ended or expired sessions.
    pub sessions: u64,
    /// Passkey challenges.
    pub ceremonies: u64,
    /// Kept verifications (a document and its signature each).
    pub kept_verifications: u64,
    /// Delivered messages of the outbox.
    pub messages: u64,
}

impl Pruned {
    /// All the rows deleted.
    pub fn total(&self) -> u64 {
        self.rate_limits
            + self.codes
            + self.sessions
            + self.ceremonies
            + self.kept_verifications
            + self.messages
    }
}

impl Tx {
    /// Deletes the rows that `cutoffs` mark spent; returns how many of each kind.
    pub async fn prune(&mut self, cutoffs: &Cutoffs) -> Result<Pruned> {
        let Cutoffs {
            now,
            windows_before,
            codes_before,
            delivered_before,
        } = *cutoffs;
        Ok(Pruned {
            rate_limits: self
                .delete(
                    "DELETE FROM rate_limits WHERE window_start < $1",
                    &[windows_before],
                )
                .await?,
            codes: self
                .delete(
                    "DELETE FROM codes WHERE expires_at < $1 AND created_at < $2",
                    &[now, codes_before],
                )
                .await?,
            sessions: self
                .delete(
                    "DELETE FROM sessions WHERE ended_at IS NOT NULL OR expires_at <= $1",
                    &[now],
                )
                .await?,
            ceremonies: self
                .delete("DELETE FROM ceremonies WHERE expires_at <= $1", &[now])
                .await?,
            kept_verifications: self
                .delete(
                    "DELETE FROM kept_verifications WHERE expires_at <= $1",
                    &[now],
                )
                .await?,
            messages: self
                .delete(
                    "DELETE FROM outbox WHERE delivered_at < $1",
                    &[delivered_before],
                )
                .await?,
        })
    }

    /// Runs the DELETE `sql` with `values` bound in order; returns the rows deleted.
    async fn delete(&mut self, sql: &'static str, values: &[i64]) -> Result<u64> {
        let mut q = sqlx::query(sql);
        for v in values {
            q = q.bind(*v);
        }
        Ok(q.execute(self.conn()).await?.rows_affected())
    }
}
