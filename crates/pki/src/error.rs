//! Errors of the PKI layer.

use core::fmt;

/// What went wrong with a certificate or its signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The bytes are not a DER certificate (the decoder's reason follows).
    Malformed(String),
    /// No `-----BEGIN CERTIFICATE-----` block, and the bytes are not DER either.
    NoCertificate,
    /// The signature algorithm is not one Podpis verifies (yet).
    UnsupportedAlgorithm(String),
    /// The issuer's key cannot be used for this signature algorithm.
    KeyAlgorithmMismatch {
        /// The certificate's signature algorithm.
        signature: String,
        /// The issuer key's algorithm.
        key: String,
    },
    /// A public key (the issuer's, or a request's) is unusable.
    PublicKey(String),
    /// No `-----BEGIN CERTIFICATE REQUEST-----` block, and the bytes are not DER either.
    NoRequest,
    /// No `-----BEGIN X509 CRL-----` block, and the bytes are not DER either.
    NoCrl,
    /// The issuer named in a certificate or CRL is not the subject of the certificate offered as
    /// its issuer.
    IssuerMismatch,
    /// The signature value is malformed or does not verify.
    BadSignature(String),
    /// An attribute the certificate profile requires is missing.
    MissingAttribute {
        /// Which attribute.
        attribute: &'static str,
        /// The profile requiring it.
        profile: crate::subject::Profile,
    },
    /// A name attribute the qualified profile does not provide for.
    UnknownAttribute(String),
    /// An identifier (INN, SNILS, OGRN, OGRNIP) is wrong.
    Identifier(crate::identifiers::IdentifierError),
    /// An attribute value is longer than its bound.
    AttributeTooLong {
        /// Which attribute.
        attribute: &'static str,
        /// The bound, in characters.
        max: usize,
    },
    /// An attribute value has characters its string type cannot carry.
    AttributeCharacters {
        /// Which attribute.
        attribute: &'static str,
    },
    /// A validity period that ends before it starts, or a time that cannot be encoded.
    Validity(String),
    /// Signing failed (the key's error follows).
    Signing(String),
    /// A structure could not be encoded.
    Encoding(String),
    /// An OCSP request or response is malformed, or its signer cannot be trusted (the reason
    /// follows).
    Ocsp(String),
    /// A CMS signature file that cannot be read.
    Cms(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(reason) => write!(f, "not a valid X.509 certificate: {reason}"),
            Self::NoCertificate => f.write_str("no certificate found (neither PEM nor DER)"),
            Self::UnsupportedAlgorithm(oid) => {
                write!(f, "signature algorithm {oid} is not supported")
            }
            Self::KeyAlgorithmMismatch { signature, key } => write!(
                f,
                "the issuer's {key} key cannot have made a {signature} signature"
            ),
            Self::PublicKey(e) => write!(f, "the public key is unusable: {e}"),
            Self::NoRequest => f.write_str("no certificate request found (neither PEM nor DER)"),
            Self::NoCrl => f.write_str("no CRL found (neither PEM nor DER)"),
            Self::IssuerMismatch => {
                f.write_str("the issuer name does not match the issuer certificate's subject")
            }
            Self::BadSignature(e) => write!(f, "the signature is wrong: {e}"),
            Self::MissingAttribute { attribute, profile } => {
                write!(f, "{attribute} is required for a {profile:?} certificate")
            }
            Self::Identifier(e) => e.fmt(f),
            Self::UnknownAttribute(oid) => {
                write!(
                    f,
                    "name attribute {oid} has no place in a qualified certificate"
                )
            }
            Self::AttributeTooLong { attribute, max } => {
                write!(f, "{attribute} is longer than {max} characters")
            }
            Self::AttributeCharacters { attribute } => {
                write!(
                    f,
                    "{attribute} has characters its ASN.1 string type cannot carry"
                )
            }
            Self::Validity(reason) => write!(f, "bad validity period: {reason}"),
            Self::Signing(e) => write!(f, "signing failed: {e}"),
            Self::Ocsp(reason) => write!(f, "OCSP: {reason}"),
            Self::Cms(reason) => write!(f, "not a valid CMS signature: {reason}"),
            Self::Encoding(reason) => write!(f, "cannot encode: {reason}"),
        }
    }
}

impl std::error::Error for Error {}
