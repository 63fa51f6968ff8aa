//! What `podpis cert show` prints: a certificate summarised for a person (text) or a program
//! (a serde structure), with the Russian identifiers checked.

use std::fmt::Write;

use std::time::SystemTime;

use crate::certificate::{Certificate, ExtensionInfo, NameAttribute};
use crate::identifiers::{self, IdentifierKind};
use crate::oid;
use crate::qualified::{self, Qualified};

/// A certificate summary, the `--json` form of `podpis cert show`.
#[derive(Debug, serde::Serialize)]
pub struct Summary {
    /// Serial number, hexadecimal.
    pub serial: String,
    /// Signature algorithm OID and name.
    pub signature_algorithm: AlgorithmInfo,
    /// Issuer attributes.
    pub issuer: Vec<NameAttribute>,
    /// Subject attributes.
    pub subject: Vec<NameAttribute>,
    /// `notBefore`, RFC 3339.
    pub not_before: String,
    /// `notAfter`, RFC 3339.
    pub not_after: String,
    /// Whether the current time falls within the validity period.
    pub valid_now: bool,
    /// Public-key algorithm, and the GOST parameter set when there is one.
    pub public_key: AlgorithmInfo,
    /// The extensions.
    pub extensions: Vec<ExtensionInfo>,
    /// The Russian identifiers found in the subject and whether their control digits hold.
    pub identifiers: Vec<IdentifierCheck>,
    /// The qualified profile of an owner's certificate (absent for a CA certificate).
    pub qualified: Option<Qualified>,
}

/// An algorithm identifier.
#[derive(Debug, serde::Serialize)]
pub struct AlgorithmInfo {
    /// The OID, dotted.
    pub oid: String,
    /// A readable name, when known.
    pub name: Option<String>,
}

/// One identifier of the subject and its check.
#[derive(Debug, serde::Serialize)]
pub struct IdentifierCheck {
    /// Which identifier.
    pub kind: IdentifierKind,
    /// Its value as written in the certificate.
    pub value: String,
    /// `None` when the control digits hold, else the reason.
    pub error: Option<String>,
}

impl core::fmt::Display for IdentifierCheck {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let verdict = self.error.as_deref().unwrap_or("control digits OK");
        write!(f, "{} {}: {verdict}", self.kind.name(), self.value)
    }
}

/// Summarises `cert`.
pub fn summarize(cert: &Certificate) -> Summary {
    let subject = cert.subject();
    let (not_before, not_after) = cert.validity_text();
    let sig = cert.signature_algorithm();
    let key_oid = cert.public_key_algorithm();
    let key_name = match cert.public_key() {
        Ok(crate::PublicKey::Gost(key)) => Some(format!(
            "{}, parameter set {}",
            oid::algorithm_name(&key_oid).unwrap_or("GOST"),
            key.params().name()
        )),
        Ok(other) => Some(other.algorithm_name()),
        Err(_) => oid::algorithm_name(&key_oid).map(str::to_string),
    };
    Summary {
        serial: cert.serial_hex(),
        signature_algorithm: AlgorithmInfo {
            oid: sig.to_string(),
            name: oid::algorithm_name(&sig).map(str::to_string),
        },
        issuer: cert.issuer(),
        identifiers: identifier_checks(&subject),
        subject,
        not_before,
        not_after,
        valid_now: cert.is_valid_at(SystemTime::now()),
        public_key: AlgorithmInfo {
            oid: key_oid.to_string(),
            name: key_name,
        },
        extensions: cert.extensions(),
        qualified: (!is_ca(cert)).then(|| qualified::examine(cert)),
    }
}

/// Whether `cert` is a CA certificate (basicConstraints with cA).
fn is_ca(cert: &Certificate) -> bool {
    cert.x509()
        .tbs_certificate()
        .get_extension::<x509_cert::ext::pkix::BasicConstraints>()
        .is_ok_and(|bc| bc.is_some_and(|(_, bc)| bc.ca))
}

/// The subject's INN, INN ЮЛ, SNILS, OGRN and OGRNIP with their control-digit verdicts. An INN
/// attribute holding "00" + 10 digits (a legal entity's INN before September 2021) is checked as
/// a 10-digit INN.
pub fn identifier_checks(subject: &[NameAttribute]) -> Vec<IdentifierCheck> {
    let kinds = [
        (oid::INN, IdentifierKind::Inn),
        (oid::INN_LE, IdentifierKind::InnLe),
        (oid::SNILS, IdentifierKind::Snils),
        (oid::OGRN, IdentifierKind::Ogrn),
        (oid::OGRNIP, IdentifierKind::Ogrnip),
    ];
    kinds
        .iter()
        .filter_map(|(attr, kind)| {
            let attr = attr.to_string();
            let value = subject.iter().find(|a| a.oid == attr)?.value.clone();
            let result = match (kind, value.strip_prefix("00")) {
                (IdentifierKind::Inn, Some(legal)) if value.len() == 12 => {
                    identifiers::check(IdentifierKind::InnLe, legal)
                }
                _ => identifiers::check(*kind, &value),
            };
            Some(IdentifierCheck {
                kind: *kind,
                value,
                error: result.err().map(|e| e.to_string()),
            })
        })
        .collect()
}

/// The human-readable form: who, issued by whom, valid when, which key, which extensions.
pub fn to_text(s: &Summary) -> String {
    let mut out = String::new();
    let name_lines = |out: &mut String, attrs: &[NameAttribute]| {
        for a in attrs {
            let _ = writeln!(out, "    {}: {}", a.label(), a.value);
        }
    };
    let _ = writeln!(out, "Сертификат / Certificate");
    let _ = writeln!(out, "  Серийный номер / Serial: {}", s.serial);
    let _ = writeln!(out, "  Владелец / Subject:");
    name_lines(&mut out, &s.subject);
    let _ = writeln!(out, "  Издатель / Issuer:");
    name_lines(&mut out, &s.issuer);
    let _ = writeln!(
        out,
        "  Действителен / Valid: {} — {} ({})",
        s.not_before,
        s.not_after,
        if s.valid_now {
            "valid now"
        } else {
            "NOT valid now"
        }
    );
    let algo = |a: &AlgorithmInfo| match &a.name {
        Some(name) => format!("{name} ({})", a.oid),
        None => a.oid.clone(),
    };
    let _ = writeln!(out, "  Ключ / Public key: {}", algo(&s.public_key));
    let _ = writeln!(
        out,
        "  Подпись / Signature: {}",
        algo(&s.signature_algorithm)
    );
    if !s.identifiers.is_empty() {
        let _ = writeln!(out, "  Идентификаторы / Identifiers:");
        for id in &s.identifiers {
            let _ = writeln!(out, "    {id}");
        }
    }
    if let Some(q) = &s.qualified {
        let _ = writeln!(out, "  Квалифицированный / Qualified: {}", q.summary());
        if let Some(tool) = &q.subject_sign_tool {
            let _ = writeln!(out, "    Средство ЭП владельца / Owner's tool: {tool}");
        }
        if let Some(t) = &q.issuer_sign_tool {
            let _ = writeln!(
                out,
                "    Средства УЦ / CA tools: {} ({}); {} ({})",
                t.sign_tool, t.sign_tool_cert, t.ca_tool, t.ca_tool_cert
            );
        }
    }
    if !s.extensions.is_empty() {
        let _ = writeln!(out, "  Расширения / Extensions:");
        for e in &s.extensions {
            let name = match (e.russian, e.name) {
                (Some(ru), Some(en)) => format!("{ru} ({en}, {})", e.oid),
                _ => e.oid.clone(),
            };
            let critical = if e.critical { ", critical" } else { "" };
            let _ = writeln!(out, "    {name}{critical}");
        }
    }
    out
}
