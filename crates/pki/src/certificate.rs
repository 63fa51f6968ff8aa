//! An X.509 certificate as Podpis reads it: decoded with RustCrypto's `x509-cert`, with the raw
//! bytes kept for signatures and name matching, and the Russian attributes made readable.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use const_oid::ObjectIdentifier;
use der::asn1::Any;
use der::{Decode, Encode, Tag};
use x509_cert::name::Name;

use crate::error::Error;
use crate::oid;
use crate::signed::SignedBy;
use crate::validate::Reading;

/// A parsed certificate together with its DER encoding.
#[derive(Clone, Debug)]
pub struct Certificate {
    der: Vec<u8>,
    /// Where `tbsCertificate` (the signed bytes) lies inside `der`.
    tbs: core::ops::Range<usize>,
    inner: x509_cert::Certificate,
    /// The subject public key, read on first use and shared by clones (a GOST key that
    /// verifies again and again keeps its tables).
    key: Arc<OnceLock<crate::PublicKey>>,
    /// The issuer key found to have signed it.
    signed_by: SignedBy,
    /// What path validation reads of it, read on first use and shared by clones.
    reading: Arc<OnceLock<Reading>>,
}

/// One attribute of a distinguished name, decoded to text.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct NameAttribute {
    /// The attribute type, dotted.
    pub oid: String,
    /// The short English name (`CN`, `INN`, …), when Podpis knows the attribute.
    pub short: Option<&'static str>,
    /// The Russian name (`Общее имя`, `ИНН`, …), when Podpis knows the attribute.
    pub russian: Option<&'static str>,
    /// The value as text; values of unexpected types are shown as `#` + hex of their DER.
    pub value: String,
}

impl NameAttribute {
    /// "Русское имя (EN)" when the attribute is known, else its OID.
    pub fn label(&self) -> String {
        match (self.russian, self.short) {
            (Some(ru), Some(en)) => format!("{ru} ({en})"),
            _ => self.oid.clone(),
        }
    }
}

/// One extension, named.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ExtensionInfo {
    /// The extension's OID, dotted.
    pub oid: String,
    /// Its English name, when known.
    pub name: Option<&'static str>,
    /// Its Russian name, when known.
    pub russian: Option<&'static str>,
    /// Whether it is marked critical.
    pub critical: bool,
}

impl Certificate {
    /// Parses one DER certificate; trailing bytes are an error.
    pub fn from_der(der: &[u8]) -> Result<Self, Error> {
        let inner =
            x509_cert::Certificate::from_der(der).map_err(|e| Error::Malformed(e.to_string()))?;
        Self::assemble(der.to_vec(), inner)
    }

    /// The certificate `inner`, decoded already (as a CMS message carries it).
    pub fn from_x509(inner: x509_cert::Certificate) -> Result<Self, Error> {
        let der = inner
            .to_der()
            .map_err(|e| Error::Malformed(e.to_string()))?;
        Self::assemble(der, inner)
    }

    fn assemble(der: Vec<u8>, inner: x509_cert::Certificate) -> Result<Self, Error> {
        let tbs =
            signed_range(&der).ok_or_else(|| Error::Malformed("bad outer encoding".into()))?;
        Ok(Self {
            der,
            tbs,
            inner,
            key: Arc::default(),
            signed_by: SignedBy::default(),
            reading: Arc::default(),
        })
    }

    /// Parses every certificate in `bytes`: PEM (any number of `CERTIFICATE` blocks, other
    /// blocks skipped) or a single DER certificate.
    pub fn load_all(bytes: &[u8]) -> Result<Vec<Self>, Error> {
        let blocks = crate::pem::der_blocks(bytes, &["CERTIFICATE"])?;
        if blocks.is_empty() {
            return Err(Error::NoCertificate);
        }
        blocks.iter().map(|der| Self::from_der(der)).collect()
    }

    /// The certificate's DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The certificate as PEM (`-----BEGIN CERTIFICATE-----`, LF line endings).
    pub fn to_pem(&self) -> String {
        der::pem::encode_string("CERTIFICATE", der::pem::LineEnding::LF, &self.der)
            .expect("a DER certificate encodes as PEM")
    }

    /// The signed part, `tbsCertificate`, exactly as encoded.
    pub fn tbs_der(&self) -> &[u8] {
        &self.der[self.tbs.clone()]
    }

    /// The decoded certificate, for what this type does not expose.
    pub fn x509(&self) -> &x509_cert::Certificate {
        &self.inner
    }

    /// The serial number's DER content octets (big-endian, a leading zero byte kept).
    pub fn serial(&self) -> &[u8] {
        self.inner.tbs_certificate().serial_number().as_bytes()
    }

    /// The serial number, hexadecimal, as its DER content octets.
    pub fn serial_hex(&self) -> String {
        hex_upper(self.serial())
    }

    /// The subject name's DER, for matching against other certificates' issuer names.
    pub fn subject_der(&self) -> Vec<u8> {
        self.inner
            .tbs_certificate()
            .subject()
            .to_der()
            .unwrap_or_default()
    }

    /// The issuer name's DER.
    pub fn issuer_der(&self) -> Vec<u8> {
        self.inner
            .tbs_certificate()
            .issuer()
            .to_der()
            .unwrap_or_default()
    }

    /// The subject's attributes, in order.
    pub fn subject(&self) -> Vec<NameAttribute> {
        name_attributes(self.inner.tbs_certificate().subject())
    }

    /// The issuer's attributes, in order.
    pub fn issuer(&self) -> Vec<NameAttribute> {
        name_attributes(self.inner.tbs_certificate().issuer())
    }

    /// `notBefore` and `notAfter`, as time since the Unix epoch.
    pub fn validity(&self) -> (Duration, Duration) {
        let v = self.inner.tbs_certificate().validity();
        (
            v.not_before.to_unix_duration(),
            v.not_after.to_unix_duration(),
        )
    }

    /// Whether `time` falls within `notBefore`…`notAfter`.
    pub fn is_valid_at(&self, time: SystemTime) -> bool {
        let (from, to) = self.validity();
        let t = time.duration_since(UNIX_EPOCH).unwrap_or_default();
        from <= t && t <= to
    }

    /// `notBefore` and `notAfter` as RFC 3339 text.
    pub fn validity_text(&self) -> (String, String) {
        let v = self.inner.tbs_certificate().validity();
        (
            v.not_before.to_date_time().to_string(),
            v.not_after.to_date_time().to_string(),
        )
    }

    /// The signature algorithm OID, dotted.
    pub fn signature_algorithm(&self) -> ObjectIdentifier {
        self.inner.signature_algorithm().oid
    }

    /// The subject public key's algorithm OID.
    pub fn public_key_algorithm(&self) -> ObjectIdentifier {
        self.inner
            .tbs_certificate()
            .subject_public_key_info()
            .algorithm
            .oid
    }

    /// The subject public key, of any algorithm Podpis verifies with (read once per
    /// certificate and its clones).
    pub fn public_key(&self) -> Result<&crate::PublicKey, Error> {
        if let Some(key) = self.key.get() {
            return Ok(key);
        }
        let key =
            crate::PublicKey::from_spki(self.inner.tbs_certificate().subject_public_key_info())?;
        Ok(self.key.get_or_init(|| key))
    }

    /// The SubjectPublicKeyInfo, DER.
    pub fn spki_der(&self) -> Result<Vec<u8>, Error> {
        self.inner
            .tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .map_err(|e| Error::Malformed(e.to_string()))
    }

    /// The extensions, named where Podpis knows them.
    pub fn extensions(&self) -> Vec<ExtensionInfo> {
        self.inner
            .tbs_certificate()
            .extensions()
            .map(|exts| {
                exts.iter()
                    .map(|e| {
                        let names = oid::extension_name(&e.extn_id);
                        ExtensionInfo {
                            oid: e.extn_id.to_string(),
                            name: names.map(|n| n.0),
                            russian: names.map(|n| n.1),
                            critical: e.critical,
                        }
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Whether basicConstraints marks this a CA certificate.
    pub fn is_ca(&self) -> bool {
        crate::validate::facts::Facts::of(self).is_ca()
    }

    /// Whether subject and issuer names are the same (a self-issued certificate).
    pub fn is_self_issued(&self) -> bool {
        self.inner.tbs_certificate().subject() == self.inner.tbs_certificate().issuer()
    }

    /// What path validation reads of it (extensions, names), read once for it and its clones.
    pub(crate) fn reading(&self) -> &Reading {
        self.reading.get_or_init(|| Reading::of(self))
    }

    /// Checks that `issuer`'s public key made this certificate's signature.
    pub fn verify_issued_by(&self, issuer: &Certificate) -> Result<(), Error> {
        self.signed_by.check(issuer, |key| {
            crate::signed::verify(
                self.signature_algorithm(),
                key,
                self.tbs_der(),
                self.inner.signature(),
            )
        })
    }
}

/// The byte range of the first element inside the outer SEQUENCE: the signed part of a
/// certificate, CSR or CRL (`tbsCertificate`, `certificationRequestInfo`, `tbsCertList`).
pub(crate) fn signed_range(der: &[u8]) -> Option<core::ops::Range<usize>> {
    let (outer_header, _) = tlv_lengths(der)?;
    let (tbs_header, tbs_len) = tlv_lengths(der.get(outer_header..)?)?;
    let end = outer_header.checked_add(tbs_header)?.checked_add(tbs_len)?;
    (end <= der.len()).then_some(outer_header..end)
}

/// The header length and the content length of the DER TLV at the start of `bytes`.
fn tlv_lengths(bytes: &[u8]) -> Option<(usize, usize)> {
    let first = *bytes.get(1)?;
    if first < 0x80 {
        return Some((2, first as usize));
    }
    let count = (first & 0x7f) as usize;
    if count == 0 || count > 4 {
        return None;
    }
    let len = bytes
        .get(2..2 + count)?
        .iter()
        .fold(0usize, |acc, b| (acc << 8) | *b as usize);
    Some((2 + count, len))
}

pub(crate) fn name_attributes(name: &Name) -> Vec<NameAttribute> {
    name.iter()
        .map(|atv| {
            let names = oid::attribute_name(&atv.oid);
            NameAttribute {
                oid: atv.oid.to_string(),
                short: names.map(|n| n.0),
                russian: names.map(|n| n.1),
                value: any_to_text(&atv.value),
            }
        })
        .collect()
}

/// A directory-string value as text, whatever string type encodes it.
fn any_to_text(value: &Any) -> String {
    let bytes = value.value();
    match der::Tagged::tag(value) {
        Tag::Utf8String
        | Tag::PrintableString
        | Tag::NumericString
        | Tag::Ia5String
        | Tag::VisibleString => String::from_utf8_lossy(bytes).into_owned(),
        // T.61 in practice carries Latin-1 here.
        Tag::TeletexString => bytes.iter().map(|&b| b as char).collect(),
        Tag::BmpString => {
            let units: Vec<u16> = bytes
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        _ => format!("#{}", hex_upper(&value.to_der().unwrap_or_default())),
    }
}

/// Upper-case hexadecimal.
fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

#[cfg(test)]
#[path = "../tests/common/mod.rs"]
mod common;

#[cfg(test)]
mod tests {
    use podpis_gost::{Algorithm, ParamSet, SigningKey};

    use super::{Certificate, common};
    use crate::issue::issue;
    use crate::subject::Profile;

    #[test]
    fn clones_share_what_validation_reads_and_a_new_parse_reads_anew() {
        let key = SigningKey::generate(Algorithm::Gost2012_256, ParamSet::CryptoProA).unwrap();
        let params = common::params(Profile::CertificationCentre, &common::ca_subject(), &key, 1);
        let cert = issue(&params, &key, None).unwrap();
        let clone = cert.clone();
        assert!(std::ptr::eq(cert.reading(), clone.reading()));
        let parsed = Certificate::from_der(cert.der()).unwrap();
        assert!(!std::ptr::eq(cert.reading(), parsed.reading()));
        assert_eq!(parsed.reading().subject, cert.reading().subject);
    }
}
