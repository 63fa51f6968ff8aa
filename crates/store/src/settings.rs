//! Settings shared by every node, such as the server's secret key.

use crate::{Result, Tx, col};

impl Tx {
    /// The setting `name`, storing `value` first if there is none yet (the first node to ask
    /// decides; every later one reads the same value).
    pub async fn setting_or_insert(&mut self, name: &str, value: &str) -> Result<String> {
        sqlx::query(
            "INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(value)
        .execute(self.conn())
        .await?;
        let row = sqlx::query("SELECT value FROM settings WHERE name = $1")
            .bind(name)
            .fetch_one(self.conn())
            .await?;
        col(&row, "value")
    }
}
