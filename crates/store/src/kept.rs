//! Verifications kept on request: a checked document and its signature, stored under an
//! unguessable identifier until they expire.

use sqlx::any::AnyRow;

use crate::{Result, Tx, col};

/// A document and its signature that the public verification service was asked to keep.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeptVerification {
    /// Random identifier: whoever holds it may see the report again, download and delete.
    pub id: String,
    /// The document's file name, for the downloads.
    pub name: String,
    /// The signed document; `None` for an attached signature.
    pub document: Option<Vec<u8>>,
    /// The signature (DER or PEM, as uploaded).
    pub signature: Vec<u8>,
    /// When it was kept (Unix seconds).
    pub created_at: i64,
    /// When housekeeping deletes it (Unix seconds).
    pub expires_at: i64,
}

impl KeptVerification {
    /// The bytes it takes: the document's and the signature's.
    pub fn size(&self) -> i64 {
        (self.document.as_ref().map_or(0, Vec::len) + self.signature.len()) as i64
    }
}

fn kept(row: &AnyRow) -> Result<KeptVerification> {
    Ok(KeptVerification {
        id: col(row, "id")?,
        name: col(row, "name")?,
        document: col(row, "document")?,
        signature: col(row, "signature")?,
        created_at: col(row, "created_at")?,
        expires_at: col(row, "expires_at")?,
    })
}

impl Tx {
    /// Stores `k`.
    pub async fn insert_kept_verification(&mut self, k: &KeptVerification) -> Result<()> {
        sqlx::query(
            "INSERT INTO kept_verifications (id, name, document, signature, size, created_at, \
             expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&k.id)
        .bind(&k.name)
        .bind(k.document.as_deref())
        .bind(k.signature.as_slice())
        .bind(k.size())
        .bind(k.created_at)
        .bind(k.expires_at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The bytes all the kept verifications take together.
    pub async fn kept_verification_bytes(&mut self) -> Result<i64> {
        let row = sqlx::query(
            "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) AS n FROM kept_verifications",
        )
        .fetch_one(self.conn())
        .await?;
        col(&row, "n")
    }

    /// Kept verification `id`, unless it expired by `now`.
    pub async fn kept_verification(
        &mut self,
        id: &str,
        now: i64,
    ) -> Result<Option<KeptVerification>> {
        let row = sqlx::query(
            "SELECT id, name, document, signature, created_at, expires_at \
             FROM kept_verifications WHERE id = $1 AND expires_at > $2",
        )
        .bind(id)
        .bind(now)
        .fetch_optional(self.conn())
        .await?;
        row.as_ref().map(kept).transpose()
    }

    /// Deletes kept verification `id`; returns its document's name, or `None` when there was
    /// none.
    pub async fn delete_kept_verification(&mut self, id: &str) -> Result<Option<String>> {
        let row = sqlx::query("DELETE FROM kept_verifications WHERE id = $1 RETURNING name")
            .bind(id)
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(|r| col(r, "name")).transpose()
    }
}
