//! What can go wrong, each with a stable slug (the `type` of an API problem) and a text in the
//! user's language that says what to do.

use core::fmt;

/// The interface languages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    /// Русский (the default).
    #[default]
    Ru,
    /// English.
    En,
}

impl Lang {
    /// `ru` or `en`; anything else is Russian.
    pub fn parse(code: &str) -> Self {
        if code.trim().to_ascii_lowercase().starts_with("en") {
            Self::En
        } else {
            Self::Ru
        }
    }

    /// The code (`ru`, `en`).
    pub fn code(self) -> &'static str {
        match self {
            Self::Ru => "ru",
            Self::En => "en",
        }
    }

    /// Picks the Russian or the English text.
    pub fn pick<'a>(self, ru: &'a str, en: &'a str) -> &'a str {
        match self {
            Self::Ru => ru,
            Self::En => en,
        }
    }
}

/// What was asked for and not found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Missing {
    /// An account.
    Account,
    /// An application for a certificate.
    Application,
    /// A certificate's binding to an account.
    Binding,
    /// A certification centre of the registry.
    Centre,
    /// A certificate.
    Certificate,
    /// A centre's certificate revocation list.
    Crl,
    /// An endpoint of the API.
    Endpoint,
    /// A cloud key.
    CloudKey,
    /// A document to sign.
    Document,
    /// A certification centre this portal runs.
    HostedCentre,
    /// An entry of the action journal.
    JournalEntry,
    /// A passkey.
    Passkey,
    /// A payment.
    Payment,
    /// The payment provider.
    PaymentProvider,
    /// A scan attached to an application.
    Scan,
    /// A portal service.
    Service,
    /// A session.
    Session,
    /// A document's signature.
    Signature,
    /// A slot for an identity-check visit.
    Slot,
    /// Kept verification files.
    Verification,
    /// An identity-check visit.
    Visit,
}

impl Missing {
    /// What it is, in `lang`.
    pub fn title(self, lang: Lang) -> &'static str {
        let (ru, en) = match self {
            Self::Account => ("учётная запись", "account"),
            Self::Application => ("заявление", "application"),
            Self::Binding => ("подключённый сертификат", "connected certificate"),
            Self::Centre => ("удостоверяющий центр", "certification centre"),
            Self::Certificate => ("сертификат", "certificate"),
            Self::Crl => ("список отозванных сертификатов", "revocation list"),
            Self::Endpoint => ("метод API", "API endpoint"),
            Self::CloudKey => ("облачный ключ", "cloud key"),
            Self::Document => ("документ", "document"),
            Self::HostedCentre => ("удостоверяющий центр на этом портале", "centre hosted here"),
            Self::JournalEntry => ("запись журнала", "journal entry"),
            Self::Passkey => ("ключ доступа", "passkey"),
            Self::Payment => ("платёж", "payment"),
            Self::PaymentProvider => ("платёжный сервис", "payment provider"),
            Self::Scan => ("скан документа", "scan"),
            Self::Service => ("услуга", "service"),
            Self::Session => ("сеанс", "session"),
            Self::Signature => ("подпись", "signature"),
            Self::Slot => ("время приёма", "visit slot"),
            Self::Verification => ("сохранённая проверка", "kept verification"),
            Self::Visit => ("визит", "visit"),
        };
        lang.pick(ru, en)
    }
}

/// Why a portal operation was refused or failed.
#[derive(Debug)]
pub enum Error {
    /// A field of a form is wrong.
    Invalid {
        /// The field (`phone`, `email`, `password`, `inn`, …).
        field: &'static str,
        /// What is wrong, in Russian.
        ru: String,
        /// What is wrong, in English.
        en: String,
    },
    /// Wrong login or password (or sign-in locked: the two are not told apart).
    BadCredentials,
    /// The phone (or e-mail) of the account is not confirmed yet.
    NotConfirmed,
    /// The one-time code is wrong; so many tries are left.
    WrongCode {
        /// Tries left (0: a new code is needed).
        tries_left: i64,
    },
    /// The code expired, was used, or was replaced by a newer one.
    CodeExpired,
    /// Too many attempts; try again after this many seconds.
    TooManyRequests {
        /// Seconds to wait.
        retry_after: i64,
    },
    /// No valid session.
    Unauthenticated,
    /// The session's role does not allow this.
    Forbidden,
    /// The thing asked for does not exist (or is not the caller's).
    NotFound(Missing),
    /// A passkey (WebAuthn) response was refused; the text says which check failed.
    Passkey(String),
    /// A request that does not fit the state (e.g. a TOTP sign-in for an account without TOTP).
    Conflict {
        /// In Russian.
        ru: String,
        /// In English.
        en: String,
    },
    /// Storage failed.
    Storage(podpis_store::Error),
    /// Something that should not happen.
    Internal(String),
}

/// Portal results.
pub type Result<T> = core::result::Result<T, Error>;

impl Error {
    /// An invalid field, with both texts.
    pub(crate) fn invalid(
        field: &'static str,
        ru: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        Self::Invalid {
            field,
            ru: ru.into(),
            en: en.into(),
        }
    }

    /// A request that does not fit the state, with both texts.
    pub(crate) fn conflict(ru: impl Into<String>, en: impl Into<String>) -> Self {
        Self::Conflict {
            ru: ru.into(),
            en: en.into(),
        }
    }

    /// The stable identifier of the kind of error (`bad-credentials`, `wrong-code`, …): the API
    /// problem's `type` is `/problems/` followed by it.
    pub fn slug(&self) -> &'static str {
        match self {
            Self::Invalid { .. } => "invalid-field",
            Self::BadCredentials => "bad-credentials",
            Self::NotConfirmed => "not-confirmed",
            Self::WrongCode { .. } => "wrong-code",
            Self::CodeExpired => "code-expired",
            Self::TooManyRequests { .. } => "too-many-requests",
            Self::Unauthenticated => "unauthenticated",
            Self::Forbidden => "forbidden",
            Self::NotFound(_) => "not-found",
            Self::Passkey(_) => "passkey-refused",
            Self::Conflict { .. } => "conflict",
            Self::Storage(_) | Self::Internal(_) => "internal",
        }
    }

    /// The HTTP status that fits.
    pub fn status(&self) -> u16 {
        match self {
            Self::Invalid { .. } => 422,
            Self::BadCredentials
            | Self::Unauthenticated
            | Self::WrongCode { .. }
            | Self::Passkey(_) => 401,
            Self::CodeExpired => 410,
            Self::NotConfirmed | Self::Forbidden => 403,
            Self::TooManyRequests { .. } => 429,
            Self::NotFound(_) => 404,
            Self::Conflict { .. } => 409,
            Self::Storage(_) | Self::Internal(_) => 500,
        }
    }

    /// What a person reads.
    pub fn text(&self, lang: Lang) -> String {
        let t = |ru: &str, en: &str| lang.pick(ru, en).to_owned();
        match self {
            Self::Invalid { ru, en, .. } | Self::Conflict { ru, en } => t(ru, en),
            Self::BadCredentials => t(
                "Неверный логин или пароль. После нескольких неудачных попыток вход временно блокируется.",
                "Wrong login or password. After several failed attempts sign-in is locked for a while.",
            ),
            Self::NotConfirmed => t(
                "Телефон не подтверждён: подтвердите его кодом из SMS, чтобы войти.",
                "The phone is not confirmed: confirm it with the code from the SMS to sign in.",
            ),
            Self::WrongCode { tries_left: 0 } => t(
                "Неверный код. Попытки исчерпаны — запросите новый код.",
                "Wrong code. No tries left: ask for a new code.",
            ),
            Self::WrongCode { tries_left } => match lang {
                Lang::Ru => format!("Неверный код. Осталось попыток: {tries_left}."),
                Lang::En => format!("Wrong code. Tries left: {tries_left}."),
            },
            Self::CodeExpired => t(
                "Код больше не действует (истёк срок, он уже использован или запрошен новый). Запросите новый код.",
                "The code is no longer valid (expired, used, or replaced by a newer one). Ask for a new code.",
            ),
            Self::TooManyRequests { retry_after } => match lang {
                Lang::Ru => format!(
                    "Слишком много попыток. Повторите через {} мин.",
                    ((retry_after + 59) / 60).max(1)
                ),
                Lang::En => format!(
                    "Too many attempts. Try again in {} min.",
                    ((retry_after + 59) / 60).max(1)
                ),
            },
            Self::Unauthenticated => t("Войдите в личный кабинет.", "Please sign in."),
            Self::Forbidden => t(
                "Недостаточно прав для этого действия.",
                "You are not allowed to do this.",
            ),
            Self::NotFound(what) => match lang {
                Lang::Ru => format!("Не найдено: {}.", what.title(lang)),
                Lang::En => format!("Not found: {}.", what.title(lang)),
            },
            Self::Passkey(why) => match lang {
                Lang::Ru => format!("Ключ доступа не принят: {why}."),
                Lang::En => format!("The passkey was refused: {why}."),
            },
            Self::Storage(_) | Self::Internal(_) => t(
                "Внутренняя ошибка. Повторите позже.",
                "Internal error. Please try again later.",
            ),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Storage(e) => write!(f, "storage: {e}"),
            Self::Internal(e) => write!(f, "internal: {e}"),
            Self::Invalid { field, en, .. } => write!(f, "{field}: {en}"),
            other => f.write_str(&other.text(Lang::En)),
        }
    }
}

impl std::error::Error for Error {}

impl From<podpis_store::Error> for Error {
    fn from(e: podpis_store::Error) -> Self {
        Self::Storage(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_was_not_found_is_said_in_the_readers_language() {
        let e = Error::NotFound(Missing::CloudKey);
        assert_eq!(e.text(Lang::Ru), "Не найдено: облачный ключ.");
        assert_eq!(e.text(Lang::En), "Not found: cloud key.");
        for m in [
            Missing::Account,
            Missing::Binding,
            Missing::Document,
            Missing::Endpoint,
            Missing::Verification,
        ] {
            let ru = m.title(Lang::Ru);
            assert!(
                ru.chars()
                    .all(|c| !c.is_ascii_alphabetic() || ru.contains("API")),
                "{m:?}: {ru}"
            );
            assert!(m.title(Lang::En).is_ascii(), "{m:?}");
        }
    }
}
