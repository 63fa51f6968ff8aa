//! The journal's details in the reader's language. An entry's details are written once, in
//! English, and hashed into the journal's chain as written; a page shows them in its own
//! language by the [`Wording`] they were made from, found again by its English template. The
//! checks of a verification report, which podpis-pki words in English, are read the same way.
//!
//! A template's `{}` is an argument shown as it is (a name, a number); `{t}` one translated when
//! it is itself a known word or wording (a comment, a payment's outcome); `{w}` one that must be
//! a known word (a state, a purpose, a reason), which tells apart templates that share their
//! words; `{l}` a list of such words joined by ", ".
//! Details of no known wording (older entries, free text) are shown as written.

use std::borrow::Cow;
use std::fmt::Display;
use std::sync::OnceLock;

use podpis_pki::crl::Reason;

use crate::Lang;
use crate::applications::{SCAN_KINDS, Status, scan_title};
use crate::documents::{DOCUMENT_STATUSES, document_status_title};
use crate::revocation::reason_title;

/// One kind of journal detail: its English template (what is written) and its Russian one
/// (what a Russian page shows), with the same placeholders in the same order.
pub(crate) struct Wording {
    en: &'static str,
    ru: &'static str,
}

impl Wording {
    /// The English details of this wording with `args` in its placeholders, in order.
    pub(crate) fn fill(&self, args: &[&(dyn Display + Sync)]) -> String {
        let mut out = String::new();
        let mut args = args.iter();
        for part in parts(self.en) {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Arg(_) => out.push_str(
                    &args
                        .next()
                        .expect("an argument per placeholder")
                        .to_string(),
                ),
            }
        }
        out
    }

    /// The text of this wording, one without placeholders.
    pub(crate) fn text(&self) -> &'static str {
        debug_assert!(!self.en.contains('{'), "{} takes arguments", self.en);
        self.en
    }
}

macro_rules! wordings {
    ($($(#[$doc:meta])* $name:ident: $en:literal => $ru:literal;)*) => {
        $($(#[$doc])* pub(crate) const $name: Wording = Wording { en: $en, ru: $ru };)*
        /// Every wording, the more particular before the more general where two could match.
        const CATALOG: &[&Wording] = &[$(&$name),*];
    };
}

wordings! {
    /// A sign-in with a login no account has.
    UNKNOWN_LOGIN: "unknown login" => "неизвестный логин";
    /// A sign-in refused while the account is locked.
    LOCKED_UNTIL: "sign-in is locked until {}" => "вход заблокирован до {}";
    /// A failed sign-in step and the failures in a row.
    FAILED_ATTEMPTS: "{w}; failed attempts: {}" => "{w}; неудачных попыток подряд: {}";
    /// Why a sign-in step failed: the password.
    WRONG_PASSWORD: "wrong password" => "неверный пароль";
    /// Why a sign-in step failed: the SMS code.
    WRONG_SMS_CODE: "wrong SMS code" => "неверный код из SMS";
    /// Why a sign-in step failed: the authenticator's code.
    WRONG_TOTP: "wrong authenticator code" => "неверный код приложения-аутентификатора";
    /// The end of a lock.
    UNTIL: "until {}" => "до {}";
    /// A session begun: how the user proved who they are, and the session's kind.
    SIGNED_IN: "{t}; {w}" => "{t}; {w}";
    /// Signed in with a password and an SMS code.
    BY_SMS: "password and SMS code" => "пароль и код из SMS";
    /// Signed in with a password and an authenticator's code.
    BY_TOTP: "password and authenticator code" => "пароль и код приложения-аутентификатора";
    /// Signed in with a passkey, by its name.
    BY_PASSKEY: "passkey {}" => "ключ доступа «{}»";
    /// A browser's session.
    COOKIE: "cookie" => "в браузере";
    /// An API client's session.
    BEARER: "bearer" => "токен API";
    /// A forgotten password replaced after a code by SMS, and the sessions that ended.
    PASSWORD_RESET: "password reset by SMS code; {} sessions ended" => "пароль восстановлен по коду из SMS; завершено сеансов: {}";
    /// Sessions ended at once.
    SESSIONS_ENDED: "{} sessions ended" => "завершено сеансов: {}";
    /// A code sent, for what and where.
    CODE_SENT: "{w} to {}" => "код {w} отправлен на {}";
    /// A wrong code and the tries left.
    TRIES_LEFT: "{w}; tries left: {}" => "код {w}; осталось попыток: {}";
    /// A code's purpose: confirming the phone.
    CONFIRM_PHONE: "confirm_phone" => "для подтверждения телефона";
    /// A code's purpose: confirming the e-mail.
    CONFIRM_EMAIL: "confirm_email" => "для подтверждения электронной почты";
    /// A code's purpose: signing in.
    LOGIN: "login" => "для входа";
    /// A code's purpose: binding a certificate.
    BIND: "bind" => "для привязки сертификата";
    /// A code's purpose: a cloud key's new PIN, or unlocking it.
    CLOUD_PIN: "cloud_pin" => "для смены PIN-кода или разблокировки облачного ключа";
    /// A code's purpose: revoking a certificate.
    REVOKE: "revoke" => "для отзыва сертификата";
    /// A code's purpose: signing documents.
    SIGN: "sign" => "для подписания документов";
    /// A code's purpose: recovering a forgotten password.
    RESET_PASSWORD: "reset_password" => "для восстановления пароля";
    /// A phone confirmed.
    PHONE_CONFIRMED: "phone {}" => "телефон {}";
    /// An e-mail confirmed.
    EMAIL_CONFIRMED: "e-mail {}" => "электронная почта {}";
    /// The profile's fields changed.
    PROFILE_CHANGED: "changed: {l}" => "изменено: {l}";
    /// No field of the profile changed.
    NOTHING: "nothing" => "ничего";
    /// A profile field.
    SURNAME: "surname" => "фамилия";
    /// A profile field.
    GIVEN_NAME: "given_name" => "имя";
    /// A profile field.
    PATRONYMIC: "patronymic" => "отчество";
    /// A profile field.
    INN: "inn" => "ИНН";
    /// A profile field.
    SNILS: "snils" => "СНИЛС";
    /// A profile field.
    BIRTH_DATE: "birth_date" => "дата рождения";
    /// A profile field.
    OGRN: "ogrn" => "ОГРН";
    /// An account made by the server's command line, with its role.
    MADE_BY_SERVER: "made by the server as {w}" => "создана на сервере, роль: {w}";
    /// A registration that named another account's phone, e-mail or SNILS.
    CONTACTS_TAKEN: "a registration named this account's phone, e-mail or SNILS"
        => "при регистрации указаны телефон, электронная почта или СНИЛС этой учётной записи";
    /// A role: citizen.
    CITIZEN: "citizen" => "гражданин";
    /// A role: a centre's operator.
    OPERATOR: "operator" => "оператор удостоверяющего центра";
    /// A role: the portal's administrator.
    ADMIN: "admin" => "администратор портала";
    /// A role given: operator of a centre.
    ROLE_OPERATOR_OF: "{w} → operator of {}" => "{w} → оператор удостоверяющего центра {}";
    /// A state or role changed, with a comment.
    MOVED_WITH: "{w} → {w}: {t}" => "{w} → {w}: {t}";
    /// A state or role changed.
    MOVED: "{w} → {w}" => "{w} → {w}";
    /// A service given an integration key and no webhook.
    INTEGRATED_ALONE: "integration key issued, webhook none" => "выдан ключ интеграции, без вебхука";
    /// A service given an integration key and a webhook.
    INTEGRATED: "integration key issued, webhook {}" => "выдан ключ интеграции, вебхук {}";
    /// A service accepted a signed document, with its comment.
    ACCEPTED_BY: "accepted by {}: {}" => "принят сервисом {}: {}";
    /// A service rejected a signed document, with its comment.
    REJECTED_BY: "rejected by {}: {}" => "отклонён сервисом {}: {}";
    /// A payment's step.
    PAYMENT: "application {}, {} kopecks via {}: {t}" => "заявление {}, {} коп., {}: {t}";
    /// A payment begun.
    PAYMENT_STARTED: "started" => "начат";
    /// A payment received.
    PAYMENT_SUCCEEDED: "succeeded" => "получен";
    /// A payment declined, and why.
    PAYMENT_DECLINED: "declined: {}" => "отклонён: {}";
    /// A hosted centre added to the registry.
    CENTRE_ADDED: "hosted centre added" => "добавлен удостоверяющий центр портала";
    /// An external centre imported to the registry.
    CENTRE_IMPORTED: "external centre imported" => "импортирован внешний удостоверяющий центр";
    /// A centre's accreditation set.
    ACCREDITATION: "accreditation {} – {}" => "аккредитация {} – {}";
    /// A binding ended by its owner.
    BY_OWNER: "by the owner" => "владельцем";
    /// A binding ended by the certificate's revocation.
    REVOKED_FOR: "certificate revoked: {w}" => "сертификат отозван: {w}";
    /// A reissue's application that needs no visit.
    REISSUE_IDENTIFIED: "reissue of {}: identified by a qualified signature (identificationKind 1)"
        => "перевыпуск сертификата {}: личность подтверждена квалифицированной подписью (identificationKind 1)";
    /// A new certificate bound in place of one reissued; an application closed by it.
    REISSUE_OF: "reissue of {}" => "перевыпуск сертификата {}";
    /// An application whose certificate was bound.
    CERTIFICATE_BOUND: "certificate bound" => "сертификат привязан";
    /// An application issued its certificate.
    CERTIFICATE: "certificate {}" => "сертификат {}";
    /// An application that needs no payment.
    FREE: "free of charge" => "бесплатно";
    /// Visit slots published.
    SLOTS_PUBLISHED: "published {} slots of {} min" => "опубликовано окон для визитов: {} по {} мин";
    /// A visit moved.
    VISIT_MOVED: "visit moved to {}" => "визит перенесён на {}";
    /// A visit cancelled.
    VISIT_CANCELLED: "visit cancelled" => "визит отменён";
    /// The identity confirmed at the visit.
    IDENTIFIED_IN_PERSON: "originals checked, identity confirmed in person (identificationKind 0)"
        => "оригиналы проверены, личность подтверждена при личном присутствии (identificationKind 0)";
    /// A wrong PIN of a cloud key, counted towards its lock.
    WRONG_PIN: "wrong PIN {} of {}" => "неверный PIN-код: {} из {}";
    /// A scan attached to an application.
    SCAN_ATTACHED: "attached {w} «{}», {} bytes" => "приложен скан: {w} «{}», {} байт";
    /// A scan removed from an application.
    SCAN_REMOVED: "removed scan {}" => "удалён скан {}";
    /// A document a service submitted.
    SUBMITTED_DOCUMENT: "{} ({} bytes) submitted by the service" => "{} ({} байт), от сервиса";
    /// A document uploaded.
    DOCUMENT: "{} ({} bytes)" => "{} ({} байт)";
    /// A document signed, and with which certificate.
    DOCUMENT_SIGNED: "{} signed with certificate:{}" => "{} подписан сертификатом {}";
    /// A checked document and its signature kept on request, until when.
    KEPT: "«{}», {} bytes, kept until {}" => "«{}», {} байт, сохранён до {}";
    /// Kept files deleted on request.
    KEPT_DELETED: "kept «{}» deleted" => "сохранённый «{}» удалён";
    /// The journal's chain checked whole.
    CHAIN_HOLDS: "{} entries hold" => "цепочка журнала цела, записей: {}";
    /// A certificate's subject and what happened to it (a revocation's reason).
    SUBJECT_WITH: "{}: {w}" => "{}: {w}";

    // The verification's checks that pass, as podpis-pki words them.
    /// The signer's certificate found: its subject and serial.
    SIGNER_SERIAL: "{} (serial {})" => "{} (серийный номер {})";
    /// No signed attributes.
    NO_ATTRIBUTES: "none: the signature covers the document directly"
        => "нет: подпись вычислена над самим документом";
    /// The document's digest matches.
    DIGEST_MATCHES: "the document's {} digest matches" => "совпадает ({})";
    /// The signature verifies.
    SIGNATURE_VERIFIED: "{} signature verified with the certificate's key"
        => "{} проверена ключом сертификата";
    /// A signature value that the certificate's key does not verify (a forged or changed one).
    SIGNATURE_DOES_NOT_VERIFY: "the signature is wrong: signature does not verify"
        => "подпись неверна: ключ сертификата её не подтверждает";
    /// A signature value refused for another reason, which follows.
    BAD_SIGNATURE: "the signature is wrong: {}" => "подпись неверна: {}";
    /// The signing-certificate attribute names the signer's certificate.
    SIGNING_CERTIFICATE: "signingCertificateV2 names the signer's certificate"
        => "signingCertificateV2 указывает на сертификат подписанта";
    /// Only the SHA-1 signing-certificate attribute.
    SIGNING_CERTIFICATE_V1: "signingCertificate v1 (SHA-1) only: not checked"
        => "только signingCertificate v1 (SHA-1): не проверяется";
    /// No signing-certificate attribute.
    PLAIN_CMS: "absent: a plain CMS signature, not CAdES-BES"
        => "нет: простая подпись CMS, не CAdES-BES";
    /// No signing time in the signature.
    NOT_STATED: "not stated" => "не указано";
    /// A certificate without encoding faults.
    WELL_FORMED: "well-formed" => "без ошибок кодирования";
    /// A certificate's validity.
    VALID_FROM_TO: "valid from {} to {}" => "действует с {} по {}";
    /// No unknown critical extension.
    NO_UNKNOWN_CRITICAL: "no unknown critical extension" => "неизвестных критических расширений нет";
    /// Key identifiers present.
    PRESENT: "present" => "есть";
    /// The end certificate's key usage allows signing.
    USAGE_AS_REQUIRED: "usage as required" => "назначение ключа допускает подпись";
    /// A qualified certificate, with the tools the centre names.
    QUALIFIED_WITH_CA_TOOL: "qualified ({w}, {}; owner's tool {}, CA tool {})"
        => "квалифицированный ({w}, {}; средство владельца {}, средство УЦ {})";
    /// A qualified certificate.
    QUALIFIED: "qualified ({w}, {}; owner's tool {})" => "квалифицированный ({w}, {}; средство владельца {})";
    /// An owner's kind.
    PERSON: "person" => "физическое лицо";
    /// An owner's kind.
    ENTREPRENEUR: "entrepreneur" => "индивидуальный предприниматель";
    /// An owner's kind.
    LEGAL_ENTITY: "legal entity" => "юридическое лицо";
    /// An owner's kind.
    CERTIFICATION_CENTRE: "certification centre" => "удостоверяющий центр";
    /// An owner's kind.
    OCSP_RESPONDER: "OCSP responder" => "служба OCSP";
    /// A certificate signed by its issuer.
    SIGNED_BY: "signed by {}" => "подписан {}";
    /// Not revoked, by a CRL.
    NOT_REVOKED_CRL: "not revoked according to CRL {}" => "не отозван по CRL № {}";
    /// Not revoked, by an OCSP response.
    GOOD_OCSP: "good according to the OCSP response of {}" => "действителен по ответу OCSP от {}";
    /// Revocation not checked.
    REVOCATION_UNCHECKED: "not checked (no CRL or OCSP response given)"
        => "не проверен (нет ни CRL, ни ответа OCSP)";
    /// Revoked, by a CRL.
    REVOKED_CRL: "revoked ({w}) according to CRL {}" => "отозван, причина: {w}; CRL № {}";
    /// Revoked, by an OCSP response.
    REVOKED_OCSP: "revoked ({w}) according to the OCSP response of {}"
        => "отозван, причина: {w}; ответ OCSP от {}";
    /// A certificate not yet valid.
    NOT_YET_VALID: "not valid before {}" => "действует только с {}";
    /// A certificate expired.
    EXPIRED_AT: "expired at {}" => "истёк {}";
    /// The document changed.
    DOCUMENT_DIFFERS: "the document differs from the one signed (its digest does not match)"
        => "документ отличается от подписанного (хэш не совпадает)";
    /// A CA allowed to issue.
    CA_ALLOWED: "a CA allowed to issue" => "УЦ с правом выпускать сертификаты";
    /// Within the name constraints of the CAs above.
    WITHIN_NAME_CONSTRAINTS: "within the name constraints" => "в пределах ограничений имён";
}

/// The journal's `details` as a reader of `lang` reads them.
pub fn journal_details(details: &str, lang: Lang) -> Cow<'_, str> {
    match lang {
        Lang::En => Cow::Borrowed(details),
        Lang::Ru => translate(details, NESTING).map_or(Cow::Borrowed(details), Cow::Owned),
    }
}

/// A check of a verification report (`check`: its name in podpis-pki; `detail`: what it found)
/// as a reader of `lang` reads it: "validity: valid from … to …", "срок действия: действует с … по
/// …". A detail of no known wording (a failure's) is kept as the library states it.
pub fn check_text(check: &str, detail: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{check}: {detail}"),
        Lang::Ru => format!(
            "{}: {}",
            check_title(check).unwrap_or(check),
            journal_details(detail, lang)
        ),
    }
}

/// The Russian name of a check of podpis-pki's reports.
fn check_title(check: &str) -> Option<&'static str> {
    Some(match check {
        "signer" => "подписант",
        "digestAlgorithm" => "алгоритм хэширования",
        "signerCertificate" => "сертификат подписанта",
        "signedAttributes" => "подписанные атрибуты",
        "contentType" => "тип содержимого",
        "messageDigest" => "хэш документа",
        "signature" => "подпись",
        "signingCertificate" => "ссылка на сертификат подписанта",
        "signingTime" => "время подписи",
        "chain" => "цепочка сертификатов",
        "profile" => "структура сертификата",
        "validity" => "срок действия",
        "criticalExtensions" => "критические расширения",
        "keyIdentifiers" => "идентификаторы ключей",
        "endCertificate" => "назначение ключа",
        "qualifiedProfile" => "квалифицированный сертификат",
        "basicConstraints" => "полномочия УЦ",
        "revocation" => "статус отзыва",
        "nameConstraints" => "ограничения имён",
        _ => return None,
    })
}

/// How deep wordings nest in details: a payment's details hold "declined: {}", a sign-in's
/// "passkey {}"; deeper arguments are only looked up as words. It bounds the work of a match.
const NESTING: usize = 2;

/// `text` in Russian: a known word, or (`depth` > 0) the first wording with placeholders whose
/// English template it fits.
fn translate(text: &str, depth: usize) -> Option<String> {
    if let Some(word) = word(text) {
        return Some(word.to_owned());
    }
    if depth == 0 {
        return None;
    }
    templates().iter().find_map(|(en, ru)| {
        let args = matched(en, text)?.into_iter().map(|arg| match arg {
            Arg::Done(done) => done,
            Arg::Kept(kept) => translate(kept, depth - 1).unwrap_or_else(|| kept.to_owned()),
        });
        Some(fill_ru(ru, args.collect()))
    })
}

/// The Russian template `ru` with `args` in its placeholders, in order.
fn fill_ru(ru: &str, args: Vec<String>) -> String {
    let mut args = args.into_iter();
    parts(ru)
        .map(|part| match part {
            Part::Text(text) => text.to_owned(),
            Part::Arg(_) => args.next().unwrap_or_default(),
        })
        .collect()
}

/// The wordings with placeholders, their English templates in pieces, parsed once.
fn templates() -> &'static [(Vec<Part<'static>>, &'static str)] {
    static TEMPLATES: OnceLock<Vec<(Vec<Part<'static>>, &'static str)>> = OnceLock::new();
    TEMPLATES.get_or_init(|| {
        CATALOG
            .iter()
            .filter(|w| w.en.contains('{'))
            .map(|w| (parts(w.en).collect(), w.ru))
            .collect()
    })
}

/// A word in Russian: a wording without placeholders, or one the portal's own tables name (an
/// application's or a document's state, a scan's kind, a revocation's reason).
fn word(text: &str) -> Option<&'static str> {
    if let Some(w) = CATALOG.iter().find(|w| w.en == text) {
        // A template's own text with its placeholders is not a word.
        return (!w.en.contains('{')).then_some(w.ru);
    }
    if let Some(status) = Status::from_name(text) {
        return Some(status.title(Lang::Ru));
    }
    if DOCUMENT_STATUSES.contains(&text) {
        return Some(document_status_title(text, Lang::Ru));
    }
    if SCAN_KINDS.contains(&text) {
        return Some(scan_title(text, Lang::Ru));
    }
    Reason::ALL
        .into_iter()
        .find(|r| r.name() == text)
        .map(|r| reason_title(r, Lang::Ru))
}

/// An argument of a match: final (a `{}` as it is, a `{w}` or an `{l}` translated), or a `{t}`
/// kept to be translated, if it can be, once the match holds.
enum Arg<'a> {
    Done(String),
    Kept(&'a str),
}

/// The arguments if `text` fits the template `parts`, trying each place a literal piece occurs
/// so that a `{w}` that fails at one may fit at another.
fn matched<'a>(parts: &[Part], text: &'a str) -> Option<Vec<Arg<'a>>> {
    let argument = |kind: &str, arg: &'a str| match kind {
        "w" => word(arg).map(|w| Arg::Done(w.to_owned())),
        "l" => arg
            .split(", ")
            .map(word)
            .collect::<Option<Vec<_>>>()
            .map(|items| Arg::Done(items.join(", "))),
        "t" => Some(Arg::Kept(arg)),
        _ => Some(Arg::Done(arg.to_owned())),
    };
    match parts {
        [] => text.is_empty().then(Vec::new),
        [Part::Text(t), rest @ ..] => matched(rest, text.strip_prefix(t)?),
        [Part::Arg(kind)] => Some(vec![argument(kind, text)?]),
        [Part::Arg(kind), Part::Text(t), rest @ ..] => text.match_indices(t).find_map(|(at, _)| {
            let first = argument(kind, &text[..at])?;
            let mut args = matched(rest, &text[at + t.len()..])?;
            args.insert(0, first);
            Some(args)
        }),
        [Part::Arg(_), Part::Arg(_), ..] => None,
    }
}

/// A piece of a template.
#[derive(Debug, PartialEq)]
enum Part<'a> {
    /// Literal text.
    Text(&'a str),
    /// A placeholder and its kind: "", "t", "w" or "l".
    Arg(&'a str),
}

/// The pieces of `template`.
fn parts(template: &str) -> impl Iterator<Item = Part<'_>> {
    let mut rest = template;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        match rest.find('{') {
            Some(0) => {
                let end = rest.find('}').expect("a closed placeholder");
                let kind = &rest[1..end];
                rest = &rest[end + 1..];
                Some(Part::Arg(kind))
            }
            Some(at) => {
                let text = &rest[..at];
                rest = &rest[at..];
                Some(Part::Text(text))
            }
            None => Some(Part::Text(std::mem::take(&mut rest))),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_wording_has_the_same_placeholders_in_both_languages() {
        for w in CATALOG {
            let args = |t| {
                parts(t)
                    .filter_map(|p| match p {
                        Part::Arg(kind) => Some(kind),
                        Part::Text(_) => None,
                    })
                    .collect::<Vec<_>>()
            };
            assert_eq!(args(w.en), args(w.ru), "{}", w.en);
            assert!(
                args(w.en).iter().all(|k| ["", "t", "w", "l"].contains(k)),
                "{}",
                w.en
            );
        }
    }

    #[test]
    fn every_wording_is_found_again_by_its_own_english() {
        // Each placeholder gets a sample of its kind; no other wording may take the text first.
        for w in CATALOG.iter().filter(|w| w.en.contains('{')) {
            let samples: Vec<(String, String)> = parts(w.en)
                .filter_map(|p| match p {
                    Part::Arg("w") => Some(("draft".into(), "Черновик".into())),
                    Part::Arg("l") => Some(("surname, ogrn".into(), "фамилия, ОГРН".into())),
                    Part::Arg(_) => Some(("Образец".into(), "Образец".into())),
                    Part::Text(_) => None,
                })
                .collect();
            let en: Vec<&(dyn Display + Sync)> = samples
                .iter()
                .map(|(en, _)| en as &(dyn Display + Sync))
                .collect();
            let ru = fill_ru(w.ru, samples.iter().map(|(_, ru)| ru.clone()).collect());
            assert_eq!(journal_details(&w.fill(&en), Lang::Ru), ru, "{}", w.en);
        }
    }

    #[test]
    fn every_plain_wording_reads_in_russian() {
        for w in CATALOG.iter().filter(|w| !w.en.contains('{')) {
            assert_eq!(journal_details(w.en, Lang::Ru), w.ru);
            assert_eq!(journal_details(w.en, Lang::En), w.en);
        }
    }

    #[test]
    fn filled_details_read_in_russian_with_their_words_translated() {
        let cases: [(String, &str); 12] = [
            (
                FAILED_ATTEMPTS.fill(&[&WRONG_SMS_CODE.text(), &4]),
                "неверный код из SMS; неудачных попыток подряд: 4",
            ),
            (
                SIGNED_IN.fill(&[&BY_PASSKEY.fill(&[&"Мой; ключ"]), &COOKIE.text()]),
                "ключ доступа «Мой; ключ»; в браузере",
            ),
            (
                CODE_SENT.fill(&[&SIGN.text(), &"+79990000001"]),
                "код для подписания документов отправлен на +79990000001",
            ),
            (
                PROFILE_CHANGED.fill(&[&"surname, snils"]),
                "изменено: фамилия, СНИЛС",
            ),
            (
                MOVED_WITH.fill(&[&"submitted", &"returned", &"нет скана паспорта"]),
                "Отправлено → Возвращено на доработку: нет скана паспорта",
            ),
            (
                MOVED_WITH.fill(&[&"paid", &"identity_verified", &IDENTIFIED_IN_PERSON.text()]),
                "Оплачено, запишитесь на визит → Личность подтверждена: оригиналы проверены, личность подтверждена \
                 при личном присутствии (identificationKind 0)",
            ),
            (
                MOVED.fill(&[&"citizen", &"admin"]),
                "гражданин → администратор портала",
            ),
            (
                PAYMENT.fill(&[
                    &"A1",
                    &150000,
                    &"sandbox",
                    &PAYMENT_DECLINED.fill(&[&"no funds"]),
                ]),
                "заявление A1, 150000 коп., sandbox: отклонён: no funds",
            ),
            (
                SCAN_ATTACHED.fill(&[&"passport", &"скан.pdf", &2048]),
                "приложен скан: паспорт «скан.pdf», 2048 байт",
            ),
            (
                SUBMITTED_DOCUMENT.fill(&[&"договор.pdf", &10240]),
                "договор.pdf (10240 байт), от сервиса",
            ),
            (ACCEPTED_BY.fill(&[&"sfr", &""]), "принят сервисом sfr: "),
            (
                SUBJECT_WITH.fill(&[&"CN=Иванов, SN=Иванов", &"keyCompromise"]),
                "CN=Иванов, SN=Иванов: Ключ скомпрометирован (утерян, украден, известен другим)",
            ),
        ];
        for (en, ru) in cases {
            assert_eq!(journal_details(&en, Lang::Ru), ru, "{en}");
        }
    }

    #[test]
    fn details_of_no_wording_are_shown_as_written() {
        for text in [
            "",
            "Подпись не подходит к документу",
            "a → b: c",
            "submitted → ?",
            "a; b; c; d; e; f; g; h: i: j: k → l → m → n, o, p, q",
        ] {
            assert_eq!(journal_details(text, Lang::Ru), text);
        }
    }

    #[test]
    fn checks_read_in_russian_and_a_failure_keeps_the_library_s_words() {
        let valid = VALID_FROM_TO.fill(&[&"2027-01-15T08:00:00Z", &"2028-01-15T08:00:00Z"]);
        assert_eq!(
            check_text("validity", &valid, Lang::Ru),
            "срок действия: действует с 2027-01-15T08:00:00Z по 2028-01-15T08:00:00Z"
        );
        assert_eq!(
            check_text("validity", &valid, Lang::En),
            format!("validity: {valid}")
        );
        assert_eq!(
            check_text(
                "revocation",
                "revoked (keyCompromise) according to CRL 2",
                Lang::Ru
            ),
            "статус отзыва: отозван, причина: Ключ скомпрометирован (утерян, украден, известен \
             другим); CRL № 2"
        );
        assert_eq!(
            check_text("signature", "bad signature: 0 is not in [1, q)", Lang::Ru),
            "подпись: bad signature: 0 is not in [1, q)",
            "a failure of no wording is kept as the library states it"
        );
        assert_eq!(
            check_text("newCheck", "present", Lang::Ru),
            "newCheck: есть"
        );
    }

    #[test]
    fn names_and_numbers_are_not_translated_even_when_they_look_like_words() {
        assert_eq!(
            journal_details(&DOCUMENT.fill(&[&"login", &5]), Lang::Ru),
            "login (5 байт)"
        );
        assert_eq!(
            journal_details(&CERTIFICATE.fill(&[&"started"]), Lang::Ru),
            "сертификат started"
        );
    }
}
