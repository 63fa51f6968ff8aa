//! Making a CAdES-BES signature, and adding a parallel one to an existing message.

use std::time::SystemTime;

use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::CmsVersion;
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{ContextSpecificRef, OctetString, SetOfVec};
use der::{Any, Encode, TagMode, TagNumber};
use podpis_keys::Signer;
use spki::AlgorithmIdentifierOwned;

use super::attributes::signed_attributes;
use super::{DATA, DigestAlgorithm, SignedMessage, encoding};
use crate::certificate::Certificate;
use crate::encode::public_key_of;
use crate::error::Error;

/// Who signs what.
pub struct SignRequest<'a> {
    /// The key.
    pub signer: &'a dyn Signer,
    /// Its certificate.
    pub certificate: &'a Certificate,
    /// Certificates to carry besides it (the issuing CAs).
    pub chain: &'a [Certificate],
    /// The document's digest, by [`DigestAlgorithm::for_signature`] of the key's algorithm.
    pub digest: &'a [u8],
    /// The signing time written into the signature.
    pub signing_time: SystemTime,
}

impl SignRequest<'_> {
    /// The SignerInfo: signed attributes over the digest, signed by the key.
    fn signer_info(&self) -> Result<(DigestAlgorithm, SignerInfo), Error> {
        let tbs = self.certificate.x509().tbs_certificate();
        if public_key_of(self.signer)? != *tbs.subject_public_key_info() {
            return Err(Error::Validity(
                "the key does not belong to the certificate".into(),
            ));
        }
        let signature_algorithm = self.signer.signature_algorithm();
        let algorithm = DigestAlgorithm::for_signature(&signature_algorithm.oid)?;
        let expected = algorithm.digest(b"").len();
        if self.digest.len() != expected {
            return Err(Error::Encoding(format!(
                "a digest of {} bytes where {algorithm:?} gives {expected}",
                self.digest.len()
            )));
        }
        let attrs = signed_attributes(algorithm, self.digest, self.signing_time, self.certificate)?;
        let signature = self
            .signer
            .sign(&attrs.to_der().map_err(encoding)?)
            .map_err(|e| Error::Signing(e.to_string()))?;
        let info = SignerInfo {
            version: CmsVersion::V1,
            sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
                issuer: tbs.issuer().clone(),
                serial_number: tbs.serial_number().clone(),
            }),
            digest_alg: digest_identifier(algorithm),
            signed_attrs: Some(attrs),
            signature_algorithm,
            signature: OctetString::new(signature).map_err(encoding)?,
            unsigned_attrs: None,
        };
        Ok((algorithm, info))
    }

    /// The certificate and then the chain.
    fn parsed(&self) -> impl Iterator<Item = &Certificate> + '_ {
        std::iter::once(self.certificate).chain(self.chain)
    }
}

fn digest_identifier(algorithm: DigestAlgorithm) -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: algorithm.oid(),
        parameters: None,
    }
}

/// Signs: a detached signature, or with `attached` the document inside it.
pub fn sign(request: &SignRequest<'_>, attached: Option<&[u8]>) -> Result<SignedMessage, Error> {
    let certificates = certificate_set(request.certificate, request.chain)?;
    let signed_data = signed_data(request, attached, Some(certificates))?;
    let given: Vec<_> = request.parsed().collect();
    Ok(SignedMessage::made(signed_data, &given))
}

/// Signs as [`sign`] does but leaves the certificates out: the DER that
/// [`split_certificates`](super::split_certificates) leaves of [`sign`]'s signature, which
/// [`join_certificates`](super::join_certificates) with [`certificates_field`] of the same
/// certificate and chain makes whole. Many signatures by one signer so encode the certificates
/// they all carry once.
pub fn sign_without_certificates(
    request: &SignRequest<'_>,
    attached: Option<&[u8]>,
) -> Result<Vec<u8>, Error> {
    super::content_info_der(&signed_data(request, attached, None)?)
}

/// The certificates field (tag and all) of [`sign`]'s signatures by `certificate` with
/// `chain`, as [`split_certificates`](super::split_certificates) takes it out.
pub fn certificates_field(
    certificate: &Certificate,
    chain: &[Certificate],
) -> Result<Vec<u8>, Error> {
    let set = certificate_set(certificate, chain)?;
    ContextSpecificRef {
        tag_number: TagNumber(0),
        tag_mode: TagMode::Implicit,
        value: &set,
    }
    .to_der()
    .map_err(encoding)
}

/// `certificate` and its `chain` as the certificates field of a signature carries them.
fn certificate_set(
    certificate: &Certificate,
    chain: &[Certificate],
) -> Result<CertificateSet, Error> {
    let mut set = SetOfVec::new();
    add_certificates(&mut set, certificate, chain)?;
    Ok(CertificateSet(set))
}

/// Adds `certificate` and then its `chain` to a DER set of certificates, each once.
fn add_certificates(
    set: &mut SetOfVec<CertificateChoices>,
    certificate: &Certificate,
    chain: &[Certificate],
) -> Result<(), Error> {
    for cert in std::iter::once(certificate).chain(chain) {
        insert_new(set, CertificateChoices::Certificate(cert.x509().clone()))?;
    }
    Ok(())
}

/// The SignedData of `request`'s signature, carrying `certificates`.
fn signed_data(
    request: &SignRequest<'_>,
    attached: Option<&[u8]>,
    certificates: Option<CertificateSet>,
) -> Result<SignedData, Error> {
    let (algorithm, info) = request.signer_info()?;
    let econtent = attached
        .map(|content| {
            Any::encode_from(&OctetString::new(content.to_vec()).map_err(encoding)?)
                .map_err(encoding)
        })
        .transpose()?;
    Ok(SignedData {
        version: CmsVersion::V1,
        digest_algorithms: SetOfVec::try_from(vec![digest_identifier(algorithm)])
            .map_err(encoding)?,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: DATA,
            econtent,
        },
        certificates,
        crls: None,
        signer_infos: SignerInfos(SetOfVec::try_from(vec![info]).map_err(encoding)?),
    })
}

/// Adds a parallel signature by another signer to `message`, leaving the others as they are.
/// `request.digest` must be the same document's digest.
pub fn add_signer(
    message: &SignedMessage,
    request: &SignRequest<'_>,
) -> Result<SignedMessage, Error> {
    let (algorithm, info) = request.signer_info()?;
    let mut signed_data = message.signed_data.clone();
    insert_new(
        &mut signed_data.digest_algorithms,
        digest_identifier(algorithm),
    )?;
    let mut certificates = signed_data
        .certificates
        .take()
        .map(|c| c.0)
        .unwrap_or_default();
    add_certificates(&mut certificates, request.certificate, request.chain)?;
    signed_data.certificates = Some(CertificateSet(certificates));
    insert_new(&mut signed_data.signer_infos.0, info)?;
    Ok(SignedMessage::new(signed_data))
}

/// Inserts `value` into a DER set unless an equal one is there.
fn insert_new<T: der::DerOrd + Encode + PartialEq>(
    set: &mut SetOfVec<T>,
    value: T,
) -> Result<(), Error> {
    if !set.iter().any(|v| *v == value) {
        set.insert(value).map_err(encoding)?;
    }
    Ok(())
}
