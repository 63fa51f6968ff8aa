//! Sign-in: login and password, then a one-time code to the confirmed phone or a TOTP code.
//! The second factor is always on. Failures count towards a lock of the account; while it is
//! locked even the right password is refused, with the same words as a wrong one, and the owner
//! is told. An unknown login is refused like a wrong password, after an argon2 check against a
//! decoy hash so that it takes as long.

use podpis_store::Account;

use crate::accounts::LOGIN;
use crate::journal::{Action, Record};
use crate::notify::Channel;
use crate::sessions::{NewSession, SessionKind};
use crate::wording::{self, Wording};
use crate::{Context, Error, Lang, Portal, Result, secret, totp, validate};

/// The second step of a sign-in: a code was sent by SMS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoginChallenge {
    /// The challenge's id: the second step quotes it.
    pub id: String,
    /// Where the SMS went (masked).
    pub sent_to: String,
    /// Until when the code is valid.
    pub expires_at: i64,
    /// The factors the second step takes.
    pub factors: Vec<SecondFactor>,
}

/// A second factor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecondFactor {
    /// The code sent by SMS.
    Sms,
    /// A code from the user's authenticator app (RFC 6238).
    Totp,
}

impl SecondFactor {
    /// `sms` or `totp`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sms => "sms",
            Self::Totp => "totp",
        }
    }
}

impl Portal {
    /// Step one: checks the password of `login` (phone, e-mail or SNILS) and sends a code by SMS.
    pub async fn login_password(
        &self,
        ctx: &Context,
        login: &str,
        password: &str,
    ) -> Result<LoginChallenge> {
        let (phone, email, snils) = validate::login(login);
        let key = phone
            .clone()
            .or(email.clone())
            .or(snils.clone())
            .unwrap_or_else(|| login.trim().to_lowercase());
        let mut buckets: Vec<_> = self.address_bucket(ctx, "login").into_iter().collect();
        buckets.push((format!("login:{key}"), self.policy.per_login));
        self.limit(&buckets).await?;
        let account = {
            let mut tx = self.store.read().await?;
            tx.account_by_login(phone.as_deref(), email.as_deref(), snils.as_deref())
                .await?
        };
        let right = secret::verify_password(
            password.to_owned(),
            account.as_ref().map(|a| a.password_hash.clone()),
        )
        .await;
        let now = self.now();
        let Some(account) = account else {
            self.record_alone(
                ctx,
                Record {
                    account: None,
                    actor: None,
                    action: Action::PasswordChecked,
                    object: None,
                    ok: false,
                    details: wording::UNKNOWN_LOGIN.text().into(),
                },
            )
            .await?;
            return Err(Error::BadCredentials);
        };
        if account.locked_until > now {
            self.record_alone(
                ctx,
                Record {
                    account: Some(&account.id),
                    actor: None,
                    action: Action::PasswordChecked,
                    object: Some(format!("account:{}", account.id)),
                    ok: false,
                    details: wording::LOCKED_UNTIL
                        .fill(&[&crate::sessions::timestamp(account.locked_until)]),
                },
            )
            .await?;
            return Err(Error::BadCredentials);
        }
        if !right {
            self.count_failure(ctx, &account, &wording::WRONG_PASSWORD)
                .await?;
            return Err(Error::BadCredentials);
        }
        let mut tx = self.store.begin().await?;
        self.record(
            &mut tx,
            ctx,
            Record::own(
                &account.id,
                Action::PasswordChecked,
                Some(format!("account:{}", account.id)),
                String::new(),
            ),
        )
        .await?;
        let ticket = self.send_code(&mut tx, ctx, &account, LOGIN).await?;
        tx.commit().await?;
        let mut factors = vec![SecondFactor::Sms];
        if account.totp_secret.is_some() {
            factors.push(SecondFactor::Totp);
        }
        Ok(LoginChallenge {
            id: ticket.id,
            sent_to: ticket.sent_to,
            expires_at: ticket.expires_at,
            factors,
        })
    }

    /// Counts a failed sign-in of `account`, locking it (and telling the owner) at the limit.
    async fn count_failure(&self, ctx: &Context, account: &Account, why: &Wording) -> Result<()> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let until = now + self.policy.lock_for;
        let (failures, locked) = tx
            .add_login_failure(&account.id, self.policy.lock_after, until)
            .await?;
        let lock = locked.then_some(until);
        self.record(
            &mut tx,
            ctx,
            Record::about(
                &account.id,
                Action::SignInFailed,
                false,
                wording::FAILED_ATTEMPTS.fill(&[&why.text(), &failures]),
            ),
        )
        .await?;
        if let Some(until) = lock {
            let lang = Lang::parse(&account.language);
            let minutes = self.policy.lock_for / 60;
            let body = match lang {
                Lang::Ru => format!(
                    "Podpis: после {failures} неудачных попыток вход в ваш кабинет заблокирован на {minutes} мин. \
                     Если это были не вы, смените пароль."
                ),
                Lang::En => format!(
                    "Podpis: after {failures} failed attempts sign-in to your account is locked for {minutes} min. \
                     If it was not you, change your password."
                ),
            };
            self.tell_account(
                &mut tx,
                account,
                lang.pick("Вход заблокирован", "Sign-in locked"),
                body,
            )
            .await?;
            self.record(
                &mut tx,
                ctx,
                Record::about(
                    &account.id,
                    Action::Locked,
                    true,
                    wording::UNTIL.fill(&[&crate::sessions::timestamp(until)]),
                ),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Step two with the SMS code. Answering it also confirms the phone, if it was not yet.
    pub async fn login_code(
        &self,
        ctx: &Context,
        challenge: &str,
        code: &str,
        kind: SessionKind,
    ) -> Result<NewSession> {
        self.limit_address(ctx, "code").await?;
        let mut tx = self.store.begin().await?;
        let checked = self
            .check_code(&mut tx, ctx, challenge, code, &[LOGIN])
            .await;
        let stored = match checked {
            Ok(c) => c,
            Err(e @ Error::WrongCode { .. }) => {
                let account = match tx.code(challenge).await?.and_then(|c| c.account_id) {
                    Some(id) => tx.account(&id).await?,
                    None => None,
                };
                tx.commit().await?;
                if let Some(account) = account {
                    self.count_failure(ctx, &account, &wording::WRONG_SMS_CODE)
                        .await?;
                }
                return Err(e);
            }
            Err(e) => return Err(e),
        };
        let account_id = stored.account_id.ok_or(Error::CodeExpired)?;
        let account = tx.account(&account_id).await?.ok_or(Error::CodeExpired)?;
        if account.locked_until > self.now() {
            return Err(Error::BadCredentials);
        }
        if !account.phone_confirmed {
            tx.confirm_contact(&account.id, true).await?;
        }
        let session = self
            .sign_in(&mut tx, ctx, &account, kind, wording::BY_SMS.text())
            .await?;
        tx.commit().await?;
        Ok(session)
    }

    /// Step two with a TOTP code instead of the SMS code.
    pub async fn login_totp(
        &self,
        ctx: &Context,
        challenge: &str,
        code: &str,
        kind: SessionKind,
    ) -> Result<NewSession> {
        self.limit_address(ctx, "code").await?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let stored = tx.code(challenge).await?.ok_or(Error::CodeExpired)?;
        if stored.purpose != LOGIN || stored.used_at.is_some() || stored.expires_at <= now {
            return Err(Error::CodeExpired);
        }
        if stored.tries_left <= 0 {
            return Err(Error::WrongCode { tries_left: 0 });
        }
        let account = match &stored.account_id {
            Some(id) => tx.account(id).await?,
            None => None,
        }
        .ok_or(Error::CodeExpired)?;
        let Some(seed) = &account.totp_secret else {
            return Err(Error::Conflict {
                ru: "Приложение для кодов не подключено: введите код из SMS.".into(),
                en: "No authenticator app is enrolled: enter the code from the SMS.".into(),
            });
        };
        let step = totp::accepted_step(seed, code, now);
        let fresh = match step {
            Some(step) => tx.use_totp_step(&account.id, step).await?,
            None => false,
        };
        if !fresh || account.locked_until > now {
            let tries_left = tx.spend_code_try(challenge).await?;
            tx.commit().await?;
            self.count_failure(ctx, &account, &wording::WRONG_TOTP)
                .await?;
            return Err(Error::WrongCode { tries_left });
        }
        tx.use_code(challenge, now).await?;
        let session = self
            .sign_in(&mut tx, ctx, &account, kind, wording::BY_TOTP.text())
            .await?;
        tx.commit().await?;
        Ok(session)
    }

    /// The end of every successful sign-in: failures forgotten, a session, a journal entry and a
    /// notice by e-mail.
    pub(crate) async fn sign_in(
        &self,
        tx: &mut podpis_store::Tx,
        ctx: &Context,
        account: &Account,
        kind: SessionKind,
        how: &str,
    ) -> Result<NewSession> {
        tx.clear_login_failures(&account.id).await?;
        let session = self.create_session(tx, account, kind, ctx).await?;
        self.record(
            tx,
            ctx,
            Record::own(
                &account.id,
                Action::SignedIn,
                Some(format!("session:{}", session.session.id)),
                wording::SIGNED_IN.fill(&[&how, &kind.name()]),
            ),
        )
        .await?;
        let lang = Lang::parse(&account.language);
        let when = crate::moscow_time(self.now(), lang);
        let from = ctx.ip.as_deref().unwrap_or("?");
        let body = match lang {
            Lang::Ru => format!(
                "Вход в личный кабинет {when} с адреса {from}. Если это были не вы, завершите сеансы на странице «Сеансы» и смените пароль."
            ),
            Lang::En => format!(
                "Sign-in to your account at {when} from {from}. If it was not you, end the sessions on the Sessions page and change your password."
            ),
        };
        self.queue(
            tx,
            Channel::Email,
            &account.email,
            lang.pick("Вход в личный кабинет", "Sign-in to your account"),
            body,
            false,
        )
        .await?;
        Ok(session)
    }
}
