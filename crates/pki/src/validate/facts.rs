//! What path validation needs to know of one certificate, read once: its extensions decoded, and
//! the RFC 5280 profile rules that concern the certificate alone (encoding, criticality,
//! required identifiers) checked.

use std::collections::BTreeSet;

use const_oid::db::rfc5280 as ids;
use const_oid::{AssociatedOid, ObjectIdentifier};
use der::Decode;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, NameConstraints,
    SubjectAltName, SubjectKeyIdentifier,
};

use crate::certificate::Certificate;
use crate::oid;

/// The extensions a validator may meet marked critical and still process (or safely ignore).
const UNDERSTOOD: [ObjectIdentifier; 16] = [
    ids::ID_CE_BASIC_CONSTRAINTS,
    ids::ID_CE_KEY_USAGE,
    ids::ID_CE_EXT_KEY_USAGE,
    ids::ID_CE_SUBJECT_ALT_NAME,
    ids::ID_CE_ISSUER_ALT_NAME,
    ids::ID_CE_NAME_CONSTRAINTS,
    ids::ID_CE_CERTIFICATE_POLICIES,
    ids::ID_CE_POLICY_CONSTRAINTS,
    ids::ID_CE_POLICY_MAPPINGS,
    ids::ID_CE_INHIBIT_ANY_POLICY,
    ids::ID_CE_CRL_DISTRIBUTION_POINTS,
    ids::ID_CE_PRIVATE_KEY_USAGE_PERIOD,
    oid::SUBJECT_SIGN_TOOL,
    oid::ISSUER_SIGN_TOOL,
    oid::IDENTIFICATION_KIND,
    ids::ID_PE_AUTHORITY_INFO_ACCESS,
];

/// A certificate's decoded extensions and the faults found in it alone.
#[derive(Debug, Default)]
pub(crate) struct Facts {
    /// basicConstraints, and whether it is marked critical.
    pub basic: Option<(BasicConstraints, bool)>,
    /// keyUsage.
    pub key_usage: Option<KeyUsage>,
    /// extendedKeyUsage purposes.
    pub eku: Option<Vec<ObjectIdentifier>>,
    /// subjectAltName entries, and whether it is critical.
    pub san: Option<Vec<GeneralName>>,
    /// nameConstraints, and whether it is critical.
    pub name_constraints: Option<(NameConstraints, bool)>,
    /// The subjectKeyIdentifier.
    pub ski: Option<Vec<u8>>,
    /// The authorityKeyIdentifier's keyIdentifier.
    pub aki: Option<Vec<u8>>,
    /// Whether an authorityKeyIdentifier is present at all.
    pub has_aki: bool,
    /// Critical extensions Podpis does not understand.
    pub unknown_critical: Vec<ObjectIdentifier>,
    /// Faults of encoding or profile in this certificate alone (a wrong certificate whatever the
    /// path).
    pub faults: Vec<String>,
}

impl Facts {
    /// Reads `cert`.
    pub fn of(cert: &Certificate) -> Self {
        let mut facts = Facts::default();
        let tbs = cert.x509().tbs_certificate();
        let mut seen = BTreeSet::new();
        for ext in tbs.extensions().into_iter().flatten() {
            let id = ext.extn_id;
            if !seen.insert(id) {
                facts.faults.push(format!("extension {id} appears twice"));
                continue;
            }
            let value = ext.extn_value.as_bytes();
            let critical = ext.critical;
            let bad = |what: &str, e: der::Error| format!("{what} is malformed: {e}");
            match id {
                BasicConstraints::OID => match BasicConstraints::from_der(value) {
                    Ok(bc) => facts.basic = Some((bc, critical)),
                    Err(e) => facts.faults.push(bad("basicConstraints", e)),
                },
                KeyUsage::OID => match KeyUsage::from_der(value) {
                    Ok(ku) => facts.key_usage = Some(ku),
                    Err(e) => facts.faults.push(bad("keyUsage", e)),
                },
                ExtendedKeyUsage::OID => match ExtendedKeyUsage::from_der(value) {
                    Ok(eku) if eku.0.is_empty() => {
                        facts.faults.push("extendedKeyUsage is empty".into())
                    }
                    Ok(eku) => facts.eku = Some(eku.0),
                    Err(e) => facts.faults.push(bad("extendedKeyUsage", e)),
                },
                SubjectAltName::OID => match SubjectAltName::from_der(value) {
                    Ok(san) if san.0.is_empty() => {
                        facts.faults.push("subjectAltName is empty".into())
                    }
                    Ok(san) => {
                        if tbs.subject().is_empty() && !critical {
                            facts.faults.push(
                                "the subject is empty, so subjectAltName must be critical".into(),
                            );
                        }
                        facts.san = Some(san.0);
                    }
                    Err(e) => facts.faults.push(bad("subjectAltName", e)),
                },
                NameConstraints::OID => match NameConstraints::from_der(value) {
                    Ok(nc) => facts.name_constraints = Some((nc, critical)),
                    Err(e) => facts.faults.push(bad("nameConstraints", e)),
                },
                SubjectKeyIdentifier::OID => {
                    if critical {
                        facts
                            .faults
                            .push("subjectKeyIdentifier must not be critical".into());
                    }
                    match SubjectKeyIdentifier::from_der(value) {
                        Ok(ski) => facts.ski = Some(ski.0.as_bytes().to_vec()),
                        Err(e) => facts.faults.push(bad("subjectKeyIdentifier", e)),
                    }
                }
                AuthorityKeyIdentifier::OID => {
                    facts.has_aki = true;
                    if critical {
                        facts
                            .faults
                            .push("authorityKeyIdentifier must not be critical".into());
                    }
                    match AuthorityKeyIdentifier::from_der(value) {
                        Ok(aki) => facts.aki = aki.key_identifier.map(|k| k.as_bytes().to_vec()),
                        Err(e) => facts.faults.push(bad("authorityKeyIdentifier", e)),
                    }
                }
                ids::ID_PE_AUTHORITY_INFO_ACCESS if critical => facts
                    .faults
                    .push("authorityInfoAccess must not be critical".into()),
                ids::ID_CE_POLICY_CONSTRAINTS if !critical => facts
                    .faults
                    .push("policyConstraints must be critical".into()),
                _ => {}
            }
            if critical && !UNDERSTOOD.contains(&id) {
                facts.unknown_critical.push(id);
            }
        }
        facts.check_fields(cert);
        if let Some(names) = &facts.san {
            for name in names {
                if let Err(e) = super::names::check_syntax(name) {
                    facts.faults.push(format!("subjectAltName: {e}"));
                }
            }
        }
        facts
    }

    /// Serial number, names, algorithm fields.
    fn check_fields(&mut self, cert: &Certificate) {
        let tbs = cert.x509().tbs_certificate();
        let serial = cert.serial();
        if serial.len() > 20 {
            self.faults.push(format!(
                "the serial number has {} octets (at most 20)",
                serial.len()
            ));
        }
        if serial.first().is_some_and(|b| b & 0x80 != 0) {
            self.faults.push("the serial number is negative".into());
        }
        if serial.iter().all(|&b| b == 0) {
            self.faults.push("the serial number is zero".into());
        }
        if tbs.issuer().is_empty() {
            self.faults.push("the issuer name is empty".into());
        }
        if cert.x509().signature_algorithm() != tbs.signature() {
            self.faults.push(
                "the signature algorithm differs between the certificate and its signed part"
                    .into(),
            );
        }
    }

    /// Whether the certificate is a CA certificate (basicConstraints cA).
    pub fn is_ca(&self) -> bool {
        self.basic.as_ref().is_some_and(|(bc, _)| bc.ca)
    }

    /// Whether key usage allows certificate signing (absent: no restriction).
    pub fn may_sign_certificates(&self) -> bool {
        self.key_usage.as_ref().is_none_or(|ku| ku.key_cert_sign())
    }
}
