//! The portal's storage: one schema on SQLite (the embedded default) or PostgreSQL (for several
//! `podpis serve` nodes), through sqlx's `Any` driver.
//!
//! Every change goes through a [`Tx`]: the change, its journal entry and its outbox messages are
//! written in one transaction, so a crash leaves all of them or none. The schema is portable
//! (TEXT and BIGINT, Unix-second times, identifiers made by the caller), so one set of migrations
//! and one set of queries serve both databases; where the dialects differ (row locks, the way a
//! write transaction starts) [`Dialect`] says which to use.
//!
//! ```no_run
//! # async fn demo() -> Result<(), podpis_store::Error> {
//! let store = podpis_store::Store::connect("sqlite://podpis.db").await?;
//! store.migrate().await?;
//! let mut tx = store.begin().await?;
//! let head = tx.journal_head().await?;
//! tx.commit().await?;
//! # let _ = head; Ok(()) }
//! ```
#![warn(missing_docs)]

mod accounts;
mod applications;
mod bindings;
mod centres;
mod cloud_keys;
mod codes;
mod documents;
mod housekeeping;
mod journal;
mod kept;
mod migrate;
mod outbox;
mod passkeys;
mod payments;
mod rate_limit;
mod sessions;
mod settings;
mod visits;

use core::fmt;

use std::sync::Arc;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, AnyPool, Executor, Row, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard};

pub use accounts::{Account, Profile};
pub use applications::{Application, Attachment};
pub use bindings::Binding;
pub use centres::{Centre, IssuedCertificate, RevokedSerial, StoredCrl};
pub use cloud_keys::CloudKey;
pub use codes::Code;
pub use documents::{Document, Service};
pub use housekeeping::{Cutoffs, Pruned};
pub use journal::{Breach, Entry, GENESIS_HASH, JournalFilter, NewEntry};
pub use kept::KeptVerification;
pub use outbox::{Delivery, Message, NewMessage};
pub use passkeys::{Ceremony, Passkey};
pub use payments::Payment;
pub use sessions::Session;
pub use visits::Slot;

/// Which SQL database a [`Store`] talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// An SQLite file: one writer at a time, transactions serialised by the file lock.
    Sqlite,
    /// PostgreSQL: many nodes, rows locked with `FOR UPDATE` where order matters.
    Postgres,
}

/// What went wrong in storage.
#[derive(Debug)]
pub enum Error {
    /// A row with the same unique value exists already; the text names the constraint.
    Duplicate(String),
    /// The database refused or failed.
    Database(sqlx::Error),
    /// A migration could not be applied.
    Migration(String),
    /// The URL names no database Podpis knows.
    UnsupportedUrl(String),
    /// A stored value cannot be read back (such as base64 that does not decode).
    Corrupt(String),
}

impl Error {
    /// Whether this is a unique-constraint violation on `column` (as both databases name it in
    /// their messages: `accounts.phone` or `accounts_phone_key`).
    pub fn is_duplicate_of(&self, column: &str) -> bool {
        matches!(self, Self::Duplicate(text) if text.contains(column))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Duplicate(what) => write!(f, "a record with this value exists already ({what})"),
            Self::Database(e) => write!(f, "database error: {e}"),
            Self::Migration(what) => write!(f, "migration failed: {what}"),
            Self::UnsupportedUrl(url) => write!(
                f,
                "unsupported database URL {url:?}: use sqlite://FILE or postgres://USER@HOST/DB"
            ),
            Self::Corrupt(what) => write!(f, "a stored value is damaged ({what})"),
        }
    }
}

impl std::error::Error for Error {}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e
            && db.is_unique_violation()
        {
            return Self::Duplicate(db.message().to_owned());
        }
        Self::Database(e)
    }
}

/// Storage results.
pub type Result<T> = core::result::Result<T, Error>;

/// A pool of connections to the portal's database.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    dialect: Dialect,
    /// SQLite takes one writer at a time: writers queue here, in order, instead of polling the
    /// file lock (which is unfair and burns time under load).
    writer: Arc<Mutex<()>>,
}

impl Store {
    /// Connects to `url`: `sqlite://FILE` (created if missing, in WAL mode) or
    /// `postgres://…`. Does not migrate; call [`Store::migrate`].
    pub async fn connect(url: &str) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let (dialect, url) = if url.starts_with("sqlite:") {
            let url = if url.contains("mode=") {
                url.to_owned()
            } else if url.contains('?') {
                format!("{url}&mode=rwc")
            } else {
                format!("{url}?mode=rwc")
            };
            (Dialect::Sqlite, url)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Dialect::Postgres, url.to_owned())
        } else {
            return Err(Error::UnsupportedUrl(url.to_owned()));
        };
        let options = AnyPoolOptions::new().max_connections(match dialect {
            Dialect::Sqlite => 8,
            Dialect::Postgres => 16,
        });
        let options = if dialect == Dialect::Sqlite {
            // A file of this process has nothing to lose a connection to: no ping before each
            // use (a round trip to the driver's thread).
            options.test_before_acquire(false).after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute("PRAGMA synchronous = NORMAL").await?;
                    Ok(())
                })
            })
        } else {
            options
        };
        let pool = options.connect(&url).await?;
        if dialect == Dialect::Sqlite {
            // WAL lets readers run beside the one writer; the setting is kept in the file.
            pool.execute("PRAGMA journal_mode = WAL").await?;
        }
        Ok(Self {
            pool,
            dialect,
            writer: Arc::new(Mutex::new(())),
        })
    }

    /// The database behind this store.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Starts a transaction that will write. On SQLite writers take turns (in this process, in
    /// the order they asked) and each takes the file's write lock at once (`BEGIN IMMEDIATE`).
    pub async fn begin(&self) -> Result<Tx> {
        let (inner, writer) = match self.dialect {
            Dialect::Sqlite => {
                let turn = self.writer.clone().lock_owned().await;
                (self.pool.begin_with("BEGIN IMMEDIATE").await?, Some(turn))
            }
            Dialect::Postgres => (self.pool.begin().await?, None),
        };
        Ok(Tx {
            inner: Conn::Transaction(inner),
            dialect: self.dialect,
            _writer: writer,
            journal_head: None,
            journal_pending: Vec::new(),
        })
    }

    /// A connection for writes that are each one statement, atomic by itself (an upsert that
    /// counts, say): no transaction is opened, so such a write costs one round trip; on SQLite it
    /// still takes the writers' turn, as [`Store::begin`] does.
    pub async fn write_one(&self) -> Result<Tx> {
        let writer = match self.dialect {
            Dialect::Sqlite => Some(self.writer.clone().lock_owned().await),
            Dialect::Postgres => None,
        };
        Ok(Tx {
            inner: Conn::Plain(self.pool.acquire().await?),
            dialect: self.dialect,
            _writer: writer,
            journal_head: None,
            journal_pending: Vec::new(),
        })
    }

    /// A connection for reads: each statement sees the committed state when it runs (no
    /// transaction is opened, so a read costs one round trip).
    pub async fn read(&self) -> Result<Tx> {
        Ok(Tx {
            inner: Conn::Plain(self.pool.acquire().await?),
            dialect: self.dialect,
            _writer: None,
            journal_head: None,
            journal_pending: Vec::new(),
        })
    }

    /// Whether the database answers (for `/healthz`).
    pub async fn ping(&self) -> Result<()> {
        self.pool.execute("SELECT 1").await?;
        Ok(())
    }

    /// Creates the PostgreSQL database `name` (letters, digits and `_` only), for set-up and
    /// tests; refused on SQLite, whose databases are files.
    pub async fn create_database(&self, name: &str) -> Result<()> {
        if self.dialect != Dialect::Postgres
            || name.is_empty()
            || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(Error::UnsupportedUrl(format!(
                "cannot create database {name:?} here"
            )));
        }
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Closes every connection (at shutdown).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// One transaction ([`Store::begin`]): reads and writes inside it commit together or not at
/// all; dropped without [`Tx::commit`], it rolls back. From [`Store::read`], a plain connection
/// whose statements each stand alone.
pub struct Tx {
    inner: Conn,
    dialect: Dialect,
    /// Held until the transaction ends (SQLite).
    _writer: Option<OwnedMutexGuard<()>>,
    /// The journal's head as this transaction last read or moved it (it holds the head's lock,
    /// so the next append need not read it again).
    journal_head: Option<(i64, String)>,
    /// Entries appended since the last flush: written, with the head, in one statement each at
    /// commit (or before the journal is read in this transaction).
    journal_pending: Vec<journal::Entry>,
}

enum Conn {
    Transaction(Transaction<'static, Any>),
    Plain(PoolConnection<Any>),
}

impl Tx {
    /// Makes every write of the transaction permanent.
    pub async fn commit(mut self) -> Result<()> {
        self.flush_journal().await?;
        if let Conn::Transaction(t) = self.inner {
            t.commit().await?;
        }
        Ok(())
    }

    /// The database this transaction runs on.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    fn conn(&mut self) -> &mut AnyConnection {
        match &mut self.inner {
            Conn::Transaction(t) => t,
            Conn::Plain(c) => c,
        }
    }

    /// A query of many placeholders, `$1`, `$2`, … each once and in that order (as
    /// [`placeholders`] and [`value_rows`] write them). On SQLite they become bare `?` marks,
    /// bound by position: SQLite finds each named mark by a linear search of the statement's
    /// names, so binding hundreds of them (a batch's journal entries) costs quadratic time.
    fn in_order(&self, sql: String) -> sqlx::query::Query<'static, Any, sqlx::any::AnyArguments> {
        match self.dialect {
            Dialect::Sqlite => dynamic(anonymous(sql)),
            Dialect::Postgres => dynamic(sql),
        }
    }

    /// `FOR UPDATE` in a PostgreSQL transaction (a row lock other nodes wait for); nothing on
    /// SQLite (whose write transactions hold the whole file) or on a plain read connection.
    fn for_update(&self) -> &'static str {
        match (&self.inner, self.dialect) {
            (Conn::Transaction(_), Dialect::Postgres) => " FOR UPDATE",
            _ => "",
        }
    }
}

/// `text`, a value stored as base64, decoded; damaged, it is reported as `what`.
fn from_base64(what: &str, text: &str) -> Result<Vec<u8>> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(text.as_bytes())
        .map_err(|e| Error::Corrupt(format!("{what}: {e}")))
}

/// Reads column `name` of `row`.
fn col<T>(row: &AnyRow, name: &str) -> Result<T>
where
    T: for<'r> sqlx::Decode<'r, Any> + sqlx::Type<Any>,
{
    Ok(row.try_get(name)?)
}

/// A 0/1 column as a flag.
fn flag(row: &AnyRow, name: &str) -> Result<bool> {
    Ok(col::<i64>(row, name)? != 0)
}

/// A query whose text is put together from this crate's own constants — column lists and
/// dialect words, never input (every value is bound).
/// `count` placeholders from `$first` on, comma-separated: `$3, $4, $5`.
fn placeholders(first: usize, count: usize) -> String {
    let marks: Vec<String> = (first..first + count).map(|i| format!("${i}")).collect();
    marks.join(", ")
}

/// The placeholders of `rows` rows of `columns` values each, for a multi-row `VALUES`:
/// `($1, $2), ($3, $4)`.
fn value_rows(rows: usize, columns: usize) -> String {
    let row = |r: usize| format!("({})", placeholders(r * columns + 1, columns));
    (0..rows).map(row).collect::<Vec<_>>().join(", ")
}

/// `sql` with its marks `$1`, `$2`, … written as bare `?`, when each appears once and in that
/// order (the same binding, by position); otherwise `sql` unchanged.
fn anonymous(sql: String) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut next = 1;
    let mut rest = sql.as_str();
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let digits = rest[at + 1..]
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len() - at - 1);
        if rest[at + 1..at + 1 + digits].parse() != Ok(next) {
            return sql;
        }
        out.push('?');
        next += 1;
        rest = &rest[at + 1 + digits..];
    }
    out.push_str(rest);
    out
}

fn dynamic(sql: String) -> sqlx::query::Query<'static, Any, sqlx::any::AnyArguments> {
    sqlx::query(sqlx::AssertSqlSafe(sql))
}

#[cfg(test)]
mod tests {
    use super::{anonymous, value_rows};

    #[test]
    fn marks_in_order_become_anonymous() {
        assert_eq!(
            anonymous(format!("INSERT INTO t (a, b) VALUES {}", value_rows(2, 2))),
            "INSERT INTO t (a, b) VALUES (?, ?), (?, ?)"
        );
        let unchanged = [
            "WHERE a = $1 AND b = $12",
            "WHERE a = $2 OR b = $1",
            "SET a = $1, b = $1",
            "SELECT 1",
        ];
        for sql in unchanged {
            assert_eq!(anonymous(sql.to_owned()), sql);
        }
    }
}
