//! A signature's certificates, taken out of its SignedData and put back byte for byte: a store
//! keeps the certificates a signer's signatures all carry (theirs and their centre's, about
//! three quarters of a `.sig`) once, and each signature without them.

use const_oid::ObjectIdentifier;
use der::{Decode, Encode, Header, Reader, SliceReader, Tag};

use super::{SIGNED_DATA, encoding};
use crate::error::Error;

/// The tag of SignedData's `certificates [0] IMPLICIT CertificateSet`.
const CERTIFICATES_TAG: u8 = 0xA0;

/// The parts of a DER ContentInfo holding a SignedData, down to where its certificates sit.
struct Parts<'a> {
    outer: Header,
    content_type: &'a [u8],
    explicit: Header,
    signed_data: Header,
    /// version, digestAlgorithms and encapContentInfo, each whole.
    before: &'a [u8],
    /// The certificates field, tag and all, if there is one.
    certificates: Option<&'a [u8]>,
    /// The fields after it (crls, signerInfos), each whole.
    after: &'a [u8],
}

impl<'a> Parts<'a> {
    /// Reads `der` (DER only: definite, minimal lengths).
    fn read(der: &'a [u8]) -> der::Result<Self> {
        let mut reader = SliceReader::new(der)?;
        let outer = expect(Header::decode(&mut reader)?, 0x30)?;
        let content_type = reader.tlv_bytes()?;
        if ObjectIdentifier::from_der(content_type)? != SIGNED_DATA {
            return Err(Tag::ObjectIdentifier.value_error().into());
        }
        let explicit = expect(Header::decode(&mut reader)?, 0xA0)?;
        let signed_data = expect(Header::decode(&mut reader)?, 0x30)?;
        let start = usize::try_from(reader.position())?;
        // version, digestAlgorithms, encapContentInfo
        for _ in 0..3 {
            reader.tlv_bytes()?;
        }
        let end = usize::try_from(reader.position())?;
        let certificates = match der.get(end) {
            Some(&CERTIFICATES_TAG) => Some(reader.tlv_bytes()?),
            _ => None,
        };
        let rest = usize::try_from(reader.position())?;
        Ok(Self {
            outer,
            content_type,
            explicit,
            signed_data,
            before: &der[start..end],
            certificates,
            after: &der[rest..],
        })
    }

    /// The DER of these parts with `certificates` as the certificates field.
    fn write(&self, certificates: Option<&[u8]>) -> der::Result<Vec<u8>> {
        let body = [self.before, certificates.unwrap_or_default(), self.after];
        let signed_data = wrap(self.signed_data, &body)?;
        let explicit = wrap(self.explicit, &[&signed_data])?;
        wrap(self.outer, &[self.content_type, &explicit])
    }
}

/// `header` when its tag is the octet `tag`.
fn expect(header: Header, tag: u8) -> der::Result<Header> {
    if header.tag().to_der()? == [tag] {
        Ok(header)
    } else {
        Err(header.tag().value_error().into())
    }
}

/// `parts` under `header` with the length they make.
fn wrap(header: Header, parts: &[&[u8]]) -> der::Result<Vec<u8>> {
    let length: usize = parts.iter().map(|p| p.len()).sum();
    let mut out = header.with_length(length.try_into()?).to_der()?;
    for part in parts {
        out.extend_from_slice(part);
    }
    Ok(out)
}

/// Splits the DER signature `der` into the signature without its certificates and the
/// certificates field (tag and all), so that [`join_certificates`] gives back exactly `der`.
/// `None` when there is nothing to split: no certificates, or not a DER SignedData.
pub fn split_certificates(der: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let parts = Parts::read(der).ok()?;
    let certificates = parts.certificates?;
    // Only what is written back to the very same bytes is split.
    if parts.write(Some(certificates)).ok()? != der {
        return None;
    }
    Some((parts.write(None).ok()?, certificates.to_vec()))
}

/// Puts the certificates field `certificates` that [`split_certificates`] took out back into
/// the signature `without`.
pub fn join_certificates(without: &[u8], certificates: &[u8]) -> Result<Vec<u8>, Error> {
    let parts = Parts::read(without)
        .map_err(|e| Error::Cms(format!("a signature kept without its certificates: {e}")))?;
    if parts.certificates.is_some() {
        return Err(Error::Cms(
            "a signature kept without its certificates carries some".into(),
        ));
    }
    if certificates.first() != Some(&CERTIFICATES_TAG) {
        return Err(Error::Cms("not a SignedData's certificates field".into()));
    }
    parts.write(Some(certificates)).map_err(encoding)
}
