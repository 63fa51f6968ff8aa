//! Appointment slots for the identity-check visit (see `0006_visits.sql`).

use sqlx::any::AnyRow;

use crate::{Result, Tx, col, dynamic};

/// A slot as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    /// Random identifier.
    pub id: String,
    /// The centre receiving.
    pub centre_id: String,
    /// Start (Unix seconds).
    pub starts_at: i64,
    /// End (Unix seconds).
    pub ends_at: i64,
    /// The application booked into it, if any.
    pub application_id: Option<String>,
    /// When the reminder of the day before went out.
    pub reminded_at: Option<i64>,
    /// When it was published.
    pub created_at: i64,
}

const COLUMNS: &str = "id, centre_id, starts_at, ends_at, application_id, reminded_at, created_at";

fn slot(row: &AnyRow) -> Result<Slot> {
    Ok(Slot {
        id: col(row, "id")?,
        centre_id: col(row, "centre_id")?,
        starts_at: col(row, "starts_at")?,
        ends_at: col(row, "ends_at")?,
        application_id: col(row, "application_id")?,
        reminded_at: col(row, "reminded_at")?,
        created_at: col(row, "created_at")?,
    })
}

impl Tx {
    /// Publishes a free slot; [`crate::Error::Duplicate`] when the centre has one at that time.
    pub async fn insert_slot(&mut self, s: &Slot) -> Result<()> {
        dynamic(format!(
            "INSERT INTO visit_slots ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        ))
        .bind(&s.id)
        .bind(&s.centre_id)
        .bind(s.starts_at)
        .bind(s.ends_at)
        .bind(&s.application_id)
        .bind(s.reminded_at)
        .bind(s.created_at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Slot `id`.
    pub async fn slot(&mut self, id: &str) -> Result<Option<Slot>> {
        dynamic(format!("SELECT {COLUMNS} FROM visit_slots WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.conn())
            .await?
            .as_ref()
            .map(slot)
            .transpose()
    }

    /// A centre's free slots starting after `after`, soonest first.
    pub async fn free_slots(&mut self, centre_id: &str, after: i64) -> Result<Vec<Slot>> {
        dynamic(format!(
            "SELECT {COLUMNS} FROM visit_slots WHERE centre_id = $1 AND starts_at > $2 \
             AND application_id IS NULL ORDER BY starts_at LIMIT 500"
        ))
        .bind(centre_id)
        .bind(after)
        .fetch_all(self.conn())
        .await?
        .iter()
        .map(slot)
        .collect()
    }

    /// The slot application `application_id` is booked into.
    pub async fn slot_of(&mut self, application_id: &str) -> Result<Option<Slot>> {
        dynamic(format!(
            "SELECT {COLUMNS} FROM visit_slots WHERE application_id = $1"
        ))
        .bind(application_id)
        .fetch_optional(self.conn())
        .await?
        .as_ref()
        .map(slot)
        .transpose()
    }

    /// The booked slot whose code hashes to `code_hash`.
    pub async fn slot_by_code(&mut self, code_hash: &str) -> Result<Option<Slot>> {
        dynamic(format!(
            "SELECT {COLUMNS} FROM visit_slots WHERE code_hash = $1"
        ))
        .bind(code_hash)
        .fetch_optional(self.conn())
        .await?
        .as_ref()
        .map(slot)
        .transpose()
    }

    /// Books free slot `id` for `application_id` with the code's hash; false when it was taken.
    pub async fn take_slot(
        &mut self,
        id: &str,
        application_id: &str,
        code_hash: &str,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE visit_slots SET application_id = $2, code_hash = $3, reminded_at = NULL \
             WHERE id = $1 AND application_id IS NULL",
        )
        .bind(id)
        .bind(application_id)
        .bind(code_hash)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Frees the slot of `application_id`; false when it had none.
    pub async fn release_slot(&mut self, application_id: &str) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE visit_slots SET application_id = NULL, code_hash = NULL, reminded_at = NULL \
             WHERE application_id = $1",
        )
        .bind(application_id)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Booked slots starting after `after` and no later than `until` whose reminder has not
    /// gone out.
    pub async fn slots_to_remind(&mut self, after: i64, until: i64) -> Result<Vec<Slot>> {
        dynamic(format!(
            "SELECT {COLUMNS} FROM visit_slots WHERE application_id IS NOT NULL \
             AND reminded_at IS NULL AND starts_at > $1 AND starts_at <= $2 ORDER BY starts_at"
        ))
        .bind(after)
        .bind(until)
        .fetch_all(self.conn())
        .await?
        .iter()
        .map(slot)
        .collect()
    }

    /// Records that slot `id`'s reminder goes out now; false when another node sent it.
    pub async fn claim_reminder(&mut self, id: &str, now: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE visit_slots SET reminded_at = $2 WHERE id = $1 AND reminded_at IS NULL",
        )
        .bind(id)
        .bind(now)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
