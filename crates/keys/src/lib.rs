//! Where signing keys live, behind one [`Signer`] interface: software keys of every algorithm
//! Podpis signs with (GOST R 34.10, ECDSA P-256, Ed25519, RSA) in PKCS#8 files, plain or
//! encrypted with a password (PBES2: PBKDF2-HMAC-SHA-256 and AES-256-CBC, what OpenSSL 3 writes
//! by default, so `openssl pkey` reads them and Podpis reads OpenSSL's), in PKCS#12 files, and
//! on PKCS#11 tokens and HSMs.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod error;
pub mod file;
pub mod pkcs11;
pub mod pkcs12;
mod signer;
mod software;
mod spec;

pub use crate::error::KeyError;
pub use crate::signer::Signer;
pub use crate::software::SoftwareKey;
pub use crate::spec::KeySpec;
