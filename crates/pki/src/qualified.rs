//! The qualified-certificate profile (63-FZ art. 17, FSB order No. 795) checked on a finished
//! certificate: a GOST R 34.10-2012 key and signature, the owner's and the centre's signature
//! tools named (subjectSignTool, issuerSignTool), the class of the owner's tool as a policy, the
//! subject attributes its kind of owner must carry, and every identifier with its control digits.
//! Facts: `shared/standards/oids-and-profile.md` §4–5.

use const_oid::AssociatedOid;
use der::{Decode, Sequence};
use podpis_gost::Algorithm;
use serde::{Deserialize, Serialize};
use x509_cert::ext::pkix::{BasicConstraints, CertificatePolicies, KeyUsage};

use crate::certificate::{Certificate, NameAttribute};
use crate::describe::identifier_checks;
use crate::error::Error;
use crate::oid;
use crate::subject::{Profile, SubjectInfo};

/// The longest subjectSignTool, signTool and cATool (UTF8String SIZE(1..200)).
const TOOL_MAX: usize = 200;
/// The longest conformance-certificate number (UTF8String SIZE(1..100)).
const TOOL_CERT_MAX: usize = 100;

/// issuerSignTool (1.2.643.100.112): the centre's signature tool and CA tool, with the numbers of
/// their conformance certificates.
#[derive(Clone, Debug, PartialEq, Eq, Sequence, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssuerSignTool {
    /// The centre's signature tool (signTool).
    pub sign_tool: String,
    /// The centre's CA software (cATool).
    pub ca_tool: String,
    /// The conformance certificate of the signature tool (signToolCert).
    pub sign_tool_cert: String,
    /// The conformance certificate of the CA software (cAToolCert).
    pub ca_tool_cert: String,
}

/// What the conformance-certificate fields of issuerSignTool say unless told otherwise: Podpis
/// holds no FSB conformance certificate.
pub const NOT_CERTIFIED: &str = "нет сертификата соответствия ФСБ (Podpis)";

impl IssuerSignTool {
    /// Podpis's own tools, without conformance certificates ([`NOT_CERTIFIED`]).
    pub fn podpis() -> Self {
        Self {
            sign_tool: "Podpis".into(),
            ca_tool: "Podpis CA".into(),
            sign_tool_cert: NOT_CERTIFIED.into(),
            ca_tool_cert: NOT_CERTIFIED.into(),
        }
    }

    /// Checks every field against its size bounds.
    pub fn check(&self) -> Result<(), Error> {
        for (name, value, max) in [
            ("signTool", &self.sign_tool, TOOL_MAX),
            ("cATool", &self.ca_tool, TOOL_MAX),
            ("signToolCert", &self.sign_tool_cert, TOOL_CERT_MAX),
            ("cAToolCert", &self.ca_tool_cert, TOOL_CERT_MAX),
        ] {
            check_size(&format!("issuerSignTool {name}"), value, max)?;
        }
        Ok(())
    }
}

/// Checks that a signature-tool text has 1 to `max` characters.
pub fn check_size(name: &str, value: &str, max: usize) -> Result<(), Error> {
    let chars = value.chars().count();
    if chars == 0 || chars > max {
        return Err(Error::Encoding(format!(
            "{name} must have 1 to {max} characters, not {chars}"
        )));
    }
    Ok(())
}

/// Checks a subjectSignTool text.
pub fn check_subject_sign_tool(value: &str) -> Result<(), Error> {
    check_size("subjectSignTool", value, TOOL_MAX)
}

/// What the qualified profile finds in a certificate.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Qualified {
    /// The kind of owner the subject's identifiers point to.
    pub owner: Profile,
    /// The owner's signature tool (subjectSignTool).
    pub subject_sign_tool: Option<String>,
    /// The centre's tools (issuerSignTool).
    pub issuer_sign_tool: Option<IssuerSignTool>,
    /// The classes of the owner's tool named as policies (КС1 … КА1).
    pub classes: Vec<&'static str>,
    /// How the owner was identified (identificationKind 0–3), when stated.
    pub identification_kind: Option<u8>,
    /// Every departure from the profile; empty when the certificate conforms.
    pub faults: Vec<String>,
}

impl Qualified {
    /// Whether the certificate conforms to the qualified profile.
    pub fn conforms(&self) -> bool {
        self.faults.is_empty()
    }

    /// One line for a person: the owner, the class and the tools, or the faults.
    pub fn summary(&self) -> String {
        if !self.conforms() {
            return format!("not qualified: {}", self.faults.join("; "));
        }
        let issuer_tool = self
            .issuer_sign_tool
            .as_ref()
            .map_or(String::new(), |t| format!(", CA tool {:?}", t.ca_tool));
        format!(
            "qualified ({}, {}; owner's tool {:?}{issuer_tool})",
            owner_name(self.owner),
            self.classes.join(", "),
            self.subject_sign_tool.as_deref().unwrap_or_default(),
        )
    }
}

/// The owner's kind in words.
fn owner_name(profile: Profile) -> &'static str {
    match profile {
        Profile::Person => "person",
        Profile::Entrepreneur => "entrepreneur",
        Profile::LegalEntity => "legal entity",
        Profile::CertificationCentre => "certification centre",
        Profile::OcspResponder => "OCSP responder",
    }
}

/// Examines `cert` against the qualified profile of an owner's certificate.
pub fn examine(cert: &Certificate) -> Qualified {
    let subject = cert.subject();
    let has = |id: const_oid::ObjectIdentifier| {
        let id = id.to_string();
        subject.iter().any(|a| a.oid == id)
    };
    let owner = if has(oid::OGRN) || has(oid::INN_LE) {
        Profile::LegalEntity
    } else if has(oid::OGRNIP) {
        Profile::Entrepreneur
    } else {
        Profile::Person
    };
    let mut q = Qualified {
        owner,
        subject_sign_tool: None,
        issuer_sign_tool: None,
        classes: Vec::new(),
        identification_kind: None,
        faults: Vec::new(),
    };
    q.check_algorithms(cert);
    q.read_extensions(cert);
    q.check_subject(&subject);
    q
}

impl Qualified {
    /// A GOST R 34.10-2012 key, and a GOST R 34.10-2012 signature by the centre.
    fn check_algorithms(&mut self, cert: &Certificate) {
        let key = cert.public_key_algorithm();
        match Algorithm::from_key_oid(&key) {
            Ok(Algorithm::Gost2012_256 | Algorithm::Gost2012_512) => {}
            Ok(Algorithm::Gost2001) => self.faults.push(
                "a GOST R 34.10-2001 key, no longer allowed in qualified certificates".into(),
            ),
            Err(_) => self.faults.push(format!(
                "a {} key, not GOST R 34.10-2012",
                oid::algorithm_name(&key).unwrap_or("non-GOST")
            )),
        }
        let signature = cert.signature_algorithm();
        let gost_2012 = [Algorithm::Gost2012_256, Algorithm::Gost2012_512]
            .iter()
            .any(|a| a.signature_oid() == signature);
        if !gost_2012 {
            self.faults.push(format!(
                "signed with {}, not GOST R 34.10-2012",
                oid::algorithm_name(&signature).map_or(signature.to_string(), str::to_string)
            ));
        }
    }

    /// subjectSignTool, issuerSignTool, the tool class policies, key usage, identificationKind,
    /// and that this is not a CA certificate.
    fn read_extensions(&mut self, cert: &Certificate) {
        let mut key_usage = None;
        let exts = cert.x509().tbs_certificate().extensions();
        for ext in exts.into_iter().flatten() {
            let value = ext.extn_value.as_bytes();
            let fault = |what: &str, e: &dyn std::fmt::Display| format!("{what} is malformed: {e}");
            match ext.extn_id {
                oid::SUBJECT_SIGN_TOOL => match String::from_der(value) {
                    Ok(tool) => {
                        if let Err(e) = check_subject_sign_tool(&tool) {
                            self.faults.push(e.to_string());
                        }
                        self.subject_sign_tool = Some(tool);
                    }
                    Err(e) => self.faults.push(fault("subjectSignTool", &e)),
                },
                oid::ISSUER_SIGN_TOOL => match IssuerSignTool::from_der(value) {
                    Ok(tools) => {
                        if let Err(e) = tools.check() {
                            self.faults.push(e.to_string());
                        }
                        self.issuer_sign_tool = Some(tools);
                    }
                    Err(e) => self.faults.push(fault("issuerSignTool", &e)),
                },
                oid::IDENTIFICATION_KIND => match u8::from_der(value) {
                    Ok(kind) if kind <= 3 => self.identification_kind = Some(kind),
                    Ok(kind) => self
                        .faults
                        .push(format!("identificationKind {kind} is not one of 0–3")),
                    Err(e) => self.faults.push(fault("identificationKind", &e)),
                },
                CertificatePolicies::OID => match CertificatePolicies::from_der(value) {
                    Ok(policies) => {
                        self.classes = oid::SIGN_TOOL_CLASSES
                            .iter()
                            .filter(|(class, _)| {
                                policies.0.iter().any(|p| p.policy_identifier == *class)
                            })
                            .map(|(_, name)| *name)
                            .collect();
                    }
                    Err(e) => self.faults.push(fault("certificatePolicies", &e)),
                },
                KeyUsage::OID => key_usage = KeyUsage::from_der(value).ok(),
                BasicConstraints::OID
                    if BasicConstraints::from_der(value).is_ok_and(|bc| bc.ca) =>
                {
                    self.faults
                        .push("a CA certificate, not an owner's certificate".into());
                }
                _ => {}
            }
        }
        if self.subject_sign_tool.is_none() {
            self.faults
                .push("subjectSignTool (1.2.643.100.111) is missing".into());
        }
        if self.issuer_sign_tool.is_none() {
            self.faults
                .push("issuerSignTool (1.2.643.100.112) is missing".into());
        }
        if self.classes.is_empty() {
            self.faults.push(
                "no certificate policy names the class of the owner's tool (КС1 … КА1)".into(),
            );
        }
        if !key_usage.is_some_and(|ku| ku.digital_signature()) {
            self.faults
                .push("key usage does not allow digitalSignature".into());
        }
    }

    /// The attributes the owner's kind requires, and the identifiers' control digits.
    fn check_subject(&mut self, subject: &[NameAttribute]) {
        for required in SubjectInfo::required(self.owner) {
            let id = required.to_string();
            if !subject.iter().any(|a| a.oid == id) {
                let name = oid::attribute_name(required)
                    .map_or(id.clone(), |(en, ru)| format!("{ru} ({en})"));
                self.faults.push(format!(
                    "the subject lacks {name}, required for a {}",
                    owner_name(self.owner)
                ));
            }
        }
        for check in identifier_checks(subject) {
            if let Some(error) = &check.error {
                self.faults
                    .push(format!("{error} (the certificate has {})", check.value));
            }
        }
    }
}
