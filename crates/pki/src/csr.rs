//! Certificate requests (PKCS#10, RFC 2986) with GOST keys: made by Podpis or by OpenSSL with the
//! gost engine, parsed, and checked for proof of possession (the request's own signature).

use der::asn1::SetOfVec;
use der::{Decode, Encode};
use podpis_keys::Signer;
use spki::SubjectPublicKeyInfoOwned;
use x509_cert::name::Name;
use x509_cert::request::{CertReq, CertReqInfo, Version};

use crate::certificate::{NameAttribute, name_attributes, signed_range};
use crate::error::Error;
use crate::signed;

/// A parsed certificate request with its DER.
#[derive(Clone, Debug)]
pub struct Csr {
    der: Vec<u8>,
    info: core::ops::Range<usize>,
    inner: CertReq,
}

impl Csr {
    /// A request for `subject` with `key`'s public key, signed by `key`.
    pub fn create(subject: Name, key: &dyn Signer) -> Result<Self, Error> {
        let encode_err = |e: der::Error| Error::Encoding(e.to_string());
        let info = CertReqInfo {
            version: Version::V1,
            subject,
            public_key: crate::encode::public_key_of(key)?,
            attributes: SetOfVec::new(),
        };
        let signature = signed::sign(key, &info.to_der().map_err(encode_err)?)?;
        let req = CertReq {
            info,
            algorithm: key.signature_algorithm(),
            signature,
        };
        Self::from_der(&req.to_der().map_err(encode_err)?)
    }

    /// Parses a DER request.
    pub fn from_der(der: &[u8]) -> Result<Self, Error> {
        let inner = CertReq::from_der(der).map_err(|e| Error::Malformed(e.to_string()))?;
        let info =
            signed_range(der).ok_or_else(|| Error::Malformed("bad outer encoding".into()))?;
        Ok(Self {
            der: der.to_vec(),
            info,
            inner,
        })
    }

    /// Parses a request in PEM (`CERTIFICATE REQUEST`, or the older `NEW CERTIFICATE REQUEST`)
    /// or DER.
    pub fn load(bytes: &[u8]) -> Result<Self, Error> {
        let blocks =
            crate::pem::der_blocks(bytes, &["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"])?;
        match blocks.as_slice() {
            [der] => Self::from_der(der),
            [] => Err(Error::NoRequest),
            _ => Err(Error::Malformed("more than one certificate request".into())),
        }
    }

    /// The request as PEM.
    pub fn to_pem(&self) -> String {
        der::pem::encode_string("CERTIFICATE REQUEST", der::pem::LineEnding::LF, &self.der)
            .expect("a DER request encodes as PEM")
    }

    /// The DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The requested subject name.
    pub fn subject(&self) -> &Name {
        &self.inner.info.subject
    }

    /// The requested subject's attributes, decoded.
    pub fn subject_attributes(&self) -> Vec<NameAttribute> {
        name_attributes(self.subject())
    }

    /// The public key as the request carries it.
    pub fn public_key_info(&self) -> &SubjectPublicKeyInfoOwned {
        &self.inner.info.public_key
    }

    /// The public key, of any algorithm Podpis verifies with.
    pub fn public_key(&self) -> Result<crate::PublicKey, Error> {
        crate::PublicKey::from_spki(&self.inner.info.public_key)
    }

    /// Proof of possession: the request is signed by the key it carries.
    pub fn verify(&self) -> Result<(), Error> {
        signed::verify(
            self.inner.algorithm.oid,
            &self.public_key()?,
            &self.der[self.info.clone()],
            &self.inner.signature,
        )
    }
}
