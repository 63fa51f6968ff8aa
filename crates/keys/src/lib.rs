//! Where signing keys live. This first part: software keys in PKCS#8 files, plain or encrypted
//! with a password (PBES2: PBKDF2-HMAC-SHA-256 and AES-256-CBC, what OpenSSL 3 writes by
//! default, so `openssl pkey -engine gost` reads them and Podpis reads OpenSSL's). PKCS#12 and
//! PKCS#11 tokens come next.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod error;
pub mod file;

pub use crate::error::KeyError;
