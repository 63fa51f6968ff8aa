//! The action journal as the portal writes and shows it: the actions by name, entries built from
//! a request's [`Context`], a user's own journal, and the administrator's chain check.

use podpis_store::{Breach, Entry, JournalFilter, NewEntry, Tx};

use crate::wording;
use crate::{Context, Lang, Portal, Principal, Result};

/// Every action the journal records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// An account was registered.
    Registered,
    /// A one-time code was sent.
    CodeSent,
    /// A one-time code was answered wrongly (or too late).
    CodeRejected,
    /// A phone or e-mail was confirmed.
    ContactConfirmed,
    /// The password step of sign-in (ok: a code was sent; failed: wrong password).
    PasswordChecked,
    /// A sign-in completed: a session began.
    SignedIn,
    /// A sign-in was refused at its last step.
    SignInFailed,
    /// Sign-in was locked after repeated failures.
    Locked,
    /// A session was ended by sign-out.
    SignedOut,
    /// A session was ended from the session list.
    SessionEnded,
    /// Every session was ended.
    SignedOutEverywhere,
    /// The profile was changed.
    ProfileChanged,
    /// The password was changed (or a change refused for a wrong current password).
    PasswordChanged,
    /// A TOTP authenticator was enrolled.
    TotpEnrolled,
    /// The TOTP authenticator was removed.
    TotpRemoved,
    /// A passkey was registered.
    PasskeyAdded,
    /// A passkey was removed.
    PasskeyRemoved,
    /// An administrator changed an account's role.
    RoleChanged,
    /// The journal's chain was checked.
    JournalVerified,
    /// A certification centre was added to the registry or its accreditation changed.
    CentreChanged,
    /// A hosted centre issued a certificate.
    CertificateIssued,
    /// A certificate was revoked.
    CertificateRevoked,
    /// Binding a certificate began: its checks passed and a code was sent.
    BindingStarted,
    /// A certificate was bound ("connected") to the account.
    CertificateBound,
    /// A binding ended (unbound by the owner, or the certificate revoked).
    CertificateUnbound,
    /// An application's form or scans were changed.
    ApplicationEdited,
    /// An application moved to another state.
    ApplicationChanged,
    /// A payment was started, succeeded or was declined.
    Payment,
    /// Visit slots were published, or a visit was moved.
    VisitChanged,
    /// The PIN of a cloud key was changed.
    PinChanged,
    /// A wrong PIN of a cloud key was entered.
    PinRejected,
    /// A cloud key locked by wrong PINs was unlocked with a code.
    KeyUnlocked,
    /// A document was uploaded for signing.
    DocumentUploaded,
    /// A document was signed (or a signature of it refused).
    DocumentSigned,
    /// A citizen refused to sign a document a service submitted.
    DocumentRefused,
    /// A service accepted or rejected a signed document.
    DocumentDecided,
    /// A service was given an integration key and webhook.
    ServiceIntegrated,
    /// A checked document and its signature were kept on request.
    VerificationKept,
    /// Kept files of a verification were deleted on request.
    VerificationDeleted,
}

impl Action {
    /// Every action, in the order the journal page lists them in its filter.
    pub const ALL: [Action; 39] = [
        Self::Registered,
        Self::CodeSent,
        Self::CodeRejected,
        Self::ContactConfirmed,
        Self::PasswordChecked,
        Self::SignedIn,
        Self::SignInFailed,
        Self::Locked,
        Self::SignedOut,
        Self::SessionEnded,
        Self::SignedOutEverywhere,
        Self::ProfileChanged,
        Self::PasswordChanged,
        Self::TotpEnrolled,
        Self::TotpRemoved,
        Self::PasskeyAdded,
        Self::PasskeyRemoved,
        Self::RoleChanged,
        Self::JournalVerified,
        Self::CentreChanged,
        Self::CertificateIssued,
        Self::CertificateRevoked,
        Self::BindingStarted,
        Self::CertificateBound,
        Self::CertificateUnbound,
        Self::ApplicationEdited,
        Self::ApplicationChanged,
        Self::Payment,
        Self::VisitChanged,
        Self::PinChanged,
        Self::PinRejected,
        Self::KeyUnlocked,
        Self::DocumentUploaded,
        Self::DocumentSigned,
        Self::DocumentRefused,
        Self::DocumentDecided,
        Self::ServiceIntegrated,
        Self::VerificationKept,
        Self::VerificationDeleted,
    ];

    /// The stored name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Registered => "registered",
            Self::CodeSent => "code_sent",
            Self::CodeRejected => "code_rejected",
            Self::ContactConfirmed => "contact_confirmed",
            Self::PasswordChecked => "password_checked",
            Self::SignedIn => "signed_in",
            Self::SignInFailed => "sign_in_failed",
            Self::Locked => "locked",
            Self::SignedOut => "signed_out",
            Self::SessionEnded => "session_ended",
            Self::SignedOutEverywhere => "signed_out_everywhere",
            Self::ProfileChanged => "profile_changed",
            Self::PasswordChanged => "password_changed",
            Self::TotpEnrolled => "totp_enrolled",
            Self::TotpRemoved => "totp_removed",
            Self::PasskeyAdded => "passkey_added",
            Self::PasskeyRemoved => "passkey_removed",
            Self::RoleChanged => "role_changed",
            Self::JournalVerified => "journal_verified",
            Self::CentreChanged => "centre_changed",
            Self::CertificateIssued => "certificate_issued",
            Self::CertificateRevoked => "certificate_revoked",
            Self::BindingStarted => "binding_started",
            Self::CertificateBound => "certificate_bound",
            Self::CertificateUnbound => "certificate_unbound",
            Self::ApplicationEdited => "application_edited",
            Self::ApplicationChanged => "application_changed",
            Self::Payment => "payment",
            Self::VisitChanged => "visit_changed",
            Self::PinChanged => "pin_changed",
            Self::PinRejected => "pin_rejected",
            Self::KeyUnlocked => "key_unlocked",
            Self::DocumentUploaded => "document_uploaded",
            Self::DocumentSigned => "document_signed",
            Self::DocumentRefused => "document_refused",
            Self::DocumentDecided => "document_decided",
            Self::ServiceIntegrated => "service_integrated",
            Self::VerificationKept => "verification_kept",
            Self::VerificationDeleted => "verification_deleted",
        }
    }

    /// The action with this stored name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }

    /// What a person reads.
    pub fn title(self, lang: Lang) -> &'static str {
        let (ru, en) = match self {
            Self::Registered => ("Регистрация", "Registration"),
            Self::CodeSent => ("Отправлен код подтверждения", "Confirmation code sent"),
            Self::CodeRejected => ("Неверный код подтверждения", "Confirmation code refused"),
            Self::ContactConfirmed => ("Подтверждение контакта", "Contact confirmed"),
            Self::PasswordChecked => ("Проверка пароля", "Password checked"),
            Self::SignedIn => ("Вход", "Sign-in"),
            Self::SignInFailed => ("Неудачный вход", "Failed sign-in"),
            Self::Locked => ("Вход заблокирован", "Sign-in locked"),
            Self::SignedOut => ("Выход", "Sign-out"),
            Self::SessionEnded => ("Завершение сеанса", "Session ended"),
            Self::SignedOutEverywhere => ("Выход на всех устройствах", "Signed out everywhere"),
            Self::ProfileChanged => ("Изменение профиля", "Profile changed"),
            Self::PasswordChanged => ("Смена пароля", "Password changed"),
            Self::TotpEnrolled => (
                "Подключено приложение для кодов",
                "Authenticator app enrolled",
            ),
            Self::TotpRemoved => (
                "Отключено приложение для кодов",
                "Authenticator app removed",
            ),
            Self::PasskeyAdded => ("Добавлен ключ доступа", "Passkey added"),
            Self::PasskeyRemoved => ("Удалён ключ доступа", "Passkey removed"),
            Self::RoleChanged => ("Изменение роли", "Role changed"),
            Self::JournalVerified => ("Проверка журнала", "Journal verified"),
            Self::CentreChanged => ("Изменение реестра УЦ", "CA registry changed"),
            Self::CertificateIssued => ("Выпуск сертификата", "Certificate issued"),
            Self::CertificateRevoked => ("Отзыв сертификата", "Certificate revoked"),
            Self::BindingStarted => ("Начало привязки сертификата", "Certificate binding started"),
            Self::CertificateBound => ("Привязка сертификата", "Certificate bound"),
            Self::CertificateUnbound => ("Отвязка сертификата", "Certificate unbound"),
            Self::ApplicationEdited => ("Изменение заявления", "Application edited"),
            Self::ApplicationChanged => ("Ход заявления", "Application progress"),
            Self::Payment => ("Оплата", "Payment"),
            Self::VisitChanged => ("Визит в УЦ", "Visit to the centre"),
            Self::PinChanged => ("Смена PIN-кода облачного ключа", "Cloud key PIN changed"),
            Self::PinRejected => ("Неверный PIN-код", "Wrong PIN"),
            Self::KeyUnlocked => ("Разблокировка облачного ключа", "Cloud key unlocked"),
            Self::DocumentUploaded => ("Загрузка документа", "Document uploaded"),
            Self::DocumentSigned => ("Подписание документа", "Document signed"),
            Self::DocumentRefused => ("Отказ от подписания документа", "Document refused"),
            Self::DocumentDecided => ("Решение по документу", "Decision on a document"),
            Self::ServiceIntegrated => ("Подключение услуги", "Service integrated"),
            Self::VerificationKept => ("Сохранение файлов проверки", "Verification files kept"),
            Self::VerificationDeleted => (
                "Удаление сохранённых файлов проверки",
                "Kept verification files deleted",
            ),
        };
        lang.pick(ru, en)
    }
}

/// An entry about `account` done by `actor`.
pub(crate) struct Record<'a> {
    pub account: Option<&'a str>,
    pub actor: Option<&'a str>,
    pub action: Action,
    pub object: Option<String>,
    pub ok: bool,
    pub details: String,
}

impl<'a> Record<'a> {
    /// Something a user did to their own account, done.
    pub(crate) fn own(
        who: &'a str,
        action: Action,
        object: Option<String>,
        details: String,
    ) -> Self {
        Self {
            account: Some(who),
            actor: Some(who),
            action,
            object,
            ok: true,
            details,
        }
    }

    /// Something that happened to `account` (`account:ID`) with no signed-in actor: a failed
    /// sign-in, a lock, a registration naming its phone.
    pub(crate) fn about(account: &'a str, action: Action, ok: bool, details: String) -> Self {
        Self {
            account: Some(account),
            actor: None,
            action,
            object: Some(format!("account:{account}")),
            ok,
            details,
        }
    }
}

impl Portal {
    /// Appends `r` inside `tx`, stamped with the time and the request's context.
    pub(crate) async fn record(&self, tx: &mut Tx, ctx: &Context, r: Record<'_>) -> Result<()> {
        tx.append_journal(&NewEntry {
            at: self.now(),
            account_id: r.account.map(str::to_owned),
            actor: r.actor.map(str::to_owned),
            action: r.action.name().to_owned(),
            object: r.object,
            status: if r.ok { "ok" } else { "failed" }.to_owned(),
            ip: ctx.ip.clone(),
            user_agent: ctx.user_agent.clone(),
            details: r.details,
        })
        .await?;
        Ok(())
    }

    /// Writes `r` in a transaction of its own (for failures, whose other changes were none).
    pub(crate) async fn record_alone(&self, ctx: &Context, r: Record<'_>) -> Result<()> {
        let mut tx = self.store.begin().await?;
        self.record(&mut tx, ctx, r).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The principal's own journal, newest first, filtered. An administrator may name another
    /// account in `filter`; anyone else sees only their own entries, whatever the filter says.
    pub async fn journal(&self, who: &Principal, mut filter: JournalFilter) -> Result<Vec<Entry>> {
        if who.require_admin().is_err() || filter.account_id.is_none() {
            filter.account_id = Some(who.account_id.clone());
        }
        filter.limit = filter.limit.clamp(1, 10_000);
        let mut tx = self.store.read().await?;
        Ok(tx.journal(&filter).await?)
    }

    /// Walks the whole chain (administrators only); the check itself is journaled.
    pub async fn verify_journal(
        &self,
        ctx: &Context,
        who: &Principal,
    ) -> Result<core::result::Result<i64, Breach>> {
        who.require_admin()?;
        let verdict = self.store.verify_journal().await?;
        let details = match &verdict {
            Ok(n) => wording::CHAIN_HOLDS.fill(&[n]),
            Err(b) => b.to_string(),
        };
        self.record_alone(
            ctx,
            Record {
                account: Some(&who.account_id),
                actor: Some(&who.account_id),
                action: Action::JournalVerified,
                object: None,
                ok: verdict.is_ok(),
                details,
            },
        )
        .await?;
        Ok(verdict)
    }
}
