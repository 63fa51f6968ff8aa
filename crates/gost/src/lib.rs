//! GOST R 34.10-2012 (and 34.10-2001) elliptic-curve signatures in pure Rust.
//!
//! The Russian national signature standard, as specified in RFC 7091 (algorithm) with the curves
//! of RFC 4357 and RFC 7836, keys and signatures encoded per RFC 4491 and RFC 9215. Every
//! standard parameter set is supported, including the twisted Edwards curves TC26 256-A and
//! 512-C (cofactor 4). Digests: Streebog (GOST R 34.11-2012) implemented here, faster than and tested
//! against RustCrypto's `streebog`, and RustCrypto's `gost94` (GOST R 34.11-94, for 2001 keys).
//!
//! Signing and key generation run in constant time with respect to secrets; verification, which
//! handles only public data, is variable time and faster. The [`signature`] traits (`Signer`,
//! `Verifier`, `DigestSigner`, `PrehashSigner`, …) are implemented, so generic code can use GOST
//! keys like any other.
//!
//! ```
//! use podpis_gost::{Algorithm, ParamSet, SigningKey};
//! use podpis_gost::signature::{Signer, Verifier};
//!
//! let key = SigningKey::generate(Algorithm::Gost2012_256, ParamSet::CryptoProA)?;
//! let sig = key.sign(b"document");
//! assert!(key.verifying_key().verify(b"document", &sig).is_ok());
//! assert!(key.verifying_key().verify(b"documenT", &sig).is_err());
//!
//! // Keys travel as PKCS#8 and X.509 SubjectPublicKeyInfo, readable by OpenSSL's gost engine.
//! let public = podpis_gost::VerifyingKey::from_spki_der(&key.verifying_key().to_spki_der())?;
//! assert_eq!(&public, key.verifying_key());
//! # Ok::<(), podpis_gost::Error>(())
//! ```

#![cfg_attr(not(test), no_std)]
#![deny(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;

mod curves;
mod dispatch;
mod edwards;
mod encoding;
mod error;
mod field;
mod group;
pub mod hash;
mod limbs;
mod nonce;
pub mod oid;
mod ops;
mod params;
mod scalar_mul;
mod sig;
mod signing;
mod streebog;
mod verifying;
mod weierstrass;

pub use crate::encoding::{algorithm_identifier, parse_algorithm_identifier};
pub use crate::error::Error;
pub use crate::params::{Algorithm, ParamSet};
pub use crate::sig::Signature;
pub use crate::signing::SigningKey;
pub use crate::verifying::VerifyingKey;
pub use ::signature;
