//! Revocation by the certificate's owner, confirmed by a one-time code: from the signatures
//! page (key compromise, no longer needed, data changed), and the journal's "this was not me" on
//! an entry about a certificate, which revokes it for key compromise and says what to do next.
//! Either way the CRL and OCSP say "revoked" from that moment and the binding ends.

use podpis_pki::crl::Reason;
use podpis_pki::issue::normalize_serial;
use podpis_store::{IssuedCertificate, JournalFilter, Tx};

use crate::accounts::REVOKE;
use crate::{CodeAnswer, CodeTicket, Context, Error, Lang, Missing, Portal, Principal, Result};

/// The reasons a centre's operator may give (not the CA's own compromise, not a hold).
pub const OPERATOR_REASONS: [Reason; 6] = [
    Reason::KeyCompromise,
    Reason::AffiliationChanged,
    Reason::Superseded,
    Reason::CessationOfOperation,
    Reason::PrivilegeWithdrawn,
    Reason::Unspecified,
];

/// The reasons an owner may give.
pub const OWNER_REASONS: [Reason; 3] = [
    Reason::KeyCompromise,
    Reason::CessationOfOperation,
    Reason::AffiliationChanged,
];

/// A revocation reason as a person reads it.
pub fn reason_title(reason: Reason, lang: Lang) -> &'static str {
    let (ru, en) = match reason {
        Reason::KeyCompromise => (
            "Ключ скомпрометирован (утерян, украден, известен другим)",
            "Key compromise (lost, stolen, known to others)",
        ),
        Reason::CessationOfOperation => (
            "Сертификат больше не нужен",
            "The certificate is no longer needed",
        ),
        Reason::AffiliationChanged => ("Изменились данные владельца", "The owner's data changed"),
        Reason::Superseded => (
            "Заменён новым сертификатом",
            "Superseded by a new certificate",
        ),
        Reason::PrivilegeWithdrawn => (
            "Полномочия владельца прекращены",
            "The owner's authority ended",
        ),
        _ => ("Без указания причины", "Unspecified"),
    };
    lang.pick(ru, en)
}

/// What the owner is told to do after revoking for "this was not me".
pub fn after_compromise(lang: Lang) -> &'static str {
    lang.pick(
        "Сертификат отозван и больше не действует. Что делать дальше: смените пароль и завершите чужие сеансы в разделе «Безопасность»; проверьте журнал действий; подайте заявление на новый сертификат; если подпись была использована без вас, обратитесь в удостоверяющий центр и в полицию.",
        "The certificate is revoked and no longer valid. Next: change your password and end unknown sessions under «Security»; check the action journal; apply for a new certificate; if the signature was used without you, contact the certification centre and the police.",
    )
}

impl Portal {
    /// Starts revoking the principal's certificate `serial` of hosted centre `centre_id`: it
    /// must be theirs (issued to or bound to their account) and not revoked; a code goes out.
    pub async fn revoke_own_begin(
        &self,
        ctx: &Context,
        who: &Principal,
        centre_id: &str,
        serial: &str,
    ) -> Result<CodeTicket> {
        let mut tx = self.store.begin().await?;
        self.own_certificate(&mut tx, who, centre_id, serial)
            .await?;
        let account = tx
            .account(&who.account_id)
            .await?
            .ok_or(Error::Unauthenticated)?;
        let ticket = self.send_code(&mut tx, ctx, &account, REVOKE).await?;
        tx.commit().await?;
        Ok(ticket)
    }

    /// Revokes the principal's certificate for `reason` (one of [`OWNER_REASONS`]) once the
    /// code is right.
    pub async fn revoke_own_finish(
        &self,
        ctx: &Context,
        who: &Principal,
        centre_id: &str,
        serial: &str,
        answer: CodeAnswer<'_>,
        reason: Reason,
    ) -> Result<IssuedCertificate> {
        if !OWNER_REASONS.contains(&reason) {
            return Err(Error::invalid(
                "reason",
                "Причина отзыва: компрометация ключа, прекращение использования или изменение данных.",
                "The reason: key compromise, cessation of operation, or affiliation changed.",
            ));
        }
        let keys = self.hosted_keys(centre_id).await?;
        let mut tx = self.store.begin().await?;
        self.own_certificate(&mut tx, who, centre_id, serial)
            .await?;
        if let Err(e) = self
            .check_code(&mut tx, ctx, answer.id, answer.code, &[REVOKE])
            .await
        {
            tx.commit().await?;
            return Err(e);
        }
        let revoked = self
            .revoke_in(&mut tx, ctx, Some(who), &keys, centre_id, serial, reason)
            .await?;
        tx.commit().await?;
        self.authority.forget();
        Ok(revoked)
    }

    /// "This was not me" on the principal's journal entry `seq` about a certificate: starts
    /// revoking it for key compromise (a code goes out). Returns the code and the certificate
    /// (centre, serial).
    pub async fn not_me_begin(
        &self,
        ctx: &Context,
        who: &Principal,
        seq: i64,
    ) -> Result<(CodeTicket, String, String)> {
        let (centre, serial) = self.certificate_of_entry(who, seq).await?;
        let ticket = self.revoke_own_begin(ctx, who, &centre, &serial).await?;
        Ok((ticket, centre, serial))
    }

    /// Finishes "this was not me": the certificate of entry `seq` is revoked for key
    /// compromise; the answer says what to do next ([`after_compromise`]).
    pub async fn not_me_finish(
        &self,
        ctx: &Context,
        who: &Principal,
        seq: i64,
        answer: CodeAnswer<'_>,
    ) -> Result<IssuedCertificate> {
        let (centre, serial) = self.certificate_of_entry(who, seq).await?;
        self.revoke_own_finish(ctx, who, &centre, &serial, answer, Reason::KeyCompromise)
            .await
    }

    /// The certificate (centre, serial) that the principal's journal entry `seq` is about.
    async fn certificate_of_entry(&self, who: &Principal, seq: i64) -> Result<(String, String)> {
        let entries = self
            .journal(
                who,
                JournalFilter {
                    account_id: Some(who.account_id.clone()),
                    before_seq: Some(seq + 1),
                    limit: 1,
                    ..JournalFilter::default()
                },
            )
            .await?;
        let entry = entries
            .into_iter()
            .find(|e| e.seq == seq && e.entry.account_id.as_deref() == Some(&who.account_id))
            .ok_or(Error::NotFound(Missing::JournalEntry))?;
        entry
            .entry
            .object
            .as_deref()
            .and_then(|o| o.strip_prefix("certificate:"))
            .and_then(|o| o.split_once('/'))
            .map(|(c, s)| (c.to_owned(), s.to_owned()))
            .ok_or_else(|| {
                Error::conflict(
                    "Эта запись журнала не о сертификате.",
                    "This journal entry is not about a certificate.",
                )
            })
    }

    /// Certificate `serial` of `centre_id` if it is the principal's (issued to their account,
    /// or bound to it) and not revoked yet.
    async fn own_certificate(
        &self,
        tx: &mut Tx,
        who: &Principal,
        centre_id: &str,
        serial: &str,
    ) -> Result<IssuedCertificate> {
        let serial = normalize_serial(serial);
        let centre = self.centre(centre_id).await?;
        if !centre.hosted {
            return Err(Error::conflict(
                format!(
                    "Сертификат выдан центром «{}»: отозвать его можно только там.",
                    centre.name
                ),
                format!(
                    "The certificate was issued by «{}»: only that centre can revoke it.",
                    centre.name
                ),
            ));
        }
        let cert = tx
            .certificate(centre_id, &serial)
            .await?
            .ok_or(Error::NotFound(Missing::Certificate))?;
        // Whether it is revoked is public (the CRL says it): told before the ownership check,
        // since a revoked certificate is bound to nobody any more.
        if cert.revoked_at.is_some() {
            return Err(Error::conflict(
                "Сертификат уже отозван.",
                "The certificate is revoked already.",
            ));
        }
        let bound_here = tx
            .connected_binding(centre_id, &serial)
            .await?
            .is_some_and(|b| b.account_id == who.account_id);
        if cert.account_id.as_deref() != Some(&who.account_id) && !bound_here {
            return Err(Error::NotFound(Missing::Certificate));
        }
        Ok(cert)
    }
}
