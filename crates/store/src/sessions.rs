//! Sessions: a browser's cookie or an API client's bearer token, stored by the token's hash.

use std::sync::LazyLock;

use sqlx::any::AnyRow;

use crate::Account;
use crate::accounts::account;

use crate::{Result, Tx, col, dynamic};

/// A session as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// Public identifier (to list and end it); not the token.
    pub id: String,
    /// Hash of the secret token the client holds.
    pub token_hash: String,
    /// Whose session.
    pub account_id: String,
    /// `cookie` (pages) or `bearer` (API).
    pub kind: String,
    /// The CSRF token the session's forms carry.
    pub csrf: String,
    /// When it began.
    pub created_at: i64,
    /// When it was last used (updated at most once a minute).
    pub last_seen_at: i64,
    /// When it ends by itself.
    pub expires_at: i64,
    /// The client's address at sign-in.
    pub ip: Option<String>,
    /// The client's user agent at sign-in.
    pub user_agent: Option<String>,
    /// When it was ended (sign-out), if it was.
    pub ended_at: Option<i64>,
}

const COLUMNS: &str = "id, token_hash, account_id, kind, csrf, created_at, last_seen_at, \
                       expires_at, ip, user_agent, ended_at";

/// The session columns named `s_…`, for a query that selects the account's columns beside them.
static PREFIXED: LazyLock<String> = LazyLock::new(|| {
    COLUMNS
        .split(',')
        .map(|c| format!("s.{0} AS s_{0}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
});

fn session(row: &AnyRow) -> Result<Session> {
    session_with_prefix(row, "")
}

fn session_with_prefix(row: &AnyRow, prefix: &str) -> Result<Session> {
    let c = |name: &str| format!("{prefix}{name}");
    Ok(Session {
        id: col(row, &c("id"))?,
        token_hash: col(row, &c("token_hash"))?,
        account_id: col(row, &c("account_id"))?,
        kind: col(row, &c("kind"))?,
        csrf: col(row, &c("csrf"))?,
        created_at: col(row, &c("created_at"))?,
        last_seen_at: col(row, &c("last_seen_at"))?,
        expires_at: col(row, &c("expires_at"))?,
        ip: col(row, &c("ip"))?,
        user_agent: col(row, &c("user_agent"))?,
        ended_at: col(row, &c("ended_at"))?,
    })
}

impl Tx {
    /// Stores a new session.
    pub async fn insert_session(&mut self, s: &Session) -> Result<()> {
        dynamic(format!(
            "INSERT INTO sessions ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        ))
        .bind(&s.id)
        .bind(&s.token_hash)
        .bind(&s.account_id)
        .bind(&s.kind)
        .bind(&s.csrf)
        .bind(s.created_at)
        .bind(s.last_seen_at)
        .bind(s.expires_at)
        .bind(&s.ip)
        .bind(&s.user_agent)
        .bind(s.ended_at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The live session whose token hashes to `token_hash`, with its account, in one query (every
    /// signed-in request asks this).
    pub async fn live_session_and_account(
        &mut self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<(Session, Account)>> {
        let row = dynamic(format!(
            "SELECT {}, a.* FROM sessions s JOIN accounts a ON a.id = s.account_id \
             WHERE s.token_hash = $1 AND s.ended_at IS NULL AND s.expires_at > $2",
            *PREFIXED
        ))
        .bind(token_hash)
        .bind(now)
        .fetch_optional(self.conn())
        .await?;
        row.map(|r| Ok((session_with_prefix(&r, "s_")?, account(&r)?)))
            .transpose()
    }

    /// Records that session `id` was used at `now`.
    pub async fn touch_session(&mut self, id: &str, now: i64) -> Result<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE id = $1")
            .bind(id)
            .bind(now)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// The live sessions of `account`, newest first.
    pub async fn sessions_of(&mut self, account: &str, now: i64) -> Result<Vec<Session>> {
        let rows = dynamic(format!(
            "SELECT {COLUMNS} FROM sessions WHERE account_id = $1 AND ended_at IS NULL \
             AND expires_at > $2 ORDER BY created_at DESC, id"
        ))
        .bind(account)
        .bind(now)
        .fetch_all(self.conn())
        .await?;
        rows.iter().map(session).collect()
    }

    /// Ends session `id` of `account`; false when there was no such live session.
    pub async fn end_session(&mut self, account: &str, id: &str, now: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE sessions SET ended_at = $3 WHERE account_id = $1 AND id = $2 AND ended_at IS NULL",
        )
        .bind(account)
        .bind(id)
        .bind(now)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Ends every live session of `account` but `except`; returns how many.
    pub async fn end_all_sessions(
        &mut self,
        account: &str,
        now: i64,
        except: Option<&str>,
    ) -> Result<u64> {
        let done = sqlx::query(
            "UPDATE sessions SET ended_at = $2 \
             WHERE account_id = $1 AND ended_at IS NULL AND id <> COALESCE($3, '')",
        )
        .bind(account)
        .bind(now)
        .bind(except)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected())
    }
}
