//! One-time codes: stored only as a keyed hash, with an expiry and a number of tries left.

use sqlx::any::AnyRow;

use crate::{Result, Tx, col, dynamic};

/// A one-time code as stored (never the code itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Code {
    /// Random identifier; the client quotes it when it answers.
    pub id: String,
    /// Whose code; `None` for a decoy made for a login that does not exist.
    pub account_id: Option<String>,
    /// What it confirms: `confirm_phone`, `confirm_email`, `login`, …
    pub purpose: String,
    /// Where it went (phone or e-mail), for the page to show.
    pub destination: String,
    /// Keyed hash of the code.
    pub code_hash: String,
    /// Until when it can be used (Unix seconds).
    pub expires_at: i64,
    /// Tries left before a new code is needed.
    pub tries_left: i64,
    /// When it was used (it can be used once).
    pub used_at: Option<i64>,
    /// When it was made.
    pub created_at: i64,
}

fn code(row: &AnyRow) -> Result<Code> {
    Ok(Code {
        id: col(row, "id")?,
        account_id: col(row, "account_id")?,
        purpose: col(row, "purpose")?,
        destination: col(row, "destination")?,
        code_hash: col(row, "code_hash")?,
        expires_at: col(row, "expires_at")?,
        tries_left: col(row, "tries_left")?,
        used_at: col(row, "used_at")?,
        created_at: col(row, "created_at")?,
    })
}

impl Tx {
    /// Stores a new code and voids the earlier unused codes of the same account and purpose
    /// (only the newest code works).
    pub async fn insert_code(&mut self, c: &Code) -> Result<()> {
        if let Some(account) = &c.account_id {
            sqlx::query(
                "UPDATE codes SET used_at = $3 WHERE account_id = $1 AND purpose = $2 AND used_at IS NULL",
            )
            .bind(account)
            .bind(&c.purpose)
            .bind(c.created_at)
            .execute(self.conn())
            .await?;
        }
        sqlx::query(
            "INSERT INTO codes (id, account_id, purpose, destination, code_hash, expires_at, \
             tries_left, used_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&c.id)
        .bind(&c.account_id)
        .bind(&c.purpose)
        .bind(&c.destination)
        .bind(&c.code_hash)
        .bind(c.expires_at)
        .bind(c.tries_left)
        .bind(c.used_at)
        .bind(c.created_at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The code with this identifier, locked for the check that follows.
    pub async fn code(&mut self, id: &str) -> Result<Option<Code>> {
        let sql = format!(
            "SELECT id, account_id, purpose, destination, code_hash, expires_at, tries_left, \
             used_at, created_at FROM codes WHERE id = $1{}",
            self.for_update()
        );
        let row = dynamic(sql).bind(id).fetch_optional(self.conn()).await?;
        row.as_ref().map(code).transpose()
    }

    /// Takes one try from code `id`; returns the tries left.
    pub async fn spend_code_try(&mut self, id: &str) -> Result<i64> {
        let row = sqlx::query(
            "UPDATE codes SET tries_left = tries_left - 1 WHERE id = $1 RETURNING tries_left",
        )
        .bind(id)
        .fetch_one(self.conn())
        .await?;
        col(&row, "tries_left")
    }

    /// Marks code `id` used.
    pub async fn use_code(&mut self, id: &str, at: i64) -> Result<()> {
        sqlx::query("UPDATE codes SET used_at = $2 WHERE id = $1")
            .bind(id)
            .bind(at)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// How many codes of `purpose` went to account `account` since `since` (for the send limit).
    pub async fn codes_sent_since(
        &mut self,
        account: &str,
        purpose: &str,
        since: i64,
    ) -> Result<i64> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM codes WHERE account_id = $1 AND purpose = $2 AND created_at >= $3",
        )
        .bind(account)
        .bind(purpose)
        .bind(since)
        .fetch_one(self.conn())
        .await?;
        col(&row, "n")
    }
}
