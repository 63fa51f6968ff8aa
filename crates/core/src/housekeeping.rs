//! Housekeeping: the scheduled round that deletes spent rows, so the sign-in tables, the kept
//! verifications and the outbox stay the size of what is live.

use podpis_store::{Cutoffs, Pruned};

use crate::accounts::RESEND_WITHIN;
use crate::{Portal, Result};

impl Portal {
    /// Deletes the rate-limit windows that ended, the expired codes that neither the send limit
    /// nor a resend looks back to, the ended and expired sessions, the unanswered passkey
    /// challenges, the expired kept verifications and the messages delivered more than
    /// [`Policy::messages_kept`](crate::Policy::messages_kept) ago; returns how many of each.
    /// Safe on any number of nodes at once.
    pub async fn housekeeping(&self) -> Result<Pruned> {
        let now = self.now();
        let cutoffs = Cutoffs {
            now,
            windows_before: now - self.policy.rate_window,
            codes_before: now - self.policy.code_send_window.max(RESEND_WITHIN),
            delivered_before: now - self.policy.messages_kept,
        };
        let mut tx = self.store.begin().await?;
        let pruned = tx.prune(&cutoffs).await?;
        tx.commit().await?;
        Ok(pruned)
    }
}
