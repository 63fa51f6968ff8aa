//! Rate limits kept in the database (so every node counts the same): fixed windows per bucket.

use crate::{Result, Tx, col, value_rows};

impl Tx {
    /// Counts `n` hits on each `(bucket, n)` of `hits` (buckets distinct) in the window of
    /// `window` seconds that contains `now`, in one statement, and returns each bucket's hits
    /// in that window so far (these included), in the order of `hits`.
    pub async fn hit_rate_limits(
        &mut self,
        hits: &[(&str, i64)],
        now: i64,
        window: i64,
    ) -> Result<Vec<i64>> {
        if hits.is_empty() {
            return Ok(Vec::new());
        }
        let start = now - now.rem_euclid(window.max(1));
        let mut q = self.in_order(format!(
            "INSERT INTO rate_limits (bucket, window_start, hits) VALUES {} \
             ON CONFLICT (bucket) DO UPDATE SET \
             hits = CASE WHEN rate_limits.window_start = excluded.window_start \
             THEN rate_limits.hits + excluded.hits ELSE excluded.hits END, \
             window_start = excluded.window_start \
             RETURNING bucket, hits",
            value_rows(hits.len(), 3)
        ));
        for (bucket, n) in hits {
            q = q.bind(*bucket).bind(start).bind(*n);
        }
        let rows = q.fetch_all(self.conn()).await?;
        let mut counts = vec![0; hits.len()];
        for row in &rows {
            let bucket: String = col(row, "bucket")?;
            if let Some(i) = hits.iter().position(|(b, _)| *b == bucket) {
                counts[i] = col(row, "hits")?;
            }
        }
        Ok(counts)
    }
}
