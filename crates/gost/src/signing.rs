//! The private key and signing.

use alloc::vec::Vec;
use core::fmt;

use rand_core::TryCryptoRng;
use signature::hazmat::RandomizedPrehashSigner;
#[cfg(feature = "getrandom")]
use signature::{DigestSigner, Signer, hazmat::PrehashSigner};
use signature::{Keypair, RandomizedDigestSigner, RandomizedSigner};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::dispatch;
use crate::error::Error;
use crate::hash::{self, Gost94CryptoPro, Streebog256, Streebog512};
use crate::nonce::{Deterministic, NonceSource, RngSource};
use crate::params::{Algorithm, ParamSet};
use crate::sig::Signature;
use crate::verifying::VerifyingKey;

/// A GOST R 34.10 private key `d`, with its public key.
///
/// The secret is wiped from memory when the key is dropped. Signing runs in constant time with
/// respect to the key and the nonce.
#[derive(Clone)]
pub struct SigningKey {
    /// `d`, big-endian, in the first `params.size()` bytes.
    d: [u8; 64],
    verifying_key: VerifyingKey,
}

impl SigningKey {
    /// A new random key from the operating system's CSPRNG.
    #[cfg(feature = "getrandom")]
    pub fn generate(algorithm: Algorithm, params: ParamSet) -> Result<Self, Error> {
        Self::generate_with_rng(algorithm, params, &mut getrandom::SysRng)
    }

    /// A new random key from `rng`.
    pub fn generate_with_rng<R: TryCryptoRng + ?Sized>(
        algorithm: Algorithm,
        params: ParamSet,
        rng: &mut R,
    ) -> Result<Self, Error> {
        algorithm.check_params(params)?;
        let mut d = Zeroizing::new([0u8; 64]);
        let size = params.size();
        let mut source = RngSource(rng);
        dispatch::random_scalar(params.curve(), |buf| source.fill(buf), &mut d[..size])?;
        Self::from_bytes(algorithm, params, &d[..size])
    }

    /// The key with private scalar `d` given big-endian (32 or 64 bytes).
    ///
    /// `d` is taken modulo `q`, as OpenSSL's gost engine and the RFC 9215 examples do (on the
    /// cofactor-4 curves `q` is shorter than the key size); `d ≡ 0` is refused.
    pub fn from_bytes(algorithm: Algorithm, params: ParamSet, d: &[u8]) -> Result<Self, Error> {
        algorithm.check_params(params)?;
        let size = params.size();
        if d.len() != size {
            return Err(Error::PrivateKeyLength {
                expected: size,
                actual: d.len(),
            });
        }
        let mut reduced = Zeroizing::new([0u8; 64]);
        if !dispatch::reduce_scalar(params.curve(), d, &mut reduced[..size]) {
            return Err(Error::PrivateKeyOutOfRange);
        }
        let d = &reduced[..size];
        let mut x = [0u8; 64];
        let mut y = [0u8; 64];
        dispatch::public_key(params.curve(), d, &mut x[..size], &mut y[..size]);
        let verifying_key = VerifyingKey::derived(algorithm, params, &x[..size], &y[..size])?;
        let mut key = Self {
            d: [0; 64],
            verifying_key,
        };
        key.d[..size].copy_from_slice(d);
        Ok(key)
    }

    /// The key with private scalar `d` given little-endian, as PKCS#8 files hold it.
    pub fn from_le_bytes(
        algorithm: Algorithm,
        params: ParamSet,
        d_le: &[u8],
    ) -> Result<Self, Error> {
        let mut be = Zeroizing::new(d_le.to_vec());
        be.reverse();
        Self::from_bytes(algorithm, params, &be)
    }

    /// `d`, big-endian.
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(self.d[..self.params().size()].to_vec())
    }

    /// `d`, little-endian (the PKCS#8 form).
    pub fn to_le_bytes(&self) -> Zeroizing<Vec<u8>> {
        let mut out = self.to_bytes();
        out.reverse();
        out
    }

    /// The algorithm, which fixes the digest.
    pub fn algorithm(&self) -> Algorithm {
        self.verifying_key.algorithm()
    }

    /// The parameter set.
    pub fn params(&self) -> ParamSet {
        self.verifying_key.params()
    }

    /// The public key.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.verifying_key
    }

    fn check_digest(&self, digest: &[u8]) -> Result<(), Error> {
        let expected = self.params().size();
        if digest.len() == expected {
            Ok(())
        } else {
            Err(Error::DigestLength {
                expected,
                actual: digest.len(),
            })
        }
    }

    /// Signs a digest with nonces from `source`, drawing again while `r` or `s` is zero.
    fn sign_with_source(
        &self,
        digest: &[u8],
        source: &mut impl NonceSource,
    ) -> Result<Signature, Error> {
        self.check_digest(digest)?;
        let size = self.params().size();
        let curve = self.params().curve();
        let d = &self.d[..size];
        let mut k = Zeroizing::new([0u8; 64]);
        let mut out = [0u8; 128];
        loop {
            dispatch::random_scalar(curve, |buf| source.fill(buf), &mut k[..size])?;
            if dispatch::sign(curve, d, digest, &k[..size], &mut out[..2 * size]) {
                return Signature::from_bytes(&out[..2 * size]);
            }
        }
    }

    /// Signs a digest with a nonce from `rng`.
    pub fn sign_digest_bytes_with_rng<R: TryCryptoRng + ?Sized>(
        &self,
        rng: &mut R,
        digest: &[u8],
    ) -> Result<Signature, Error> {
        self.sign_with_source(digest, &mut RngSource(rng))
    }

    /// Signs a digest with a deterministic nonce derived from the key and the digest
    /// (RFC 6979-style, HMAC-Streebog-512): the same inputs always give the same signature.
    pub fn sign_digest_bytes_deterministic(&self, digest: &[u8]) -> Result<Signature, Error> {
        self.check_digest(digest)?;
        let mut source = Deterministic::new(&self.d[..self.params().size()], digest);
        self.sign_with_source(digest, &mut source)
    }

    /// Signs a digest with the given nonce `k` (big-endian). For test vectors only: a nonce
    /// used twice, or a predictable one, reveals the private key.
    #[doc(hidden)]
    pub fn sign_digest_bytes_with_nonce(
        &self,
        digest: &[u8],
        k: &[u8],
    ) -> Result<Signature, Error> {
        self.check_digest(digest)?;
        let size = self.params().size();
        if k.len() != size || !dispatch::scalar_in_range(self.params().curve(), k) {
            return Err(Error::PrivateKeyOutOfRange);
        }
        let mut out = [0u8; 128];
        if !dispatch::sign(
            self.params().curve(),
            &self.d[..size],
            digest,
            k,
            &mut out[..2 * size],
        ) {
            return Err(Error::SignatureOutOfRange);
        }
        Signature::from_bytes(&out[..2 * size])
    }

    /// Signs a digest with a nonce from the operating system's CSPRNG.
    #[cfg(feature = "getrandom")]
    pub fn sign_digest_bytes(&self, digest: &[u8]) -> Result<Signature, Error> {
        self.sign_digest_bytes_with_rng(&mut getrandom::SysRng, digest)
    }
}

impl Drop for SigningKey {
    fn drop(&mut self) {
        self.d.zeroize();
    }
}

impl ZeroizeOnDrop for SigningKey {}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("verifying_key", &self.verifying_key)
            .finish_non_exhaustive()
    }
}

impl Keypair for SigningKey {
    type VerifyingKey = VerifyingKey;

    fn verifying_key(&self) -> VerifyingKey {
        self.verifying_key.clone()
    }
}

impl AsRef<VerifyingKey> for SigningKey {
    fn as_ref(&self) -> &VerifyingKey {
        &self.verifying_key
    }
}

impl RandomizedPrehashSigner<Signature> for SigningKey {
    fn sign_prehash_with_rng<G: TryCryptoRng + ?Sized>(
        &self,
        rng: &mut G,
        prehash: &[u8],
    ) -> Result<Signature, signature::Error> {
        Ok(self.sign_digest_bytes_with_rng(rng, prehash)?)
    }
}

impl RandomizedSigner<Signature> for SigningKey {
    fn try_sign_with_rng<R: TryCryptoRng + ?Sized>(
        &self,
        rng: &mut R,
        msg: &[u8],
    ) -> Result<Signature, signature::Error> {
        let digest = hash::digest(self.algorithm(), msg);
        Ok(self.sign_digest_bytes_with_rng(rng, &digest)?)
    }
}

#[cfg(feature = "getrandom")]
impl PrehashSigner<Signature> for SigningKey {
    fn sign_prehash(&self, prehash: &[u8]) -> Result<Signature, signature::Error> {
        Ok(self.sign_digest_bytes(prehash)?)
    }
}

#[cfg(feature = "getrandom")]
impl Signer<Signature> for SigningKey {
    fn try_sign(&self, msg: &[u8]) -> Result<Signature, signature::Error> {
        let digest = hash::digest(self.algorithm(), msg);
        Ok(self.sign_digest_bytes(&digest)?)
    }
}

/// `DigestSigner` and `RandomizedDigestSigner` for each GOST digest.
macro_rules! digest_signer {
    ($($d:ty),*) => {$(
        #[cfg(feature = "getrandom")]
        impl DigestSigner<$d, Signature> for SigningKey {
            fn try_sign_digest<F: Fn(&mut $d) -> Result<(), signature::Error>>(
                &self,
                f: F,
            ) -> Result<Signature, signature::Error> {
                self.try_sign_digest_with_rng(&mut getrandom::SysRng, f)
            }
        }

        impl RandomizedDigestSigner<$d, Signature> for SigningKey {
            fn try_sign_digest_with_rng<
                R: TryCryptoRng + ?Sized,
                F: Fn(&mut $d) -> Result<(), signature::Error>,
            >(
                &self,
                rng: &mut R,
                f: F,
            ) -> Result<Signature, signature::Error> {
                let mut d = <$d as digest::Digest>::new();
                f(&mut d)?;
                Ok(self.sign_digest_bytes_with_rng(rng, &digest::Digest::finalize(d))?)
            }
        }
    )*};
}

digest_signer!(Streebog256, Streebog512, Gost94CryptoPro);
