//! Payments for applications (see `0005_payments.sql`).

use sqlx::any::AnyRow;

use crate::{Result, Tx, col, dynamic};

/// A payment as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payment {
    /// Our identifier, given to the provider as the order number.
    pub id: String,
    /// The application paid for.
    pub application_id: String,
    /// The provider's name.
    pub provider: String,
    /// The provider's reference for it.
    pub provider_ref: String,
    /// The amount, in kopecks.
    pub amount: i64,
    /// `pending`, `succeeded` or `declined`.
    pub status: String,
    /// Why it was declined (empty otherwise).
    pub reason: String,
    /// When it was started (Unix seconds).
    pub created_at: i64,
    /// When it last changed.
    pub updated_at: i64,
}

const COLUMNS: &str =
    "id, application_id, provider, provider_ref, amount, status, reason, created_at, updated_at";

fn payment(row: &AnyRow) -> Result<Payment> {
    Ok(Payment {
        id: col(row, "id")?,
        application_id: col(row, "application_id")?,
        provider: col(row, "provider")?,
        provider_ref: col(row, "provider_ref")?,
        amount: col(row, "amount")?,
        status: col(row, "status")?,
        reason: col(row, "reason")?,
        created_at: col(row, "created_at")?,
        updated_at: col(row, "updated_at")?,
    })
}

impl Tx {
    /// Stores a new payment.
    pub async fn insert_payment(&mut self, p: &Payment) -> Result<()> {
        dynamic(format!(
            "INSERT INTO payments ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        ))
        .bind(&p.id)
        .bind(&p.application_id)
        .bind(&p.provider)
        .bind(&p.provider_ref)
        .bind(p.amount)
        .bind(&p.status)
        .bind(&p.reason)
        .bind(p.created_at)
        .bind(p.updated_at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Payment `id`, locked on PostgreSQL inside a transaction.
    pub async fn payment(&mut self, id: &str) -> Result<Option<Payment>> {
        let lock = self.for_update();
        dynamic(format!(
            "SELECT {COLUMNS} FROM payments WHERE id = $1{lock}"
        ))
        .bind(id)
        .fetch_optional(self.conn())
        .await?
        .as_ref()
        .map(payment)
        .transpose()
    }

    /// The payments of an application, oldest first.
    pub async fn payments_of(&mut self, application_id: &str) -> Result<Vec<Payment>> {
        dynamic(format!(
            "SELECT {COLUMNS} FROM payments WHERE application_id = $1 ORDER BY created_at, id"
        ))
        .bind(application_id)
        .fetch_all(self.conn())
        .await?
        .iter()
        .map(payment)
        .collect()
    }

    /// Settles pending payment `id` as `status` (`succeeded` or `declined`) with `reason`;
    /// false when it was settled already. [`crate::Error::Duplicate`] when the application has
    /// a succeeded payment already.
    pub async fn settle_payment(
        &mut self,
        id: &str,
        status: &str,
        reason: &str,
        at: i64,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE payments SET status = $2, reason = $3, updated_at = $4 \
             WHERE id = $1 AND status = 'pending'",
        )
        .bind(id)
        .bind(status)
        .bind(reason)
        .bind(at)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
