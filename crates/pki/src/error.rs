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
    /// The issuer's public key is unusable.
    IssuerKey(podpis_gost::Error),
    /// The signature value is malformed or does not verify.
    BadSignature(podpis_gost::Error),
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
            Self::IssuerKey(e) => write!(f, "the issuer's public key is unusable: {e}"),
            Self::BadSignature(e) => write!(f, "the certificate's signature is wrong: {e}"),
        }
    }
}

impl std::error::Error for Error {}
