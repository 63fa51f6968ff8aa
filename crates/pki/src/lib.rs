//! X.509 and CMS for Russian qualified certificates (FSB order No. 795, RFC 9215): parsing on
//! RustCrypto's `x509-cert`, the qualified attributes and extensions named, INN/SNILS/OGRN/OGRNIP
//! checked with their control digits, certificates, CSRs, CRLs and OCSP responses issued and
//! checked, path validation with a layered report, and CAdES-BES signatures of documents
//! (`cades`). Pure computation: no I/O.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

// The integration tests' helpers (`tests/common`) name the crate; its unit tests use them too.
#[cfg(test)]
extern crate self as podpis_pki;

pub mod cades;
pub mod certificate;
pub mod crl;
pub mod csr;
pub mod describe;
mod encode;
mod error;
pub mod identifiers;
pub mod issue;
pub mod ocsp;
pub mod oid;
mod pem;
pub mod public_key;
pub mod qualified;
mod signed;
pub mod subject;
pub mod validate;

pub use crate::certificate::Certificate;
pub use crate::error::Error;
pub use crate::public_key::PublicKey;
