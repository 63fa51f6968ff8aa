//! The delivery worker: claims due messages for a lease, sends each, records the result. A
//! worker killed between its claim and its record loses nothing — the lease runs out and the
//! message is claimed again (delivery is at least once). Any number of workers, on any number of
//! nodes, share the outbox without sending a message twice at the same time. Each claim,
//! give-back and record is one statement, atomic by itself, so none opens a transaction.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use podpis_store::{Message, Store};
use tokio::sync::watch;

use super::{Outgoing, Sender};
use crate::{Clock, Result};

/// Counters of what a worker did (for `/metrics`).
#[derive(Debug, Default)]
pub struct WorkerStats {
    /// Messages delivered.
    pub delivered: AtomicU64,
    /// Attempts that failed and will be retried.
    pub retried: AtomicU64,
    /// Messages given up after the last attempt.
    pub failed: AtomicU64,
}

/// Delivers the outbox.
#[derive(Clone)]
pub struct Worker {
    store: Store,
    clock: Arc<dyn Clock>,
    email: Arc<dyn Sender>,
    sms: Arc<dyn Sender>,
    webhook: Arc<dyn Sender>,
    /// How long a claim holds, in seconds.
    pub lease: i64,
    /// Attempts before a message is given up.
    pub max_attempts: i64,
    /// How long to wait when nothing is due.
    pub idle: Duration,
    stats: Arc<WorkerStats>,
}

impl Worker {
    /// A worker over `store` sending e-mail with `email`, SMS with `sms` and webhook calls over
    /// HTTP ([`super::WebhookSender`]): leases of 60 s, 8 attempts, a look at the outbox every
    /// second when idle.
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        email: Arc<dyn Sender>,
        sms: Arc<dyn Sender>,
    ) -> Self {
        Self {
            store,
            clock,
            email,
            sms,
            webhook: Arc::new(super::WebhookSender::default()),
            lease: 60,
            max_attempts: 8,
            idle: Duration::from_secs(1),
            stats: Arc::default(),
        }
    }

    /// The same worker calling webhooks with `sender`.
    pub fn with_webhooks(mut self, sender: Arc<dyn Sender>) -> Self {
        self.webhook = sender;
        self
    }

    /// The worker's counters.
    pub fn stats(&self) -> Arc<WorkerStats> {
        self.stats.clone()
    }

    /// Seconds to wait before attempt `attempts + 1`: 15 s, doubling, at most an hour.
    pub fn backoff(attempts: i64) -> i64 {
        (15i64 << (attempts - 1).clamp(0, 8)).min(3600)
    }

    /// Claims what is due and delivers it; returns how many messages it handled. A send is
    /// started only while the claim will outlast it: the claims left when that no longer holds
    /// (slow senders) are given back, due at once, rather than sent after another worker may
    /// have claimed them.
    pub async fn run_once(&self) -> Result<usize> {
        let now = self.clock.now();
        let held_until = now + self.lease;
        let mut tx = self.store.write_one().await?;
        let claimed = tx.claim_messages(now, self.lease, 20).await?;
        tx.commit().await?;
        let limit = self.attempt_limit();
        for (handled, m) in claimed.iter().enumerate() {
            if self.clock.now() + limit.as_secs() as i64 > held_until {
                let rest: Vec<&str> = claimed[handled..]
                    .iter()
                    .map(|m| m.message.id.as_str())
                    .collect();
                let mut tx = self.store.write_one().await?;
                tx.release_claims(&rest, held_until).await?;
                tx.commit().await?;
                return Ok(handled);
            }
            self.deliver(m, held_until, limit).await?;
        }
        Ok(claimed.len())
    }

    /// How long one send may take: well within the lease, so that no second worker claims the
    /// message while this one still might send it.
    fn attempt_limit(&self) -> Duration {
        Duration::from_secs((self.lease / 2).max(1) as u64)
    }

    /// Sends `m`, claimed until `held_until`, and records the outcome.
    async fn deliver(&self, m: &Message, held_until: i64, limit: Duration) -> Result<()> {
        let sender = match m.message.channel.as_str() {
            "sms" => &self.sms,
            "webhook" => &self.webhook,
            _ => &self.email,
        };
        let out = Outgoing {
            recipient: m.message.recipient.clone(),
            subject: m.message.subject.clone(),
            body: m.message.body.clone(),
        };
        let outcome = match tokio::time::timeout(limit, sender.send(&out)).await {
            Ok(result) => result,
            Err(_) => Err(format!("no answer within {} s", limit.as_secs())),
        };
        let now = self.clock.now();
        let mut tx = self.store.write_one().await?;
        match outcome {
            Ok(()) => {
                let recorded = tx
                    .mark_delivered(&m.message.id, now, sender.name(), sender.keeps_text())
                    .await?;
                self.stats.delivered.fetch_add(1, Ordering::Relaxed);
                if recorded {
                    tracing::info!(id = %m.message.id, channel = %m.message.channel, by = sender.name(), "message delivered");
                } else {
                    tracing::warn!(id = %m.message.id, channel = %m.message.channel, by = sender.name(), "message delivered again: another worker delivered it first");
                }
            }
            Err(error) => {
                let retry =
                    (m.attempts < self.max_attempts).then(|| now + Self::backoff(m.attempts));
                let recorded = tx
                    .mark_attempt_failed(&m.message.id, held_until, now, &error, retry)
                    .await?;
                if recorded {
                    let counter = if retry.is_some() {
                        &self.stats.retried
                    } else {
                        &self.stats.failed
                    };
                    counter.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(id = %m.message.id, channel = %m.message.channel, attempt = m.attempts, %error, "delivery failed");
                } else {
                    tracing::warn!(id = %m.message.id, channel = %m.message.channel, attempt = m.attempts, %error, "delivery failed after the claim ran out: the worker that holds it now decides");
                }
            }
        }
        tx.commit().await.map_err(Into::into)
    }

    /// Delivers until `shutdown` turns true; a storage error is logged and retried after a pause.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        loop {
            let handled = match self.run_once().await {
                Ok(n) => n,
                Err(e) => {
                    tracing::error!(error = %e, "outbox worker");
                    0
                }
            };
            if *shutdown.borrow() {
                return;
            }
            if handled == 0 {
                tokio::select! {
                    _ = tokio::time::sleep(self.idle) => {}
                    _ = shutdown.changed() => return,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_stops_at_an_hour() {
        assert_eq!([1, 2, 3, 4].map(Worker::backoff), [15, 30, 60, 120]);
        assert_eq!(Worker::backoff(20), 3600);
    }
}
