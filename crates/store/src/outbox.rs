//! The outbox: messages to send, written in the same transaction as the event that causes
//! them, then claimed by a delivery worker for a lease. A worker that dies after claiming loses
//! nothing: when the lease runs out the message is claimed again. On PostgreSQL claims skip rows
//! another node holds (`FOR UPDATE SKIP LOCKED`), so any number of workers share the work.

use sqlx::any::AnyRow;

use crate::{Dialect, Result, Tx, col, dynamic, flag, placeholders};

/// A message to queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMessage {
    /// Random identifier.
    pub id: String,
    /// `email` or `sms`.
    pub channel: String,
    /// Address or phone number.
    pub recipient: String,
    /// Subject (e-mail); empty for SMS.
    pub subject: String,
    /// Text.
    pub body: String,
    /// Whether the text carries a secret (a one-time code): it is erased once delivered.
    pub sensitive: bool,
    /// When it was queued.
    pub created_at: i64,
}

/// A queued message with its delivery state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// What was queued.
    pub message: NewMessage,
    /// Delivery attempts so far (the current one included, once claimed).
    pub attempts: i64,
    /// Where it stands.
    pub delivery: Delivery,
    /// The last error, if an attempt failed.
    pub last_error: Option<String>,
}

/// Where a message stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// Waiting for its next attempt at this time.
    Pending {
        /// When it may be tried (again).
        next_attempt_at: i64,
    },
    /// Delivered at this time by this sender.
    Delivered {
        /// When.
        at: i64,
        /// Which sender (`smtp`, `sms-http`, `mailbox`).
        by: String,
    },
    /// Given up after too many attempts.
    Failed {
        /// When it was given up.
        at: i64,
    },
}

const COLUMNS: &str = "id, channel, recipient, subject, body, sensitive, created_at, attempts, \
                       next_attempt_at, delivered_at, failed_at, delivered_by, last_error";

fn message(row: &AnyRow) -> Result<Message> {
    let delivered_at: Option<i64> = col(row, "delivered_at")?;
    let failed_at: Option<i64> = col(row, "failed_at")?;
    let delivery = match (delivered_at, failed_at) {
        (Some(at), _) => Delivery::Delivered {
            at,
            by: col::<Option<String>>(row, "delivered_by")?.unwrap_or_default(),
        },
        (None, Some(at)) => Delivery::Failed { at },
        (None, None) => Delivery::Pending {
            next_attempt_at: col(row, "next_attempt_at")?,
        },
    };
    Ok(Message {
        message: NewMessage {
            id: col(row, "id")?,
            channel: col(row, "channel")?,
            recipient: col(row, "recipient")?,
            subject: col(row, "subject")?,
            body: col(row, "body")?,
            sensitive: flag(row, "sensitive")?,
            created_at: col(row, "created_at")?,
        },
        attempts: col(row, "attempts")?,
        delivery,
        last_error: col(row, "last_error")?,
    })
}

impl Tx {
    /// Queues a message (due at once).
    pub async fn enqueue(&mut self, m: &NewMessage) -> Result<()> {
        sqlx::query(
            "INSERT INTO outbox (id, channel, recipient, subject, body, sensitive, created_at, \
             next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        )
        .bind(&m.id)
        .bind(&m.channel)
        .bind(&m.recipient)
        .bind(&m.subject)
        .bind(&m.body)
        .bind(i64::from(m.sensitive))
        .bind(m.created_at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Claims up to `limit` due messages until `now + lease` and counts the attempt; another
    /// worker does not get them until then.
    pub async fn claim_messages(
        &mut self,
        now: i64,
        lease: i64,
        limit: i64,
    ) -> Result<Vec<Message>> {
        let lock = match self.dialect() {
            Dialect::Sqlite => "",
            Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
        };
        let rows = dynamic(format!(
            "UPDATE outbox SET claimed_until = $2, attempts = attempts + 1 WHERE id IN (\
             SELECT id FROM outbox WHERE delivered_at IS NULL AND failed_at IS NULL \
             AND next_attempt_at <= $1 AND claimed_until <= $1 ORDER BY created_at, id LIMIT $3{lock}) \
             RETURNING {COLUMNS}"
        ))
        .bind(now)
        .bind(now + lease)
        .bind(limit)
        .fetch_all(self.conn())
        .await?;
        let mut claimed = rows.iter().map(message).collect::<Result<Vec<_>>>()?;
        claimed.sort_by(|a, b| {
            (a.message.created_at, &a.message.id).cmp(&(b.message.created_at, &b.message.id))
        });
        Ok(claimed)
    }

    /// Records a delivery; a sensitive text is erased then. A message already delivered keeps
    /// its first delivery (another worker that claimed it after a lease ran out may send it
    /// too); returns whether this delivery was recorded.
    pub async fn mark_delivered(
        &mut self,
        id: &str,
        now: i64,
        by: &str,
        keep_text: bool,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE outbox SET delivered_at = $2, delivered_by = $3, claimed_until = 0, \
             last_error = NULL, failed_at = NULL, \
             body = CASE WHEN sensitive = 1 AND $4 = 0 THEN '[erased after delivery]' ELSE body END \
             WHERE id = $1 AND delivered_at IS NULL",
        )
        .bind(id)
        .bind(now)
        .bind(by)
        .bind(i64::from(keep_text))
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Gives back the claims, held until `claimed_until`, on messages `ids` that their worker
    /// will not try after all: they are due again at once, the attempt uncounted. A message
    /// claimed since by another worker, or delivered, is left as it is.
    pub async fn release_claims(&mut self, ids: &[&str], claimed_until: i64) -> Result<u64> {
        if ids.is_empty() {
            return Ok(0);
        }
        let mut q = self
            .in_order(format!(
                "UPDATE outbox SET claimed_until = 0, attempts = attempts - 1 \
                 WHERE claimed_until = $1 AND delivered_at IS NULL AND failed_at IS NULL \
                 AND id IN ({})",
                placeholders(2, ids.len())
            ))
            .bind(claimed_until);
        for id in ids {
            q = q.bind(id.to_string());
        }
        Ok(q.execute(self.conn()).await?.rows_affected())
    }

    /// Records a failed attempt of the claim held until `claimed_until`: tried again at
    /// `retry_at`, or, with `None`, given up. A message claimed since by another worker (its
    /// lease ran out), or delivered, is left to that claim; returns whether the failure was
    /// recorded.
    pub async fn mark_attempt_failed(
        &mut self,
        id: &str,
        claimed_until: i64,
        now: i64,
        error: &str,
        retry_at: Option<i64>,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE outbox SET claimed_until = 0, last_error = $4, \
             next_attempt_at = CASE WHEN $5 > 0 THEN $5 ELSE next_attempt_at END, \
             failed_at = CASE WHEN $5 > 0 THEN NULL ELSE $3 END \
             WHERE id = $1 AND claimed_until = $2 AND delivered_at IS NULL AND failed_at IS NULL",
        )
        .bind(id)
        .bind(claimed_until)
        .bind(now)
        .bind(error)
        .bind(retry_at.unwrap_or(0))
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Messages newest first (the administrator's mailbox page).
    pub async fn messages(&mut self, limit: i64, offset: i64) -> Result<Vec<Message>> {
        let rows = dynamic(format!(
            "SELECT {COLUMNS} FROM outbox ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2"
        ))
        .bind(limit)
        .bind(offset)
        .fetch_all(self.conn())
        .await?;
        rows.iter().map(message).collect()
    }

    /// Messages not yet delivered nor given up.
    pub async fn pending_messages(&mut self) -> Result<i64> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM outbox WHERE delivered_at IS NULL AND failed_at IS NULL",
        )
        .fetch_one(self.conn())
        .await?;
        col(&row, "n")
    }
}
