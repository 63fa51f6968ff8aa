//! Rate-limit hits of concurrent requests counted together. Each hit is an upsert in the
//! database (every node counts the same), and on SQLite each upsert takes the writers' turn; so
//! the hits that arrive while one statement runs wait and go, all of them, into the next one.
//! A lone request still goes at once, and each request gets the count it would have got alone,
//! in the order the requests arrived.

use std::sync::Mutex;

use podpis_store::Store;
use tokio::sync::oneshot::{self, error::TryRecvError};

use crate::{Error, Result};

/// Buckets counted in one statement at most (more wait for the next).
const MAX_BUCKETS: usize = 256;

/// One request's hits, waiting to be counted.
struct Hits {
    buckets: Vec<String>,
    now: i64,
    reply: oneshot::Sender<Result<Vec<i64>>>,
}

/// This node's counter of rate-limit hits.
#[derive(Default)]
pub(crate) struct HitCounter {
    /// Hits not yet taken into a statement.
    waiting: Mutex<Vec<Hits>>,
    /// Held while a statement is made and run: one at a time per node.
    turn: tokio::sync::Mutex<()>,
}

impl HitCounter {
    /// Counts a hit on each of `buckets` (distinct) at `now` in windows of `window` seconds;
    /// returns each bucket's hits in its window so far, this one included.
    pub(crate) async fn hit(
        &self,
        store: &Store,
        buckets: Vec<String>,
        now: i64,
        window: i64,
    ) -> Result<Vec<i64>> {
        if buckets.is_empty() {
            return Ok(Vec::new());
        }
        let (reply, mut answer) = oneshot::channel();
        self.waiting.lock().expect("hits lock").push(Hits {
            buckets,
            now,
            reply,
        });
        let turn = self.turn.lock().await;
        loop {
            match answer.try_recv() {
                Ok(counts) => return counts,
                Err(TryRecvError::Closed) => return Err(not_counted()),
                Err(TryRecvError::Empty) => {}
            }
            let batch = self.take_batch();
            if batch.is_empty() {
                // A turn before took these hits; its task answers.
                break;
            }
            // A task of its own: the batch is counted and answered even if this request is
            // dropped halfway.
            let store = store.clone();
            tokio::spawn(async move { count(&store, batch, window).await })
                .await
                .map_err(|e| Error::Internal(format!("counting rate limits: {e}")))?;
        }
        drop(turn);
        answer.await.map_err(|_| not_counted())?
    }

    /// The waiting hits, up to [`MAX_BUCKETS`] buckets (always at least one request).
    fn take_batch(&self) -> Vec<Hits> {
        let mut waiting = self.waiting.lock().expect("hits lock");
        let mut buckets = 0;
        let take = waiting
            .iter()
            .take_while(|h| {
                buckets += h.buckets.len();
                buckets <= MAX_BUCKETS
            })
            .count()
            .max(1)
            .min(waiting.len());
        waiting.drain(..take).collect()
    }
}

/// The error of hits whose statement never answered (its task failed).
fn not_counted() -> Error {
    Error::Internal("rate-limit hits were not counted".into())
}

/// Counts `batch` in one statement per window, earliest first (one, but for a batch that spans
/// a window's end), and answers each request.
async fn count(store: &Store, batch: Vec<Hits>, window: i64) {
    let window = window.max(1);
    let start_of = |h: &Hits| h.now - h.now.rem_euclid(window);
    let mut batch = batch;
    while let Some(start) = batch.iter().map(start_of).min() {
        let (this, later): (Vec<Hits>, Vec<Hits>) =
            batch.into_iter().partition(|h| start_of(h) == start);
        batch = later;
        // Each bucket with the number of its hits, in the order first seen.
        let mut totals: Vec<(&str, i64)> = Vec::new();
        for bucket in this.iter().flat_map(|h| &h.buckets) {
            match totals.iter_mut().find(|(b, _)| b == bucket) {
                Some((_, n)) => *n += 1,
                None => totals.push((bucket, 1)),
            }
        }
        let counted = match store.write_one().await {
            Ok(mut tx) => tx.hit_rate_limits(&totals, start, window).await,
            Err(e) => Err(e),
        };
        match counted {
            Ok(after) => {
                // The hits before this batch's, then one more for each request in turn.
                let mut so_far: Vec<i64> = totals
                    .iter()
                    .zip(&after)
                    .map(|((_, n), after)| after - n)
                    .collect();
                let counts: Vec<Vec<i64>> = this
                    .iter()
                    .map(|hits| {
                        hits.buckets
                            .iter()
                            .map(|b| {
                                let i = totals.iter().position(|(x, _)| x == b).expect("counted");
                                so_far[i] += 1;
                                so_far[i]
                            })
                            .collect()
                    })
                    .collect();
                for (hits, counts) in this.into_iter().zip(counts) {
                    let _ = hits.reply.send(Ok(counts));
                }
            }
            Err(e) => {
                let text = format!("counting rate limits: {e}");
                for hits in this {
                    let _ = hits.reply.send(Err(Error::Internal(text.clone())));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::HitCounter;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_hits_count_as_if_one_by_one() {
        let db = podpis_testkit::sqlite().await;
        let counter = Arc::new(HitCounter::default());
        let tasks: Vec<_> = (0..40)
            .map(|i| {
                let (counter, store) = (counter.clone(), db.store.clone());
                tokio::spawn(async move {
                    let mut buckets = vec!["a".to_owned()];
                    if i % 2 == 0 {
                        buckets.push("b".into());
                    }
                    counter.hit(&store, buckets, 1_000, 600).await.unwrap()
                })
            })
            .collect();
        let (mut a, mut b): (Vec<i64>, Vec<i64>) = (Vec::new(), Vec::new());
        for task in tasks {
            let counts = task.await.unwrap();
            a.push(counts[0]);
            b.extend(counts.get(1));
        }
        a.sort_unstable();
        b.sort_unstable();
        assert_eq!(a, (1..=40).collect::<Vec<i64>>(), "each hit its own count");
        assert_eq!(b, (1..=20).collect::<Vec<i64>>());
        let both = vec!["a".to_owned(), "b".to_owned()];
        assert_eq!(
            counter.hit(&db.store, both, 1_100, 600).await.unwrap(),
            [41, 21],
            "every hit is in the database"
        );
        assert_eq!(
            counter
                .hit(&db.store, vec!["a".into()], 1_200, 600)
                .await
                .unwrap(),
            [1],
            "a new window"
        );
    }

    #[tokio::test]
    async fn a_dropped_request_leaves_the_others_counted() {
        let db = podpis_testkit::sqlite().await;
        let counter = HitCounter::default();
        let hit = |n: &str| counter.hit(&db.store, vec![n.to_owned()], 1_000, 600);
        // The first request is dropped at its first wait, with its hit queued or counting.
        let mut first = Box::pin(hit("a"));
        assert!(futures_poll_once(first.as_mut()).await.is_none());
        drop(first);
        assert_eq!(hit("a").await.unwrap(), [2], "the dropped hit still counts");
        assert_eq!(hit("b").await.unwrap(), [1]);
    }

    #[tokio::test]
    async fn a_batch_across_a_windows_end_counts_each_window_apart() {
        let db = podpis_testkit::sqlite().await;
        let (batch, answers): (Vec<_>, Vec<_>) = [(1_200, "a"), (1_190, "a"), (1_199, "a")]
            .into_iter()
            .map(|(now, bucket)| {
                let (reply, answer) = tokio::sync::oneshot::channel();
                let buckets = vec![bucket.to_owned()];
                (
                    super::Hits {
                        buckets,
                        now,
                        reply,
                    },
                    answer,
                )
            })
            .unzip();
        super::count(&db.store, batch, 600).await;
        let mut counts = Vec::new();
        for answer in answers {
            counts.push(answer.await.unwrap().unwrap());
        }
        assert_eq!(
            counts,
            [vec![1], vec![1], vec![2]],
            "600–1199 first, then 1200–1799"
        );
        let next = HitCounter::default()
            .hit(&db.store, vec!["a".into()], 1_210, 600)
            .await
            .unwrap();
        assert_eq!(next, [2], "the later window is the one kept");
    }

    /// Polls `f` once: its output if it is ready.
    async fn futures_poll_once<F: std::future::Future + Unpin>(f: F) -> Option<F::Output> {
        let mut f = f;
        std::future::poll_fn(|cx| {
            std::task::Poll::Ready(match std::pin::Pin::new(&mut f).poll(cx) {
                std::task::Poll::Ready(out) => Some(out),
                std::task::Poll::Pending => None,
            })
        })
        .await
    }
}
