//! OCSP (RFC 6960): requests, responses signed by the CA or a delegated responder, the nonce of
//! RFC 8954, and the client's check of a response. The ASN.1 types are defined here with `der`
//! derive (`x509-ocsp` is on an older `der`).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use const_oid::ObjectIdentifier;
use der::asn1::{BitString, GeneralizedTime, Null, OctetString};
use der::{Any, Choice, Decode, Encode, Enumerated, Sequence};
use podpis_keys::Signer;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::crl::CrlReason;
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;

use crate::certificate::{Certificate, signed_range};
use crate::crl::Reason;
use crate::encode::encoding;
use crate::error::Error;

/// id-pkix-ocsp-basic: the one response type.
const BASIC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.1");
/// id-pkix-ocsp-nonce.
const NONCE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.2");
/// id-kp-OCSPSigning: the extended key usage of a delegated responder.
pub const OCSP_SIGNING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.9");
/// id-pkix-ocsp-nocheck: a responder certificate is not itself checked for revocation.
pub const OCSP_NOCHECK: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.5");
const SHA1_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
const SHA256_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");

// ---- ASN.1 (RFC 6960 §4.1.1 and §4.2.1; the module has EXPLICIT TAGS) ----

#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
struct CertIdAsn1 {
    hash_algorithm: AlgorithmIdentifierOwned,
    issuer_name_hash: OctetString,
    issuer_key_hash: OctetString,
    serial_number: SerialNumber,
}

#[derive(Clone, Debug, Sequence)]
struct RequestAsn1 {
    req_cert: CertIdAsn1,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    single_request_extensions: Option<Vec<Extension>>,
}

#[derive(Clone, Debug, Sequence)]
struct TbsRequest {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    version: Option<u8>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    requestor_name: Option<Any>,
    request_list: Vec<RequestAsn1>,
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT", optional = "true")]
    request_extensions: Option<Vec<Extension>>,
}

#[derive(Clone, Debug, Sequence)]
struct OcspRequestAsn1 {
    tbs_request: TbsRequest,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    optional_signature: Option<Any>,
}

/// The outcome of an OCSP exchange as a whole (RFC 6960 §4.2.1 OCSPResponseStatus).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enumerated)]
#[repr(u32)]
pub enum ResponseStatus {
    /// The response carries statuses.
    Successful = 0,
    /// The request did not parse.
    MalformedRequest = 1,
    /// The responder failed.
    InternalError = 2,
    /// Try again later.
    TryLater = 3,
    /// The responder wants signed requests.
    SigRequired = 5,
    /// The responder does not answer for this CA.
    Unauthorized = 6,
}

#[derive(Clone, Debug, Sequence)]
struct ResponseBytes {
    response_type: ObjectIdentifier,
    response: OctetString,
}

#[derive(Clone, Debug, Sequence)]
struct OcspResponseAsn1 {
    response_status: ResponseStatus,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    response_bytes: Option<ResponseBytes>,
}

#[derive(Clone, Debug, PartialEq, Eq, Choice)]
enum ResponderIdAsn1 {
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", constructed = "true")]
    ByName(Name),
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT", constructed = "true")]
    ByKey(OctetString),
}

#[derive(Clone, Debug, Sequence)]
struct RevokedInfo {
    revocation_time: GeneralizedTime,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    revocation_reason: Option<CrlReason>,
}

#[derive(Clone, Debug, Choice)]
enum CertStatusAsn1 {
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT")]
    Good(Null),
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", constructed = "true")]
    Revoked(RevokedInfo),
    #[asn1(context_specific = "2", tag_mode = "IMPLICIT")]
    Unknown(Null),
}

#[derive(Clone, Debug, Sequence)]
struct SingleResponseAsn1 {
    cert_id: CertIdAsn1,
    cert_status: CertStatusAsn1,
    this_update: GeneralizedTime,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    next_update: Option<GeneralizedTime>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    single_extensions: Option<Vec<Extension>>,
}

#[derive(Clone, Debug, Sequence)]
struct ResponseData {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    version: Option<u8>,
    responder_id: ResponderIdAsn1,
    produced_at: GeneralizedTime,
    responses: Vec<SingleResponseAsn1>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    response_extensions: Option<Vec<Extension>>,
}

#[derive(Clone, Debug, Sequence)]
struct BasicOcspResponse {
    tbs_response_data: ResponseData,
    signature_algorithm: AlgorithmIdentifierOwned,
    signature: BitString,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    certs: Option<Vec<x509_cert::Certificate>>,
}

// ---- Certificate identifiers ----

/// The hash a CertID is made with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertIdHash {
    /// SHA-1: what OpenSSL and most clients send by default.
    Sha1,
    /// SHA-256.
    Sha256,
    /// Streebog-256 (GOST R 34.11-2012).
    Streebog256,
}

impl CertIdHash {
    fn oid(self) -> ObjectIdentifier {
        match self {
            Self::Sha1 => SHA1_OID,
            Self::Sha256 => SHA256_OID,
            Self::Streebog256 => podpis_gost::oid::STREEBOG_256,
        }
    }

    fn from_oid(oid: &ObjectIdentifier) -> Option<Self> {
        [Self::Sha1, Self::Sha256, Self::Streebog256]
            .into_iter()
            .find(|h| &h.oid() == oid)
    }

    fn digest(self, bytes: &[u8]) -> Vec<u8> {
        match self {
            Self::Sha1 => Sha1::digest(bytes).to_vec(),
            Self::Sha256 => Sha256::digest(bytes).to_vec(),
            Self::Streebog256 => {
                podpis_gost::hash::digest(podpis_gost::Algorithm::Gost2012_256, bytes)
            }
        }
    }
}

/// Which certificate a request asks about: hashes of its issuer's name and key, and its serial.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertId(CertIdAsn1);

impl CertId {
    /// The identifier of the certificate with `serial` issued by `issuer`.
    pub fn new(hash: CertIdHash, issuer: &Certificate, serial: &[u8]) -> Result<Self, Error> {
        let (name_hash, key_hash) = issuer_hashes(hash, issuer);
        Ok(Self(CertIdAsn1 {
            hash_algorithm: AlgorithmIdentifierOwned {
                oid: hash.oid(),
                parameters: Some(Any::from(Null)),
            },
            issuer_name_hash: OctetString::new(name_hash).map_err(encoding)?,
            issuer_key_hash: OctetString::new(key_hash).map_err(encoding)?,
            serial_number: SerialNumber::new(serial).map_err(encoding)?,
        }))
    }

    /// The identifier of `cert`, issued by `issuer`.
    pub fn of(hash: CertIdHash, cert: &Certificate, issuer: &Certificate) -> Result<Self, Error> {
        Self::new(hash, issuer, cert.serial())
    }

    /// The serial number asked about (big-endian).
    pub fn serial(&self) -> &[u8] {
        self.0.serial_number.as_bytes()
    }

    /// The serial number in hex, as the CA lists it.
    pub fn serial_hex(&self) -> String {
        self.serial().iter().map(|b| format!("{b:02X}")).collect()
    }

    /// Whether this identifier names a certificate of `issuer` (false for a hash Podpis does not
    /// know).
    pub fn is_issued_by(&self, issuer: &Certificate) -> bool {
        let Some(hash) = CertIdHash::from_oid(&self.0.hash_algorithm.oid) else {
            return false;
        };
        let (name_hash, key_hash) = issuer_hashes(hash, issuer);
        self.0.issuer_name_hash.as_bytes() == name_hash
            && self.0.issuer_key_hash.as_bytes() == key_hash
    }

    /// Whether both identify the same certificate (the same issuer hashes need the same hash).
    fn same_certificate(&self, other: &CertId) -> bool {
        self.0.serial_number == other.0.serial_number
            && self.0.hash_algorithm.oid == other.0.hash_algorithm.oid
            && self.0.issuer_name_hash == other.0.issuer_name_hash
            && self.0.issuer_key_hash == other.0.issuer_key_hash
    }
}

/// The hashes of the issuer's name (DER) and of its public key (the BIT STRING's bytes).
fn issuer_hashes(hash: CertIdHash, issuer: &Certificate) -> (Vec<u8>, Vec<u8>) {
    let key = issuer
        .x509()
        .tbs_certificate()
        .subject_public_key_info()
        .subject_public_key
        .raw_bytes();
    (hash.digest(&issuer.subject_der()), hash.digest(key))
}

// ---- Requests ----

/// An OCSP request (unsigned, as nearly all are).
#[derive(Clone, Debug)]
pub struct OcspRequest {
    der: Vec<u8>,
    inner: OcspRequestAsn1,
}

impl OcspRequest {
    /// A request about `ids`, with a nonce when one is given (RFC 8954: 1–32 bytes).
    pub fn new(ids: &[CertId], nonce: Option<&[u8]>) -> Result<Self, Error> {
        if ids.is_empty() {
            return Err(Error::Ocsp(
                "a request asks about at least one certificate".into(),
            ));
        }
        let request_extensions = match nonce {
            Some(nonce) => Some(vec![nonce_extension(nonce)?]),
            None => None,
        };
        let inner = OcspRequestAsn1 {
            tbs_request: TbsRequest {
                version: None,
                requestor_name: None,
                request_list: ids
                    .iter()
                    .map(|id| RequestAsn1 {
                        req_cert: id.0.clone(),
                        single_request_extensions: None,
                    })
                    .collect(),
                request_extensions,
            },
            optional_signature: None,
        };
        Ok(Self {
            der: inner.to_der().map_err(encoding)?,
            inner,
        })
    }

    /// Parses a DER request; trailing bytes are an error.
    pub fn from_der(der: &[u8]) -> Result<Self, Error> {
        let inner = OcspRequestAsn1::from_der(der)
            .map_err(|e| Error::Ocsp(format!("not an OCSP request: {e}")))?;
        if inner.tbs_request.request_list.is_empty() {
            return Err(Error::Ocsp("the request asks about no certificate".into()));
        }
        Ok(Self {
            der: der.to_vec(),
            inner,
        })
    }

    /// The DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The certificates asked about.
    pub fn cert_ids(&self) -> Vec<CertId> {
        self.inner
            .tbs_request
            .request_list
            .iter()
            .map(|r| CertId(r.req_cert.clone()))
            .collect()
    }

    /// The nonce, if the request has one.
    pub fn nonce(&self) -> Option<Vec<u8>> {
        find_nonce(self.inner.tbs_request.request_extensions.as_deref())
    }
}

/// The nonce extension: the nonce in an OCTET STRING inside extnValue (RFC 8954 §2.1).
fn nonce_extension(nonce: &[u8]) -> Result<Extension, Error> {
    if nonce.is_empty() || nonce.len() > 32 {
        return Err(Error::Ocsp("a nonce is 1 to 32 bytes".into()));
    }
    crate::encode::extension(&OctetString::new(nonce).map_err(encoding)?, NONCE, false)
}

fn find_nonce(extensions: Option<&[Extension]>) -> Option<Vec<u8>> {
    let ext = extensions?.iter().find(|e| e.extn_id == NONCE)?;
    let value = ext.extn_value.as_bytes();
    // Some old clients put the bare nonce in extnValue; take it as it is then.
    Some(
        OctetString::from_der(value)
            .map(|o| o.as_bytes().to_vec())
            .unwrap_or_else(|_| value.to_vec()),
    )
}

// ---- Responses ----

/// A certificate's status, as a responder states it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertStatus {
    /// Not revoked.
    Good,
    /// Revoked at `time`, for `reason` when one was given.
    Revoked {
        /// When the certificate was revoked.
        time: SystemTime,
        /// Why.
        reason: Option<Reason>,
    },
    /// The responder does not know the certificate.
    Unknown,
}

impl core::fmt::Display for CertStatus {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Good => f.write_str("good"),
            Self::Revoked {
                reason: Some(reason),
                ..
            } => write!(f, "revoked ({reason})"),
            Self::Revoked { reason: None, .. } => f.write_str("revoked"),
            Self::Unknown => f.write_str("unknown"),
        }
    }
}

/// One certificate's status in a response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SingleStatus {
    /// The certificate.
    pub cert_id: CertId,
    /// Its status.
    pub status: CertStatus,
    /// When the status was known to be correct.
    pub this_update: SystemTime,
    /// When newer information will be available.
    pub next_update: Option<SystemTime>,
}

/// What a signed response says.
#[derive(Clone, Debug)]
pub struct ResponseParams {
    /// When the response is signed.
    pub produced_at: SystemTime,
    /// The statuses, one per certificate asked about.
    pub statuses: Vec<SingleStatus>,
    /// The request's nonce, echoed.
    pub nonce: Option<Vec<u8>>,
}

/// An OCSP response: an error status alone, or signed statuses.
#[derive(Clone, Debug)]
pub struct OcspResponse {
    der: Vec<u8>,
    status: ResponseStatus,
    basic: Option<Basic>,
}

/// The parts of a BasicOCSPResponse the checks need.
#[derive(Clone, Debug)]
struct Basic {
    der: Vec<u8>,
    inner: BasicOcspResponse,
}

impl OcspResponse {
    /// A response that carries only an error status (unsigned, as RFC 6960 has them).
    pub fn error(status: ResponseStatus) -> Self {
        let inner = OcspResponseAsn1 {
            response_status: status,
            response_bytes: None,
        };
        Self {
            der: inner.to_der().expect("an error response encodes"),
            status,
            basic: None,
        }
    }

    /// Signs `params` with `key`, whose certificate `responder` is the CA itself or a delegated
    /// responder it certified (the response carries it, so clients can check it).
    pub fn sign(
        params: &ResponseParams,
        key: &dyn Signer,
        responder: &Certificate,
    ) -> Result<Self, Error> {
        if crate::encode::public_key_of(key)?
            != *responder.x509().tbs_certificate().subject_public_key_info()
        {
            return Err(Error::Ocsp(
                "the signing key does not belong to the responder certificate".into(),
            ));
        }
        let mut responses = Vec::with_capacity(params.statuses.len());
        for s in &params.statuses {
            responses.push(SingleResponseAsn1 {
                cert_id: s.cert_id.0.clone(),
                cert_status: match s.status {
                    CertStatus::Good => CertStatusAsn1::Good(Null),
                    CertStatus::Unknown => CertStatusAsn1::Unknown(Null),
                    CertStatus::Revoked { time, reason } => CertStatusAsn1::Revoked(RevokedInfo {
                        revocation_time: generalized(time)?,
                        revocation_reason: reason.map(Reason::code),
                    }),
                },
                this_update: generalized(s.this_update)?,
                next_update: s.next_update.map(generalized).transpose()?,
                single_extensions: None,
            });
        }
        let data = ResponseData {
            version: None,
            responder_id: ResponderIdAsn1::ByName(
                responder.x509().tbs_certificate().subject().clone(),
            ),
            produced_at: generalized(params.produced_at)?,
            responses,
            response_extensions: match &params.nonce {
                Some(nonce) => Some(vec![nonce_extension(nonce)?]),
                None => None,
            },
        };
        let signed = data.to_der().map_err(encoding)?;
        let signature = key
            .sign(&signed)
            .map_err(|e| Error::Signing(e.to_string()))?;
        let basic = BasicOcspResponse {
            tbs_response_data: data,
            signature_algorithm: key.signature_algorithm(),
            signature: BitString::from_bytes(&signature).map_err(encoding)?,
            // Always carried, the CA's own too: OpenSSL looks for the signer only there.
            certs: Some(vec![responder.x509().clone()]),
        };
        let outer = OcspResponseAsn1 {
            response_status: ResponseStatus::Successful,
            response_bytes: Some(ResponseBytes {
                response_type: BASIC,
                response: OctetString::new(basic.to_der().map_err(encoding)?).map_err(encoding)?,
            }),
        };
        Self::from_der(&outer.to_der().map_err(encoding)?)
    }

    /// Parses a DER response; trailing bytes are an error.
    pub fn from_der(der: &[u8]) -> Result<Self, Error> {
        let malformed = |e: der::Error| Error::Ocsp(format!("not an OCSP response: {e}"));
        let outer = OcspResponseAsn1::from_der(der).map_err(malformed)?;
        let basic = match (&outer.response_status, outer.response_bytes) {
            (ResponseStatus::Successful, Some(bytes)) => {
                if bytes.response_type != BASIC {
                    return Err(Error::Ocsp(format!(
                        "unknown response type {}",
                        bytes.response_type
                    )));
                }
                let der = bytes.response.as_bytes().to_vec();
                let inner = BasicOcspResponse::from_der(&der).map_err(malformed)?;
                Some(Basic { der, inner })
            }
            (ResponseStatus::Successful, None) => {
                return Err(Error::Ocsp("a successful response without statuses".into()));
            }
            _ => None,
        };
        Ok(Self {
            der: der.to_vec(),
            status: outer.response_status,
            basic,
        })
    }

    /// The DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The response status.
    pub fn status(&self) -> ResponseStatus {
        self.status
    }

    /// When the response was signed (none for an error response).
    pub fn produced_at(&self) -> Option<SystemTime> {
        self.basic
            .as_ref()
            .map(|b| b.inner.tbs_response_data.produced_at.to_system_time())
    }

    /// The nonce echoed, if any.
    pub fn nonce(&self) -> Option<Vec<u8>> {
        find_nonce(
            self.basic
                .as_ref()?
                .inner
                .tbs_response_data
                .response_extensions
                .as_deref(),
        )
    }

    /// The statuses in the response (empty for an error response). A status whose revocation
    /// reason is not one RFC 5280 names reads as revoked without a reason.
    pub fn statuses(&self) -> Vec<SingleStatus> {
        let Some(basic) = &self.basic else {
            return Vec::new();
        };
        basic
            .inner
            .tbs_response_data
            .responses
            .iter()
            .map(|r| SingleStatus {
                cert_id: CertId(r.cert_id.clone()),
                status: match &r.cert_status {
                    CertStatusAsn1::Good(_) => CertStatus::Good,
                    CertStatusAsn1::Unknown(_) => CertStatus::Unknown,
                    CertStatusAsn1::Revoked(info) => CertStatus::Revoked {
                        time: info.revocation_time.to_system_time(),
                        reason: info.revocation_reason.and_then(Reason::from_code),
                    },
                },
                this_update: r.this_update.to_system_time(),
                next_update: r.next_update.map(|t| t.to_system_time()),
            })
            .collect()
    }

    /// The certificates the response carries (a delegated responder's).
    pub fn certificates(&self) -> Result<Vec<Certificate>, Error> {
        let Some(basic) = &self.basic else {
            return Ok(Vec::new());
        };
        basic
            .inner
            .certs
            .iter()
            .flatten()
            .map(|c| Certificate::from_der(&c.to_der().map_err(encoding)?))
            .collect()
    }

    /// Checks who signed the response: `issuer` itself, or a responder certificate in the
    /// response that `issuer` signed, that allows OCSP signing and is valid at `time`
    /// (RFC 6960 §4.2.2.2). Returns the signer's certificate.
    pub fn verify(&self, issuer: &Certificate, time: SystemTime) -> Result<Certificate, Error> {
        let basic = self
            .basic
            .as_ref()
            .ok_or_else(|| Error::Ocsp(format!("the responder answered {:?}", self.status)))?;
        let data = &basic.inner.tbs_response_data;
        let responder = if responder_matches(&data.responder_id, issuer) {
            issuer.clone()
        } else {
            let candidate = self
                .certificates()?
                .into_iter()
                .find(|c| responder_matches(&data.responder_id, c))
                .ok_or_else(|| {
                    Error::Ocsp("the response is signed neither by the CA nor by a responder certificate it carries".into())
                })?;
            candidate
                .verify_issued_by(issuer)
                .map_err(|e| Error::Ocsp(format!("the responder certificate: {e}")))?;
            let facts = crate::validate::facts::Facts::of(&candidate);
            if !facts
                .eku
                .as_ref()
                .is_some_and(|eku| eku.contains(&OCSP_SIGNING))
            {
                return Err(Error::Ocsp(
                    "the responder certificate does not allow OCSP signing (id-kp-OCSPSigning)"
                        .into(),
                ));
            }
            let (from, to) = candidate.validity();
            let at = time.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
            if at < from || at > to {
                return Err(Error::Ocsp(
                    "the responder certificate is not valid at the time".into(),
                ));
            }
            candidate
        };
        let range = signed_range(&basic.der)
            .ok_or_else(|| Error::Ocsp("bad BasicOCSPResponse encoding".into()))?;
        crate::signed::verify(
            basic.inner.signature_algorithm.oid,
            responder.public_key()?,
            &basic.der[range],
            &basic.inner.signature,
        )?;
        Ok(responder)
    }

    /// The status of `id` in this response, if the response names it.
    pub fn status_of(&self, id: &CertId) -> Option<SingleStatus> {
        self.statuses()
            .into_iter()
            .find(|s| s.cert_id.same_certificate(id))
    }
}

/// Whether `id` names `cert` (by subject name, or by the SHA-1 hash of its key).
fn responder_matches(id: &ResponderIdAsn1, cert: &Certificate) -> bool {
    match id {
        ResponderIdAsn1::ByName(name) => {
            name.to_der().ok().as_deref() == Some(cert.subject_der().as_slice())
        }
        ResponderIdAsn1::ByKey(hash) => {
            let key = cert
                .x509()
                .tbs_certificate()
                .subject_public_key_info()
                .subject_public_key
                .raw_bytes();
            hash.as_bytes() == Sha1::digest(key).as_slice()
        }
    }
}

fn generalized(t: SystemTime) -> Result<GeneralizedTime, Error> {
    GeneralizedTime::from_system_time(t).map_err(|e| Error::Validity(e.to_string()))
}

/// Answers `request` for `issuer`: each certificate of this issuer gets the status `lookup`
/// gives for its serial; a certificate of another issuer gets `unknown`. The nonce is echoed.
pub fn respond(
    request: &OcspRequest,
    issuer: &Certificate,
    lookup: impl Fn(&[u8]) -> CertStatus,
    key: &dyn Signer,
    responder: &Certificate,
    now: SystemTime,
    next_update: Option<SystemTime>,
) -> Result<OcspResponse, Error> {
    let statuses = request
        .cert_ids()
        .into_iter()
        .map(|id| SingleStatus {
            status: if id.is_issued_by(issuer) {
                lookup(id.serial())
            } else {
                CertStatus::Unknown
            },
            cert_id: id,
            this_update: now,
            next_update,
        })
        .collect();
    OcspResponse::sign(
        &ResponseParams {
            produced_at: now,
            statuses,
            nonce: request.nonce(),
        },
        key,
        responder,
    )
}

/// A short name for a response status, as OpenSSL prints it.
pub fn status_name(status: ResponseStatus) -> &'static str {
    match status {
        ResponseStatus::Successful => "successful",
        ResponseStatus::MalformedRequest => "malformedrequest",
        ResponseStatus::InternalError => "internalerror",
        ResponseStatus::TryLater => "trylater",
        ResponseStatus::SigRequired => "sigrequired",
        ResponseStatus::Unauthorized => "unauthorized",
    }
}
