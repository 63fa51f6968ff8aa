//! Cloud keys the portal keeps for their owners (see `0007_issuance.sql`).

use sqlx::any::AnyRow;

use crate::{Result, Tx, col, dynamic, from_base64};

/// A cloud key as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CloudKey {
    /// Random identifier.
    pub id: String,
    /// The owner.
    pub account_id: String,
    /// The centre that issued its certificate.
    pub centre_id: String,
    /// Its certificate's serial.
    pub serial: String,
    /// The key: PKCS#8 encrypted under the PIN, sealed by the vault.
    pub sealed_key: String,
    /// Wrong PINs since the last right one.
    pub failed_pins: i64,
    /// When it was made.
    pub created_at: i64,
}

const COLUMNS: &str = "id, account_id, centre_id, serial, sealed_key, failed_pins, created_at";

fn cloud_key(row: &AnyRow) -> Result<CloudKey> {
    Ok(CloudKey {
        id: col(row, "id")?,
        account_id: col(row, "account_id")?,
        centre_id: col(row, "centre_id")?,
        serial: col(row, "serial")?,
        sealed_key: col(row, "sealed_key")?,
        failed_pins: col(row, "failed_pins")?,
        created_at: col(row, "created_at")?,
    })
}

impl Tx {
    /// Stores a new cloud key.
    pub async fn insert_cloud_key(&mut self, k: &CloudKey) -> Result<()> {
        dynamic(format!(
            "INSERT INTO cloud_keys ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        ))
        .bind(&k.id)
        .bind(&k.account_id)
        .bind(&k.centre_id)
        .bind(&k.serial)
        .bind(&k.sealed_key)
        .bind(k.failed_pins)
        .bind(k.created_at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Cloud key `id`, locked on PostgreSQL inside a transaction.
    pub async fn cloud_key(&mut self, id: &str) -> Result<Option<CloudKey>> {
        let lock = self.for_update();
        dynamic(format!(
            "SELECT {COLUMNS} FROM cloud_keys WHERE id = $1{lock}"
        ))
        .bind(id)
        .fetch_optional(self.conn())
        .await?
        .as_ref()
        .map(cloud_key)
        .transpose()
    }

    /// Cloud key `id` (locked as [`Tx::cloud_key`] locks it) and, when its certificate is
    /// connected to its owner's account, that certificate (DER, from the binding), in one
    /// statement.
    pub async fn cloud_key_connected(
        &mut self,
        id: &str,
    ) -> Result<Option<(CloudKey, Option<Vec<u8>>)>> {
        let lock = self.for_update();
        dynamic(format!(
            "SELECT {COLUMNS}, (SELECT b.der FROM bindings b \
             WHERE b.centre_id = cloud_keys.centre_id AND b.serial = cloud_keys.serial \
             AND b.account_id = cloud_keys.account_id AND b.status = 'connected') AS connected \
             FROM cloud_keys WHERE id = $1{lock}"
        ))
        .bind(id)
        .fetch_optional(self.conn())
        .await?
        .as_ref()
        .map(|row| {
            let connected = col::<Option<String>>(row, "connected")?;
            Ok((
                cloud_key(row)?,
                connected.map(|der| from_base64("der", &der)).transpose()?,
            ))
        })
        .transpose()
    }

    /// The cloud key of certificate `serial` of `centre_id`.
    pub async fn cloud_key_of_certificate(
        &mut self,
        centre_id: &str,
        serial: &str,
    ) -> Result<Option<CloudKey>> {
        dynamic(format!(
            "SELECT {COLUMNS} FROM cloud_keys WHERE centre_id = $1 AND serial = $2"
        ))
        .bind(centre_id)
        .bind(serial)
        .fetch_optional(self.conn())
        .await?
        .as_ref()
        .map(cloud_key)
        .transpose()
    }

    /// An account's cloud keys, newest first.
    pub async fn cloud_keys_of(&mut self, account_id: &str) -> Result<Vec<CloudKey>> {
        dynamic(format!(
            "SELECT {COLUMNS} FROM cloud_keys WHERE account_id = $1 ORDER BY created_at DESC, id"
        ))
        .bind(account_id)
        .fetch_all(self.conn())
        .await?
        .iter()
        .map(cloud_key)
        .collect()
    }

    /// Replaces the sealed key of `id` (a new PIN) and clears its failed PINs.
    pub async fn reseal_cloud_key(&mut self, id: &str, sealed_key: &str) -> Result<()> {
        sqlx::query("UPDATE cloud_keys SET sealed_key = $2, failed_pins = 0 WHERE id = $1")
            .bind(id)
            .bind(sealed_key)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Sets the count of wrong PINs of `id`.
    pub async fn set_failed_pins(&mut self, id: &str, failed: i64) -> Result<()> {
        sqlx::query("UPDATE cloud_keys SET failed_pins = $2 WHERE id = $1")
            .bind(id)
            .bind(failed)
            .execute(self.conn())
            .await?;
        Ok(())
    }
}
