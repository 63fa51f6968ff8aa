//! The public key and verification.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::fmt;
use core::sync::atomic::{AtomicU32, Ordering};

use once_cell::race::OnceBox;

use signature::hazmat::PrehashVerifier;
use signature::{DigestVerifier, Verifier};

use crate::dispatch::{PointTables, PreparedPoint};
use crate::error::Error;
use crate::hash::{self, Gost94CryptoPro, Streebog256, Streebog512};
use crate::params::{Algorithm, ParamSet};
use crate::sig::Signature;

/// A GOST R 34.10 public key `Q`, checked when it is made: coordinates below `p`, on the curve,
/// and in the subgroup of order `q` (which matters for the cofactor-4 curves).
///
/// A key that verifies a second time builds tables of its own multiples (as long to make as
/// about two verifications), and from then on verifies with half the point doublings: a
/// certification centre's key, checking certificate after certificate, gains; a key used once
/// pays nothing.
#[derive(Clone)]
pub struct VerifyingKey {
    algorithm: Algorithm,
    params: ParamSet,
    /// `x || y`, big-endian, `params.size()` bytes each.
    xy: [u8; 128],
    point: PreparedPoint,
    tables: KeyCache,
}

/// How often a key has verified, and its tables once built.
#[derive(Default)]
struct KeyCache {
    uses: AtomicU32,
    tables: OnceBox<PointTables>,
}

impl Clone for KeyCache {
    /// A copy starts afresh (the tables are rebuilt if the copy is used again and again).
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl KeyCache {
    /// The tables of `point`: built on its second use.
    fn get(&self, point: &PreparedPoint) -> Option<&PointTables> {
        if let Some(t) = self.tables.get() {
            return Some(t);
        }
        if self.uses.fetch_add(1, Ordering::Relaxed) == 0 {
            return None;
        }
        Some(self.tables.get_or_init(|| Box::new(point.tables())))
    }
}

impl VerifyingKey {
    /// The key with affine coordinates `x`, `y` given big-endian.
    pub fn from_affine(
        algorithm: Algorithm,
        params: ParamSet,
        x: &[u8],
        y: &[u8],
    ) -> Result<Self, Error> {
        Self::new(algorithm, params, x, y, true)
    }

    /// The public key `d·P` just computed from a private key (no subgroup check needed).
    pub(crate) fn derived(
        algorithm: Algorithm,
        params: ParamSet,
        x: &[u8],
        y: &[u8],
    ) -> Result<Self, Error> {
        Self::new(algorithm, params, x, y, false)
    }

    fn new(
        algorithm: Algorithm,
        params: ParamSet,
        x: &[u8],
        y: &[u8],
        check_subgroup: bool,
    ) -> Result<Self, Error> {
        algorithm.check_params(params)?;
        let size = params.size();
        if x.len() != size || y.len() != size {
            return Err(Error::PublicKeyLength {
                expected: 2 * size,
                actual: x.len() + y.len(),
            });
        }
        let point = PreparedPoint::new(params.curve(), x, y, check_subgroup)?;
        let mut xy = [0u8; 128];
        xy[..size].copy_from_slice(x);
        xy[size..2 * size].copy_from_slice(y);
        Ok(Self {
            algorithm,
            params,
            xy,
            point,
            tables: KeyCache::default(),
        })
    }

    /// The key from its X.509 encoding `LE(x) || LE(y)` (RFC 4491, RFC 9215): the content of the
    /// OCTET STRING inside `subjectPublicKey`.
    pub fn from_le_bytes(
        algorithm: Algorithm,
        params: ParamSet,
        bytes: &[u8],
    ) -> Result<Self, Error> {
        let size = params.size();
        if bytes.len() != 2 * size {
            return Err(Error::PublicKeyLength {
                expected: 2 * size,
                actual: bytes.len(),
            });
        }
        let mut x = bytes[..size].to_vec();
        let mut y = bytes[size..].to_vec();
        x.reverse();
        y.reverse();
        Self::from_affine(algorithm, params, &x, &y)
    }

    /// `LE(x) || LE(y)`, as X.509 carries it.
    pub fn to_le_bytes(&self) -> Vec<u8> {
        let size = self.params.size();
        let mut x = self.x().to_vec();
        let mut y = self.y().to_vec();
        x.reverse();
        y.reverse();
        let mut out = Vec::with_capacity(2 * size);
        out.extend_from_slice(&x);
        out.extend_from_slice(&y);
        out
    }

    /// `x`, big-endian.
    pub fn x(&self) -> &[u8] {
        &self.xy[..self.params.size()]
    }

    /// `y`, big-endian.
    pub fn y(&self) -> &[u8] {
        let size = self.params.size();
        &self.xy[size..2 * size]
    }

    /// The algorithm, which fixes the digest.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The parameter set.
    pub fn params(&self) -> ParamSet {
        self.params
    }

    /// Verifies `signature` over a digest computed by the caller (of the key's size).
    pub fn verify_digest_bytes(&self, digest: &[u8], signature: &Signature) -> Result<(), Error> {
        let size = self.params.size();
        if digest.len() != size {
            return Err(Error::DigestLength {
                expected: size,
                actual: digest.len(),
            });
        }
        let sig = signature.as_bytes();
        if sig.len() != 2 * size {
            return Err(Error::SignatureLength {
                expected: 2 * size,
                actual: sig.len(),
            });
        }
        self.point.verify(self.tables.get(&self.point), digest, sig)
    }

    /// Verifies `signature` over `msg`, hashed with the key's algorithm's digest.
    pub fn verify_message(&self, msg: &[u8], signature: &Signature) -> Result<(), Error> {
        self.verify_digest_bytes(&hash::digest(self.algorithm, msg), signature)
    }
}

impl PartialEq for VerifyingKey {
    fn eq(&self, other: &Self) -> bool {
        self.algorithm == other.algorithm && self.params == other.params && self.xy == other.xy
    }
}

impl Eq for VerifyingKey {}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerifyingKey({}, {}, x=", self.algorithm, self.params)?;
        for b in self.x() {
            write!(f, "{b:02x}")?;
        }
        write!(f, ")")
    }
}

impl Verifier<Signature> for VerifyingKey {
    fn verify(&self, msg: &[u8], signature: &Signature) -> Result<(), signature::Error> {
        Ok(self.verify_message(msg, signature)?)
    }
}

impl PrehashVerifier<Signature> for VerifyingKey {
    fn verify_prehash(
        &self,
        prehash: &[u8],
        signature: &Signature,
    ) -> Result<(), signature::Error> {
        Ok(self.verify_digest_bytes(prehash, signature)?)
    }
}

/// `DigestVerifier` for each GOST digest.
macro_rules! digest_verifier {
    ($($d:ty),*) => {$(
        impl DigestVerifier<$d, Signature> for VerifyingKey {
            fn verify_digest<F: Fn(&mut $d) -> Result<(), signature::Error>>(
                &self,
                f: F,
                signature: &Signature,
            ) -> Result<(), signature::Error> {
                let mut d = <$d as digest::Digest>::new();
                f(&mut d)?;
                Ok(self.verify_digest_bytes(&digest::Digest::finalize(d), signature)?)
            }
        }
    )*};
}

digest_verifier!(Streebog256, Streebog512, Gost94CryptoPro);
