//! What the administrator does: give roles, list accounts, read the development mailbox.

use podpis_store::{Account, Message};

use crate::journal::{Action, Record};
use crate::wording;
use crate::{Context, Error, Missing, Portal, Principal, Result, Role, validate};

impl Portal {
    /// Gives the account with `login` a role. `by` is the administrator doing it, or `None` when
    /// it is done on the server itself (`podpis account grant`), which is how the first
    /// administrator is made.
    pub async fn grant_role(
        &self,
        ctx: &Context,
        by: Option<&Principal>,
        login: &str,
        role: &Role,
    ) -> Result<Account> {
        if let Some(admin) = by {
            admin.require_admin()?;
        }
        if let Role::Operator { ca } = role {
            // An operator of a centre the registry does not know could act on nothing.
            self.centre(ca).await?;
        }
        let (phone, email, snils) = validate::login(login);
        let mut tx = self.store.begin().await?;
        let account = tx
            .account_by_login(phone.as_deref(), email.as_deref(), snils.as_deref())
            .await?
            .ok_or(Error::NotFound(Missing::Account))?;
        let ca = match role {
            Role::Operator { ca } => Some(ca.as_str()),
            _ => None,
        };
        tx.set_role(&account.id, role.name(), ca).await?;
        self.record(
            &mut tx,
            ctx,
            Record {
                account: Some(&account.id),
                actor: by.map(|p| p.account_id.as_str()),
                action: Action::RoleChanged,
                object: Some(format!("account:{}", account.id)),
                ok: true,
                details: match ca {
                    Some(ca) => wording::ROLE_OPERATOR_OF.fill(&[&account.role, &ca]),
                    None => wording::MOVED.fill(&[&account.role, &role.name()]),
                },
            },
        )
        .await?;
        let updated = tx
            .account(&account.id)
            .await?
            .ok_or(Error::NotFound(Missing::Account))?;
        tx.commit().await?;
        Ok(updated)
    }

    /// Accounts, oldest first (administrators only).
    pub async fn accounts(&self, who: &Principal, limit: i64, offset: i64) -> Result<Vec<Account>> {
        who.require_admin()?;
        let mut tx = self.store.read().await?;
        Ok(tx.accounts(limit.clamp(1, 1000), offset.max(0)).await?)
    }

    /// The outbox, newest first: what was (or would have been) sent (administrators only).
    pub async fn mailbox(&self, who: &Principal, limit: i64, offset: i64) -> Result<Vec<Message>> {
        who.require_admin()?;
        let mut tx = self.store.read().await?;
        Ok(tx.messages(limit.clamp(1, 1000), offset.max(0)).await?)
    }
}
