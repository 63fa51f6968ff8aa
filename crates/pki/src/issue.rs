//! Issuing certificates to the qualified profile: the TBSCertificate with its extensions (key
//! identifiers, key usage, basic constraints, policies, CRL and AIA URLs, the Russian
//! subjectSignTool and identificationKind, the private key usage period), signed by any
//! [`Signer`]: a GOST key for qualified certificates, ECDSA, Ed25519 or RSA for the others.

use std::time::{Duration, SystemTime};

use der::asn1::{BitString, GeneralizedTime, Ia5String, OctetString, Utf8StringRef};
use der::{Encode, Sequence};
use podpis_keys::Signer;
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::crl::dp::DistributionPoint;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{
    AccessDescription, AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints,
    CertificatePolicies, CrlDistributionPoints, ExtendedKeyUsage, KeyUsage, KeyUsages,
    PrivateKeyUsagePeriod, SubjectKeyIdentifier, certpolicy::PolicyInformation,
};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::Validity;

use crate::certificate::Certificate;
use crate::encode::{extension, issuer_key_identifier, key_identifier, public_key_of, time};
use crate::error::Error;
use crate::oid;
use crate::qualified::{IssuerSignTool, check_subject_sign_tool};
use crate::signed;
use crate::subject::Profile;

/// The longest a private key may be used: 15 months (the СКЗИ rule, see
/// `shared/standards/oids-and-profile.md` §6), approximated as 457 days.
pub const PRIVATE_KEY_USAGE_LIMIT: Duration = Duration::from_secs(457 * 24 * 3600);

/// A fresh serial number: 16 random bytes, positive, without a leading zero byte (so that it is
/// the same 16 bytes in DER).
pub fn random_serial() -> Vec<u8> {
    let mut serial = vec![0u8; 16];
    getrandom::fill(&mut serial).expect("the operating system's random source");
    serial[0] = (serial[0] & 0x7f) | 0x40;
    serial
}

/// A serial number in one canonical form: upper-case hex without separators or leading zeros
/// (`00:ab:CD` and `abcd` are both `ABCD`), as people copy serials from other tools.
pub fn normalize_serial(serial: &str) -> String {
    let hex: String = serial
        .chars()
        .filter(|c| *c != ':' && !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let trimmed = hex.trim_start_matches('0');
    if trimmed.is_empty() { "0" } else { trimmed }.to_string()
}

/// What goes into a certificate besides the issuer.
#[derive(Clone, Debug)]
pub struct CertificateParams {
    /// The owner's kind; a certification centre's certificate is a CA certificate.
    pub profile: Profile,
    /// The subject name (see [`crate::subject::SubjectInfo::to_name`]).
    pub subject: Name,
    /// The subject's public key.
    pub public_key: SubjectPublicKeyInfoOwned,
    /// The serial number: big-endian, 1–20 bytes, positive.
    pub serial: Vec<u8>,
    /// Start of validity.
    pub not_before: SystemTime,
    /// End of validity.
    pub not_after: SystemTime,
    /// For a CA certificate: how many CA certificates may follow it in a path.
    pub path_len: Option<u8>,
    /// Where the issuer's CRL is published.
    pub crl_url: Option<String>,
    /// The issuer's OCSP responder.
    pub ocsp_url: Option<String>,
    /// Where the issuer's certificate can be fetched.
    pub ca_issuers_url: Option<String>,
    /// The owner's signature tool (subjectSignTool).
    pub sign_tool: String,
    /// The centre's tools and their conformance certificates (issuerSignTool), written into
    /// owners' certificates.
    pub issuer_sign_tool: Option<IssuerSignTool>,
    /// How the owner was identified (identificationKind): 0 in person, 1 by a qualified
    /// signature, 2 by a biometric passport, 3 through the unified biometric system.
    pub identification_kind: u8,
}

/// The DER layout of TBSCertificate (RFC 5280 §4.1), for encoding: `x509-cert` keeps its own
/// fields private.
#[derive(Sequence)]
struct TbsCertificate {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    version: u8,
    serial_number: SerialNumber,
    signature: AlgorithmIdentifierOwned,
    issuer: Name,
    validity: Validity,
    subject: Name,
    subject_public_key_info: SubjectPublicKeyInfoOwned,
    #[asn1(context_specific = "3", tag_mode = "EXPLICIT")]
    extensions: Vec<Extension>,
}

/// Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }.
#[derive(Sequence)]
struct CertificateOut {
    tbs_certificate: TbsCertificate,
    signature_algorithm: AlgorithmIdentifierOwned,
    signature: BitString,
}

/// Issues a certificate signed by `issuer_key`. With `issuer` the certificate is issued under
/// that CA certificate (whose key must be `issuer_key`'s); without, it is self-signed and
/// `params.public_key` must be `issuer_key`'s public key.
pub fn issue(
    params: &CertificateParams,
    issuer_key: &dyn Signer,
    issuer: Option<&Certificate>,
) -> Result<Certificate, Error> {
    if params.not_after <= params.not_before {
        return Err(Error::Validity("notAfter is not after notBefore".into()));
    }
    let spki = params.public_key.clone();
    let ski = key_identifier(&spki);
    let (issuer_name, authority_key_id) = match issuer {
        Some(ca) => (
            ca.x509().tbs_certificate().subject().clone(),
            issuer_key_identifier(ca, issuer_key)?,
        ),
        None => {
            if params.public_key != public_key_of(issuer_key)? {
                return Err(Error::Validity(
                    "a self-signed certificate must carry the signing key".into(),
                ));
            }
            (params.subject.clone(), ski.clone())
        }
    };
    let signature_algorithm = issuer_key.signature_algorithm();
    let tbs = TbsCertificate {
        version: 2,
        serial_number: SerialNumber::new(&params.serial)
            .map_err(|e| Error::Encoding(e.to_string()))?,
        signature: signature_algorithm.clone(),
        issuer: issuer_name,
        validity: Validity::new(time(params.not_before)?, time(params.not_after)?),
        subject: params.subject.clone(),
        subject_public_key_info: spki,
        extensions: extensions(params, ski, authority_key_id)?,
    };
    let tbs_der = tbs.to_der().map_err(|e| Error::Encoding(e.to_string()))?;
    let cert = CertificateOut {
        signature: signed::sign(issuer_key, &tbs_der)?,
        tbs_certificate: tbs,
        signature_algorithm,
    };
    Certificate::from_der(&cert.to_der().map_err(|e| Error::Encoding(e.to_string()))?)
}

fn uri(url: &str) -> Result<GeneralName, Error> {
    Ia5String::new(url)
        .map(GeneralName::UniformResourceIdentifier)
        .map_err(|_| Error::Encoding(format!("URL {url:?} is not ASCII")))
}

fn extensions(
    params: &CertificateParams,
    ski: Vec<u8>,
    aki: Vec<u8>,
) -> Result<Vec<Extension>, Error> {
    use const_oid::AssociatedOid;
    use const_oid::db::rfc5280 as ids;
    let is_ca = params.profile == Profile::CertificationCentre;
    let is_responder = params.profile == Profile::OcspResponder;
    check_subject_sign_tool(&params.sign_tool)?;
    let octets = |v: Vec<u8>| OctetString::new(v).map_err(|e| Error::Encoding(e.to_string()));
    let mut out = vec![
        extension(
            &BasicConstraints {
                ca: is_ca,
                path_len_constraint: if is_ca { params.path_len } else { None },
            },
            BasicConstraints::OID,
            true,
        )?,
        extension(
            &KeyUsage(if is_ca {
                KeyUsages::KeyCertSign | KeyUsages::CRLSign | KeyUsages::DigitalSignature
            } else if is_responder {
                KeyUsages::DigitalSignature.into()
            } else {
                KeyUsages::DigitalSignature
                    | KeyUsages::NonRepudiation
                    | KeyUsages::KeyEncipherment
                    | KeyUsages::DataEncipherment
            }),
            KeyUsage::OID,
            true,
        )?,
        extension(
            &SubjectKeyIdentifier(octets(ski)?),
            SubjectKeyIdentifier::OID,
            false,
        )?,
        extension(
            &AuthorityKeyIdentifier {
                key_identifier: Some(octets(aki)?),
                authority_cert_issuer: None,
                authority_cert_serial_number: None,
            },
            AuthorityKeyIdentifier::OID,
            false,
        )?,
        extension(
            &CertificatePolicies(vec![PolicyInformation {
                policy_identifier: oid::SIGN_TOOL_CLASSES[0].0,
                policy_qualifiers: None,
            }]),
            CertificatePolicies::OID,
            false,
        )?,
        extension(
            &Utf8StringRef::new(&params.sign_tool).map_err(|e| Error::Encoding(e.to_string()))?,
            oid::SUBJECT_SIGN_TOOL,
            false,
        )?,
    ];
    if is_responder {
        out.push(extension(
            &ExtendedKeyUsage(vec![crate::ocsp::OCSP_SIGNING]),
            ExtendedKeyUsage::OID,
            false,
        )?);
        out.push(extension(
            &der::asn1::Null,
            crate::ocsp::OCSP_NOCHECK,
            false,
        )?);
    } else if !is_ca {
        out.push(extension(
            &ExtendedKeyUsage(vec![ids::ID_KP_CLIENT_AUTH, ids::ID_KP_EMAIL_PROTECTION]),
            ExtendedKeyUsage::OID,
            false,
        )?);
        if let Some(tools) = &params.issuer_sign_tool {
            tools.check()?;
            out.push(extension(tools, oid::ISSUER_SIGN_TOOL, false)?);
        }
        if params.identification_kind > 3 {
            return Err(Error::Validity(format!(
                "identificationKind {} is not 0 to 3",
                params.identification_kind
            )));
        }
        out.push(extension(
            &params.identification_kind,
            oid::IDENTIFICATION_KIND,
            false,
        )?);
        let key_end = (params.not_before + PRIVATE_KEY_USAGE_LIMIT).min(params.not_after);
        let generalized = |t: SystemTime| {
            GeneralizedTime::from_system_time(t).map_err(|e| Error::Validity(e.to_string()))
        };
        out.push(extension(
            &PrivateKeyUsagePeriod {
                not_before: Some(generalized(params.not_before)?),
                not_after: Some(generalized(key_end)?),
            },
            PrivateKeyUsagePeriod::OID,
            false,
        )?);
    }
    if let Some(url) = &params.crl_url {
        let point = DistributionPoint {
            distribution_point: Some(DistributionPointName::FullName(vec![uri(url)?])),
            reasons: None,
            crl_issuer: None,
        };
        out.push(extension(
            &CrlDistributionPoints(vec![point]),
            CrlDistributionPoints::OID,
            false,
        )?);
    }
    let mut access = Vec::new();
    for (method, url) in [
        (ids::ID_AD_OCSP, &params.ocsp_url),
        (ids::ID_AD_CA_ISSUERS, &params.ca_issuers_url),
    ] {
        if let Some(url) = url {
            access.push(AccessDescription {
                access_method: method,
                access_location: uri(url)?,
            });
        }
    }
    if !access.is_empty() {
        out.push(extension(
            &AuthorityInfoAccessSyntax(access),
            AuthorityInfoAccessSyntax::OID,
            false,
        )?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_match_in_any_spelling() {
        assert_eq!(normalize_serial("00:ab:CD"), "ABCD");
        assert_eq!(normalize_serial("abcd"), "ABCD");
        assert_eq!(normalize_serial("0000"), "0");
        let serial = random_serial();
        assert_eq!(serial.len(), 16);
        assert!(serial[0] >= 0x40 && serial[0] < 0x80);
        assert_ne!(serial, random_serial());
    }
}
