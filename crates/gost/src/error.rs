//! Errors: every way an input can be refused, each with its own variant.

use core::fmt;

use der::asn1::ObjectIdentifier;

use crate::params::{Algorithm, ParamSet};

/// Why a key, signature or encoding was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The parameter-set OID is not a GOST R 34.10 curve.
    UnknownParamSet(ObjectIdentifier),
    /// The parameter-set name is not known.
    UnknownParamSetName,
    /// The public-key algorithm OID is not a GOST R 34.10 algorithm.
    UnknownAlgorithm(ObjectIdentifier),
    /// The parameter set does not belong to the algorithm (size, or not a 2001 set).
    ParamSetMismatch {
        /// The key's algorithm.
        algorithm: Algorithm,
        /// The parameter set it named.
        params: ParamSet,
    },
    /// A public key of the wrong length.
    PublicKeyLength {
        /// Expected bytes.
        expected: usize,
        /// Bytes given.
        actual: usize,
    },
    /// A public-key coordinate is not below the field prime.
    CoordinateOutOfRange,
    /// The public point does not satisfy the curve equation.
    PointNotOnCurve,
    /// The public point is of small order, or not in the subgroup of order `q`.
    PointNotInSubgroup,
    /// A private key of the wrong length.
    PrivateKeyLength {
        /// Expected bytes.
        expected: usize,
        /// Bytes given.
        actual: usize,
    },
    /// The private key (or a supplied nonce) is 0 modulo the group order `q`.
    PrivateKeyOutOfRange,
    /// A signature of the wrong length.
    SignatureLength {
        /// Expected bytes.
        expected: usize,
        /// Bytes given.
        actual: usize,
    },
    /// `r` or `s` is 0 or not below `q`.
    SignatureOutOfRange,
    /// The signature does not verify.
    SignatureInvalid,
    /// A digest of the wrong length for the key.
    DigestLength {
        /// Expected bytes.
        expected: usize,
        /// Bytes given.
        actual: usize,
    },
    /// The random number generator failed.
    Random,
    /// Malformed DER or an unexpected ASN.1 structure.
    Encoding(&'static str),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownParamSet(oid) => write!(f, "unknown GOST R 34.10 parameter set {oid}"),
            Self::UnknownParamSetName => write!(f, "unknown GOST R 34.10 parameter set name"),
            Self::UnknownAlgorithm(oid) => write!(f, "not a GOST R 34.10 key algorithm: {oid}"),
            Self::ParamSetMismatch { algorithm, params } => {
                write!(f, "parameter set {params} cannot be used with {algorithm}")
            }
            Self::PublicKeyLength { expected, actual } => {
                write!(f, "public key must be {expected} bytes, got {actual}")
            }
            Self::CoordinateOutOfRange => {
                write!(f, "public key coordinate is not below the field prime")
            }
            Self::PointNotOnCurve => write!(f, "public key point is not on the curve"),
            Self::PointNotInSubgroup => {
                write!(
                    f,
                    "public key point is of small order (not in the subgroup of order q)"
                )
            }
            Self::PrivateKeyLength { expected, actual } => {
                write!(f, "private key must be {expected} bytes, got {actual}")
            }
            Self::PrivateKeyOutOfRange => write!(f, "private key is zero modulo the group order"),
            Self::SignatureLength { expected, actual } => {
                write!(f, "signature must be {expected} bytes, got {actual}")
            }
            Self::SignatureOutOfRange => write!(
                f,
                "signature value r or s is zero or not below the group order"
            ),
            Self::SignatureInvalid => write!(f, "signature does not verify"),
            Self::DigestLength { expected, actual } => {
                write!(
                    f,
                    "digest must be {expected} bytes for this key, got {actual}"
                )
            }
            Self::Random => write!(f, "the random number generator failed"),
            Self::Encoding(what) => write!(f, "malformed encoding: {what}"),
        }
    }
}

impl core::error::Error for Error {}

impl From<Error> for signature::Error {
    fn from(e: Error) -> Self {
        signature::Error::from_source(e)
    }
}

impl From<der::Error> for Error {
    fn from(_: der::Error) -> Self {
        Error::Encoding("invalid DER")
    }
}
