//! Rate limits kept in the database (so every node counts the same): fixed windows per bucket.

use crate::{Result, Tx, col};

impl Tx {
    /// Counts one hit on `bucket` in the window of `window` seconds that contains `now`, and
    /// returns the hits in that window so far (this one included).
    pub async fn hit_rate_limit(&mut self, bucket: &str, now: i64, window: i64) -> Result<i64> {
        let start = now - now.rem_euclid(window.max(1));
        let row = sqlx::query(
            "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1) \
             ON CONFLICT (bucket) DO UPDATE SET \
             hits = CASE WHEN rate_limits.window_start = $2 THEN rate_limits.hits + 1 ELSE 1 END, \
             window_start = $2 \
             RETURNING hits",
        )
        .bind(bucket)
        .bind(start)
        .fetch_one(self.conn())
        .await?;
        col(&row, "hits")
    }

    /// Drops windows that ended before `before` (housekeeping).
    pub async fn prune_rate_limits(&mut self, before: i64) -> Result<u64> {
        let done = sqlx::query("DELETE FROM rate_limits WHERE window_start < $1")
            .bind(before)
            .execute(self.conn())
            .await?;
        Ok(done.rows_affected())
    }
}
