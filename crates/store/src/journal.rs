//! The action journal: append-only, and tamper-evident. Each entry carries the Streebog-256
//! hash of the previous entry's hash and its own content; a one-row head holds the last
//! sequence number and hash, so an edited, deleted or reordered entry — or a cut-off tail — is
//! found by walking the chain ([`Store::verify_journal`]).
//!
//! Appends take the head's row lock, so entries from many nodes form one chain.

use core::fmt;

use podpis_gost::hash::{Digest, Streebog256};
use sqlx::any::AnyRow;

use crate::{Result, Store, Tx, col, dynamic, value_rows};

/// The `prev_hash` of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What is recorded about one action.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewEntry {
    /// When (Unix seconds).
    pub at: i64,
    /// Whose journal it belongs to: the account the action concerns.
    pub account_id: Option<String>,
    /// Who did it (an account id), when known.
    pub actor: Option<String>,
    /// What was done (`login`, `code_sent`, …).
    pub action: String,
    /// What it was done to (`session:…`, `account:…`).
    pub object: Option<String>,
    /// `ok` or `failed` (or a more specific word).
    pub status: String,
    /// The client's address.
    pub ip: Option<String>,
    /// The client's user agent.
    pub user_agent: Option<String>,
    /// Free text: the reason of a failure and the like (never a secret).
    pub details: String,
}

/// A stored journal entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// The recorded content.
    pub entry: NewEntry,
    /// The previous entry's hash (hex).
    pub prev_hash: String,
    /// This entry's hash (hex).
    pub hash: String,
}

/// Which entries to list.
#[derive(Clone, Debug, Default)]
pub struct JournalFilter {
    /// Only this account's entries.
    pub account_id: Option<String>,
    /// Only this action.
    pub action: Option<String>,
    /// Only entries at or after this time.
    pub from: Option<i64>,
    /// Only entries before this time.
    pub to: Option<i64>,
    /// Only entries before this sequence number (the next page).
    pub before_seq: Option<i64>,
    /// At most this many (newest first).
    pub limit: i64,
}

/// The first place where the chain does not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Breach {
    /// The sequence number of the first entry that fails.
    pub seq: i64,
    /// What is wrong with it.
    pub reason: String,
}

impl fmt::Display for Breach {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "journal entry {}: {}", self.seq, self.reason)
    }
}

/// The hash of an entry: Streebog-256 over a domain tag, the previous hash and every field,
/// each length-prefixed so that no two different entries encode alike.
fn entry_hash(seq: i64, prev_hash: &str, e: &NewEntry) -> String {
    let mut h = Streebog256::new();
    h.update(b"podpis-journal-v1");
    h.update(prev_hash.as_bytes());
    h.update(seq.to_be_bytes());
    h.update(e.at.to_be_bytes());
    let fields = [
        e.account_id.as_deref(),
        e.actor.as_deref(),
        Some(e.action.as_str()),
        e.object.as_deref(),
        Some(e.status.as_str()),
        e.ip.as_deref(),
        e.user_agent.as_deref(),
        Some(e.details.as_str()),
    ];
    for field in fields {
        match field {
            None => h.update([0u8]),
            Some(text) => {
                h.update([1u8]);
                h.update((text.len() as u64).to_be_bytes());
                h.update(text.as_bytes());
            }
        }
    }
    hex::encode(h.finalize())
}

/// Entries written by one statement at most (a parameter per column each, well under both
/// databases' limits).
const FLUSH_ROWS: usize = 64;

const COLUMNS: &str =
    "seq, at, account_id, actor, action, object, status, ip, user_agent, details, prev_hash, hash";

fn entry(row: &AnyRow) -> Result<Entry> {
    Ok(Entry {
        seq: col(row, "seq")?,
        entry: NewEntry {
            at: col(row, "at")?,
            account_id: col(row, "account_id")?,
            actor: col(row, "actor")?,
            action: col(row, "action")?,
            object: col(row, "object")?,
            status: col(row, "status")?,
            ip: col(row, "ip")?,
            user_agent: col(row, "user_agent")?,
            details: col(row, "details")?,
        },
        prev_hash: col(row, "prev_hash")?,
        hash: col(row, "hash")?,
    })
}

impl Tx {
    /// The last sequence number and hash of the chain.
    pub async fn journal_head(&mut self) -> Result<(i64, String)> {
        if let Some(head) = &self.journal_head {
            return Ok(head.clone());
        }
        let sql = format!(
            "SELECT seq, hash FROM journal_head WHERE id = 1{}",
            self.for_update()
        );
        let row = dynamic(sql).fetch_one(self.conn()).await?;
        Ok((col(&row, "seq")?, col(&row, "hash")?))
    }

    /// Appends `e` to the chain; returns its sequence number. The entry is written at commit,
    /// with the others of this transaction, in one statement.
    pub async fn append_journal(&mut self, e: &NewEntry) -> Result<i64> {
        let (last, prev_hash) = self.journal_head().await?;
        let seq = last + 1;
        let hash = entry_hash(seq, &prev_hash, e);
        self.journal_head = Some((seq, hash.clone()));
        self.journal_pending.push(Entry {
            seq,
            entry: e.clone(),
            prev_hash,
            hash,
        });
        Ok(seq)
    }

    /// Writes the entries appended since the last flush and moves the head to the last of
    /// them (before the transaction commits or reads the journal).
    pub(crate) async fn flush_journal(&mut self) -> Result<()> {
        let mut pending = std::mem::take(&mut self.journal_pending);
        let Some(last) = pending.last() else {
            return Ok(());
        };
        let head = (last.seq, last.hash.clone());
        while !pending.is_empty() {
            let chunk: Vec<Entry> = pending.drain(..pending.len().min(FLUSH_ROWS)).collect();
            let mut q = self.in_order(format!(
                "INSERT INTO journal ({COLUMNS}) VALUES {}",
                value_rows(chunk.len(), COLUMNS.split(", ").count())
            ));
            for e in chunk {
                let n = e.entry;
                q = q
                    .bind(e.seq)
                    .bind(n.at)
                    .bind(n.account_id)
                    .bind(n.actor)
                    .bind(n.action)
                    .bind(n.object)
                    .bind(n.status)
                    .bind(n.ip)
                    .bind(n.user_agent)
                    .bind(n.details)
                    .bind(e.prev_hash)
                    .bind(e.hash);
            }
            q.execute(self.conn()).await?;
        }
        sqlx::query("UPDATE journal_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(head.0)
            .bind(head.1)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Entries matching `filter`, newest first.
    pub async fn journal(&mut self, filter: &JournalFilter) -> Result<Vec<Entry>> {
        self.flush_journal().await?;
        // Only the conditions asked for, so that SQLite walks the (account_id, seq) index
        // instead of the whole journal.
        let mut sql = format!("SELECT {COLUMNS} FROM journal WHERE seq < $1");
        let mut n = 1;
        let mut cond = |sql: &mut String, c: &str| {
            n += 1;
            sql.push_str(&format!(" AND {c} ${n}"));
        };
        let texts = [
            ("account_id =", &filter.account_id),
            ("action =", &filter.action),
        ];
        let times = [("at >=", filter.from), ("at <", filter.to)];
        for (c, v) in &texts {
            if v.is_some() {
                cond(&mut sql, c);
            }
        }
        for (c, v) in &times {
            if v.is_some() {
                cond(&mut sql, c);
            }
        }
        n += 1;
        sql.push_str(&format!(" ORDER BY seq DESC LIMIT ${n}"));
        let mut q = dynamic(sql).bind(filter.before_seq.unwrap_or(i64::MAX));
        for v in texts.into_iter().filter_map(|(_, v)| v.clone()) {
            q = q.bind(v);
        }
        for v in times.into_iter().filter_map(|(_, v)| v) {
            q = q.bind(v);
        }
        let rows = q.bind(filter.limit).fetch_all(self.conn()).await?;
        rows.iter().map(entry).collect()
    }

    /// Entries with sequence numbers after `after`, oldest first, at most `limit`.
    async fn journal_after(&mut self, after: i64, limit: i64) -> Result<Vec<Entry>> {
        let rows = dynamic(format!(
            "SELECT {COLUMNS} FROM journal WHERE seq > $1 ORDER BY seq LIMIT $2"
        ))
        .bind(after)
        .bind(limit)
        .fetch_all(self.conn())
        .await?;
        rows.iter().map(entry).collect()
    }
}

impl Store {
    /// Walks the whole chain from the first entry up to the entry the head names: every
    /// sequence number present, every `prev_hash` the previous entry's hash, every hash
    /// recomputed from the content, and the last one the head's. Entries appended while it walks
    /// are left for the next check. Returns how many entries hold, or the first that does not.
    pub async fn verify_journal(&self) -> Result<core::result::Result<i64, Breach>> {
        let mut tx = self.read().await?;
        let (head_seq, head_hash) = tx.journal_head().await?;
        let (mut seq, mut hash) = (0i64, GENESIS_HASH.to_owned());
        while seq < head_seq {
            let batch = tx.journal_after(seq, (head_seq - seq).min(1000)).await?;
            if batch.is_empty() {
                break;
            }
            for e in batch {
                let breach = |reason: String| Ok(Err(Breach { seq: e.seq, reason }));
                if e.seq != seq + 1 {
                    return Ok(Err(Breach {
                        seq: seq + 1,
                        reason: format!("missing (the next entry present is {})", e.seq),
                    }));
                }
                if e.prev_hash != hash {
                    return breach(format!(
                        "its previous-entry hash {} is not entry {}'s hash {}",
                        e.prev_hash, seq, hash
                    ));
                }
                let computed = entry_hash(e.seq, &e.prev_hash, &e.entry);
                if computed != e.hash {
                    return breach(format!(
                        "its content does not match its hash (stored {}, computed {computed}): the entry was altered",
                        e.hash
                    ));
                }
                seq = e.seq;
                hash = e.hash;
            }
        }
        if head_seq != seq {
            return Ok(Err(Breach {
                seq: seq + 1,
                reason: format!(
                    "missing: the journal's head names entry {head_seq}, but the chain ends at {seq}"
                ),
            }));
        }
        if head_hash != hash {
            return Ok(Err(Breach {
                seq,
                reason: format!(
                    "the journal's head records the hash {head_hash} for it, not {hash}"
                ),
            }));
        }
        Ok(Ok(seq))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_changes_the_hash() {
        let base = NewEntry {
            at: 1,
            account_id: Some("a".into()),
            actor: Some("a".into()),
            action: "login".into(),
            object: None,
            status: "ok".into(),
            ip: Some("127.0.0.1".into()),
            user_agent: Some("ua".into()),
            details: String::new(),
        };
        let h = entry_hash(1, GENESIS_HASH, &base);
        assert_eq!(h.len(), 64);
        let variants = [
            NewEntry {
                at: 2,
                ..base.clone()
            },
            NewEntry {
                account_id: None,
                ..base.clone()
            },
            NewEntry {
                actor: Some("b".into()),
                ..base.clone()
            },
            NewEntry {
                action: "logout".into(),
                ..base.clone()
            },
            NewEntry {
                object: Some(String::new()),
                ..base.clone()
            },
            NewEntry {
                status: "failed".into(),
                ..base.clone()
            },
            NewEntry {
                ip: None,
                ..base.clone()
            },
            NewEntry {
                user_agent: Some("ub".into()),
                ..base.clone()
            },
            NewEntry {
                details: "x".into(),
                ..base.clone()
            },
        ];
        for v in &variants {
            assert_ne!(entry_hash(1, GENESIS_HASH, v), h, "{v:?}");
        }
        assert_ne!(entry_hash(2, GENESIS_HASH, &base), h);
        assert_ne!(entry_hash(1, &h, &base), h);
    }

    #[test]
    fn field_boundaries_are_unambiguous() {
        let a = NewEntry {
            action: "ab".into(),
            status: "c".into(),
            ..Default::default()
        };
        let b = NewEntry {
            action: "a".into(),
            status: "bc".into(),
            ..Default::default()
        };
        assert_ne!(
            entry_hash(1, GENESIS_HASH, &a),
            entry_hash(1, GENESIS_HASH, &b)
        );
    }
}
