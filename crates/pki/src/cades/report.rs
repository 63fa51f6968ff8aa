//! The layered report on a signed document (`podpis verify`): for each signer the checks of the
//! signature itself and the validation of its certificate's path, folded into one indication and
//! sub-indication per signer, and one for the whole document.

use std::time::SystemTime;

use serde::Serialize;

use super::{DigestAlgorithm, SignedMessage, SignerFinding, verify_signer};
use crate::certificate::Certificate;
use crate::describe::identifier_checks;
use crate::identifiers::IdentifierKind;
use crate::validate::{self, Indication, Options, SubIndication, TrustStore};

/// The report on every signature of a document.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentReport {
    /// TOTAL_PASSED only when every signature passed; TOTAL_FAILED when any failed; else
    /// INDETERMINATE.
    pub indication: Indication,
    /// One report per signer, in the order of the file.
    pub signatures: Vec<SignatureReport>,
}

/// The report on one signature.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignatureReport {
    /// The verdict on this signature.
    pub indication: Indication,
    /// Why, unless TOTAL_PASSED.
    pub sub_indication: Option<SubIndication>,
    /// Who signed, as the certificate says.
    pub signer: Option<SignerIdentity>,
    /// The signing time the signer claims (RFC 3339), if stated.
    pub signing_time: Option<String>,
    /// The digest algorithm (e.g. `Streebog256`).
    pub digest_algorithm: Option<String>,
    /// The checks of the signature itself.
    pub checks: Vec<SignerFinding>,
    /// The validation of the signer's certificate (absent when it was not found).
    pub certificate: Option<validate::Report>,
}

/// The signer, from the certificate's subject.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignerIdentity {
    /// Common name: the person's full name or the organisation.
    pub name: Option<String>,
    /// ИНН (of the person).
    pub inn: Option<String>,
    /// СНИЛС.
    pub snils: Option<String>,
    /// ИНН ЮЛ.
    pub inn_le: Option<String>,
    /// ОГРН / ОГРНИП.
    pub ogrn: Option<String>,
    /// Organisation.
    pub organization: Option<String>,
    /// Position in the organisation.
    pub title: Option<String>,
    /// Serial number of the certificate, hex.
    pub certificate_serial: String,
    /// The certificate's issuer, as `CN=…, O=…`.
    pub issuer: String,
    /// The key's algorithm.
    pub algorithm: String,
}

impl SignerIdentity {
    /// Reads the signer's data from `cert`.
    pub fn of(cert: &Certificate) -> Self {
        let subject = cert.subject();
        let attr = |short: &str| {
            subject
                .iter()
                .find(|a| a.short == Some(short))
                .map(|a| a.value.clone())
        };
        let ids = identifier_checks(&subject);
        let id = |kinds: &[IdentifierKind]| {
            ids.iter()
                .find(|i| kinds.contains(&i.kind))
                .map(|i| i.value.clone())
        };
        let issuer = crate::validate::name_text(&cert.issuer());
        Self {
            name: attr("CN"),
            inn: id(&[IdentifierKind::Inn]),
            snils: id(&[IdentifierKind::Snils]),
            inn_le: id(&[IdentifierKind::InnLe]),
            ogrn: id(&[IdentifierKind::Ogrn, IdentifierKind::Ogrnip]),
            organization: attr("O"),
            title: attr("title"),
            certificate_serial: cert.serial_hex(),
            issuer,
            algorithm: cert
                .public_key()
                .map_or_else(|e| e.to_string(), |k| k.algorithm_name()),
        }
    }
}

/// Reports on every signer of `message`. `digest_of` gives the document's digest by an
/// algorithm (the caller hashes the document once per algorithm the signers use); `untrusted`
/// are extra certificates for finding signers and building paths; the certificates are
/// validated with `options` (its time: the validation time).
pub fn verify_document(
    message: &SignedMessage,
    digest_of: &dyn Fn(DigestAlgorithm) -> Vec<u8>,
    untrusted: &[Certificate],
    trust: &TrustStore,
    options: &Options,
) -> DocumentReport {
    let mut intermediates = message.certificates();
    intermediates.extend_from_slice(untrusted);
    let signatures: Vec<SignatureReport> = message
        .digest_algorithms()
        .into_iter()
        .enumerate()
        .map(|(index, algorithm)| {
            let digest = algorithm.map(digest_of).unwrap_or_default();
            let check = verify_signer(message, index, &digest, untrusted);
            let path = check
                .certificate
                .as_ref()
                .map(|cert| validate::validate(cert, &intermediates, trust, options));
            let sub_indication = check
                .failure()
                .or_else(|| path.as_ref().and_then(|p| p.sub_indication));
            SignatureReport {
                indication: sub_indication.map_or(Indication::TotalPassed, |s| s.indication()),
                sub_indication,
                signer: check.certificate.as_ref().map(SignerIdentity::of),
                signing_time: check.signing_time.map(rfc3339),
                digest_algorithm: check.digest_algorithm.map(|a| format!("{a:?}")),
                checks: check.findings,
                certificate: path,
            }
        })
        .collect();
    let indication = if signatures
        .iter()
        .all(|s| s.indication == Indication::TotalPassed)
    {
        Indication::TotalPassed
    } else if signatures
        .iter()
        .any(|s| s.indication == Indication::TotalFailed)
    {
        Indication::TotalFailed
    } else {
        Indication::Indeterminate
    };
    DocumentReport {
        indication,
        signatures,
    }
}

fn rfc3339(t: SystemTime) -> String {
    der::DateTime::from_system_time(t)
        .map(|d| d.to_string())
        .unwrap_or_default()
}
