//! CMS SignedData (RFC 5652) with the CAdES-BES signed attributes (contentType, messageDigest,
//! signingTime, signingCertificateV2): the `.sig` files of Russian practice, detached or
//! attached, GOST R 34.10-2012 with Streebog (RFC 4490 / the TC26 rules), and ECDSA P-256,
//! Ed25519 and RSA beside them. Facts: `shared/standards/cades-and-verification.md`.
//!
//! The document itself is never held here: callers hash it as a stream with [`Hasher`] and hand
//! in the digest, so a file of any size signs and verifies in constant memory.

mod attributes;
mod ber;
mod certificate_field;
mod report;
mod sign;
mod verify;

pub use certificate_field::{join_certificates, split_certificates};
pub use report::{DocumentReport, SignatureReport, SignerIdentity, verify_document};
pub use sign::{SignRequest, add_signer, certificates_field, sign, sign_without_certificates};
pub use verify::{SignerCheck, SignerFinding, verify_signer};

use cms::content_info::ContentInfo;
use cms::signed_data::SignedData;
use const_oid::ObjectIdentifier;
use der::{Decode, Encode};
use sha2::Digest;

use crate::certificate::Certificate;
use crate::error::Error;
use crate::oid;

/// id-signedData.
const SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
/// id-data.
const DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
/// SHA-256.
const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
/// SHA-512.
const SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");

/// A digest algorithm a signature in CMS uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DigestAlgorithm {
    /// GOST R 34.11-2012, 256 bits.
    Streebog256,
    /// GOST R 34.11-2012, 512 bits.
    Streebog512,
    /// GOST R 34.11-94 with the CryptoPro parameters (GOST R 34.10-2001 signatures).
    Gost94,
    /// SHA-256 (ECDSA P-256, RSA).
    Sha256,
    /// SHA-512 (Ed25519, RFC 8419).
    Sha512,
}

impl DigestAlgorithm {
    /// The algorithm's OID.
    pub fn oid(self) -> ObjectIdentifier {
        match self {
            Self::Streebog256 => podpis_gost::oid::STREEBOG_256,
            Self::Streebog512 => podpis_gost::oid::STREEBOG_512,
            Self::Gost94 => podpis_gost::oid::GOST_R3411_94,
            Self::Sha256 => SHA256,
            Self::Sha512 => SHA512,
        }
    }

    /// The algorithm an OID names.
    pub fn from_oid(id: &ObjectIdentifier) -> Result<Self, Error> {
        [
            Self::Streebog256,
            Self::Streebog512,
            Self::Gost94,
            Self::Sha256,
            Self::Sha512,
        ]
        .into_iter()
        .find(|d| d.oid() == *id)
        .ok_or_else(|| Error::UnsupportedAlgorithm(format!("digest algorithm {id}")))
    }

    /// The digest a key signing with `signature_algorithm` (as a [`podpis_keys::Signer`] names
    /// it) pairs with in CMS.
    pub fn for_signature(signature_algorithm: &ObjectIdentifier) -> Result<Self, Error> {
        use podpis_gost::Algorithm as A;
        if let Ok(gost) = A::from_signature_oid(signature_algorithm) {
            return Ok(match gost {
                A::Gost2012_256 => Self::Streebog256,
                A::Gost2012_512 => Self::Streebog512,
                A::Gost2001 => Self::Gost94,
            });
        }
        Ok(match *signature_algorithm {
            oid::ECDSA_SHA256 | oid::RSA_SHA256 => Self::Sha256,
            oid::ED25519 => Self::Sha512,
            other => {
                return Err(Error::UnsupportedAlgorithm(format!(
                    "signature algorithm {other} in CMS"
                )));
            }
        })
    }

    /// A running digest of this kind.
    pub fn hasher(self) -> Hasher {
        use podpis_gost::Algorithm as A;
        match self {
            Self::Streebog256 => Hasher::Gost(podpis_gost::hash::Hasher::new(A::Gost2012_256)),
            Self::Streebog512 => Hasher::Gost(podpis_gost::hash::Hasher::new(A::Gost2012_512)),
            Self::Gost94 => Hasher::Gost(podpis_gost::hash::Hasher::new(A::Gost2001)),
            Self::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
            Self::Sha512 => Hasher::Sha512(sha2::Sha512::new()),
        }
    }

    /// The digest of `data`, in one call.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        let mut h = self.hasher();
        h.update(data);
        h.finalize()
    }
}

/// A running digest: feed a document in pieces, of any size.
#[derive(Clone)]
pub enum Hasher {
    /// Streebog or GOST R 34.11-94.
    Gost(podpis_gost::hash::Hasher),
    /// SHA-256.
    Sha256(sha2::Sha256),
    /// SHA-512.
    Sha512(sha2::Sha512),
}

impl Hasher {
    /// Feeds `data`.
    pub fn update(&mut self, data: &[u8]) {
        match self {
            Self::Gost(h) => h.update(data),
            Self::Sha256(h) => h.update(data),
            Self::Sha512(h) => h.update(data),
        }
    }

    /// The digest bytes.
    pub fn finalize(self) -> Vec<u8> {
        match self {
            Self::Gost(h) => h.finalize(),
            Self::Sha256(h) => h.finalize().to_vec(),
            Self::Sha512(h) => h.finalize().to_vec(),
        }
    }
}

/// A parsed CMS SignedData (a `.sig`, `.p7s` or `.p7m` file).
#[derive(Clone, Debug)]
pub struct SignedMessage {
    signed_data: SignedData,
    /// The certificates it carries, parsed once: clones share what checking them learns.
    certificates: Vec<Certificate>,
}

impl SignedMessage {
    fn new(signed_data: SignedData) -> Self {
        let certificates = signed_data
            .certificates
            .iter()
            .flat_map(|set| set.0.iter())
            .filter_map(|choice| match choice {
                cms::cert::CertificateChoices::Certificate(c) => {
                    Certificate::from_x509(c.clone()).ok()
                }
                cms::cert::CertificateChoices::Other(_) => None,
            })
            .collect();
        Self {
            signed_data,
            certificates,
        }
    }

    /// `signed_data` just made from `given`, parsed already: each certificate of its set, in
    /// the set's order, is taken from `given` instead of being encoded again to be read.
    fn made(signed_data: SignedData, given: &[&Certificate]) -> Self {
        let certificates = signed_data
            .certificates
            .iter()
            .flat_map(|set| set.0.iter())
            .filter_map(|choice| match choice {
                cms::cert::CertificateChoices::Certificate(x509) => given
                    .iter()
                    .find(|c| c.x509() == x509)
                    .map(|c| (*c).clone()),
                cms::cert::CertificateChoices::Other(_) => None,
            })
            .collect();
        Self {
            signed_data,
            certificates,
        }
    }

    /// Reads a signature file: DER or BER (CryptoPro and `openssl cms -stream` write
    /// indefinite lengths), PEM (`CMS` / `PKCS7`), or bare Base64.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let binary = match bytes.first() {
            Some(0x30) => bytes.to_vec(),
            Some(_) => text_to_der(bytes)?,
            None => return Err(Error::Cms("an empty signature file".into())),
        };
        let info = match ContentInfo::from_der(&binary) {
            Ok(info) => info,
            Err(e) => ContentInfo::from_der(&ber::to_der(&binary)?)
                .map_err(|_| Error::Cms(e.to_string()))?,
        };
        if info.content_type != SIGNED_DATA {
            return Err(Error::Cms(format!(
                "a CMS message of type {}, not SignedData",
                info.content_type
            )));
        }
        let signed_data = info
            .content
            .decode_as::<SignedData>()
            .map_err(|e| Error::Cms(format!("SignedData: {e}")))?;
        if signed_data.signer_infos.0.is_empty() {
            return Err(Error::Cms("a SignedData without signers".into()));
        }
        Ok(Self::new(signed_data))
    }

    /// The DER encoding.
    pub fn to_der(&self) -> Result<Vec<u8>, Error> {
        content_info_der(&self.signed_data)
    }

    /// The PEM encoding (`-----BEGIN CMS-----`, as `openssl cms -outform PEM` writes).
    pub fn to_pem(&self) -> Result<String, Error> {
        der::pem::encode_string("CMS", der::pem::LineEnding::LF, &self.to_der()?)
            .map_err(|e| Error::Encoding(e.to_string()))
    }

    /// The signed content, when the signature is attached.
    pub fn content(&self) -> Option<Vec<u8>> {
        let any = self.signed_data.encap_content_info.econtent.as_ref()?;
        any.decode_as::<der::asn1::OctetString>()
            .ok()
            .map(|o| o.as_bytes().to_vec())
    }

    /// The digest algorithm of each signer, in order: what the document must be hashed with.
    pub fn digest_algorithms(&self) -> Vec<Result<DigestAlgorithm, Error>> {
        self.signed_data
            .signer_infos
            .0
            .iter()
            .map(|si| DigestAlgorithm::from_oid(&si.digest_alg.oid))
            .collect()
    }

    /// How many signers there are.
    pub fn signer_count(&self) -> usize {
        self.signed_data.signer_infos.0.len()
    }

    /// The certificates the message carries (clones that share what checking them learns).
    pub fn certificates(&self) -> Vec<Certificate> {
        self.certificates.clone()
    }
}

/// `signed_data` in its ContentInfo, DER.
fn content_info_der(signed_data: &SignedData) -> Result<Vec<u8>, Error> {
    let content = der::Any::encode_from(signed_data).map_err(encoding)?;
    ContentInfo {
        content_type: SIGNED_DATA,
        content,
    }
    .to_der()
    .map_err(encoding)
}

fn encoding(e: der::Error) -> Error {
    Error::Encoding(e.to_string())
}

/// PEM or bare Base64 (with any line breaks) to binary.
fn text_to_der(bytes: &[u8]) -> Result<Vec<u8>, Error> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| Error::Cms("neither DER nor Base64/PEM text".into()))?;
    crate::pem::base64_text(text).map_err(|e| Error::Cms(format!("Base64: {e}")))
}
