//! Recovering a forgotten password: a one-time code by SMS to the account's confirmed phone,
//! then a new password. A login no account has (or one whose phone was never confirmed) is
//! answered alike, with a code that opens nothing, so recovery does not tell whether a login
//! exists. A recovery ends every session of the account and is journaled and told by e-mail.

use podpis_store::Code;

use crate::accounts::{CodeTicket, RESET_PASSWORD};
use crate::journal::{Action, Record};
use crate::wording;
use crate::{Context, Error, Portal, Result, secret, validate};

impl Portal {
    /// Starts recovering the password of `login` (phone, e-mail or SNILS): a code by SMS to the
    /// account's confirmed phone. Returns the code's ticket; its `sent_to` never shows the
    /// phone, so that the answer is the same whether the account exists or not.
    pub async fn reset_password_begin(&self, ctx: &Context, login: &str) -> Result<CodeTicket> {
        self.limit_address(ctx, "reset").await?;
        let (phone, email, snils) = validate::login(login);
        let mut tx = self.store.begin().await?;
        let account = tx
            .account_by_login(phone.as_deref(), email.as_deref(), snils.as_deref())
            .await?
            .filter(|a| a.phone_confirmed);
        // An account that had its codes for the hour is answered like no account: a refusal
        // would tell that the login exists.
        let sent = match account {
            Some(account) => match self.send_code(&mut tx, ctx, &account, RESET_PASSWORD).await {
                Ok(ticket) => Some(ticket.id),
                Err(Error::TooManyRequests { .. }) => None,
                Err(e) => return Err(e),
            },
            None => None,
        };
        let id = match sent {
            Some(id) => id,
            None => {
                let now = self.now();
                let decoy = Code {
                    id: secret::new_id(),
                    account_id: None,
                    purpose: RESET_PASSWORD.to_owned(),
                    destination: String::new(),
                    code_hash: String::new(),
                    expires_at: now + self.policy.code_ttl,
                    tries_left: self.policy.code_tries,
                    used_at: None,
                    created_at: now,
                };
                tx.insert_code(&decoy).await?;
                decoy.id
            }
        };
        tx.commit().await?;
        Ok(CodeTicket {
            id,
            sent_to: String::new(),
            expires_at: self.now() + self.policy.code_ttl,
        })
    }

    /// Replaces the forgotten password with `new_password` (by the password rules) once
    /// `answer` is the code of ticket `code_id`. Every session of the account ends.
    pub async fn reset_password_finish(
        &self,
        ctx: &Context,
        code_id: &str,
        answer: &str,
        new_password: &str,
    ) -> Result<()> {
        self.limit_address(ctx, "code").await?;
        validate::password(new_password)?;
        let hash = secret::hash_password(new_password.to_owned()).await?;
        let mut tx = self.store.begin().await?;
        let code = match self
            .check_code(&mut tx, ctx, code_id, answer, &[RESET_PASSWORD])
            .await
        {
            Ok(code) => code,
            Err(e @ Error::WrongCode { .. }) => {
                tx.commit().await?;
                return Err(e);
            }
            Err(e) => return Err(e),
        };
        let account_id = code.account_id.ok_or(Error::CodeExpired)?;
        let account = tx.account(&account_id).await?.ok_or(Error::CodeExpired)?;
        let ended = self
            .replace_password(&mut tx, &account, &hash, None)
            .await?;
        self.record(
            &mut tx,
            ctx,
            Record {
                actor: None,
                ..Record::own(
                    &account.id,
                    Action::PasswordChanged,
                    Some(format!("account:{}", account.id)),
                    wording::PASSWORD_RESET.fill(&[&ended]),
                )
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
