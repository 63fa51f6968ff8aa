//! The digests GOST R 34.10 signs with, chosen by the key's algorithm: Streebog-256/512
//! (GOST R 34.11-2012, this crate's own implementation) and GOST R 34.11-94 with the CryptoPro
//! S-box (RustCrypto's `gost94`).
//!
//! ```
//! use podpis_gost::hash::{Digest, Streebog256};
//!
//! // RFC 6986 §10.1, example 1. The RFC prints messages and digests as numbers, most
//! // significant byte first: the message bytes are the ASCII digits below, and the digest
//! // bytes are the printed number's bytes in reverse.
//! let m1 = b"012345678901234567890123456789012345678901234567890123456789012";
//! let printed = "00557be5e584fd52a449b16b0251d05d27f94ab76cbaa6da890b59d8ef1e159d";
//! let mut expected: Vec<u8> = (0..32)
//!     .map(|i| u8::from_str_radix(&printed[2 * i..2 * i + 2], 16).unwrap())
//!     .collect();
//! expected.reverse();
//! assert_eq!(Streebog256::digest(m1).to_vec(), expected);
//! ```

use alloc::vec::Vec;

pub use digest::Digest;
pub use gost94::Gost94CryptoPro;

pub use crate::streebog::{Streebog256, Streebog512, StreebogCore};

use crate::params::Algorithm;

/// A running digest of the kind an [`Algorithm`] signs with; feed it in pieces for large inputs.
#[derive(Clone)]
pub enum Hasher {
    /// GOST R 34.11-94 (CryptoPro parameters), for GOST R 34.10-2001.
    Gost94(Gost94CryptoPro),
    /// Streebog-256, for GOST R 34.10-2012 256-bit.
    Streebog256(Streebog256),
    /// Streebog-512, for GOST R 34.10-2012 512-bit.
    Streebog512(Streebog512),
}

impl Hasher {
    /// A fresh digest for `algorithm`.
    pub fn new(algorithm: Algorithm) -> Self {
        match algorithm {
            Algorithm::Gost2001 => Self::Gost94(Gost94CryptoPro::new()),
            Algorithm::Gost2012_256 => Self::Streebog256(Streebog256::new()),
            Algorithm::Gost2012_512 => Self::Streebog512(Streebog512::new()),
        }
    }

    /// Feeds `data`.
    pub fn update(&mut self, data: &[u8]) {
        match self {
            Self::Gost94(h) => h.update(data),
            Self::Streebog256(h) => h.update(data),
            Self::Streebog512(h) => h.update(data),
        }
    }

    /// The digest bytes, as the hash function outputs them.
    pub fn finalize(self) -> Vec<u8> {
        match self {
            Self::Gost94(h) => h.finalize().to_vec(),
            Self::Streebog256(h) => h.finalize().to_vec(),
            Self::Streebog512(h) => h.finalize().to_vec(),
        }
    }
}

/// The digest of `data` for `algorithm`, in one call.
pub fn digest(algorithm: Algorithm, data: &[u8]) -> Vec<u8> {
    let mut h = Hasher::new(algorithm);
    h.update(data);
    h.finalize()
}
