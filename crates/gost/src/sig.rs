//! The signature value: `s || r`, big-endian, 64 or 128 bytes.
//!
//! This is the byte string X.509 `signatureValue` and CMS `SignerInfo.signature` carry for
//! GOST (RFC 4491 §2.2.2, RFC 9215); `s` comes first.

use alloc::vec::Vec;
use core::fmt;

use crate::error::Error;

/// A GOST R 34.10 signature `(r, s)`.
///
/// Only the length and non-zero `r`, `s` are checked here; the range `< q` depends on the curve
/// and is checked by verification.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature {
    bytes: [u8; 128],
    len: usize,
}

impl Signature {
    /// Parses `s || r` (64 bytes for 256-bit keys, 128 for 512-bit keys).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.len() != 64 && bytes.len() != 128 {
            return Err(Error::SignatureLength {
                expected: 64,
                actual: bytes.len(),
            });
        }
        let half = bytes.len() / 2;
        if bytes[..half].iter().all(|&b| b == 0) || bytes[half..].iter().all(|&b| b == 0) {
            return Err(Error::SignatureOutOfRange);
        }
        let mut out = Self {
            bytes: [0; 128],
            len: bytes.len(),
        };
        out.bytes[..bytes.len()].copy_from_slice(bytes);
        Ok(out)
    }

    /// Builds a signature from big-endian `r` and `s` of equal length (32 or 64).
    pub fn from_r_s(r: &[u8], s: &[u8]) -> Result<Self, Error> {
        if r.len() != s.len() {
            return Err(Error::SignatureLength {
                expected: 2 * r.len(),
                actual: r.len() + s.len(),
            });
        }
        let mut buf = [0u8; 128];
        buf[..s.len()].copy_from_slice(s);
        buf[s.len()..2 * s.len()].copy_from_slice(r);
        Self::from_bytes(&buf[..2 * s.len()])
    }

    /// The encoded `s || r`.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    /// `r`, big-endian.
    pub fn r(&self) -> &[u8] {
        &self.bytes[self.len / 2..self.len]
    }

    /// `s`, big-endian.
    pub fn s(&self) -> &[u8] {
        &self.bytes[..self.len / 2]
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature(s||r = ")?;
        for b in self.as_bytes() {
            write!(f, "{b:02x}")?;
        }
        write!(f, ")")
    }
}

impl AsRef<[u8]> for Signature {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl TryFrom<&[u8]> for Signature {
    type Error = signature::Error;

    fn try_from(bytes: &[u8]) -> Result<Self, signature::Error> {
        Ok(Self::from_bytes(bytes)?)
    }
}

impl From<Signature> for Vec<u8> {
    fn from(sig: Signature) -> Vec<u8> {
        sig.as_bytes().to_vec()
    }
}

impl signature::SignatureEncoding for Signature {
    type Repr = Vec<u8>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_bad_lengths_and_zero_halves() {
        assert!(matches!(
            Signature::from_bytes(&[1; 63]),
            Err(Error::SignatureLength { .. })
        ));
        assert!(matches!(
            Signature::from_bytes(&[]),
            Err(Error::SignatureLength { .. })
        ));
        let mut zero_r = [1u8; 64];
        zero_r[32..].fill(0);
        assert_eq!(
            Signature::from_bytes(&zero_r),
            Err(Error::SignatureOutOfRange)
        );
        let sig = Signature::from_r_s(&[2; 32], &[3; 32]).unwrap();
        assert_eq!(sig.s(), &[3; 32]);
        assert_eq!(sig.r(), &[2; 32]);
    }
}
