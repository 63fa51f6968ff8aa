//! Where signing nonces come from: a CSPRNG, or deterministically from the key and digest.
//!
//! The deterministic source is HMAC_DRBG as in RFC 6979 §3.2 (steps b–h) with HMAC-Streebog-512,
//! keyed by the private key and the digest. The candidate is masked to the bit length of `q`
//! rather than shifted; GOST has no published RFC 6979 vectors, so the point is a sound,
//! reproducible nonce, not bit-compatibility with ECDSA's.

use crate::hash::Streebog512;
use hmac::{KeyInit, Mac, SimpleHmac};
use rand_core::TryCryptoRng;
use zeroize::Zeroize;

use crate::error::Error;

type HmacStreebog = SimpleHmac<Streebog512>;

/// Fills a buffer with nonce candidates.
pub(crate) trait NonceSource {
    /// Overwrites `out` with the next candidate.
    fn fill(&mut self, out: &mut [u8]) -> Result<(), Error>;
}

/// Candidates from a cryptographic RNG.
pub(crate) struct RngSource<'a, R: TryCryptoRng + ?Sized>(pub(crate) &'a mut R);

impl<R: TryCryptoRng + ?Sized> NonceSource for RngSource<'_, R> {
    fn fill(&mut self, out: &mut [u8]) -> Result<(), Error> {
        self.0.try_fill_bytes(out).map_err(|_| Error::Random)
    }
}

/// RFC 6979-style HMAC_DRBG state.
pub(crate) struct Deterministic {
    k: [u8; 64],
    v: [u8; 64],
    started: bool,
}

impl Deterministic {
    /// Seeds with the private key `d` (big-endian) and the message digest (RFC 6979 §3.2 b–g).
    pub(crate) fn new(d: &[u8], digest: &[u8]) -> Self {
        let mut s = Self {
            k: [0; 64],
            v: [1; 64],
            started: false,
        };
        for round in [0u8, 1] {
            s.k = s.hmac(&[&s.v, &[round], d, digest]);
            s.v = s.hmac(&[&s.v]);
        }
        s
    }

    fn hmac(&self, parts: &[&[u8]]) -> [u8; 64] {
        let mut mac = HmacStreebog::new_from_slice(&self.k).expect("HMAC takes any key length");
        for part in parts {
            mac.update(part);
        }
        mac.finalize().into_bytes().into()
    }
}

impl NonceSource for Deterministic {
    fn fill(&mut self, out: &mut [u8]) -> Result<(), Error> {
        if self.started {
            // RFC 6979 §3.2 h.3: a rejected candidate moves the state on.
            self.k = self.hmac(&[&self.v, &[0]]);
            self.v = self.hmac(&[&self.v]);
        }
        self.started = true;
        for chunk in out.chunks_mut(64) {
            self.v = self.hmac(&[&self.v]);
            chunk.copy_from_slice(&self.v[..chunk.len()]);
        }
        Ok(())
    }
}

impl Drop for Deterministic {
    fn drop(&mut self) {
        self.k.zeroize();
        self.v.zeroize();
    }
}
