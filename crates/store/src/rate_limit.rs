//! Rate limits kept in the database (so every node counts the same): fixed windows per bucket.

use crate::{Result, Tx, col, dynamic};

impl Tx {
    /// Counts one hit on each of `buckets` in the window of `window` seconds that contains
    /// `now`, in one statement, and returns the hits in that window so far (this one included),
    /// in the order of `buckets`.
    pub async fn hit_rate_limits(
        &mut self,
        buckets: &[&str],
        now: i64,
        window: i64,
    ) -> Result<Vec<i64>> {
        if buckets.is_empty() {
            return Ok(Vec::new());
        }
        let start = now - now.rem_euclid(window.max(1));
        let values: Vec<String> = (0..buckets.len())
            .map(|i| format!("(${}, $1, 1)", i + 2))
            .collect();
        let mut q = dynamic(format!(
            "INSERT INTO rate_limits (bucket, window_start, hits) VALUES {} \
             ON CONFLICT (bucket) DO UPDATE SET \
             hits = CASE WHEN rate_limits.window_start = $1 THEN rate_limits.hits + 1 ELSE 1 END, \
             window_start = $1 \
             RETURNING bucket, hits",
            values.join(", ")
        ))
        .bind(start);
        for b in buckets {
            q = q.bind(*b);
        }
        let rows = q.fetch_all(self.conn()).await?;
        let mut hits = vec![0; buckets.len()];
        for row in &rows {
            let bucket: String = col(row, "bucket")?;
            if let Some(i) = buckets.iter().position(|b| *b == bucket) {
                hits[i] = col(row, "hits")?;
            }
        }
        Ok(hits)
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
