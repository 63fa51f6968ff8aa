//! Certificate revocation lists (RFC 5280 §5): v2, with the CRL number and the authority key
//! identifier, entries carrying reason codes; built and signed with a GOST key, parsed and
//! verified against the issuer's certificate.

use std::str::FromStr;
use std::sync::Arc;
use std::time::SystemTime;

use const_oid::AssociatedOid;
use der::{Decode, Encode};
use podpis_keys::Signer;
use x509_cert::Version;
use x509_cert::crl::{CertificateList, RevokedCert, TbsCertList};
use x509_cert::ext::pkix::AuthorityKeyIdentifier;
use x509_cert::ext::pkix::crl::{CrlNumber, CrlReason};
use x509_cert::serial_number::SerialNumber;

use crate::certificate::{Certificate, NameAttribute, name_attributes, signed_range};
use crate::encode::{encoding, extension, issuer_key_identifier, time};
use crate::error::Error;
use crate::signed::{self, SignedBy};

/// Why a certificate was revoked (RFC 5280 §5.3.1 CRLReason).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Reason {
    /// No reason given.
    Unspecified,
    /// The subject's private key is (or may be) known to others.
    KeyCompromise,
    /// The CA's private key is compromised.
    CaCompromise,
    /// The subject's name or other data changed.
    AffiliationChanged,
    /// Replaced by a new certificate (a reissue).
    Superseded,
    /// No longer needed.
    CessationOfOperation,
    /// Suspended for now.
    CertificateHold,
    /// The subject's rights were withdrawn.
    PrivilegeWithdrawn,
    /// An attribute authority is compromised.
    AaCompromise,
}

impl Reason {
    /// Every reason, in code order.
    pub const ALL: [Reason; 9] = [
        Reason::Unspecified,
        Reason::KeyCompromise,
        Reason::CaCompromise,
        Reason::AffiliationChanged,
        Reason::Superseded,
        Reason::CessationOfOperation,
        Reason::CertificateHold,
        Reason::PrivilegeWithdrawn,
        Reason::AaCompromise,
    ];

    /// The RFC 5280 name: `keyCompromise`, `superseded`, …
    pub fn name(self) -> &'static str {
        match self {
            Reason::Unspecified => "unspecified",
            Reason::KeyCompromise => "keyCompromise",
            Reason::CaCompromise => "cACompromise",
            Reason::AffiliationChanged => "affiliationChanged",
            Reason::Superseded => "superseded",
            Reason::CessationOfOperation => "cessationOfOperation",
            Reason::CertificateHold => "certificateHold",
            Reason::PrivilegeWithdrawn => "privilegeWithdrawn",
            Reason::AaCompromise => "aACompromise",
        }
    }

    pub(crate) fn code(self) -> CrlReason {
        match self {
            Reason::Unspecified => CrlReason::Unspecified,
            Reason::KeyCompromise => CrlReason::KeyCompromise,
            Reason::CaCompromise => CrlReason::CaCompromise,
            Reason::AffiliationChanged => CrlReason::AffiliationChanged,
            Reason::Superseded => CrlReason::Superseded,
            Reason::CessationOfOperation => CrlReason::CessationOfOperation,
            Reason::CertificateHold => CrlReason::CertificateHold,
            Reason::PrivilegeWithdrawn => CrlReason::PrivilegeWithdrawn,
            Reason::AaCompromise => CrlReason::AaCompromise,
        }
    }

    pub(crate) fn from_code(code: CrlReason) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}

impl core::fmt::Display for Reason {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Reason {
    type Err = String;

    /// Takes the RFC 5280 name, case-insensitively.
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|r| r.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                let names: Vec<_> = Self::ALL.iter().map(|r| r.name()).collect();
                format!(
                    "unknown revocation reason {s:?} (one of: {})",
                    names.join(", ")
                )
            })
    }
}

impl From<Reason> for String {
    fn from(r: Reason) -> String {
        r.name().into()
    }
}

impl TryFrom<String> for Reason {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

/// One revoked certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revocation {
    /// The certificate's serial number, big-endian as encoded (a leading zero byte kept).
    pub serial: Vec<u8>,
    /// When it was revoked.
    pub time: SystemTime,
    /// Why, when the CRL says.
    pub reason: Option<Reason>,
}

/// What goes into a CRL besides the issuer.
#[derive(Clone, Debug)]
pub struct CrlParams {
    /// The CRL number: grows by one with each CRL the CA publishes.
    pub number: u64,
    /// When this CRL was made.
    pub this_update: SystemTime,
    /// When the next one will be.
    pub next_update: SystemTime,
    /// The revoked certificates.
    pub revoked: Vec<Revocation>,
}

/// A parsed CRL with its DER; clones share it (a CRL may list 100,000 certificates).
#[derive(Clone, Debug)]
pub struct Crl(Arc<ParsedCrl>);

#[derive(Debug)]
struct ParsedCrl {
    der: Vec<u8>,
    tbs: core::ops::Range<usize>,
    inner: CertificateList,
    /// The issuer key found to have signed it.
    signed_by: SignedBy,
}

impl Crl {
    /// Builds and signs a CRL of `issuer` (whose key `issuer_key` must be).
    pub fn issue(
        params: &CrlParams,
        issuer_key: &dyn Signer,
        issuer: &Certificate,
    ) -> Result<Self, Error> {
        let authority_key_id = issuer_key_identifier(issuer, issuer_key)?;
        if params.next_update <= params.this_update {
            return Err(Error::Validity("nextUpdate is not after thisUpdate".into()));
        }
        let mut revoked: Vec<RevokedCert> = Vec::with_capacity(params.revoked.len());
        for r in &params.revoked {
            let entry_extensions = match r.reason {
                Some(reason) => Some(vec![extension(&reason.code(), CrlReason::OID, false)?]),
                None => None,
            };
            revoked.push(RevokedCert {
                serial_number: SerialNumber::new(&r.serial).map_err(encoding)?,
                revocation_date: time(r.time)?,
                crl_entry_extensions: entry_extensions,
            });
        }
        let aki = AuthorityKeyIdentifier {
            key_identifier: Some(der::asn1::OctetString::new(authority_key_id).map_err(encoding)?),
            authority_cert_issuer: None,
            authority_cert_serial_number: None,
        };
        let number = CrlNumber::try_from(params.number).map_err(encoding)?;
        let algorithm = issuer_key.signature_algorithm();
        let tbs = TbsCertList {
            version: Version::V2,
            signature: algorithm.clone(),
            issuer: issuer.x509().tbs_certificate().subject().clone(),
            this_update: time(params.this_update)?,
            next_update: Some(time(params.next_update)?),
            revoked_certificates: (!revoked.is_empty()).then_some(revoked),
            crl_extensions: Some(vec![
                extension(&aki, AuthorityKeyIdentifier::OID, false)?,
                extension(&number, CrlNumber::OID, false)?,
            ]),
        };
        let tbs_der = tbs.to_der().map_err(encoding)?;
        let list = CertificateList {
            signature: signed::sign(issuer_key, &tbs_der)?,
            tbs_cert_list: tbs,
            signature_algorithm: algorithm,
        };
        Self::from_der(&list.to_der().map_err(encoding)?)
    }

    /// Parses one DER CRL; trailing bytes are an error.
    pub fn from_der(der: &[u8]) -> Result<Self, Error> {
        let inner = CertificateList::from_der(der).map_err(|e| Error::Malformed(e.to_string()))?;
        let tbs = signed_range(der).ok_or_else(|| Error::Malformed("bad outer encoding".into()))?;
        Ok(Self(Arc::new(ParsedCrl {
            der: der.to_vec(),
            tbs,
            inner,
            signed_by: SignedBy::default(),
        })))
    }

    /// Parses a CRL in PEM (`X509 CRL`) or DER.
    pub fn load(bytes: &[u8]) -> Result<Self, Error> {
        let blocks = crate::pem::der_blocks(bytes, &["X509 CRL"])?;
        match blocks.as_slice() {
            [der] => Self::from_der(der),
            [] => Err(Error::NoCrl),
            _ => Err(Error::Malformed("more than one CRL in the file".into())),
        }
    }

    /// The DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.0.der
    }

    /// PEM with the `X509 CRL` label.
    pub fn to_pem(&self) -> String {
        der::pem::encode_string("X509 CRL", der::pem::LineEnding::LF, &self.0.der)
            .expect("DER encodes as PEM")
    }

    /// The issuer's name, attribute by attribute.
    pub fn issuer(&self) -> Vec<NameAttribute> {
        name_attributes(&self.0.inner.tbs_cert_list.issuer)
    }

    /// The issuer's name, DER.
    pub fn issuer_der(&self) -> Vec<u8> {
        self.0
            .inner
            .tbs_cert_list
            .issuer
            .to_der()
            .unwrap_or_default()
    }

    /// When this CRL was made.
    pub fn this_update(&self) -> SystemTime {
        self.0.inner.tbs_cert_list.this_update.to_system_time()
    }

    /// When the next CRL is due, if the CRL says.
    pub fn next_update(&self) -> Option<SystemTime> {
        self.0
            .inner
            .tbs_cert_list
            .next_update
            .map(|t| t.to_system_time())
    }

    /// The CRL number, when present and at most 64 bits.
    pub fn number(&self) -> Option<u64> {
        let ext = self.extension(CrlNumber::OID)?;
        let number = CrlNumber::from_der(ext.extn_value.as_bytes()).ok()?;
        let bytes = number.0.as_bytes();
        (bytes.len() <= 8).then(|| bytes.iter().fold(0u64, |acc, &b| (acc << 8) | b as u64))
    }

    fn extension(&self, oid: const_oid::ObjectIdentifier) -> Option<&x509_cert::ext::Extension> {
        self.0
            .inner
            .tbs_cert_list
            .crl_extensions
            .as_ref()?
            .iter()
            .find(|e| e.extn_id == oid)
    }

    /// Every entry; a reason code Podpis cannot read is left out of its entry.
    pub fn entries(&self) -> Vec<Revocation> {
        let Some(list) = &self.0.inner.tbs_cert_list.revoked_certificates else {
            return Vec::new();
        };
        list.iter()
            .map(|entry| Revocation {
                serial: entry.serial_number.as_bytes().to_vec(),
                time: entry.revocation_date.to_system_time(),
                reason: entry
                    .crl_entry_extensions
                    .iter()
                    .flatten()
                    .find(|e| e.extn_id == CrlReason::OID)
                    .and_then(|e| CrlReason::from_der(e.extn_value.as_bytes()).ok())
                    .and_then(Reason::from_code),
            })
            .collect()
    }

    /// The entry for the certificate with this serial number, if it is on the list.
    pub fn find(&self, serial: &[u8]) -> Option<Revocation> {
        let wanted = SerialNumber::<x509_cert::certificate::Rfc5280>::new(serial).ok()?;
        self.entries()
            .into_iter()
            .find(|r| r.serial == wanted.as_bytes())
    }

    /// Checks that `issuer`'s key signed this CRL and that the names chain.
    pub fn verify_issued_by(&self, issuer: &Certificate) -> Result<(), Error> {
        if self.issuer_der() != issuer.subject_der() {
            return Err(Error::IssuerMismatch);
        }
        self.0.signed_by.check(issuer, |key| {
            signed::verify(
                self.0.inner.signature_algorithm.oid,
                key,
                &self.0.der[self.0.tbs.clone()],
                &self.0.inner.signature,
            )
        })
    }
}
