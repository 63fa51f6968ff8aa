//! Helpers shared by the integration tests.

#![allow(dead_code)]

use der::{AnyRef, Decode, Encode, Reader, SliceReader};

/// The parts of an X.509 certificate a signature check needs, cut out of the DER by hand
/// (full X.509 parsing belongs to podpis-pki).
pub struct Cert<'a> {
    /// The DER `tbsCertificate`.
    pub tbs: &'a [u8],
    /// The DER `subjectPublicKeyInfo`.
    pub spki: &'a [u8],
    /// The signature algorithm OID.
    pub sig_alg: der::asn1::ObjectIdentifier,
    /// The `signatureValue` bytes.
    pub signature: &'a [u8],
}

impl<'a> Cert<'a> {
    /// Splits a DER certificate.
    pub fn parse(der: &'a [u8]) -> Self {
        let outer = AnyRef::from_der(der).unwrap();
        let mut r = SliceReader::new(outer.value()).unwrap();
        let tbs: AnyRef<'a> = r.decode().unwrap();
        let alg: AnyRef<'a> = r.decode().unwrap();
        let sig: der::asn1::BitStringRef<'a> = r.decode().unwrap();
        let sig_alg = SliceReader::new(alg.value()).unwrap().decode().unwrap();

        let tbs_len = tbs.encoded_len().unwrap();
        let header_len = usize::try_from(tbs_len).unwrap() - tbs.value().len();
        let tbs_der = &outer.value()[..header_len + tbs.value().len()];

        // tbsCertificate: [0] version, serial, signature, issuer, validity, subject, spki, …
        let mut t = SliceReader::new(tbs.value()).unwrap();
        let mut fields = Vec::new();
        while !t.is_finished() {
            let start = t.position();
            let _: AnyRef<'a> = t.decode().unwrap();
            fields.push((
                usize::try_from(start).unwrap(),
                usize::try_from(t.position()).unwrap(),
            ));
        }
        let spki_index = if tbs.value()[0] == 0xa0 { 6 } else { 5 };
        let (s, e) = fields[spki_index];
        Self {
            tbs: tbs_der,
            spki: &tbs.value()[s..e],
            sig_alg,
            signature: sig.as_bytes().unwrap(),
        }
    }
}

/// Decodes a PEM file's base64 body.
pub fn pem_to_der(pem: &str) -> Vec<u8> {
    use base64::Engine;
    let body: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .concat();
    base64::engine::general_purpose::STANDARD
        .decode(body.trim())
        .unwrap()
}
