//! Encoding helpers shared by certificates and CRLs: key identifiers, times, extensions.

use std::time::SystemTime;

use der::Encode;
use der::asn1::OctetString;
use podpis_keys::Signer;
use sha2::{Digest, Sha256};
use spki::SubjectPublicKeyInfoOwned;
use x509_cert::ext::Extension;
use x509_cert::time::Time;

use crate::certificate::Certificate;
use crate::error::Error;

/// An encoding failure as an [`Error`].
pub(crate) fn encoding(e: impl core::fmt::Display) -> Error {
    Error::Encoding(e.to_string())
}

/// The key identifier: the leftmost 160 bits of a hash of the subjectPublicKey bits (RFC 7093
/// §2 method 1): Streebog-256 for GOST keys, SHA-256 for the others.
pub(crate) fn key_identifier(spki: &SubjectPublicKeyInfoOwned) -> Vec<u8> {
    let bits = spki.subject_public_key.raw_bytes();
    if podpis_gost::Algorithm::from_key_oid(&spki.algorithm.oid).is_ok() {
        podpis_gost::hash::digest(podpis_gost::Algorithm::Gost2012_256, bits)[..20].to_vec()
    } else {
        Sha256::digest(bits)[..20].to_vec()
    }
}

/// `key`'s public key, as a certificate carries it.
pub(crate) fn public_key_of(key: &dyn Signer) -> Result<SubjectPublicKeyInfoOwned, Error> {
    key.public_key().map_err(|e| Error::Signing(e.to_string()))
}

/// The key identifier of `issuer`'s key, after checking that `key` is that key: what the
/// certificates and CRLs it signs carry as authorityKeyIdentifier.
pub(crate) fn issuer_key_identifier(
    issuer: &Certificate,
    key: &dyn Signer,
) -> Result<Vec<u8>, Error> {
    let spki = public_key_of(key)?;
    if issuer.x509().tbs_certificate().subject_public_key_info() != &spki {
        return Err(Error::Validity(
            "the signing key does not belong to the issuer certificate".into(),
        ));
    }
    Ok(key_identifier(&spki))
}

/// UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5).
pub(crate) fn time(t: SystemTime) -> Result<Time, Error> {
    Time::try_from(t).map_err(|e| Error::Validity(e.to_string()))
}

/// An extension with `value` DER-encoded.
pub(crate) fn extension(
    value: &impl Encode,
    oid: const_oid::ObjectIdentifier,
    critical: bool,
) -> Result<Extension, Error> {
    Ok(Extension {
        extn_id: oid,
        critical,
        extn_value: OctetString::new(value.to_der().map_err(encoding)?).map_err(encoding)?,
    })
}
