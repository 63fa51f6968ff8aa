//! Encoding helpers shared by certificates and CRLs: key identifiers, times, extensions.

use std::time::SystemTime;

use der::Encode;
use der::asn1::OctetString;
use podpis_gost::{SigningKey, VerifyingKey};
use spki::SubjectPublicKeyInfoOwned;
use x509_cert::ext::Extension;
use x509_cert::time::Time;

use crate::certificate::Certificate;
use crate::error::Error;

/// An encoding failure as an [`Error`].
pub(crate) fn encoding(e: impl core::fmt::Display) -> Error {
    Error::Encoding(e.to_string())
}

/// The SubjectPublicKeyInfo of a GOST key.
pub(crate) fn spki_of(key: &VerifyingKey) -> Result<SubjectPublicKeyInfoOwned, Error> {
    use der::Decode;
    SubjectPublicKeyInfoOwned::from_der(&key.to_spki_der()).map_err(encoding)
}

/// The key identifier: the leftmost 160 bits of Streebog-256 over the subjectPublicKey bits
/// (RFC 7093 §2 method 1, with the national hash in place of SHA-256).
pub(crate) fn key_identifier(spki: &SubjectPublicKeyInfoOwned) -> Vec<u8> {
    let digest = podpis_gost::hash::digest(
        podpis_gost::Algorithm::Gost2012_256,
        spki.subject_public_key.raw_bytes(),
    );
    digest[..20].to_vec()
}

/// The key identifier of `issuer`'s key, after checking that `key` is that key: what the
/// certificates and CRLs it signs carry as authorityKeyIdentifier.
pub(crate) fn issuer_key_identifier(
    issuer: &Certificate,
    key: &SigningKey,
) -> Result<Vec<u8>, Error> {
    if issuer.gost_public_key().ok().as_ref() != Some(key.verifying_key()) {
        return Err(Error::Validity(
            "the signing key does not belong to the issuer certificate".into(),
        ));
    }
    Ok(key_identifier(&spki_of(key.verifying_key())?))
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
