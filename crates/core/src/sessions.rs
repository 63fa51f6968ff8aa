//! Sessions and the checks every request passes: a token (cookie or bearer) to a [`Principal`],
//! the list of a user's sessions, sign-out here or everywhere; and the rate limits.

use podpis_store::{Account, Session};

use crate::journal::{Action, Record};
use crate::wording;
use crate::{Context, Error, Lang, Missing, Portal, Principal, Result, Role, secret};

/// How a session is carried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionKind {
    /// An HttpOnly cookie, for the pages.
    Cookie,
    /// A bearer token, for the API.
    Bearer,
}

impl SessionKind {
    /// `cookie` or `bearer`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Cookie => "cookie",
            Self::Bearer => "bearer",
        }
    }
}

/// A session just made: the token goes to the client once and is stored only as its hash.
#[derive(Clone, Debug)]
pub struct NewSession {
    /// The secret token.
    pub token: String,
    /// The stored session.
    pub session: Session,
}

/// `2026-12-01T16:36:26Z` for Unix seconds.
pub fn timestamp(unix: i64) -> String {
    der::DateTime::from_unix_duration(core::time::Duration::from_secs(unix.max(0) as u64))
        .map_or_else(|_| unix.to_string(), |t| t.to_string())
}

impl Portal {
    pub(crate) async fn create_session(
        &self,
        tx: &mut podpis_store::Tx,
        account: &Account,
        kind: SessionKind,
        ctx: &Context,
    ) -> Result<NewSession> {
        let now = self.now();
        let token = secret::new_token();
        let ttl = match kind {
            SessionKind::Cookie => self.policy.cookie_session_ttl,
            SessionKind::Bearer => self.policy.bearer_session_ttl,
        };
        let session = Session {
            id: secret::new_id(),
            token_hash: secret::token_hash(&token),
            account_id: account.id.clone(),
            kind: kind.name().to_owned(),
            csrf: secret::new_token(),
            created_at: now,
            last_seen_at: now,
            expires_at: now + ttl,
            ip: ctx.ip.clone(),
            user_agent: ctx.user_agent.clone(),
            ended_at: None,
        };
        tx.insert_session(&session).await?;
        Ok(NewSession { token, session })
    }

    /// The principal a session token stands for; `Unauthenticated` for an unknown, ended or
    /// expired one. The session's last use is recorded at most once a minute.
    pub async fn authenticate(&self, token: &str) -> Result<Principal> {
        let now = self.now();
        let hash = secret::token_hash(token);
        let mut tx = self.store.read().await?;
        let (session, account) = tx
            .live_session_and_account(&hash, now)
            .await?
            .ok_or(Error::Unauthenticated)?;
        drop(tx);
        if now - session.last_seen_at >= 60 {
            let mut tx = self.store.begin().await?;
            tx.touch_session(&session.id, now).await?;
            tx.commit().await?;
        }
        Ok(Principal {
            role: Role::from_stored(&account.role, account.operator_ca.as_deref()),
            account_id: account.id,
            session_id: session.id,
            csrf: session.csrf,
            lang: Lang::parse(&account.language),
            name: account.given_name,
        })
    }

    /// The principal's live sessions, newest first.
    pub async fn sessions(&self, who: &Principal) -> Result<Vec<Session>> {
        let mut tx = self.store.read().await?;
        Ok(tx.sessions_of(&who.account_id, self.now()).await?)
    }

    /// Ends one of the principal's sessions (another device, or this one).
    pub async fn end_session(
        &self,
        ctx: &Context,
        who: &Principal,
        session_id: &str,
    ) -> Result<()> {
        let mut tx = self.store.begin().await?;
        if !tx
            .end_session(&who.account_id, session_id, self.now())
            .await?
        {
            return Err(Error::NotFound(Missing::Session));
        }
        let action = if session_id == who.session_id {
            Action::SignedOut
        } else {
            Action::SessionEnded
        };
        self.record(
            &mut tx,
            ctx,
            Record {
                account: Some(&who.account_id),
                actor: Some(&who.account_id),
                action,
                object: Some(format!("session:{session_id}")),
                ok: true,
                details: String::new(),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Signs the principal out of this session.
    pub async fn logout(&self, ctx: &Context, who: &Principal) -> Result<()> {
        self.end_session(ctx, who, &who.session_id.clone()).await
    }

    /// Ends every session of the principal, this one included; returns how many.
    pub async fn logout_everywhere(&self, ctx: &Context, who: &Principal) -> Result<u64> {
        let mut tx = self.store.begin().await?;
        let ended = tx
            .end_all_sessions(&who.account_id, self.now(), None)
            .await?;
        self.record(
            &mut tx,
            ctx,
            Record::own(
                &who.account_id,
                Action::SignedOutEverywhere,
                None,
                wording::SESSIONS_ENDED.fill(&[&ended]),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(ended)
    }

    /// Counts a hit on each `(bucket, max)` (with the hits of concurrent requests, in one
    /// statement); refuses when any goes beyond its `max` in the policy's window.
    pub(crate) async fn limit(&self, buckets: &[(String, i64)]) -> Result<()> {
        let now = self.now();
        let window = self.policy.rate_window;
        let names = buckets.iter().map(|(b, _)| b.clone()).collect();
        let hits = self.hits.hit(&self.store, names, now, window).await?;
        if hits.iter().zip(buckets).any(|(hits, (_, max))| hits > max) {
            return Err(Error::TooManyRequests {
                retry_after: window - now.rem_euclid(window),
            });
        }
        Ok(())
    }

    /// The per-address bucket for `what` (`login`, `code`, `register`), if the address is known.
    pub(crate) fn address_bucket(&self, ctx: &Context, what: &str) -> Option<(String, i64)> {
        ctx.ip
            .as_ref()
            .map(|ip| (format!("{what}@{ip}"), self.policy.per_address))
    }

    /// The per-address limit for `what`.
    pub(crate) async fn limit_address(&self, ctx: &Context, what: &str) -> Result<()> {
        let buckets: Vec<_> = self.address_bucket(ctx, what).into_iter().collect();
        self.limit(&buckets).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_is_rfc3339_utc() {
        assert_eq!(timestamp(1_796_142_986), "2026-12-01T16:36:26Z");
    }
}
