//! The signature shared by certificates, CSRs and CRLs: an AlgorithmIdentifier and a BIT STRING
//! over the DER of a "to be signed" structure, made by any [`Signer`] and checked with any
//! [`PublicKey`] (for GOST, RFC 4491 and RFC 9215: the value is `s || r` over the digest of the
//! exact signed bytes).

use std::sync::{Arc, OnceLock};

use const_oid::ObjectIdentifier;
use der::asn1::BitString;
use podpis_gost::{Algorithm, Signature, VerifyingKey};
use podpis_keys::Signer;

use crate::Certificate;
use crate::error::Error;
use crate::oid;
use crate::public_key::PublicKey;

/// The issuer key (its SubjectPublicKeyInfo, DER) a certificate or CRL was found signed by,
/// shared by the object's clones. The signed bytes never change, so a check that passed once
/// passes again for the same key: a portal that keeps its CRLs, or validates one certificate
/// now and at its signing time, checks each signature once.
#[derive(Clone, Debug, Default)]
pub(crate) struct SignedBy(Arc<OnceLock<Vec<u8>>>);

impl SignedBy {
    /// `verify(issuer's key)`, or nothing when `issuer`'s key already passed it.
    pub(crate) fn check(
        &self,
        issuer: &Certificate,
        verify: impl FnOnce(&PublicKey) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let spki = issuer.spki_der()?;
        if self.0.get().is_some_and(|known| *known == spki) {
            return Ok(());
        }
        verify(issuer.public_key()?)?;
        // A second key that verifies too (the same key under other parameters cannot) would
        // only be checked again each time.
        let _ = self.0.set(spki);
        Ok(())
    }
}

/// Checks that `key` made `signature` (with algorithm `sig_oid`) over `signed`.
pub(crate) fn verify(
    sig_oid: ObjectIdentifier,
    key: &PublicKey,
    signed: &[u8],
    signature: &BitString,
) -> Result<(), Error> {
    let bits = signature
        .as_bytes()
        .ok_or_else(|| Error::BadSignature("signature BIT STRING with unused bits".into()))?;
    key.verify(sig_oid, signed, bits)
}

/// Checks a GOST signature value (`s || r`) over the message whose digest is `digest`.
pub(crate) fn verify_gost(
    sig_oid: ObjectIdentifier,
    key: &VerifyingKey,
    digest: &[u8],
    signature: &[u8],
) -> Result<(), Error> {
    let Ok(algorithm) = Algorithm::from_signature_oid(&sig_oid) else {
        return Err(match oid::algorithm_name(&sig_oid) {
            Some(name) => Error::KeyAlgorithmMismatch {
                signature: name.into(),
                key: key_name(key),
            },
            None => Error::UnsupportedAlgorithm(format!("signature algorithm {sig_oid}")),
        });
    };
    if key.algorithm() != algorithm {
        return Err(Error::KeyAlgorithmMismatch {
            signature: oid::algorithm_name(&sig_oid).unwrap_or("?").into(),
            key: key_name(key),
        });
    }
    let bad = |e: podpis_gost::Error| Error::BadSignature(e.to_string());
    let signature = Signature::from_bytes(signature).map_err(bad)?;
    key.verify_digest_bytes(digest, &signature).map_err(bad)
}

fn key_name(key: &VerifyingKey) -> String {
    oid::algorithm_name(&key.algorithm().key_oid())
        .unwrap_or("?")
        .into()
}

/// Signs `signed` with `key`, giving the BIT STRING value.
pub(crate) fn sign(key: &dyn Signer, signed: &[u8]) -> Result<BitString, Error> {
    let signature = key
        .sign(signed)
        .map_err(|e| Error::Signing(e.to_string()))?;
    BitString::from_bytes(&signature).map_err(|e| Error::Encoding(e.to_string()))
}
