//! Passkeys (WebAuthn credentials) and the short-lived challenges of their ceremonies.

use sqlx::any::AnyRow;

use crate::{Result, Tx, col, dynamic};

/// A registered passkey.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Passkey {
    /// The credential id (base64url), as the authenticator names it.
    pub credential_id: String,
    /// Whose.
    pub account_id: String,
    /// The public key: SEC1 uncompressed P-256 point, hex.
    pub public_key: String,
    /// The authenticator's signature counter last seen.
    pub sign_count: i64,
    /// A name the user gave it.
    pub name: String,
    /// When it was registered.
    pub created_at: i64,
    /// When it was last used.
    pub last_used_at: Option<i64>,
}

/// A WebAuthn challenge waiting for its answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ceremony {
    /// Random identifier.
    pub id: String,
    /// Whose (registration); `None` for a sign-in that names no account.
    pub account_id: Option<String>,
    /// `register` or `login`.
    pub kind: String,
    /// The challenge (base64url).
    pub challenge: String,
    /// Until when it can be answered.
    pub expires_at: i64,
}

const COLUMNS: &str =
    "credential_id, account_id, public_key, sign_count, name, created_at, last_used_at";

fn passkey(row: &AnyRow) -> Result<Passkey> {
    Ok(Passkey {
        credential_id: col(row, "credential_id")?,
        account_id: col(row, "account_id")?,
        public_key: col(row, "public_key")?,
        sign_count: col(row, "sign_count")?,
        name: col(row, "name")?,
        created_at: col(row, "created_at")?,
        last_used_at: col(row, "last_used_at")?,
    })
}

impl Tx {
    /// Stores a passkey; [`crate::Error::Duplicate`] when the credential is registered already.
    pub async fn insert_passkey(&mut self, p: &Passkey) -> Result<()> {
        dynamic(format!(
            "INSERT INTO passkeys ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        ))
        .bind(&p.credential_id)
        .bind(&p.account_id)
        .bind(&p.public_key)
        .bind(p.sign_count)
        .bind(&p.name)
        .bind(p.created_at)
        .bind(p.last_used_at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The passkey with this credential id.
    pub async fn passkey(&mut self, credential_id: &str) -> Result<Option<Passkey>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM passkeys WHERE credential_id = $1{}",
            self.for_update()
        );
        let row = dynamic(sql)
            .bind(credential_id)
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(passkey).transpose()
    }

    /// The passkeys of `account`.
    pub async fn passkeys_of(&mut self, account: &str) -> Result<Vec<Passkey>> {
        let rows = dynamic(format!(
            "SELECT {COLUMNS} FROM passkeys WHERE account_id = $1 ORDER BY created_at, credential_id"
        ))
        .bind(account)
        .fetch_all(self.conn())
        .await?;
        rows.iter().map(passkey).collect()
    }

    /// Records a use of the passkey with its new signature counter.
    pub async fn use_passkey(
        &mut self,
        credential_id: &str,
        sign_count: i64,
        now: i64,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE passkeys SET sign_count = $2, last_used_at = $3 WHERE credential_id = $1",
        )
        .bind(credential_id)
        .bind(sign_count)
        .bind(now)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Removes a passkey of `account`; false when it had none of that id.
    pub async fn delete_passkey(&mut self, account: &str, credential_id: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM passkeys WHERE account_id = $1 AND credential_id = $2")
            .bind(account)
            .bind(credential_id)
            .execute(self.conn())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Stores a challenge.
    pub async fn insert_ceremony(&mut self, c: &Ceremony) -> Result<()> {
        sqlx::query(
            "INSERT INTO ceremonies (id, account_id, kind, challenge, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&c.id)
        .bind(&c.account_id)
        .bind(&c.kind)
        .bind(&c.challenge)
        .bind(c.expires_at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Removes and returns the challenge `id` (it can be answered once).
    pub async fn take_ceremony(&mut self, id: &str) -> Result<Option<Ceremony>> {
        let row = sqlx::query(
            "DELETE FROM ceremonies WHERE id = $1 RETURNING id, account_id, kind, challenge, expires_at",
        )
        .bind(id)
        .fetch_optional(self.conn())
        .await?;
        row.map(|row| {
            Ok(Ceremony {
                id: col(&row, "id")?,
                account_id: col(&row, "account_id")?,
                kind: col(&row, "kind")?,
                challenge: col(&row, "challenge")?,
                expires_at: col(&row, "expires_at")?,
            })
        })
        .transpose()
    }
}
