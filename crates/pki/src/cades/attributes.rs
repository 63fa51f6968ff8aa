//! The CAdES-BES signed attributes: contentType, messageDigest, signingTime and
//! signingCertificateV2 (RFC 5035's ESSCertIDv2, which the `cms` crate does not define).

use std::time::SystemTime;

use cms::signed_data::SignedAttributes;
use const_oid::ObjectIdentifier;
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Decode, Encode, Sequence};
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::Time;

use super::{DigestAlgorithm, encoding};
use crate::certificate::Certificate;
use crate::error::Error;

/// id-contentType.
pub(super) const CONTENT_TYPE: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
/// id-messageDigest.
pub(super) const MESSAGE_DIGEST: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
/// id-signingTime.
pub(super) const SIGNING_TIME: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.5");
/// id-aa-signingCertificateV2.
pub(super) const SIGNING_CERTIFICATE_V2: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
/// id-aa-signingCertificate (v1, SHA-1 only): recognised, not written.
pub(super) const SIGNING_CERTIFICATE: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.12");

/// SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, policies … OPTIONAL }
#[derive(Clone, Debug, Sequence)]
pub(super) struct SigningCertificateV2 {
    pub certs: Vec<EssCertIdV2>,
    #[asn1(optional = "true")]
    pub policies: Option<Vec<Any>>,
}

/// ESSCertIDv2 ::= SEQUENCE { hashAlgorithm DEFAULT sha256, certHash, issuerSerial OPTIONAL }
#[derive(Clone, Debug, Sequence)]
pub(super) struct EssCertIdV2 {
    #[asn1(optional = "true")]
    pub hash_algorithm: Option<AlgorithmIdentifierOwned>,
    pub cert_hash: OctetString,
    #[asn1(optional = "true")]
    pub issuer_serial: Option<IssuerSerial>,
}

/// IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber }
#[derive(Clone, Debug, Sequence)]
pub(super) struct IssuerSerial {
    pub issuer: Vec<GeneralName>,
    pub serial_number: SerialNumber,
}

impl EssCertIdV2 {
    /// The digest algorithm of certHash (SHA-256 when the field is absent).
    pub fn digest(&self) -> Result<DigestAlgorithm, Error> {
        self.hash_algorithm
            .as_ref()
            .map_or(Ok(DigestAlgorithm::Sha256), |a| {
                DigestAlgorithm::from_oid(&a.oid)
            })
    }
}

fn attribute(oid: ObjectIdentifier, value: &impl Encode) -> Result<Attribute, Error> {
    let value = Any::from_der(&value.to_der().map_err(encoding)?).map_err(encoding)?;
    Ok(Attribute {
        oid,
        values: SetOfVec::try_from(vec![value]).map_err(encoding)?,
    })
}

/// The signed attributes for a document of digest `digest` (by `algorithm`), signed at `time`
/// with `cert`.
pub(super) fn signed_attributes(
    algorithm: DigestAlgorithm,
    digest: &[u8],
    time: SystemTime,
    cert: &Certificate,
) -> Result<SignedAttributes, Error> {
    let tbs = cert.x509().tbs_certificate();
    let ess = EssCertIdV2 {
        // DER leaves out a DEFAULT value; GOST names its hash (Streebog) explicitly.
        hash_algorithm: (algorithm != DigestAlgorithm::Sha256).then(|| AlgorithmIdentifierOwned {
            oid: algorithm.oid(),
            parameters: None,
        }),
        cert_hash: OctetString::new(algorithm.digest(cert.der())).map_err(encoding)?,
        issuer_serial: Some(IssuerSerial {
            issuer: vec![GeneralName::DirectoryName(tbs.issuer().clone())],
            serial_number: tbs.serial_number().clone(),
        }),
    };
    let signing_time = Time::try_from(time).map_err(|e| Error::Validity(e.to_string()))?;
    let attributes = vec![
        attribute(CONTENT_TYPE, &super::DATA)?,
        attribute(SIGNING_TIME, &signing_time)?,
        attribute(
            MESSAGE_DIGEST,
            &OctetString::new(digest.to_vec()).map_err(encoding)?,
        )?,
        attribute(
            SIGNING_CERTIFICATE_V2,
            &SigningCertificateV2 {
                certs: vec![ess],
                policies: None,
            },
        )?,
    ];
    SetOfVec::try_from(attributes).map_err(encoding)
}

/// The single value of attribute `oid`, decoded; `None` when absent; an error when it is there
/// more than once, holds several values, or does not decode.
pub(super) fn single<T>(
    attrs: &SignedAttributes,
    oid: ObjectIdentifier,
) -> Result<Option<T>, String>
where
    T: for<'a> Decode<'a>,
{
    let mut found = attrs.iter().filter(|a| a.oid == oid);
    let Some(attr) = found.next() else {
        return Ok(None);
    };
    if found.next().is_some() || attr.values.len() != 1 {
        return Err(format!("attribute {oid} must appear once with one value"));
    }
    let value = attr.values.get(0).expect("one value");
    let der = value.to_der().map_err(|e| e.to_string())?;
    T::from_der(&der)
        .map(Some)
        .map_err(|e| format!("attribute {oid} is malformed: {e}"))
}
