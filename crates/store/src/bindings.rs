//! Certificates bound to accounts (see `0003_bindings.sql`).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sqlx::any::AnyRow;

use crate::{Result, Tx, col, dynamic, from_base64};

/// A binding of a certificate to an account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    /// Random identifier.
    pub id: String,
    /// The account.
    pub account_id: String,
    /// The centre that issued the certificate.
    pub centre_id: String,
    /// The certificate's serial, upper-case hex.
    pub serial: String,
    /// The certificate, DER.
    pub der: Vec<u8>,
    /// The text the owner signs to prove they hold the key.
    pub challenge: String,
    /// The one-time code sent for this binding.
    pub code_id: String,
    /// `pending`, `connected` or `ended`.
    pub status: String,
    /// The certificate's end of validity (Unix seconds).
    pub not_after: i64,
    /// When the binding began (Unix seconds).
    pub created_at: i64,
    /// When it was connected.
    pub bound_at: Option<i64>,
    /// When it ended.
    pub ended_at: Option<i64>,
}

const COLUMNS: &str = "id, account_id, centre_id, serial, der, challenge, code_id, status, \
     not_after, created_at, bound_at, ended_at";

fn binding(row: &AnyRow) -> Result<Binding> {
    Ok(Binding {
        id: col(row, "id")?,
        account_id: col(row, "account_id")?,
        centre_id: col(row, "centre_id")?,
        serial: col(row, "serial")?,
        der: from_base64("der", &col::<String>(row, "der")?)?,
        challenge: col(row, "challenge")?,
        code_id: col(row, "code_id")?,
        status: col(row, "status")?,
        not_after: col(row, "not_after")?,
        created_at: col(row, "created_at")?,
        bound_at: col(row, "bound_at")?,
        ended_at: col(row, "ended_at")?,
    })
}

impl Tx {
    /// Stores a new (pending) binding.
    pub async fn insert_binding(&mut self, b: &Binding) -> Result<()> {
        dynamic(format!(
            "INSERT INTO bindings ({COLUMNS}) VALUES \
             ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        ))
        .bind(&b.id)
        .bind(&b.account_id)
        .bind(&b.centre_id)
        .bind(&b.serial)
        .bind(STANDARD.encode(&b.der))
        .bind(&b.challenge)
        .bind(&b.code_id)
        .bind(&b.status)
        .bind(b.not_after)
        .bind(b.created_at)
        .bind(b.bound_at)
        .bind(b.ended_at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The binding `id`, locked on PostgreSQL inside a transaction.
    pub async fn binding(&mut self, id: &str) -> Result<Option<Binding>> {
        let lock = self.for_update();
        dynamic(format!(
            "SELECT {COLUMNS} FROM bindings WHERE id = $1{lock}"
        ))
        .bind(id)
        .fetch_optional(self.conn())
        .await?
        .as_ref()
        .map(binding)
        .transpose()
    }

    /// The connected binding of certificate `serial` of `centre_id`, if any.
    pub async fn connected_binding(
        &mut self,
        centre_id: &str,
        serial: &str,
    ) -> Result<Option<Binding>> {
        dynamic(format!(
            "SELECT {COLUMNS} FROM bindings \
             WHERE centre_id = $1 AND serial = $2 AND status = 'connected'"
        ))
        .bind(centre_id)
        .bind(serial)
        .fetch_optional(self.conn())
        .await?
        .as_ref()
        .map(binding)
        .transpose()
    }

    /// An account's pending and connected bindings, newest first.
    pub async fn bindings_of(&mut self, account_id: &str) -> Result<Vec<Binding>> {
        dynamic(format!(
            "SELECT {COLUMNS} FROM bindings WHERE account_id = $1 AND status <> 'ended' \
             ORDER BY created_at DESC, id"
        ))
        .bind(account_id)
        .fetch_all(self.conn())
        .await?
        .iter()
        .map(binding)
        .collect()
    }

    /// Connects pending binding `id`; [`crate::Error::Duplicate`] when the certificate is
    /// connected to an account already.
    pub async fn connect_binding(&mut self, id: &str, at: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE bindings SET status = 'connected', bound_at = $2 \
             WHERE id = $1 AND status = 'pending'",
        )
        .bind(id)
        .bind(at)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Ends binding `id` (pending or connected); false when it had ended already.
    pub async fn end_binding(&mut self, id: &str, at: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE bindings SET status = 'ended', ended_at = $2 \
             WHERE id = $1 AND status <> 'ended'",
        )
        .bind(id)
        .bind(at)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Ends every binding of certificate `serial` of `centre_id` (it was revoked); how many.
    pub async fn end_bindings_of_certificate(
        &mut self,
        centre_id: &str,
        serial: &str,
        at: i64,
    ) -> Result<u64> {
        let done = sqlx::query(
            "UPDATE bindings SET status = 'ended', ended_at = $3 \
             WHERE centre_id = $1 AND serial = $2 AND status <> 'ended'",
        )
        .bind(centre_id)
        .bind(serial)
        .bind(at)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected())
    }

    /// Connected bindings whose certificate ends after `after` and no later than `until`.
    pub async fn bindings_expiring(&mut self, after: i64, until: i64) -> Result<Vec<Binding>> {
        dynamic(format!(
            "SELECT {COLUMNS} FROM bindings WHERE status = 'connected' \
             AND not_after > $1 AND not_after <= $2 ORDER BY not_after, id"
        ))
        .bind(after)
        .bind(until)
        .fetch_all(self.conn())
        .await?
        .iter()
        .map(binding)
        .collect()
    }

    /// Records that the `days` warning of binding `id` goes out now; false when it went out
    /// already (then nothing is to be sent).
    pub async fn claim_expiry_warning(&mut self, id: &str, days: i64, now: i64) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO expiry_warnings (binding_id, days, sent_at) VALUES ($1, $2, $3) \
             ON CONFLICT (binding_id, days) DO NOTHING",
        )
        .bind(id)
        .bind(days)
        .bind(now)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
